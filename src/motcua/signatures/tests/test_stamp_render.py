"""The visible stamp's Vietnamese text renders: the stamp of a fixed signature, rendered by poppler's ``pdftoppm``,
matches the committed reference image (``stamp_reference.png``) within a tolerance.

Deterministic: fixed agency, signer, time and URL, a blank A4 page (no timestamp: the token is not drawn). The
tolerance absorbs anti-aliasing differences between poppler and FreeType versions; a missing glyph, a wrong font or
text drawn letter by letter apart (pyHanko's advance widths at 2048 units per em) changes far more pixels.
Regenerate after a deliberate change of the stamp: ``MOTCUA_WRITE_REFERENCE=1 pytest <this file>``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageChops

from motcua.signatures import pades

REFERENCE = Path(__file__).with_name("stamp_reference.png")
#: Share of the stamp's pixels that may differ (grey level beyond 64 out of 255).
TOLERANCE = 0.01


def _blank_a4() -> bytes:
    """A blank A4 page, written by hand with its cross-reference table (no library in the way of determinism)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _render(pdf: bytes, tmp_path: Path) -> Image.Image:
    assert shutil.which("pdftoppm"), "poppler-utils is required (apt-get install poppler-utils; .ci/run installs it)"
    source = tmp_path / "stamped.pdf"
    source.write_bytes(pdf)
    left, bottom, right, top = pades.stamp_box(pdf)
    scale = 100 / 72
    crop = ["-x", str(int(left * scale)), "-y", str(int((842 - top) * scale))]
    crop += ["-W", str(int((right - left) * scale) + 1), "-H", str(int((top - bottom) * scale) + 1)]
    out = subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", *crop, str(source)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(out)).convert("L")


def test_the_vietnamese_stamp_renders_as_the_reference(test_pki, tmp_path: Path) -> None:
    stamp = pades.StampText(
        agency="UBND phường Phan Đình Phùng",
        signer="Nguyễn Thị Hồng Nhung",
        signed_at=datetime(2026, 12, 1, 9, 30),
        verification_url="https://motcua.example.vn/verify/?code=999.00.27.H55-261201-0001",
    )
    pdf = pades.sign(
        _blank_a4(),
        test_pki.signer(),
        stamp_text=stamp,
        reason="Phê duyệt",
        location="Thái Nguyên",
        timestamper=None,
        context=None,
    )
    image = _render(pdf, tmp_path)
    if os.environ.get("MOTCUA_WRITE_REFERENCE") == "1":
        image.save(REFERENCE)
    reference = Image.open(REFERENCE).convert("L")
    assert image.size == reference.size
    differing = sum(1 for value in ImageChops.difference(image, reference).tobytes() if value > 64)
    assert differing / (image.width * image.height) <= TOLERANCE, differing
    assert sum(1 for value in image.tobytes() if value < 128) > 500  # there is ink: text and QR code were drawn
