"""HTML to PDF with WeasyPrint, cached by content.

WeasyPrint lays out a page in tenths of a second, so PDFs are rendered when someone asks for them,
never on the intake path (DESIGN.md principle 8), and a rendering is kept: the key is the SHA-256 of the
HTML, so the same form of the same dossier in the same state is rendered once, and any change of the
dossier, the template or the language gives a new key by itself (no invalidation to forget). The cache
goes through Django's storage API (``default_storage``, folder :data:`CACHE_FOLDER`), so it follows the
deployment's storage (local disk in the demo, shared storage behind several servers).

Fonts: the stylesheet asks for fonts found on Debian and most Linux servers ("DejaVu Serif", "DejaVu
Sans", with Liberation and Noto as fallbacks), which carry every Vietnamese precomposed letter; no
font file is shipped.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

# WeasyPrint logs each layout step, and fontTools (its font subsetter) every glyph table, at INFO: keep
# that out of the application log unless the deployment's LOGGING setting chose a level for them.
for _chatty in ("weasyprint.progress", "fontTools"):
    if logging.getLogger(_chatty).level == logging.NOTSET:
        logging.getLogger(_chatty).setLevel(logging.WARNING)

CACHE_FOLDER = "forms-cache"

#: Font stacks for the forms' stylesheet: Debian's DejaVu first, then other families with Vietnamese.
SERIF_FONTS = '"DejaVu Serif", "Liberation Serif", "Noto Serif", "Times New Roman", serif'
SANS_FONTS = '"DejaVu Sans", "Liberation Sans", "Noto Sans", Arial, sans-serif'


def cache_name(html: str) -> str:
    """The storage name of the PDF rendered from ``html`` (two-character fan-out keeps folders small)."""
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return f"{CACHE_FOLDER}/{digest[:2]}/{digest}.pdf"


def html_to_pdf(html: str) -> bytes:
    """Render ``html`` with WeasyPrint, without the cache (the one place that calls WeasyPrint).

    The HTML must be self-contained (inline CSS, images as data URIs): only ``data:`` URLs are
    fetched, so a form can never make WeasyPrint reach the network or the disk.
    """
    # imported here: loading Pango costs time that requests which print nothing should not pay
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``, from the cache when it was rendered before, else rendered and stored.

    A concurrent render of the same HTML by another process is harmless: both produce a valid file and
    the storage keeps one (the second save's renamed duplicate is removed).
    """
    name = cache_name(html)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as cached:
            return cached.read()
    pdf = html_to_pdf(html)
    try:
        saved = default_storage.save(name, ContentFile(pdf))
        if saved != name:  # another process stored it meanwhile: keep theirs
            default_storage.delete(saved)
    except OSError:  # a full or read-only cache must not stop a citizen from getting the form
        logger.warning("could not cache the PDF %s", name, exc_info=True)
    return pdf
