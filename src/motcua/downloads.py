"""Every file the site serves goes out as a download that a browser can never run (issue 15).

Uploads are what anyone sent (a PDF or an image that is really HTML with a script, a polyglot): served inline
from our origin they would run with the officer's session. So every file answer — uploads, results, stored
documents, receipts, printed forms, reports and spreadsheets — carries ``Content-Disposition: attachment``,
``Content-Security-Policy: sandbox`` (even opened, nothing in it runs or reaches the origin), ``nosniff`` and
``Cache-Control: private, no-store``.

The file name follows RFC 6266 §4.3 / RFC 8187: an ASCII ``filename`` for old clients (Vietnamese letters without
their marks, đ as d) and the real name, UTF-8 and percent-encoded, in ``filename*``; path separators, quotes and
control characters never reach the header.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

#: The longest name sent (the real name is kept whole in the database; browsers and file systems cut anyway).
MAX_NAME = 150
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\\"'<>:*?|;]+")
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_name(name: str, default: str = "tep") -> str:
    """``name`` without a directory, control characters or characters a header or a file system mistakes."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("-", name).strip(" .-")
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME - len(extension) - 1].rstrip(" .-") + "." + extension
        else:
            name = name[:MAX_NAME]
    return name or default


def ascii_name(name: str, default: str = "tep") -> str:
    """The ASCII fallback: ``Giấy xác nhận.pdf`` → ``Giay-xac-nhan.pdf``."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = _NOT_ASCII_SAFE.sub("-", plain).strip("-.")
    return plain or default


def content_disposition(filename: str) -> str:
    """``attachment; filename="…"; filename*=UTF-8''…`` for ``filename`` (RFC 6266)."""
    name = clean_name(filename)
    fallback = ascii_name(name)
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    """Make ``response`` a download of ``filename`` that nothing can run (module docstring)."""
    response["Content-Disposition"] = content_disposition(filename)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """Bytes made here (a PDF, a spreadsheet) as a download."""
    return as_download(HttpResponse(content, content_type=content_type), filename)


def file_download(handle: IO[bytes], filename: str, content_type: str = "") -> FileResponse:
    """A stored file, streamed, as a download; an unknown type is ``application/octet-stream``."""
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    as_download(response, filename)
    return response
