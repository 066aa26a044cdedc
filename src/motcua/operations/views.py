"""``/healthz`` for the load balancer and the operator; ``/metrics`` for Prometheus (addresses allowed by setting)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.operations.metrics import exposition
from motcua.operations.selectors import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, a worker beat recently and the outbox is not late; 503 otherwise."""
    state = health()
    body = {
        "ok": state.ok,
        "database": state.database,
        "worker": {
            "ok": state.worker_ok,
            "last_seen": state.worker_seen_at.isoformat() if state.worker_seen_at else None,
            "age_seconds": round(state.worker_age_seconds, 1) if state.worker_age_seconds is not None else None,
        },
        "outbox": {
            "ok": state.outbox_ok,
            "pending": state.outbox_pending,
            "dead": state.outbox_dead,
            "lag_seconds": round(state.outbox_lag_seconds, 1),
        },
    }
    return JsonResponse(body, status=200 if state.ok else 503)


def _allowed(request: HttpRequest) -> bool:
    address = request.META.get("REMOTE_ADDR", "")
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(net, strict=False) for net in settings.MOTCUA_METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden("Chỉ máy chủ giám sát được phép đọc số liệu vận hành.")
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
