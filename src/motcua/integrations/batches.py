"""Batch delivery: one worker claims many due messages of one destination at once and hands them over together.

For a destination with ``deliver_batch`` (the national portal: a day of the province is ~20,000 messages, one
HTTP call and one task each would not keep up) the task of any of its messages runs :func:`deliver_batches`:

- **Claim**: under the destination's claim lock, the ids of up to ``MOTCUA_OUTBOX_BATCH_SIZE`` pending, due,
  lease-free rows in id order whose every earlier undelivered row of the same ordering key is claimable too (none
  dead, none waiting for a retry, none leased by another worker) are read, then one conditional UPDATE (still
  pending, lease free) leases them: a dossier's rows are taken as a prefix of its queue, never with a hole. The
  claims of one destination are serialised (an advisory lock on PostgreSQL; SQLite has one writer), so two workers
  never split one dossier's queue between them. The READY tasks of the claimed rows are deleted: the batch does
  their work, and a row that must be tried again is found by the sweep once due.
- **Deliver**: outside any transaction, ``destination.deliver_batch(messages)`` returns an outcome per row.
- **Mark**: one transaction, conditional on still holding the lease (a worker that lost it changes nothing):
  delivered rows in one UPDATE; failed rows retry with backoff or die (a permanent refusal, or too many tries);
  held rows (behind a failed one of the same dossier) are released without counting the try.

The per-row guarantees of ``delivery`` hold: order per ordering key, the lease, a killed worker's rows delivered
again with the same keys after the lease, dead rows holding back later ones.
"""

from __future__ import annotations

import logging
import secrets
import time
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.integrations.backoff import backoff_seconds
from motcua.integrations.destinations import BatchDestination, Outcome, acknowledged
from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.selectors import lease_is_free

logger = logging.getLogger("motcua.integrations")


def _blocking(now: datetime) -> Q:
    """A row that holds back the later rows of its ordering key from a batch: dead, waiting for a retry, or
    leased by a worker."""
    return Q(state=OutboxState.DEAD) | Q(state=OutboxState.PENDING) & (Q(next_attempt_at__gt=now) | ~lease_is_free(now))


def _claimable(destination: str, now: datetime, limit: int) -> list[int]:
    """Ids of up to ``limit`` rows that may go in a batch, in id order: candidates (pending, due, lease free) read a
    window at a time along the pending index, minus those with a blocking earlier row of their ordering key (looked
    up by key on the ordering index). Two plain queries rather than one anti-join, whose plan depends on fresh
    statistics (PostgreSQL chose a scan of every pending row per candidate after a bulk load)."""
    found: list[int] = []
    after = 0
    for _window in range(20):
        candidates = list(
            OutboxMessage.objects.filter(
                destination=destination, state=OutboxState.PENDING, next_attempt_at__lte=now, pk__gt=after
            )
            .filter(lease_is_free(now))
            .order_by("pk")
            .values_list("pk", "ordering_key")[: limit * 2]
        )
        if not candidates:
            break
        first_block: dict[str, int] = {}
        for key, pk in (
            OutboxMessage.objects.filter(destination=destination, ordering_key__in={key for _pk, key in candidates})
            .filter(_blocking(now))
            .values_list("ordering_key", "pk")
        ):
            first_block[key] = min(pk, first_block.get(key, pk))
        for pk, key in candidates:
            if pk < first_block.get(key, pk + 1):
                found.append(pk)
                if len(found) == limit:
                    return found
        after = candidates[-1][0]
    return found


def claim_batch(destination: str, worker_id: str, limit: int) -> tuple[list[OutboxMessage], str]:
    """Lease up to ``limit`` rows (see the module's docstring); returns them in id order and the lease token."""
    now = timezone.now()
    token = f"{worker_id[:80]}/{secrets.token_hex(4)}"
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # serialise the claims of one destination
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"outbox:{destination}".encode())])
        claimable = _claimable(destination, now, limit)
        if not claimable:
            return [], token
        OutboxMessage.objects.filter(pk__in=claimable, state=OutboxState.PENDING).filter(lease_is_free(now)).update(
            leased_by=token,
            lease_expires_at=now + timedelta(seconds=settings.MOTCUA_OUTBOX_LEASE_SECONDS),
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
        # read back by primary key (``leased_by`` has no index: a scan of a large outbox)
        messages = list(OutboxMessage.objects.filter(pk__in=claimable, leased_by=token).order_by("pk"))
        tasks = [m.wake_task_id for m in messages if m.wake_task_id]
        DBTaskResult.objects.filter(id__in=tasks, status=TaskResultStatus.READY).delete()
    return messages, token


def _outcomes(destination: BatchDestination, messages: Sequence[OutboxMessage]) -> Mapping[int, Outcome]:
    problem = destination.problem()
    if problem is not None:
        return {m.pk: Outcome(error=TemporaryFailure(str(problem))) for m in messages}
    try:
        return destination.deliver_batch(messages)
    except Exception as error:  # a provider's bug is a temporary failure: the messages are never lost
        failure = error if isinstance(error, TemporaryFailure) else TemporaryFailure(f"{type(error).__name__}: {error}")
        return {m.pk: Outcome(error=failure) for m in messages}


@transaction.atomic
def mark_batch(messages: Sequence[OutboxMessage], token: str, outcomes: Mapping[int, Outcome]) -> dict[str, int]:
    """Record each row's outcome, for the rows this worker still holds; returns counts by outcome."""
    held = set(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=[m.pk for m in messages], state=OutboxState.PENDING, leased_by=token)
        .values_list("pk", flat=True)
    )
    if len(held) < len(messages):
        logger.warning("outbox batch %s: %d row(s) lost their lease before marking", token, len(messages) - len(held))
    now = timezone.now()
    counts = {"delivered": 0, "retry": 0, "dead": 0, "held": 0}
    delivered: dict[str, list[int]] = {}
    for message in messages:
        if message.pk not in held:
            continue
        outcome = outcomes.get(message.pk) or Outcome(
            error=TemporaryFailure(_("Nơi nhận không trả lời về thông điệp."))
        )
        row = OutboxMessage.objects.filter(pk=message.pk)
        if outcome.held:
            row.update(attempts=F("attempts") - 1, lease_expires_at=None, leased_by="")
            counts["held"] += 1
        elif outcome.error is None:
            delivered.setdefault(outcome.answer[:500], []).append(message.pk)
        elif isinstance(outcome.error, PermanentFailure) or message.attempts >= settings.MOTCUA_OUTBOX_MAX_ATTEMPTS:
            reason = str(outcome.error)
            if not isinstance(outcome.error, PermanentFailure):
                reason = _("Đã thử %(n)d lần, lần cuối: %(reason)s") % {"n": message.attempts, "reason": reason}
            row.update(state=OutboxState.DEAD, last_error=reason, lease_expires_at=None)
            counts["dead"] += 1
        else:
            delay = backoff_seconds(
                message.attempts,
                base=settings.MOTCUA_OUTBOX_BACKOFF_SECONDS,
                cap=settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS,
            )
            row.update(
                next_attempt_at=now + timedelta(seconds=delay),
                last_error=str(outcome.error),
                lease_expires_at=None,
                wake_task_id=None,  # the sweep wakes it once due
            )
            counts["retry"] += 1
    for answer, ids in delivered.items():
        OutboxMessage.objects.filter(pk__in=ids).update(
            state=OutboxState.DELIVERED, delivered_at=now, response=answer, lease_expires_at=None
        )
        counts["delivered"] += len(ids)
    acknowledged(messages[0].destination if messages else "", [pk for ids in delivered.values() for pk in ids])
    return counts


def deliver_batches(destination: BatchDestination, *, worker_id: str, budget_seconds: float = 60.0) -> dict[str, int]:
    """Claim, deliver and mark batches of ``destination`` until nothing is claimable or the budget is spent
    (a worker asked to stop finishes the batch in hand within it); the sweep wakes whatever is left."""
    if connection.in_atomic_block:
        raise RuntimeError("an outbox delivery never runs inside a database transaction")
    started = time.monotonic()
    totals = {"delivered": 0, "retry": 0, "dead": 0, "held": 0, "batches": 0}
    while time.monotonic() - started < budget_seconds:
        begin = time.monotonic()
        messages, token = claim_batch(destination.name, worker_id, settings.MOTCUA_OUTBOX_BATCH_SIZE)
        if not messages:
            break
        claimed = time.monotonic()
        outcomes = _outcomes(destination, messages)
        sent = time.monotonic()
        counts = mark_batch(messages, token, outcomes)
        totals["batches"] += 1
        for name, n in counts.items():
            totals[name] += n
        logger.info(
            "outbox %s batch of %d: %s (claim %.2f s, send %.2f s, mark %.2f s)",
            destination.name,
            len(messages),
            counts,
            claimed - begin,
            sent - claimed,
            time.monotonic() - sent,
        )
        if counts["delivered"] == 0 and counts["retry"] + counts["dead"] > 0:
            break  # the receiver is failing: leave the rest to their backoff and the sweep
    return totals
