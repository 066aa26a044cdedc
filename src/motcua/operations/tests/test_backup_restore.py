"""Backup and restore (issue 15, docs/deploy.md): a dump restored into an empty database is the same state,
and that state is what its own log rebuilds.

The backup is taken the way docs/deploy.md says: ``pg_dump --format=custom`` then ``pg_restore`` into a new
database on PostgreSQL; SQLite's online backup API (what ``sqlite3 motcua.sqlite3 ".backup …"`` does) on
SQLite. The restored database is then checked by the commands an operator runs after a restore, as separate
processes: ``rebuild-dossiers`` (every dossier row and control sheet equals its log's fold),
``rebuild-metrics --check`` (every counter equals its log's), ``verify-audit`` (every hash chain holds).
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.audit import seal_pending
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.integrations.tests.conftest import CLI, database_url_for_subprocess, subprocess_env
from motcua.rules.lifecycle import ActionType

pytestmark = pytest.mark.django_db(transaction=True)  # the dump is read by another process

TABLES = ("dossiers_dossier", "dossiers_dossieraction", "dossiers_dossierstep", "metrics_dailycount")


def fingerprint(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables that make the state, in primary-key order (what must survive a restore),
    read through the database's own driver, the same way on both sides."""
    rows = {}
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            for table in TABLES:
                rows[table] = db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        return rows
    import psycopg

    with psycopg.connect(url) as db, db.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            rows[table] = cursor.fetchall()
    return rows


@pytest.fixture
def restored(tmp_path: Path) -> Iterator[str]:
    """A restored copy of the test database; its URL."""
    url = database_url_for_subprocess()
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        yield f"sqlite:///{target}"
        return
    dump = tmp_path / "motcua.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", url], check=True, timeout=120)
    name = f"{connection.settings_dict['NAME']}_restored"
    base = url.rsplit("/", 1)[0]
    subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={url}", name], check=True)
    subprocess.run(["createdb", f"--maintenance-db={url}", name], check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={base}/{name}", str(dump)], check=True, timeout=120)
        yield f"{base}/{name}"
    finally:
        subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={url}", name], check=True)


def walk(commune: Agency, staff: dict[str, User]) -> None:
    for steps in range(4):
        dossier = open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
        moves = [
            (ActionType.FORWARD, "counter", {}),
            (ActionType.FORWARD, "specialist", {}),
            (ActionType.SEND_BACK, "leader", {"reason": "Xem lại hồ sơ"}),
        ][:steps]
        for kind, role, payload in moves:
            dossier = perform(dossier, kind, user=staff[role], payload=payload)


def run(command: list[str], url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *command], env=subprocess_env(DATABASE_URL=url), capture_output=True, text=True, timeout=120
    )


def test_a_restored_backup_equals_the_original_and_what_its_log_rebuilds(
    commune: Agency, staff: dict[str, User], request: pytest.FixtureRequest
) -> None:
    walk(commune, staff)
    seal_pending()
    before = fingerprint(database_url_for_subprocess())
    assert len(before["dossiers_dossier"]) == 4
    assert len(before["dossiers_dossieraction"]) == 4 + 0 + 1 + 2 + 3

    url = request.getfixturevalue("restored")
    for command in (["rebuild-dossiers"], ["rebuild-metrics", "--check"], ["verify-audit"]):
        done = run(command, url)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    assert "Hồ sơ khác với nhật ký: 0." in run(["rebuild-dossiers"], url).stdout
    assert "Nhật ký toàn vẹn." in run(["verify-audit"], url).stdout

    assert fingerprint(url) == before
