"""Counters that are not folded from the dossiers' action log, and how each is recomputed from its own rows.

Why a registry: ``motcua rebuild-metrics`` lives in ``dossiers`` (it folds the log), but some counters come from
rows of apps above it — the applicants' evaluations (``portal.Rating``: ``rated``, ``rated_dissatisfied``), the
national portal's acknowledgements in the outbox (``synchronised``). ``dossiers`` may not import those apps (the
apps' import graph has no cycle), so each registers here, in its ``AppConfig.ready``, the metrics it owns
(``rules.counters.Metric.source``) and a function giving them as they should be; the command replaces or compares
them like the log's. A source's metrics are replaced as a whole: its rows are the only truth for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from motcua.metrics.models import DailyCount
from motcua.metrics.services import replace_all_counters
from motcua.rules.counters import METRICS

CounterKey = tuple[date, int, int, str, str]  # day, agency, procedure, channel, metric


@dataclass(frozen=True)
class CounterSource:
    """``compute`` answers the source's non-zero counters as its rows say they should be."""

    name: str
    metrics: frozenset[str]
    compute: Callable[[], Mapping[CounterKey, int]]


_SOURCES: dict[str, CounterSource] = {}


def register(name: str, compute: Callable[[], Mapping[CounterKey, int]]) -> None:
    """Register the source ``name`` of ``rules.counters`` (its metrics are those declared with that source)."""
    metrics = frozenset(metric for metric, spec in METRICS.items() if spec.source == name)
    if not metrics or name == "log":
        raise ValueError(f"no counters of source {name!r} to rebuild")
    _SOURCES[name] = CounterSource(name, metrics, compute)


def sources() -> list[CounterSource]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]


def named(name: str) -> CounterSource:
    """The registered source ``name`` (``KeyError`` when its app is not installed)."""
    return _SOURCES[name]


def stored(source: CounterSource) -> dict[CounterKey, int]:
    rows = DailyCount.objects.filter(metric__in=source.metrics).exclude(value=0)
    return {
        (day, agency, procedure, channel, metric): value
        for day, agency, procedure, channel, metric, value in rows.values_list(
            "day", "agency_id", "procedure_id", "channel", "metric", "value"
        )
    }


def differing(source: CounterSource) -> set[CounterKey]:
    expected = {key: value for key, value in source.compute().items() if value}
    found = stored(source)
    return {key for key in expected.keys() | found.keys() if expected.get(key) != found.get(key)}


@transaction.atomic
def rebuild(source: CounterSource) -> int:
    """Replace the source's counters by the recomputed ones; returns the rows written."""
    rows = [
        DailyCount(day=day, agency_id=agency, procedure_id=procedure, channel=channel, metric=metric, value=value)
        for (day, agency, procedure, channel, metric), value in source.compute().items()
        if value
    ]
    return replace_all_counters(rows, metrics=source.metrics)
