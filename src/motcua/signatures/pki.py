"""The demo public-key infrastructure: a certification authority, one certificate per agency, a timestamp unit.

Generated with ``cryptography`` at the demo's first run (``motcua signing-setup``, called by ``motcua demo``) and by
the tests in a temporary directory; never committed. In production the agencies' keys and certificates come from
the Government's certification authority (VGCA, Ban Cơ yếu Chính phủ; Decree 68/2024/NĐ-CP, RULES.md §13 [S]) and
the trust list holds its roots; this module only makes a stand-in with the same shape:

``<dir>/ca.pem``, ``ca.key``            the root (self-signed, 10 years), its key
``<dir>/ca.crl``                        its certificate revocation list (DER), embedded in each signature (B-LT)
``<dir>/agencies/<identifier>.p12``     one PKCS#12 per agency: key, certificate, and the CA
``<dir>/tsa.pem``, ``tsa.key``          the timestamp unit's certificate (extended key usage timeStamping) and key
``<dir>/p12_password``                  the PKCS#12 password (generated; or ``MOTCUA_SIGNING_P12_PASSWORD``)

Keys are RSA 2048 (read by every PDF reader and by poppler's ``pdfsig``); see docs/decisions.md.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_SIZE = 2048
CA_NAME = "motcua demo CA (không dùng thật)"


@dataclass(frozen=True)
class Issued:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


#: X.520's upper bound (RFC 5280 Appendix A) on a common name or an organisation: 64.
UB_NAME = 64


def _fit(value: str) -> str:
    """At most 64 — counted in UTF-8 bytes, as ``cryptography`` checks it (Vietnamese letters take 2–3 each)."""
    value = " ".join(value.split())
    while len(value.encode()) > UB_NAME:
        value = value[:-1]
    return value.rstrip()


def _name(common_name: str, organisation: str = "motcua demo") -> x509.Name:
    """The subject: agency names run longer than X.520 allows, so they are cut (the stamp prints the whole name)."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def make_ca(common_name: str = CA_NAME, *, now: datetime | None = None, years: int = 10) -> Issued:
    """A self-signed root that may issue certificates (and nothing else)."""
    now = now or datetime.now(UTC)
    key = _key()
    name = _name(common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, certificate)


def issue(
    ca: Issued,
    common_name: str,
    *,
    organisation: str = "motcua demo",
    timestamping: bool = False,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    crl_url: str = "",
) -> Issued:
    """A certificate for a signer (an agency's seal: digital signature + non-repudiation) or, with
    ``timestamping``, for a timestamp unit (its only extended key usage, critical, RFC 3161 §2.3)."""
    now = datetime.now(UTC)
    key = _key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365 * 3))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if timestamping:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


def make_crl(ca: Issued, *, revoked: Iterable[x509.Certificate] = (), days: int = 365) -> bytes:
    """The CA's revocation list (DER), valid for ``days``."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + timedelta(days=days))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(now - timedelta(minutes=1))
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def pkcs12_bytes(issued: Issued, ca: Issued, password: bytes, *, name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name.encode(),
        issued.key,
        issued.certificate,
        [ca.certificate],
        serialization.BestAvailableEncryption(password),
    )


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def file_name_for(agency_identifier: str) -> str:
    """The PKCS#12 file of an agency: its electronic identifier, made safe as a file name."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", agency_identifier) + ".p12"


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    path.write_bytes(data)
    if secret:
        path.chmod(0o600)


@dataclass(frozen=True)
class DemoPki:
    directory: Path

    @property
    def ca_pem(self) -> bytes:
        return (self.directory / "ca.pem").read_bytes()

    @property
    def password(self) -> bytes:
        return (self.directory / "p12_password").read_bytes().strip()

    def p12_path(self, agency_identifier: str) -> Path:
        return self.directory / "agencies" / file_name_for(agency_identifier)


def ensure_demo_pki(
    directory: Path,
    agencies: Iterable[tuple[str, str]],
    *,
    password: str = "",
    crl_url: str = "",
) -> tuple[DemoPki, int]:
    """Create what is missing under ``directory`` (the CA and the TSA once; a PKCS#12 for each
    ``(identifier, name)`` agency without one); returns the PKI and how many files were made. Idempotent."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "agencies").mkdir(exist_ok=True)
    made = 0
    password_file = directory / "p12_password"
    if not password_file.exists():
        _write(password_file, (password or secrets.token_urlsafe(18)).encode(), secret=True)
        made += 1
    if not (directory / "ca.pem").exists():
        ca = make_ca()
        _write(directory / "ca.key", key_pem(ca.key), secret=True)
        _write(directory / "ca.pem", ca.pem)
        for stale in ("ca.crl", "tsa.pem", "tsa.key"):
            (directory / stale).unlink(missing_ok=True)
        for stale in (directory / "agencies").glob("*.p12"):
            stale.unlink()
        made += 2
    ca = load_ca(directory)
    if not (directory / "ca.crl").exists():
        _write(directory / "ca.crl", make_crl(ca))
        made += 1
    if not (directory / "tsa.pem").exists():
        tsa = issue(ca, "motcua demo TSA", timestamping=True)
        _write(directory / "tsa.key", key_pem(tsa.key), secret=True)
        _write(directory / "tsa.pem", tsa.pem)
        made += 1
    pki = DemoPki(directory)
    for identifier, name in agencies:
        path = pki.p12_path(identifier)
        if path.exists():
            continue
        issued = issue(ca, name, organisation=name, crl_url=crl_url)
        _write(path, pkcs12_bytes(issued, ca, pki.password, name=name), secret=True)
        made += 1
    return pki, made


def load_ca(directory: Path) -> Issued:
    key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return Issued(key, x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes()))


def fingerprint(certificate_der: bytes) -> str:
    """SHA-256 of the certificate, as hex pairs (the form certificate viewers show)."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(certificate_der)
    return ":".join(f"{b:02X}" for b in digest.finalize())
