"""A stored document's file as an HTTP answer: a download nothing can run, never in a cache (``motcua.downloads``)."""

from __future__ import annotations

from django.http import FileResponse

from motcua.datastore.models import StoredDocument
from motcua.downloads import file_download


def stored_file(stored: StoredDocument) -> FileResponse:
    """The file of ``stored`` (its ``document`` loaded; a certified e-copy's own signed PDF), as a download
    (``motcua.downloads``); ``FileNotFoundError`` when storage has lost it. The caller has checked who may see it."""
    if stored.document_id is None:
        if not stored.file:
            raise FileNotFoundError(stored.pk)
        return file_download(stored.file.open("rb"), f"ban-sao-dien-tu-{stored.pk}.pdf", "application/pdf")
    handle = stored.document.file.open("rb")
    name = stored.document.original_filename or stored.document.file.name.rsplit("/", 1)[-1]
    return file_download(handle, name, stored.document.content_type)
