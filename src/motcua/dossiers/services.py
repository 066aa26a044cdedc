"""Writes on dossiers."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from motcua.catalog.models import Agency
from motcua.dossiers.models import DossierCodeSequence
from motcua.rules.codes import format_dossier_code


def allocate_dossier_code(agency: Agency, received_at: datetime) -> str:
    """The next dossier code of ``agency`` for the local date of ``received_at`` (RULES.md §2).

    One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement (PostgreSQL and SQLite ≥ 3.35 alike)
    takes the row lock and increments in the database, so concurrent requests on any number of
    processes or servers never receive the same number — unlike an in-process lock, the known failure
    of a production system (RULES.md §2). Run inside the caller's transaction, a rolled-back intake
    gives its number back.
    """
    day = timezone.localdate(received_at)
    table = connection.ops.quote_name(DossierCodeSequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} (agency_id, day, last_value) VALUES (%s, %s, 1) "
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
        "RETURNING last_value"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, day])
        (sequence,) = cursor.fetchone()
    return format_dossier_code(agency.identifier, day, sequence)
