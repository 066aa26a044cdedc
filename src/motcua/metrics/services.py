"""Writes of the live counters: one upsert in the transaction of the action that changes them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import connection

from motcua.metrics.models import DailyCount
from motcua.rules.counters import METRICS, Delta


def add_to_counters(agency_id: int, procedure_id: int, channel: str, deltas: Sequence[Delta]) -> None:
    """Add ``deltas`` to the counters of one agency × procedure × channel, in one statement.

    ``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL and SQLite alike) makes concurrent actions on the same
    key add up instead of overwriting each other.
    """
    summed: Counter[tuple[object, str]] = Counter()
    for delta in deltas:
        if delta.metric not in METRICS:
            raise ValueError(f"unknown metric: {delta.metric}")
        summed[(delta.day, delta.metric)] += delta.value
    rows = [(day, metric, value) for (day, metric), value in summed.items() if value]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(DailyCount._meta.db_table)
    values = ", ".join("(%s, %s, %s, %s, %s, %s)" for _ in rows)
    sql = (
        f"INSERT INTO {table} (day, agency_id, procedure_id, channel, metric, value) VALUES {values} "
        f"ON CONFLICT (day, agency_id, procedure_id, channel, metric) "
        f"DO UPDATE SET value = {table}.value + excluded.value"
    )
    params: list[object] = []
    for day, metric, value in rows:
        params += [day, agency_id, procedure_id, channel, metric, value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def replace_all_counters(rows: Iterable[DailyCount], *, metrics: Iterable[str]) -> int:
    """Replace every counter of ``metrics`` by ``rows`` (a rebuild from one source); returns the rows written."""
    DailyCount.objects.filter(metric__in=list(metrics)).delete()
    created = DailyCount.objects.bulk_create(rows, batch_size=1000)
    return len(created)
