"""Which requests the access log records, and as what (issue 15).

A read of a dossier or a download of a document is recognised from the URL route that answered it, not from a
list of views: a route with a dossier ``code`` in its path under ``dossiers/`` or ``track/`` reads that dossier,
and one that also names a ``document_id`` (or any ``…document…`` / ``result`` key) downloads a document. So a
page or an API route added later is logged without anyone remembering to add it. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class AccessKind(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    READ_DOSSIER = "read_dossier"
    DOWNLOAD = "download"
    ADMIN_CHANGE = "admin_change"


#: where a route's ``code`` is a dossier's (``procedures/<code>/`` is the catalogue's, not personal data)
DOSSIER_SEGMENTS = ("dossiers/", "track/")


@dataclass(frozen=True)
class Access:
    kind: AccessKind
    dossier_code: str
    document: str  # the document's (or result's) id as the route gave it, "" for a dossier read


def classify(route: str, kwargs: Mapping[str, object], method: str, status: int) -> Access | None:
    """What a request read, when it answered successfully; ``None`` for what the log need not record."""
    if method not in ("GET", "HEAD") or not 200 <= status < 300:
        return None
    code = kwargs.get("code")
    if not isinstance(code, str) or not any(f"{segment}<" in route for segment in DOSSIER_SEGMENTS):
        return None
    document = next((str(value) for key, value in kwargs.items() if "document" in key or key.startswith("result")), "")
    return Access(AccessKind.DOWNLOAD if document else AccessKind.READ_DOSSIER, code, document)
