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

from django.db.models import Min
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierAction
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.metrics.services import add_to_counters
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


def _previous_seq(ordering_key: str, before_pk: int) -> int | None:
    """The action seq of the dossier's row just before ``before_pk`` (the ``outbox_order`` index, one probe)."""
    key = (
        OutboxMessage.objects.filter(destination=DESTINATION, ordering_key=ordering_key, pk__lt=before_pk)
        .order_by("-pk")
        .values_list("idempotency_key", flat=True)
        .first()
    )
    return None if key is None else _seq(key)


def count_acknowledged(message_ids: Iterable[int]) -> int:
    """Count the dossiers these just-delivered rows acknowledge for the first time; returns how many.

    A dossier's rows are written in the order of its actions, so their seqs never decrease in id order, and
    they are delivered in id order (the batch holds a prefix of the dossier's undelivered rows, every earlier
    one delivered). So the dossier was acknowledged before exactly when the row just before its first row in
    this batch is at or after its receipt: one index probe per dossier, however many rows it had before.
    """
    batch: dict[str, tuple[int, int, list[int]]] = {}  # ordering key → (dossier, first id in the batch, seqs)
    rows = OutboxMessage.objects.filter(pk__in=list(message_ids), dossier__isnull=False).order_by("pk")
    for pk, dossier_id, ordering_key, key in rows.values_list("pk", "dossier_id", "ordering_key", "idempotency_key"):
        batch.setdefault(ordering_key, (dossier_id, pk, []))[2].append(_seq(key))
    if not batch:
        return 0
    receipts = _receipt_seqs({dossier_id for dossier_id, _pk, _seqs in batch.values()})
    first_time: set[int] = set()
    for ordering_key, (dossier_id, first_pk, seqs) in batch.items():
        receipt = receipts.get(dossier_id)
        if not acknowledged_after_receipt(receipt, seqs):
            continue
        previous = _previous_seq(ordering_key, first_pk)
        if previous is None or not acknowledged_after_receipt(receipt, [previous]):
            first_time.add(dossier_id)
    dossiers = Dossier.objects.filter(pk__in=first_time, received_at__isnull=False).only(
        "received_at", "resolving_agency_id", "procedure_id", "channel"
    )
    deltas: dict[tuple[int, int, str], list[Delta]] = defaultdict(list)
    for dossier in dossiers:
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
