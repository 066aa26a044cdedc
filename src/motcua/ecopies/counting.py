"""What a certified e-copy adds to the live counters (Decision 766 indicator 4.3, RULES.md §7), and the rebuild.

Both metrics are kept on the day of the request (RULES.md §7: an indicator's period is set by the receipt date
unless its row says otherwise; the request at the counter is the receipt of a certification), under the agency,
the catalogue's certification procedure and the counter channel: ``ecopies_requested`` +1 when the officer
certifies, ``ecopies_certified`` +1 when the agency's signature is on it. :func:`deltas` is what both the
incremental path (``services``) and :func:`counts_from_copies` use, so the rebuild cannot disagree with it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Channel
from motcua.ecopies.models import CertifiedCopy, CopyStatus
from motcua.metrics.models import DailyCount
from motcua.metrics.services import replace_all_counters
from motcua.rules.counters import METRICS, Delta

METRIC_NAMES = tuple(name for name, metric in METRICS.items() if metric.source == "ecopy")
CHANNEL = Channel.COUNTER.value

CounterKey = tuple[date, int, int, str, str]


def requested_deltas(copy: CertifiedCopy) -> list[Delta]:
    return [Delta(timezone.localdate(copy.requested_at), "ecopies_requested", 1)]


def certified_deltas(copy: CertifiedCopy) -> list[Delta]:
    return [Delta(timezone.localdate(copy.requested_at), "ecopies_certified", 1)]


def deltas(copy: CertifiedCopy) -> list[Delta]:
    """Everything one copy has added by now (the rebuild's unit)."""
    return requested_deltas(copy) + (certified_deltas(copy) if copy.status == CopyStatus.SIGNED else [])


def counts_from_copies() -> dict[CounterKey, int]:
    totals: Counter[CounterKey] = Counter()
    rows = CertifiedCopy.objects.only("agency_id", "procedure_id", "requested_at", "status").iterator(chunk_size=2000)
    for copy in rows:
        for delta in deltas(copy):
            totals[(delta.day, copy.agency_id, copy.procedure_id, CHANNEL, delta.metric)] += delta.value
    return dict(totals)


def stored_counts() -> dict[CounterKey, int]:
    rows = DailyCount.objects.filter(metric__in=METRIC_NAMES).exclude(value=0)
    return {
        (day, agency, procedure, channel, metric): value
        for day, agency, procedure, channel, metric, value in rows.values_list(
            "day", "agency_id", "procedure_id", "channel", "metric", "value"
        )
    }


@transaction.atomic
def rebuild_counts() -> int:
    """Replace the e-copy counters by the ones recomputed from the copies; returns the rows written."""
    rows = [
        DailyCount(day=day, agency_id=agency, procedure_id=procedure, channel=channel, metric=metric, value=value)
        for (day, agency, procedure, channel, metric), value in counts_from_copies().items()
    ]
    return replace_all_counters(rows, metrics=METRIC_NAMES)
