"""The ``synchronised`` counter (Decision 766 indicator 1.4, RULES.md §7): received dossiers the portal has.

A dossier counts once, on the local day it was received, under its resolving agency, procedure and channel,
when the first of its rows written at or after its reception is marked delivered
(``rules.counters.acknowledged_after_receipt``). The count is added in the transaction that marks the rows
(``NationalPortalDestination.acknowledged``), whose condition on the lease lets a row become delivered once:
so a dossier is counted once, however often its rows are delivered again. :func:`counts_from_outbox` recomputes
the same counters from the outbox (the rebuild, and the test that the two agree).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierAction
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.metrics.models import DailyCount
from motcua.metrics.services import add_to_counters, replace_all_counters
from motcua.rules.actions import ActionType
from motcua.rules.counters import Delta, acknowledged_after_receipt

DESTINATION = "national_portal"
METRIC = "synchronised"
RECEIPTS = (ActionType.RECEIVE, ActionType.ACCEPT)

CounterKey = tuple[object, int, int, str, str]


def _seq(idempotency_key: str) -> int:
    return int(idempotency_key.rsplit(":", 1)[1])


def _receipt_seqs(dossier_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        DossierAction.objects.filter(dossier_id__in=list(dossier_ids), type__in=RECEIPTS)
        .values("dossier_id")
        .annotate(first=Min("seq"))
        .values_list("dossier_id", "first")
    )
    return dict(rows)


def _delivered_seqs(rows: Iterable[tuple[int, str]]) -> dict[int, list[int]]:
    seqs: dict[int, list[int]] = defaultdict(list)
    for dossier_id, key in rows:
        seqs[dossier_id].append(_seq(key))
    return seqs


def count_acknowledged(message_ids: Iterable[int]) -> int:
    """Count the dossiers these just-delivered rows acknowledge for the first time; returns how many."""
    ids = list(message_ids)
    now_delivered = _delivered_seqs(
        OutboxMessage.objects.filter(pk__in=ids, dossier__isnull=False).values_list("dossier_id", "idempotency_key")
    )
    if not now_delivered:
        return 0
    receipts = _receipt_seqs(now_delivered)  # a batch: at most MOTCUA_OUTBOX_BATCH_SIZE dossiers
    before = _delivered_seqs(
        OutboxMessage.objects.filter(
            destination=DESTINATION, dossier_id__in=list(receipts), state=OutboxState.DELIVERED
        )
        .exclude(pk__in=ids)
        .values_list("dossier_id", "idempotency_key")
    )
    dossiers = Dossier.objects.filter(pk__in=list(receipts), received_at__isnull=False).only(
        "received_at", "resolving_agency_id", "procedure_id", "channel"
    )
    deltas: dict[tuple[int, int, str], list[Delta]] = defaultdict(list)
    for dossier in dossiers:
        receipt = receipts[dossier.pk]
        if acknowledged_after_receipt(receipt, before.get(dossier.pk, [])):
            continue  # counted when an earlier row was delivered
        if acknowledged_after_receipt(receipt, now_delivered[dossier.pk]):
            key = (dossier.resolving_agency_id, dossier.procedure_id, dossier.channel)
            deltas[key].append(Delta(timezone.localdate(dossier.received_at), METRIC, 1))
    for (agency, procedure, channel), changes in deltas.items():  # one upsert per counter row of the batch
        add_to_counters(agency, procedure, channel, changes)
    return sum(len(changes) for changes in deltas.values())


def counts_from_outbox(chunk: int = 1000) -> dict[CounterKey, int]:
    """The ``synchronised`` counters as the outbox says they should be (the rebuild's source)."""
    delivered = _delivered_seqs(
        OutboxMessage.objects.filter(destination=DESTINATION, state=OutboxState.DELIVERED, dossier__isnull=False)
        .values_list("dossier_id", "idempotency_key")
        .iterator()
    )
    totals: Counter[CounterKey] = Counter()
    ids = sorted(delivered)
    for start in range(0, len(ids), chunk):  # a bounded IN list (SQLite limits the parameters of a statement)
        part = ids[start : start + chunk]
        receipts = _receipt_seqs(part)
        dossiers = Dossier.objects.filter(pk__in=part, received_at__isnull=False).values_list(
            "pk", "received_at", "resolving_agency_id", "procedure_id", "channel"
        )
        for pk, received_at, agency, procedure, channel in dossiers:
            if acknowledged_after_receipt(receipts.get(pk), delivered[pk]):
                totals[(timezone.localdate(received_at), agency, procedure, channel, METRIC)] += 1
    return dict(totals)


def stored_counts() -> dict[CounterKey, int]:
    rows = DailyCount.objects.filter(metric=METRIC).exclude(value=0)
    return {
        (day, agency, procedure, channel, metric): value
        for day, agency, procedure, channel, metric, value in rows.values_list(
            "day", "agency_id", "procedure_id", "channel", "metric", "value"
        )
    }


@transaction.atomic
def rebuild_counts() -> int:
    """Replace the ``synchronised`` counters by the outbox's; returns the rows written."""
    rows = [
        DailyCount(day=day, agency_id=agency, procedure_id=procedure, channel=channel, metric=metric, value=value)
        for (day, agency, procedure, channel, metric), value in counts_from_outbox().items()
    ]
    return replace_all_counters(rows, metrics=[METRIC])
