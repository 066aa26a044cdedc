"""A PKI of the tests' own (generated once per session in a temporary directory) and the stand-in TSA in a thread.

Besides the demo-shaped PKI (a CA, two agencies, a TSA), a second CA nobody trusts and a certificate that expired
before it was used, for the verdicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pyhanko.sign import signers

from motcua.integrations.contrib.local_signer.tsa_standin import TsaServer, serve_in_thread
from motcua.signatures import pades, pki
from motcua.signatures.certs import der_certificates

AGENCY = "999.00.27.H55"  # the demo catalogue's UBND phường Phan Đình Phùng
AGENCY_NAME = "UBND phường Phan Đình Phùng"
PASSWORD = "mat-khau-thu"


@dataclass(frozen=True)
class TestPki:
    directory: Path
    demo: pki.DemoPki
    stranger: signers.SimpleSigner  # issued by a CA outside the trust list
    expired: signers.SimpleSigner  # issued by the trusted CA, expired yesterday

    @property
    def roots(self) -> list[Any]:
        return der_certificates(self.demo.ca_pem)

    @property
    def crls(self) -> list[bytes]:
        return [(self.directory / "ca.crl").read_bytes()]

    def signer(self, agency: str = AGENCY) -> signers.SimpleSigner:
        return pades.load_pkcs12(self.demo.p12_path(agency).read_bytes(), self.demo.password)

    def context(self) -> Any:
        return pades.validation_context(self.roots, self.crls)


def _simple(issued: pki.Issued, ca: pki.Issued) -> signers.SimpleSigner:
    return pades.load_pkcs12(pki.pkcs12_bytes(issued, ca, b"x", name="t"), b"x")


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    directory = tmp_path_factory.mktemp("pki")
    demo, _ = pki.ensure_demo_pki(
        directory, [(AGENCY, AGENCY_NAME), ("999.00.28.H55", "UBND phường Quyết Thắng")], password=PASSWORD
    )
    other_ca = pki.make_ca("Một CA lạ")
    stranger = _simple(pki.issue(other_ca, "Người lạ"), other_ca)
    ca = pki.load_ca(directory)
    now = datetime.now(UTC)
    expired = pki.issue(ca, "Chứng thư hết hạn", not_before=now - timedelta(days=30), not_after=now - timedelta(days=1))
    return TestPki(directory, demo, stranger, _simple(expired, ca))


@pytest.fixture(scope="session")
def tsa(test_pki: TestPki) -> Iterator[tuple[TsaServer, str]]:
    server, url = serve_in_thread(test_pki.directory)
    yield server, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def tsa_url(tsa: tuple[TsaServer, str]) -> Iterator[str]:
    server, url = tsa
    with server.state.lock:
        server.state.failure = None
    yield url
    with server.state.lock:
        server.state.failure = None


@pytest.fixture
def signing_settings(settings: Any, test_pki: TestPki, tsa_url: str) -> Any:
    """The local signer configured on the test PKI and the stand-in TSA."""
    settings.MOTCUA_SIGNING_DIR = test_pki.directory
    settings.MOTCUA_SIGNING_P12_PASSWORD = PASSWORD
    settings.MOTCUA_TSA_URL = tsa_url
    settings.MOTCUA_SIGNING_TRUST_ROOTS = [str(test_pki.directory / "ca.pem")]
    settings.MOTCUA_SIGNING_CRLS = [str(test_pki.directory / "ca.crl")]
    return settings
