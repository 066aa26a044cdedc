"""Writes of the live counters: one upsert per table (day, month) in the transaction of the action that changes
them, so the monthly roll-up is exact at every commit (decision 53)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from motcua.metrics.models import DailyCount, MonthlyCount, StepDurationCount
from motcua.rules.counters import METRICS, Delta


def month_of(day: date) -> date:
    return day.replace(day=1)


def _upsert(table: str, period: str, agency_id: int, procedure_id: int, channel: str, rows: list) -> None:
    """``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL and SQLite alike): concurrent actions on the same key add
    up instead of overwriting each other. Rows in key order, so two transactions lock them in the same order."""
    quote = connection.ops.quote_name
    values = ", ".join("(%s, %s, %s, %s, %s, %s)" for _ in rows)
    sql = (
        f"INSERT INTO {quote(table)} ({period}, agency_id, procedure_id, channel, metric, value) VALUES {values} "
        f"ON CONFLICT ({period}, agency_id, procedure_id, channel, metric) "
        f"DO UPDATE SET value = {quote(table)}.value + excluded.value"
    )
    params: list[object] = []
    for when, metric, value in sorted(rows):
        params += [when, agency_id, procedure_id, channel, metric, value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add_to_counters(agency_id: int, procedure_id: int, channel: str, deltas: Sequence[Delta]) -> None:
    """Add ``deltas`` to the daily counters of one agency × procedure × channel and to their months' roll-up:
    two statements in the caller's transaction (the action's)."""
    daily: Counter[tuple[date, str]] = Counter()
    for delta in deltas:
        if delta.metric not in METRICS:
            raise ValueError(f"unknown metric: {delta.metric}")
        daily[(delta.day, delta.metric)] += delta.value
    monthly: Counter[tuple[date, str]] = Counter()
    for (day, metric), value in daily.items():
        monthly[(month_of(day), metric)] += value
    rows = [(day, metric, value) for (day, metric), value in daily.items() if value]
    if not rows:
        return
    _upsert(DailyCount._meta.db_table, "day", agency_id, procedure_id, channel, rows)
    months = [(m, metric, value) for (m, metric), value in monthly.items() if value]
    if months:
        _upsert(MonthlyCount._meta.db_table, "month", agency_id, procedure_id, channel, months)


def replace_all_counters(rows: Iterable[DailyCount], *, metrics: Iterable[str]) -> int:
    """Replace every counter of ``metrics`` by ``rows`` (a rebuild from one source), the monthly roll-up
    re-folded from them; returns the daily rows written."""
    metrics = list(metrics)
    DailyCount.objects.filter(metric__in=metrics).delete()
    created = DailyCount.objects.bulk_create(rows, batch_size=1000)
    refold_months(metrics)
    return len(created)


def refold_months(metrics: Iterable[str]) -> int:
    """Rewrite the monthly roll-up of ``metrics`` as the sums of their daily rows (a rebuild, or a bulk load that
    wrote daily rows only); returns the monthly rows written."""
    metrics = list(metrics)
    MonthlyCount.objects.filter(metric__in=metrics).delete()
    sums: dict[tuple, int] = defaultdict(int)
    grouped = (
        DailyCount.objects.filter(metric__in=metrics)
        .annotate(month=TruncMonth("day"))
        .values_list("month", "agency_id", "procedure_id", "channel", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for month, agency, procedure, channel, metric, total in grouped.iterator():
        first = month.date() if hasattr(month, "date") and callable(month.date) else month
        sums[(first, agency, procedure, channel, metric)] += total
    created = MonthlyCount.objects.bulk_create(
        (
            MonthlyCount(month=m, agency_id=a, procedure_id=p, channel=c, metric=metric, value=v)
            for (m, a, p, c, metric), v in sums.items()
            if v
        ),
        batch_size=1000,
    )
    return len(created)


def add_step_durations(agency_id: int, procedure_id: int, ended: Sequence[tuple[int, date, int]]) -> None:
    """Count passages (step position, month of their end, rounded working seconds) in the duration summary,
    one upsert in the caller's transaction (the action's that ended them)."""
    counted: Counter[tuple[int, date, int]] = Counter(ended)
    if not counted:
        return
    quote = connection.ops.quote_name
    table = quote(StepDurationCount._meta.db_table)
    values = ", ".join("(%s, %s, %s, %s, %s, %s)" for _ in counted)
    sql = (
        f"INSERT INTO {table} (agency_id, procedure_id, position, month, seconds, passages) VALUES {values} "
        f"ON CONFLICT (agency_id, procedure_id, position, month, seconds) "
        f"DO UPDATE SET passages = {table}.passages + excluded.passages"
    )
    params: list[object] = []
    for (position, month, seconds), n in sorted(counted.items()):
        params += [agency_id, procedure_id, position, month, seconds, n]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def replace_step_durations(rows: Iterable[StepDurationCount]) -> int:
    """Replace the whole duration summary by ``rows`` (a rebuild from the control sheets)."""
    StepDurationCount.objects.all().delete()
    return len(StepDurationCount.objects.bulk_create(rows, batch_size=1000))
