"""Uploads: accepted by content (PDF, JPEG, PNG), within the size limit, stored under generated names."""

import re
from datetime import datetime
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from motcua.documents.uploads import UploadRejected, check_upload, safe_filename, store_upload
from motcua.rules.workdays import VIETNAM_TZ

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00"
AT = datetime(2025, 9, 8, 9, 30, tzinfo=VIETNAM_TZ)


def upload(name: str, content: bytes, declared: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=declared)


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [(PDF, "application/pdf", "pdf"), (PNG, "image/png", "png"), (JPEG, "image/jpeg", "jpg")],
)
def test_the_content_decides_the_type_and_the_stored_extension(content: bytes, mime: str, extension: str) -> None:
    # declared as a PDF named .pdf whatever it is: neither the name nor the declared type count
    stored = store_upload(upload("giay-to.pdf", content), "dossiers", AT)
    assert stored.content_type == mime
    assert re.fullmatch(rf"dossiers/2025/09/[0-9a-f]{{32}}\.{extension}", stored.name)
    with default_storage.open(stored.name, "rb") as handle:
        assert handle.read() == content
    assert stored.size == len(content)


@pytest.mark.parametrize("content", [GIF, ZIP, b"MZ\x90\x00\x03", b"<html><script>alert(1)</script>", b"plain text"])
def test_other_types_are_refused_whatever_their_name(content: bytes) -> None:
    with pytest.raises(UploadRejected, match="không phải PDF, JPEG hay PNG"):
        check_upload(upload("scan.pdf", content))


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRejected, match="rỗng"):
        check_upload(upload("scan.pdf", b""))


def test_the_size_limit_is_inclusive(settings: Any) -> None:
    settings.MOTCUA_MAX_UPLOAD_BYTES = len(PDF)
    assert check_upload(upload("scan.pdf", PDF)) == "application/pdf"
    with pytest.raises(UploadRejected, match="quá lớn"):
        check_upload(upload("scan.pdf", PDF + b"\n"))


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Bình\\Giấy khai sinh.pdf", "Giấy khai sinh.pdf"),
        ("tờ\x00khai\n.pdf", "tờkhai.pdf"),
        ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
    ],
)
def test_the_clients_name_is_kept_as_data_never_as_a_path(name: str, kept: str) -> None:
    stored = store_upload(upload(name, PDF), "dossiers", AT)
    assert stored.original_filename == kept
    assert ".." not in stored.name
    assert re.fullmatch(r"dossiers/2025/09/[0-9a-f]{32}\.pdf", stored.name)


@pytest.mark.parametrize("name", ["", "/", "a/", "\x00\x01", "   "])
def test_a_name_with_nothing_printable_left_gets_a_neutral_one(name: str) -> None:
    assert safe_filename(name) == "tep-tin"


@given(st.text(max_size=400))
def test_a_kept_name_is_short_printable_and_has_no_path(name: str) -> None:
    kept = safe_filename(name)
    assert 0 < len(kept) <= 200
    assert "/" not in kept
    assert "\\" not in kept
    assert kept.isprintable()
