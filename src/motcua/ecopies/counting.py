"""What a certified e-copy adds to the live counters (Decision 766 indicator 4.3, RULES.md §7), and the rebuild.

Both metrics are kept on the day of the request (RULES.md §7: an indicator's period is set by the receipt date
unless its row says otherwise; the request at the counter is the receipt of a certification), under the agency,
the catalogue's certification procedure and the counter channel: ``ecopies_requested`` +1 when the officer
certifies, ``ecopies_certified`` +1 when the agency's signature is on it. :func:`deltas` is what both the
incremental path (``services``) and :func:`counts_from_copies` use, so the rebuild cannot disagree with it;
``motcua rebuild-metrics [--check]`` recomputes them through ``metrics.sources`` (registered in ``apps``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.utils import timezone

from motcua.catalog.models import Channel
from motcua.ecopies.models import CertifiedCopy, CopyStatus
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
