"""``Idempotency-Key`` for the API: the first response is kept, a replay gets it back unchanged.

The record is written in the same transaction as the change it answers, so either both exist or
neither does. Two concurrent requests with the same key collide on the unique constraint: the loser
rolls back and returns the winner's response. A key reused with a different request is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from motcua.dossiers.models import IdempotencyRecord

Response = tuple[int, Any]


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body if not request.FILES else request.POST.urlencode().encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}:{upload.name}:{upload.size}".encode())
    return digest.hexdigest()


def _stored(request: HttpRequest, key: str, fingerprint: str) -> Response | None:
    record = IdempotencyRecord.objects.filter(user=request.auth, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise HttpError(422, _("Idempotency-Key này đã dùng cho một yêu cầu khác."))
    return record.status_code, record.body


def idempotent(request: HttpRequest, key: str | None, run: Callable[[], Response]) -> Response:
    if not key:
        return run()
    fingerprint = _fingerprint(request)
    replay = _stored(request, key, fingerprint)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            status, body = run()
            stored = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.create(
                user=request.auth, key=key, fingerprint=fingerprint, status_code=status, body=stored
            )
    except IntegrityError:
        replay = _stored(request, key, fingerprint)
        if replay is None:
            raise
        return replay
    return status, stored
