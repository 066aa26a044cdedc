"""A stored document's file as an HTTP answer (shown in the browser, never sniffed, never in a shared cache)."""

from __future__ import annotations

from django.http import FileResponse

from motcua.datastore.models import StoredDocument


def stored_file(stored: StoredDocument) -> FileResponse:
    """The file of ``stored`` (its ``document`` loaded; a certified e-copy's own signed PDF); ``FileNotFoundError``
    when storage has lost it. The caller has checked who may see it."""
    if stored.document_id is None:
        if not stored.file:
            raise FileNotFoundError(stored.pk)
        handle = stored.file.open("rb")
        filename, content_type = f"ban-sao-dien-tu-{stored.pk}.pdf", "application/pdf"
    else:
        handle = stored.document.file.open("rb")
        filename = stored.document.original_filename or stored.document.file.name.rsplit("/", 1)[-1]
        content_type = stored.document.content_type or "application/octet-stream"
    response = FileResponse(handle, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
