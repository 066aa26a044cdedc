"""PAdES signatures with pyHanko: B-LT (validation data embedded) with an RFC 3161 timestamp, a visible stamp.

RULES.md §13 [S]/[V]: an issued e-result is a PDF signed by the agency (PAdES); with pyHanko, B-LT with an RFC 3161
timestamp; Vietnamese stamp text needs an embedded OpenType font (``pyhanko[opentype]``). The stamp names the agency,
the signer and the time, in Vietnamese, in the font ``MOTCUA_SIGNING_FONT`` (DejaVu Sans by default, Debian's
``fonts-dejavu-core``; docs/decisions.md), with a QR code to the verification page.

This module knows keys, not agencies: the signers of the ``signing`` edge (``integrations.contrib.local_signer``)
choose the key and call it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko import stamp
from pyhanko.pdf_utils import layout, text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator import ValidationContext

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


def der_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or many) or one DER."""
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


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


@functools.cache
def _font_at_1000_upem(font_path: str) -> str:
    """The font, with its units per em scaled to 1000 when they are not (cached in a temporary file).

    pyHanko 0.38 writes a CID font's widths (``/W``) in the font's own units, which PDF reads as thousandths of an
    em: a font of 2048 units per em (DejaVu Sans) is drawn with every glyph advanced twice as far. Scaling the font
    to 1000 units with fontTools makes both agree; the outlines are unchanged in shape (docs/decisions.md).
    """
    font = TTFont(font_path)
    if font["head"].unitsPerEm == 1000:
        return font_path
    scale_upem(font, 1000)
    digest = hashlib.sha256(Path(font_path).read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"motcua-font-{digest}-1000.ttf"
    if not target.exists():
        partial = target.with_suffix(f".{os.getpid()}.part")
        font.save(partial)
        partial.replace(target)
    return str(target)


def stamp_style(font_path: str | Path = DEFAULT_FONT) -> stamp.QRStampStyle:
    # the engine's size and the box's must agree, or every line after the first drifts (pyHanko issue #733)
    font = GlyphAccumulatorFactory(_font_at_1000_upem(str(font_path)), font_size=FONT_SIZE)
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


def load_pkcs12(data: bytes, password: bytes) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=None, passphrase=password)
    if signer is None:
        raise ValueError("the PKCS#12 file could not be read (wrong password?)")
    return signer
