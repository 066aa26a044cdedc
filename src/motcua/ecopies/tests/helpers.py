"""Scans and posts shared by the e-copy tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

OWNER = "019088000777"  # an applicant with no dossier before: whatever is offered comes from the e-copy
KIND = "giay-to-tuy-than"  # what 1.001193 (birth registration) asks for


def png_scan(text: str = "CCCD") -> bytes:
    image = Image.new("RGB", (600, 380), "white")
    image.paste((30, 60, 160), (20, 20, 580, 80))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def scan_upload(
    data: bytes | None = None, name: str = "cccd.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else png_scan(), content_type=content_type)


def form_data(agency_id: int, **overrides: object) -> dict[str, object]:
    return {
        "idempotency_key": "k-1",
        "agency": agency_id,
        "owner_number": OWNER,
        "owner_name": "Lê Thị Cúc",
        "kind": KIND,
        "name": "Căn cước công dân",
        "matches_original": "on",
    } | overrides
