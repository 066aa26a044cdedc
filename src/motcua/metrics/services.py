"""Writes of the live counters: one upsert in the transaction of the action that changes them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import connection

from motcua.metrics.models import DailyCounter
from motcua.rules.counters import COUNTERS


def add_to_counters(day: date, agency_id: int, procedure_id: int, channel: str, deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` to the counters of one day × agency × procedure × channel.

    ``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL and SQLite alike) makes concurrent actions on the
    same key add up instead of overwriting each other.
    """
    deltas = {name: value for name, value in deltas.items() if value}
    if not deltas:
        return
    unknown = set(deltas) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    quote = connection.ops.quote_name
    table = quote(DailyCounter._meta.db_table)
    names = list(deltas)
    columns = ", ".join(quote(n) for n in names)
    updates = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in names)
    defaults = ", ".join(quote(n) for n in COUNTERS if n not in deltas)
    zero_values = ", ".join("0" for n in COUNTERS if n not in deltas)
    sql = (
        f"INSERT INTO {table} (day, agency_id, procedure_id, channel, {columns}"
        f"{', ' + defaults if defaults else ''}) "
        f"VALUES (%s, %s, %s, %s, {', '.join('%s' for _ in names)}{', ' + zero_values if zero_values else ''}) "
        f"ON CONFLICT (day, agency_id, procedure_id, channel) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, agency_id, procedure_id, channel, *deltas.values()])


def replace_all_counters(rows: Iterable[DailyCounter]) -> int:
    """Replace every counter by ``rows`` (the rebuild); returns the number of rows written."""
    DailyCounter.objects.all().delete()
    created = DailyCounter.objects.bulk_create(rows, batch_size=1000)
    return len(created)
