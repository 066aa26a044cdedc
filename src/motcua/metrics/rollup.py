"""Reads of the counters over any range of days: its whole calendar months from the monthly roll-up
(``MonthlyCount``), its partial months at either end from the daily rows (``DailyCount``) — the same sums as
the daily rows alone (the roll-up is kept exact, ``metrics.services``), read from about 12 rows a key and a year
instead of 365 (decision 53). Reads only: the selectors and the dashboards call it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from motcua.metrics.models import DailyCount, MonthlyCount

Sums = dict[str, int]


class Scope(Protocol):
    """Whose counters (``metrics.selectors.Scope``): narrows a queryset of either table to them."""

    def filter(self, rows: QuerySet) -> QuerySet: ...


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def split(first: date | None, last: date) -> tuple[list[tuple[date | None, date]], tuple[date | None, date] | None]:
    """``first``…``last`` (``first`` None: from the beginning) as (day ranges read from the daily rows, the
    month range ``[from, to)`` of whole months read from the roll-up, or None)."""
    whole_to = (last + timedelta(days=1)).replace(day=1)  # the months starting before it end by ``last``
    whole_from = None if first is None else (first if first.day == 1 else _next_month(first))
    if first is not None and whole_from >= whole_to:  # type: ignore[operator]
        return [(first, last)], None
    days: list[tuple[date | None, date]] = []
    if first is not None and first < whole_from:  # type: ignore[operator]
        days.append((first, whole_from - timedelta(days=1)))  # type: ignore[operator]
    if whole_to <= last:
        days.append((whole_to, last))
    return days, (whole_from, whole_to)


def _day(value: object) -> date:
    """TruncMonth gives a date for a DateField on PostgreSQL and SQLite alike; a datetime is cut to its date."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def sums(
    scope: Scope, metrics: Iterable[str], first: date | None, last: date, by: tuple[str, ...] = ()
) -> dict[tuple, Sums]:
    """Counter sums of ``metrics`` over the days ``first``…``last`` (``first`` None: every day up to ``last``)
    in ``scope``, grouped by the fields ``by`` (``"month"``: the month's first day; ``agency_id``,
    ``procedure_id``, ``channel``); at most three grouped queries."""
    metrics = list(metrics)
    found: dict[tuple, Sums] = defaultdict(lambda: defaultdict(int))
    if not metrics:
        return {}
    day_ranges, months = split(first, last)

    def fold(rows: QuerySet) -> None:
        for row in rows.values(*by, "metric").annotate(total=Sum("value")).order_by():
            key = tuple(_day(row[name]) if name == "month" else row[name] for name in by)
            found[key][row["metric"]] += row["total"]

    for lo, hi in day_ranges:
        rows = scope.filter(DailyCount.objects.filter(metric__in=metrics, day__lte=hi))
        if lo is not None:
            rows = rows.filter(day__gte=lo)
        if "month" in by:
            rows = rows.annotate(month=TruncMonth("day"))
        fold(rows)
    if months is not None:
        lo, hi = months
        rows = scope.filter(MonthlyCount.objects.filter(metric__in=metrics, month__lt=hi))
        if lo is not None:
            rows = rows.filter(month__gte=lo)
        fold(rows)
    return {key: dict(values) for key, values in found.items()}


def total(scope: Scope, metrics: Iterable[str], first: date | None, last: date) -> Sums:
    """:func:`sums` not grouped: one total per metric."""
    return sums(scope, metrics, first, last).get((), {})


def open_days(scope: Scope, metric: str, by: tuple[str, ...]) -> dict[tuple, list[tuple[date, int]]]:
    """The days whose ``metric`` (a by-day counter of open dossiers, never negative on a day, e.g.
    ``open_by_received_day``) is not zero, grouped by ``by``: only the months whose roll-up is not zero are read
    by day — a month summing to 0 has every day at 0, so the closed past is skipped."""
    months = scope.filter(MonthlyCount.objects.filter(metric=metric).exclude(value=0))
    open_months = sorted({m for m in months.values_list("month", flat=True).distinct()})
    found: dict[tuple, list[tuple[date, int]]] = defaultdict(list)
    if not open_months:
        return {}
    rows = scope.filter(
        DailyCount.objects.filter(metric=metric, day__gte=open_months[0], day__lt=_next_month(open_months[-1]))
    ).exclude(value=0)
    wanted = set(open_months)
    for row in rows.values(*by, "day").annotate(total=Sum("value")).order_by():
        if row["day"].replace(day=1) in wanted and row["total"]:
            found[tuple(row[name] for name in by)].append((row["day"], row["total"]))
    return dict(found)


def stored_months(metrics: Iterable[str]) -> dict[tuple, int]:
    """The monthly roll-up of ``metrics`` as stored, zero rows left out: (month, agency, procedure, channel,
    metric) → value — what the rebuild == incremental checks compare with :func:`folded`."""
    rows = (
        MonthlyCount.objects.filter(metric__in=list(metrics))
        .exclude(value=0)
        .values_list("month", "agency_id", "procedure_id", "channel", "metric", "value")
    )
    return {tuple(row[:5]): row[5] for row in rows}


def folded(daily: dict[tuple, int]) -> dict[tuple, int]:
    """Daily counters ((day, agency, procedure, channel, metric) → value) summed by month, zero sums left out."""
    found: dict[tuple, int] = defaultdict(int)
    for (day, agency, procedure, channel, metric), value in daily.items():
        found[(day.replace(day=1), agency, procedure, channel, metric)] += value
    return {key: value for key, value in found.items() if value}
