"""The checks of a PDF given to the public verification: its size and its magic bytes, before any parsing."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from motcua.signatures.verdicts import is_pdf


def read_pdf_upload(upload: UploadedFile) -> bytes:
    """The file's bytes; 413 beyond ``MOTCUA_VERIFY_MAX_BYTES``, 400 when it is not a PDF."""
    limit = settings.MOTCUA_VERIFY_MAX_BYTES
    if (upload.size or 0) > limit:
        raise HttpError(413, _("Tệp lớn hơn %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise HttpError(413, _("Tệp lớn hơn %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    if not is_pdf(data):
        raise HttpError(400, _("Tệp không phải PDF."))
    return data
