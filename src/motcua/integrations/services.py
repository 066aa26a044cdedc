"""Writes of the outbox: add a message (in the caller's transaction), re-drive dead ones, wake forgotten ones.

Delivery itself (claim, call, mark) is ``delivery``; the worker loop is ``worker``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.models import Dossier
from motcua.integrations.delivery import wake
from motcua.integrations.destinations import Destination, destinations
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.selectors import due_messages, lease_is_free

if TYPE_CHECKING:
    from motcua.dossiers.models import DossierAction


def enqueue(
    *,
    destination: str,
    event: str,
    idempotency_key: str,
    ordering_key: str,
    payload: Mapping[str, Any],
    dossier: Dossier | None = None,
) -> None:
    """Add one message to the outbox, due now, with the task that will deliver it: both in the caller's
    transaction (they commit or vanish with the action that caused them).

    Writing a key that is already there is a no-op (``INSERT … ON CONFLICT DO NOTHING``); the extra task
    it leaves behind finds nothing to do.
    """
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        task_id = wake(idempotency_key)
        row = OutboxMessage(
            destination=destination,
            event=event,
            idempotency_key=idempotency_key,
            ordering_key=ordering_key,
            dossier=dossier,
            payload=dict(payload),
            created_at=now,
            next_attempt_at=now,
            wake_task_id=task_id,
        )
        OutboxMessage.objects.bulk_create([row], ignore_conflicts=True)


def dossier_message_key(destination: str, dossier: Dossier, action: DossierAction) -> str:
    """``<destination>:<dossier code>:<action seq>``: stable across retries, unique per event and receiver."""
    return f"{destination}:{dossier.code}:{action.seq}"


def enqueue_for(destination: Destination, dossier: Dossier, action: DossierAction) -> bool:
    """The destination's message for this action, added to the outbox (in the caller's transaction);
    ``False`` when the destination does not care about the action."""
    key = dossier_message_key(destination.name, dossier, action)
    message = destination.message_for(dossier, action, key=key)
    if message is None:
        return False
    enqueue(
        destination=destination.name,
        event=message.event,
        idempotency_key=key,
        ordering_key=message.ordering_key or dossier.code,
        payload=message.payload,
        dossier=dossier,
    )
    return True


@transaction.atomic
def redrive(message_ids: Iterable[int]) -> int:
    """Give dead messages a fresh set of tries, due now; returns how many were dead (others are left alone).

    The message keeps its key, so a receiver that did process it earlier answers "duplicate"; a dossier's later
    messages, held back by this one, follow it once it is delivered.
    """
    now = timezone.now()
    rows = list(OutboxMessage.objects.select_for_update().filter(pk__in=list(message_ids), state=OutboxState.DEAD))
    for row in rows:
        row.state = OutboxState.PENDING
        row.attempts = 0
        row.next_attempt_at = now
        row.lease_expires_at = None
        row.redrive_count += 1
        row.wake_task_id = wake(row.idempotency_key)
    OutboxMessage.objects.bulk_update(
        rows, ["state", "attempts", "next_attempt_at", "lease_expires_at", "redrive_count", "wake_task_id"]
    )
    return len(rows)


@dataclass(frozen=True)
class Resent:
    redriven: int  # dead rows given a fresh set of tries
    made_due: int  # rows waiting for their next try, made due now
    queued: int  # rows written for dossiers that had none


def queue_history(destination: Destination, dossier_id: int) -> int:
    """Tell ``destination`` the whole history of a dossier it never had a row for; returns the rows written.

    One transaction that locks the dossier row, so an action logged meanwhile (it locks the same row) comes
    wholly before — then the dossier has a row and is skipped — or wholly after, behind the history. The rows
    carry the keys the actions would have had: a destination with ``history_message(dossier, key=…)`` gets one
    row keyed by the latest action (the national portal: the record and every progress row at once), any other
    one row per action of the log, in order.
    """
    with transaction.atomic():
        had_rows = OutboxMessage.objects.filter(destination=destination.name, dossier=OuterRef("pk"))
        dossier = (
            Dossier.objects.select_for_update()
            .filter(pk=dossier_id)
            .filter(~Exists(had_rows))
            .select_related("procedure", "resolving_agency")
            .first()
        )
        if dossier is None:
            return 0
        actions = list(dossier.actions.order_by("seq"))
        if not actions:
            return 0
        history_message = getattr(destination, "history_message", None)
        if history_message is None:
            return sum(enqueue_for(destination, dossier, action) for action in actions)
        key = dossier_message_key(destination.name, dossier, actions[-1])
        message = history_message(dossier, key=key)
        enqueue(
            destination=destination.name,
            event=message.event,
            idempotency_key=key,
            ordering_key=message.ordering_key or dossier.code,
            payload=message.payload,
            dossier=dossier,
        )
        return 1


def resend_dossiers(destination_name: str, dossier_ids: Iterable[int]) -> Resent:
    """Send again what ``destination_name`` has not acknowledged for these dossiers (the sync report's
    re-drive; the caller chose them within its scope): dead rows are re-driven and waiting rows made due (one
    transaction), and each dossier that never had a row is given its history (``queue_history``, a transaction
    per dossier, so that a province-wide re-drive never holds thousands of dossier locks at once).
    """
    ids = list(dossier_ids)
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(destination=destination_name, dossier_id__in=ids)
        redriven = redrive(rows.filter(state=OutboxState.DEAD).values_list("pk", flat=True))
        now = timezone.now()
        made_due = rows.filter(state=OutboxState.PENDING, next_attempt_at__gt=now).update(
            next_attempt_at=now, wake_task_id=None
        )
    queued = 0
    destination = destinations.get(destination_name)
    if destination is not None and destination.problem() is None:
        never = Dossier.objects.filter(pk__in=ids).exclude(
            pk__in=OutboxMessage.objects.filter(destination=destination_name).values("dossier_id")
        )
        for dossier_id in never.order_by("pk").values_list("pk", flat=True):
            queued += queue_history(destination, dossier_id)
    if made_due:
        wake_forgotten()
    return Resent(redriven=redriven, made_due=made_due, queued=queued)


def retry_now(*, destination: str | None = None) -> int:
    """Make every pending message that waits for its next try due now (``worker --retry-now``)."""
    now = timezone.now()
    waiting = OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__gt=now)
    if destination is not None:
        waiting = waiting.filter(destination=destination)
    count = waiting.update(next_attempt_at=now, wake_task_id=None)
    wake_forgotten()
    return count


@transaction.atomic
def wake_forgotten(*, limit: int = 500) -> int:
    """Enqueue a task for each due message that has none waiting: its worker died (lease expired), its task
    failed, or ``retry_now`` moved it forward. Extra tasks are harmless (the claim lets one through)."""
    now = timezone.now()
    waiting_task = DBTaskResult.objects.filter(id=OuterRef("wake_task_id"), status=TaskResultStatus.READY)
    forgotten = list(
        due_messages(now)
        .filter(lease_is_free(now))
        .filter(~Exists(waiting_task))
        .select_for_update(skip_locked=True)
        .order_by("next_attempt_at")
        .values_list("pk", "idempotency_key")[:limit]
    )
    for pk, key in forgotten:
        OutboxMessage.objects.filter(pk=pk).update(wake_task_id=wake(key))
    return len(forgotten)
