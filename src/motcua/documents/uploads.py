"""Uploaded files: checked by content, stored under generated names through Django's storage API.

A file's declared name and content type come from the client and prove nothing; its first bytes do.
Only PDF, JPEG and PNG are accepted (scans of papers and signed results), up to
``MOTCUA_MAX_UPLOAD_BYTES``. The stored name is generated (``dossiers/2025/03/<uuid>.pdf``): the
client's name is kept only as data, never as a path.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime

import filetype
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class UploadRejected(ValueError):
    """The file is refused; the message says why, in the interface language."""


@dataclass(frozen=True)
class StoredFile:
    name: str  # the storage name
    original_filename: str
    content_type: str
    size: int
    sha256: str


def safe_filename(name: str) -> str:
    """The client's file name reduced to something printable (kept as data only)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable())
    return cleaned.strip()[:200] or "tep-tin"


def check_upload(upload: File) -> str:
    """The content type of an acceptable upload; raises :class:`UploadRejected` otherwise."""
    limit = settings.MOTCUA_MAX_UPLOAD_BYTES
    size = upload.size or 0
    name = safe_filename(upload.name or "")
    if size == 0:
        raise UploadRejected(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if size > limit:
        raise UploadRejected(
            _("Tệp “%(name)s” quá lớn (%(size).1f MB; tối đa %(limit).0f MB).")
            % {"name": name, "size": size / 1_048_576, "limit": limit / 1_048_576}
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise UploadRejected(
            _("Tệp “%(name)s” không phải PDF, JPEG hay PNG (kiểm tra theo nội dung tệp).") % {"name": name}
        )
    return kind.mime


def store_upload(upload: File, folder: str, at: datetime) -> StoredFile:
    """Check and store an upload; returns what the database keeps about it."""
    content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = f"{folder}/{at:%Y/%m}/{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    stored = default_storage.save(name, upload)
    return StoredFile(stored, safe_filename(upload.name or ""), content_type, upload.size or 0, digest.hexdigest())


def discard(names: list[str]) -> None:
    """Remove stored files whose database rows were rolled back."""
    for name in names:
        default_storage.delete(name)
