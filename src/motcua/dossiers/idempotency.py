"""Idempotency keys, one mechanism for every caller: the first answer is kept, a replay gets it back.

A request made with a key (the API's ``Idempotency-Key`` header, the workbench's hidden form key, a
callback's own reference) runs at most once per (user, key):

1. a key already answered returns that answer, or refuses when it was used for a different request
   (its fingerprint differs);
2. otherwise the key is **claimed first**, by inserting its record at the start of the transaction that
   does the work; a concurrent duplicate blocks on the unique key until the first commits, then fails on
   it, rolls back and returns the first answer — it never runs the work against the state the first one
   left (which is how 20 concurrent copies of one action used to answer 403 instead of the first response);
3. the answer is written into the record in the same transaction as the work, so both exist or neither.

A request that fails (refused, invalid) writes nothing, so the key stays free and a corrected retry runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.models import IdempotencyRecord

Answer = tuple[int, dict[str, Any]]

#: Longest key accepted (the column holds 100 characters; callers' keys are scoped by nothing else).
MAX_KEY_LENGTH = 80


class KeyReused(Exception):
    """The key was already used for a different request (HTTP 422)."""

    status_code = 422

    def __init__(self) -> None:
        self.message = _("Khóa chống gửi trùng (Idempotency-Key) này đã dùng cho một yêu cầu khác.")
        self.field = "Idempotency-Key"
        super().__init__(self.message)


def fingerprint(parts: Iterable[str | bytes]) -> str:
    """A digest of what makes two requests "the same request"."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _records(user: User | None, key: str) -> Any:
    return (
        IdempotencyRecord.objects.filter(user=user, key=key)
        if user
        else IdempotencyRecord.objects.filter(user__isnull=True, key=key)
    )


def earlier(user: User | None, key: str, print_: str) -> Answer | None:
    """The answer kept for ``(user, key)``, if any; :class:`KeyReused` when it was for another request."""
    record = _records(user, key).first()
    if record is None:
        return None
    if record.fingerprint != print_:
        raise KeyReused
    return record.status_code, record.body


def run_once(user: User | None, key: str | None, print_: str, work: Callable[[], Answer]) -> Answer:
    """Run ``work`` at most once for ``(user, key)``; without a key, just run it.

    ``user`` is ``None`` for the system actor (a callback, a job). ``work`` returns the answer to keep
    (an HTTP status and a JSON-serialisable body); replays get exactly that answer back.
    """
    if not key:
        return work()
    first = earlier(user, key, print_)
    if first is not None:
        return first
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(user=user, key=key, fingerprint=print_)  # the claim
            status, body = work()
            record.status_code = status
            record.body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            record.save(update_fields=["status_code", "body"])
    except IntegrityError:
        first = earlier(user, key, print_)
        if first is None:
            raise
        return first
    return record.status_code, record.body
