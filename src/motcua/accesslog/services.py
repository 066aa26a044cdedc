"""Writing the access log: one row per event, in its own statement (a read writes nothing else)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from motcua.accesslog.models import AccessEvent
from motcua.rules.access import AccessKind

#: the request being answered, for the signals that do not receive it (an admin change's ``LogEntry``)
current_request: ContextVar[HttpRequest | None] = ContextVar("motcua_access_request", default=None)


def client_address(request: HttpRequest | None) -> str | None:
    """The peer's address. Behind a reverse proxy the proxy must set ``REMOTE_ADDR`` (docs/deploy.md)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: AccessKind,
    request: HttpRequest | None,
    *,
    user: Any = None,
    username: str = "",
    dossier_code: str = "",
    document: str = "",
    detail: str = "",
) -> AccessEvent:
    request = request if request is not None else current_request.get()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AccessEvent.objects.create(
        at=timezone.now(),
        kind=kind.value,
        user=user,
        username=username or (user.get_username() if user is not None else ""),
        address=client_address(request),
        method=(request.method or "") if request is not None else "",
        path=request.path[:300] if request is not None else "",
        dossier_code=dossier_code[:60],
        document=document[:40],
        detail=detail,
    )
