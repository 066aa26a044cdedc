"""PAdES signatures with pyHanko: B-LT (validation data embedded) with an RFC 3161 timestamp, a visible stamp.

RULES.md §13 [S]/[V]: an issued e-result is a PDF signed by the agency (PAdES); with pyHanko, B-LT with an RFC 3161
timestamp; Vietnamese stamp text needs an embedded OpenType font (``pyhanko[opentype]``). The stamp names the agency,
the signer and the time, in Vietnamese, in the font ``MOTCUA_SIGNING_FONT`` (DejaVu Sans by default, Debian's
``fonts-dejavu-core``; docs/decisions.md), with a QR code to the verification page.

This module knows keys, not agencies: the signers of the ``signing`` edge (``integrations.contrib.local_signer``)
choose the key and call it.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import cms as asn1_cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko import stamp
from pyhanko.pdf_utils import layout, text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import async_add_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FIELD_NAME = "ChuKyCoQuan"  # "the agency's signature"
STAMP_WIDTH, STAMP_HEIGHT, MARGIN, FONT_SIZE = 270, 80, 24, 8


@dataclass(frozen=True)
class StampText:
    """What the visible stamp says (every line in Vietnamese)."""

    agency: str
    signer: str
    signed_at: datetime  # shown in the stamp as dd/mm/yyyy HH:MM (the caller's time zone)
    verification_url: str

    def lines(self) -> str:
        moment = self.signed_at.strftime("%d/%m/%Y %H:%M")
        return "\n".join(
            [
                "Ký bởi: " + _one_line(self.agency),
                "Người ký: " + _one_line(self.signer),
                "Thời gian ký: " + moment,
                "Kiểm tra: quét mã QR",
            ]
        )


def _one_line(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 44 else value[:43] + "…"


def validation_context(
    trust_roots: Sequence[asn1_x509.Certificate],
    crls: Sequence[bytes] = (),
    *,
    moment: datetime | None = None,
) -> ValidationContext:
    """Offline validation: the trust list, the revocation lists we hold; never a network fetch."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        crls=[asn1_crl.CertificateList.load(c) for c in crls],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
    )


#: The characters a stamp may need: Latin with every Vietnamese letter (precomposed and combining), punctuation, ₫.
STAMP_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    0x20AB,
]


@functools.cache
def stamp_font(font_path: str) -> str:
    """The stamp's font file: ``font_path`` cut to :data:`STAMP_CHARACTERS` and scaled to 1000 units per em, made
    once per font and kept in the temporary directory.

    - pyHanko 0.38 writes a CID font's widths (``/W``) in the font's own units, which PDF reads as thousandths of an
      em: a font of 2048 units per em (DejaVu Sans) is drawn with every glyph advanced twice as far. Scaling it to
      1000 units with fontTools makes both agree; the outlines keep their shape.
    - Subsetting the whole DejaVu Sans (6,000 glyphs, large layout tables) at each signature costs more than a
      second; cut to the characters a Vietnamese stamp uses, it costs milliseconds (docs/decisions.md).
    """
    digest = hashlib.sha256(Path(font_path).read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"motcua-stamp-font-{digest}.ttf"
    if target.exists():
        return str(target)
    font = TTFont(font_path)
    options = subset.Options()
    options.layout_features = ["ccmp", "locl", "mark", "mkmk"]  # marks for combining accents; no kerning tables
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=STAMP_CHARACTERS)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(partial)
    partial.replace(target)
    return str(target)


def stamp_style(font_path: str | Path = DEFAULT_FONT) -> stamp.QRStampStyle:
    # the engine's size and the box's must agree, or every line after the first drifts (pyHanko issue #733)
    font = GlyphAccumulatorFactory(stamp_font(str(font_path)), font_size=FONT_SIZE)
    return stamp.QRStampStyle(
        stamp_text="%(lines)s",
        text_box_style=text.TextBoxStyle(font=font, font_size=FONT_SIZE, leading=FONT_SIZE + 3),
        border_width=1,
        innsep=4,
        qr_inner_size=62,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID
        ),
    )


def stamp_box(pdf: bytes) -> tuple[int, int, int, int]:
    """Bottom right of the last page."""
    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]
    last = reader.find_page_for_modification(int(page["/Count"]) - 1)[0].get_object()
    box = [float(v) for v in (last.get("/MediaBox") or page["/MediaBox"])]
    right = int(box[2]) - MARGIN
    bottom = int(box[1]) + MARGIN
    return right - STAMP_WIDTH, bottom, right, bottom + STAMP_HEIGHT


def sign(
    pdf: bytes,
    signer: signers.Signer,
    *,
    stamp_text: StampText,
    reason: str,
    location: str,
    timestamper: TimeStamper | None,
    context: ValidationContext | None,
    font_path: str | Path = DEFAULT_FONT,
    embed_validation_info: bool = True,
) -> bytes:
    """``pdf`` signed by ``signer``: PAdES (ETSI.CAdES.detached), SHA-256, a timestamp from ``timestamper``, and
    (``embed_validation_info``) the certificates and revocation lists of ``context`` in the document security
    store: B-LT. Raises pyHanko's errors (``SigningError``, ``TimestampRequestError``) unchanged."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=stamp_text.signer,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed_validation_info and context is not None,
        validation_context=context,
        use_pades_lta=False,
    )
    page_count = int(writer.root["/Pages"]["/Count"])
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=page_count - 1, box=stamp_box(pdf))
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper, stamp_style=stamp_style(font_path), new_field_spec=spec
    )
    out = pdf_signer.sign_pdf(
        writer, appearance_text_params={"url": stamp_text.verification_url, "lines": stamp_text.lines()}
    )
    return out.getvalue()


class KeyedSigner(signers.SimpleSigner):
    """pyHanko's ``SimpleSigner`` that parses its RSA key once: the original loads (and validates) the key again for
    every raw signature, twice per PDF signature (size estimate, then the signature), about 0.15 s each here."""

    _loaded: RSAPrivateKey | None = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism["algorithm"].native not in {"rsassa_pkcs1v15", "sha256_rsa"}:
            return super().sign_raw(data, digest_algorithm)
        if self._loaded is None:
            key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            if not isinstance(key, RSAPrivateKey):
                return super().sign_raw(data, digest_algorithm)
            self._loaded = key
        return self._loaded.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@dataclass(frozen=True)
class PreparedSignature:
    """A document prepared for a signature made elsewhere (pyHanko's interrupted signing), in plain bytes so that it
    can be kept in the database between worker attempts and finished by another process: the PDF with its
    placeholder, the byte range's digest and where the placeholder lies, the CMS signed attributes (DER), and the
    SHA-256 of those attributes — what the remote service signs."""

    pdf: bytes
    document_digest: bytes
    reserved_region_start: int
    reserved_region_end: int
    signed_attributes: bytes
    to_sign: bytes


def sign_interrupted(
    pdf: bytes,
    certificate: asn1_x509.Certificate,
    chain: Sequence[asn1_x509.Certificate],
    ask: Callable[[bytes], bytes],
    *,
    stamp_text: StampText,
    reason: str,
    location: str,
    timestamper: TimeStamper | None,
    context: ValidationContext | None,
    font_path: str | Path = DEFAULT_FONT,
) -> bytes:
    """``pdf`` signed by a key we never hold, in one go: :func:`prepare_interrupted`, ``ask(sha256 of the CMS
    signed attributes)`` for the raw RSA PKCS#1 v1.5 signature, :func:`finish_interrupted` (RULES.md §13: remote
    signing fits pyHanko's interrupted signing). The remote signer does the three steps in separate attempts."""
    prepared = prepare_interrupted(
        pdf, certificate, chain, stamp_text=stamp_text, reason=reason, location=location, font_path=font_path
    )
    return finish_interrupted(
        prepared, certificate, chain, ask(prepared.to_sign), timestamper=timestamper, context=context
    )


def prepare_interrupted(
    pdf: bytes,
    certificate: asn1_x509.Certificate,
    chain: Sequence[asn1_x509.Certificate],
    *,
    stamp_text: StampText,
    reason: str,
    location: str,
    font_path: str | Path = DEFAULT_FONT,
) -> PreparedSignature:
    """The document prepared (field, stamp, placeholder) and digested; nothing is signed yet."""
    return asyncio.run(_prepare(pdf, certificate, chain, stamp_text, reason, location, str(font_path)))


async def _prepare(
    pdf: bytes,
    certificate: asn1_x509.Certificate,
    chain: Sequence[asn1_x509.Certificate],
    stamp_text: StampText,
    reason: str,
    location: str,
    font_path: str,
) -> PreparedSignature:
    registry = SimpleCertificateStore.from_certs([certificate, *chain])
    placeholder = signers.ExternalSigner(certificate, registry, signature_value=256)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=stamp_text.signer,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_count = int(writer.root["/Pages"]["/Count"])
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=page_count - 1, box=stamp_box(pdf))
    # room for the timestamp token added when the signature comes back (the TSA's token is not asked for now)
    pdf_signer = signers.PdfSigner(meta, signer=placeholder, stamp_style=stamp_style(font_path), new_field_spec=spec)
    prepared, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
        writer,
        appearance_text_params={"url": stamp_text.verification_url, "lines": stamp_text.lines()},
        bytes_reserved=TIMESTAMPED_SIGNATURE_BYTES,
    )
    signed_attrs = await placeholder.signed_attrs(prepared.document_digest, "sha256", use_pades=True)
    output.seek(0)
    return PreparedSignature(
        pdf=output.read(),
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_region_start,
        reserved_region_end=prepared.reserved_region_end,
        signed_attributes=signed_attrs.dump(),
        to_sign=hashlib.sha256(signed_attrs.dump()).digest(),
    )


#: Bytes reserved for the CMS of a remote signature with its timestamp token and certificates (hex doubles it):
#: measured here at about 7,000 for RSA-2048 with a chain of two and the stand-in TSA's token; kept generous.
TIMESTAMPED_SIGNATURE_BYTES = 16384


def finish_interrupted(
    prepared: PreparedSignature,
    certificate: asn1_x509.Certificate,
    chain: Sequence[asn1_x509.Certificate],
    signature: bytes,
    *,
    timestamper: TimeStamper | None,
    context: ValidationContext | None,
) -> bytes:
    """The prepared document completed with ``signature`` (the raw signature of ``prepared.to_sign``): the CMS
    with its signature timestamp embedded, then the validation data added (B-LT) in an incremental update."""
    return asyncio.run(_finish(prepared, certificate, chain, signature, timestamper, context))


async def _finish(
    prepared: PreparedSignature,
    certificate: asn1_x509.Certificate,
    chain: Sequence[asn1_x509.Certificate],
    signature: bytes,
    timestamper: TimeStamper | None,
    context: ValidationContext | None,
) -> bytes:
    registry = SimpleCertificateStore.from_certs([certificate, *chain])
    remote = signers.ExternalSigner(certificate, registry, signature_value=signature)
    signed_attrs = asn1_cms.CMSAttributes.load(prepared.signed_attributes)
    cms = await remote.async_sign_prescribed_attributes("sha256", signed_attrs=signed_attrs, timestamper=timestamper)
    output = io.BytesIO(prepared.pdf)
    digest = PreparedByteRangeDigest(
        prepared.document_digest, prepared.reserved_region_start, prepared.reserved_region_end
    )
    await PdfTBSDocument.async_finish_signing(output, digest, cms)
    if context is None:
        return output.getvalue()
    reader = PdfFileReader(io.BytesIO(output.getvalue()), strict=False)
    embedded = reader.embedded_signatures[-1]
    updated = await async_add_validation_info(embedded, context, output=io.BytesIO())
    updated.seek(0)
    return updated.read()


def load_pkcs12(data: bytes, password: bytes) -> signers.SimpleSigner:
    loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=None, passphrase=password)
    if loaded is None:
        raise ValueError("the PKCS#12 file could not be read (wrong password?)")
    return KeyedSigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )
