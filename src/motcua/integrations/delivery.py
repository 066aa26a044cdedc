"""The delivery protocol of one outbox message: claim it with a lease, call the destination, mark the outcome.

This module holds the background task that a worker runs for a message (``deliver_message``) and the writes
that belong to one delivery (the claim and the marks): they form one protocol, and keeping them beside the
task lets ``services`` enqueue the task without an import cycle.

- The claim is one conditional UPDATE (pending, due, lease free, first in line): of several workers that try
  the same row at once exactly one gets it, on PostgreSQL as on SQLite.
- The destination is called outside any transaction (no lock is held during a network call).
- Each mark is one transaction, conditional on still holding the lease: a worker that lost its lease (it took
  longer than the lease) changes nothing. A worker killed between the call and the mark leaves the row
  pending and leased; once the lease expires the sweep wakes it and it is delivered again with the same key.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskContext, task

from motcua.integrations.backoff import backoff_seconds
from motcua.integrations.batches import deliver_batches
from motcua.integrations.destinations import acknowledged, destinations
from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.selectors import is_first_in_line, lease_is_free

logger = logging.getLogger("motcua.integrations")

DELIVERED, RETRY, DEAD, SKIPPED = "delivered", "retry", "dead", "skipped"


@task(takes_context=True)
def deliver_message(context: TaskContext, idempotency_key: str) -> str:
    """The background task of one message: a reminder to try it; the row says whether there is anything to do."""
    worker_ids = context.task_result.worker_ids
    return deliver(idempotency_key, worker_id=worker_ids[-1] if worker_ids else "worker")


def wake(idempotency_key: str, *, at: datetime | None = None) -> UUID:
    """Enqueue the task that tries the message at ``at`` (now when ``None``), in the caller's transaction."""
    task = deliver_message if at is None or at <= timezone.now() else deliver_message.using(run_after=at)
    return UUID(str(task.enqueue(idempotency_key).id))


def deliver(idempotency_key: str, *, worker_id: str) -> str:
    """Try the message once if it is this worker's to try; returns what happened (for logs and tests)."""
    if connection.in_atomic_block:
        raise RuntimeError("an outbox delivery never runs inside a database transaction")
    name = OutboxMessage.objects.filter(idempotency_key=idempotency_key).values_list("destination", flat=True).first()
    batching = destinations.get(name) if name else None
    if batching is not None and hasattr(batching, "deliver_batch"):  # integrations.batches
        totals = deliver_batches(batching, worker_id=worker_id)  # type: ignore[arg-type]
        return f"batches: {totals}" if totals["batches"] else SKIPPED
    claimed = _claim(idempotency_key, worker_id)
    if claimed is None:
        return SKIPPED
    message, token = claimed
    destination = destinations.get(message.destination)
    try:
        if destination is None:
            raise TemporaryFailure(_("Không có nơi nhận “%(name)s” trong hệ thống.") % {"name": message.destination})
        problem = destination.problem()
        if problem is not None:
            raise TemporaryFailure(problem)
        answer = destination.deliver(message)
    except PermanentFailure as error:
        _mark_dead(message, token, str(error))
        logger.warning("outbox %s: dead (%s)", idempotency_key, error)
        return DEAD
    except Exception as error:  # a provider's bug is a temporary failure too: the message is never lost
        reason = str(error) if isinstance(error, TemporaryFailure) else f"{type(error).__name__}: {error}"
        outcome = _mark_failed(message, token, reason)
        logger.warning("outbox %s: %s (%s)", idempotency_key, outcome, reason)
        return outcome
    _mark_delivered(message, token, answer)
    logger.info("outbox %s: delivered (%s)", idempotency_key, answer)
    return DELIVERED


def _claim(idempotency_key: str, worker_id: str) -> tuple[OutboxMessage, str] | None:
    now = timezone.now()
    token = f"{worker_id[:80]}/{secrets.token_hex(4)}"
    claimed = (
        OutboxMessage.objects.filter(
            idempotency_key=idempotency_key, state=OutboxState.PENDING, next_attempt_at__lte=now
        )
        .filter(lease_is_free(now))
        .filter(is_first_in_line())
        .update(
            leased_by=token,
            lease_expires_at=now + timedelta(seconds=settings.MOTCUA_OUTBOX_LEASE_SECONDS),
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    )
    if not claimed:
        return None
    return OutboxMessage.objects.get(idempotency_key=idempotency_key), token


def _held(message: OutboxMessage, token: str) -> bool:
    """Whether this worker still holds the message (locks the row until the mark commits)."""
    held = OutboxMessage.objects.select_for_update().filter(pk=message.pk, state=OutboxState.PENDING, leased_by=token)
    if held.exists():
        return True
    logger.warning("outbox %s: lease lost before marking; another worker took it over", message.idempotency_key)
    return False


@transaction.atomic
def _mark_delivered(message: OutboxMessage, token: str, answer: str) -> None:
    if not _held(message, token):
        return
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxState.DELIVERED, delivered_at=now, response=answer[:500], lease_expires_at=None
    )
    acknowledged(message.destination, [message.pk])
    # the next event of the same dossier was waiting for this one: wake it now rather than at the next sweep
    following = (
        OutboxMessage.objects.filter(
            destination=message.destination, ordering_key=message.ordering_key, pk__gt=message.pk
        )
        .exclude(state=OutboxState.DELIVERED)
        .order_by("pk")
        .first()
    )
    if following is not None and following.state == OutboxState.PENDING:
        task_id = wake(following.idempotency_key, at=following.next_attempt_at)
        OutboxMessage.objects.filter(pk=following.pk).update(wake_task_id=task_id)


@transaction.atomic
def _mark_failed(message: OutboxMessage, token: str, reason: str) -> str:
    if not _held(message, token):
        return SKIPPED
    if message.attempts >= settings.MOTCUA_OUTBOX_MAX_ATTEMPTS:
        reason = _("Đã thử %(n)d lần, lần cuối: %(reason)s") % {"n": message.attempts, "reason": reason}
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxState.DEAD, last_error=reason, lease_expires_at=None
        )
        return DEAD
    delay = backoff_seconds(
        message.attempts, base=settings.MOTCUA_OUTBOX_BACKOFF_SECONDS, cap=settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS
    )
    next_attempt_at = timezone.now() + timedelta(seconds=delay)
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=next_attempt_at,
        last_error=reason,
        lease_expires_at=None,
        wake_task_id=wake(message.idempotency_key, at=next_attempt_at),
    )
    return RETRY


@transaction.atomic
def _mark_dead(message: OutboxMessage, token: str, reason: str) -> None:
    if _held(message, token):
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxState.DEAD, last_error=reason, lease_expires_at=None
        )
