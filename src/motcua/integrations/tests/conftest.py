"""Real processes for the outbox tests: the stand-in receiver and workers, against the test database.

A subprocess reaches pytest-django's test database through ``DATABASE_URL``, built from the connection the
test itself uses (``connection.settings_dict`` once the test database exists): on SQLite the test database
is a file (``TEST.NAME`` in settings), on PostgreSQL the ``test_…`` database of the run. The tests that start
workers use ``transactional_db`` so that what they write is committed and visible to the other processes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from django.db import connection

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.rules.lifecycle import ActionType

SECRET = "bi-mat-cua-ban-thu"
CLI = [sys.executable, "-m", "motcua.cli"]


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs on, for a subprocess."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}{port}/{s['NAME']}"


def subprocess_env(**overrides: Any) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url_for_subprocess()
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def wait_until(condition: Callable[[], Any], *, timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def standin_process(argv: list[str], log: Path, *, env: dict[str, str] | None = None) -> Iterator[str]:
    """``motcua <argv>`` (a stand-in command) as its own process until it prints where it listens; yields that URL
    (with its final slash) and stops it with SIGTERM at the end — every stand-in stops that way
    (``integrations.standin_command``)."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [*CLI, *argv], stdout=out, stderr=subprocess.STDOUT, env=env if env is not None else subprocess_env()
        )
    try:
        found = wait_until(
            lambda: re.search(r"listening on (http://\S+/)", log.read_text()) or process.poll() is not None,
            what=f"{argv[0]} to listen",
        )
        assert process.poll() is None, log.read_text()
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


class Standin:
    """A running ``motcua webhook-standin`` process and its control API."""

    def __init__(self, url: str, log: Path) -> None:
        self.url, self.log, self.secret = url, log, SECRET

    def received(self) -> dict[str, Any]:
        return httpx.get(self.url + "_standin/received", timeout=5).json()

    def fail(self, **order: Any) -> None:
        response = httpx.post(self.url + "_standin/fail", json=order, timeout=5)
        assert response.status_code == 200, response.text


@pytest.fixture
def standin(tmp_path: Path) -> Iterator[Standin]:
    log = tmp_path / "standin.log"
    with standin_process(["webhook_standin", "--port", "0", "--secret", SECRET], log) as url:
        yield Standin(url, log)


@pytest.fixture
def webhook(settings: Any, standin: Standin) -> Standin:
    """The webhook destination enabled in this process (actions write rows) and pointed at the stand-in."""
    settings.MOTCUA_WEBHOOK_URL = standin.url
    settings.MOTCUA_WEBHOOK_SECRET = SECRET
    return standin


class Workers:
    """Start ``motcua worker`` processes against the test database, with small leases and backoffs."""

    #: how long ``until_idle`` waits for a worker to finish
    idle_timeout = 60

    def __init__(self, standin: Standin, tmp_path: Path) -> None:
        self.standin, self.tmp_path, self.started = standin, tmp_path, []

    def env(self, **overrides: Any) -> dict[str, str]:
        values = {
            "MOTCUA_WEBHOOK_URL": self.standin.url,
            "MOTCUA_WEBHOOK_SECRET": SECRET,
            "MOTCUA_OUTBOX_LEASE_SECONDS": 3,
            "MOTCUA_OUTBOX_BACKOFF_SECONDS": 0.1,
            "MOTCUA_OUTBOX_MAX_ATTEMPTS": 6,
            "MOTCUA_OUTBOX_SWEEP_SECONDS": 0.2,
            "MOTCUA_WORKER_POLL_SECONDS": 0.05,
        }
        return subprocess_env(**(values | overrides))

    def start(self, *args: str, **overrides: Any) -> subprocess.Popen:
        log = self.tmp_path / f"worker-{len(self.started)}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [*CLI, "worker", *args], stdout=out, stderr=subprocess.STDOUT, env=self.env(**overrides)
            )
        process.log = log  # type: ignore[attr-defined]
        self.started.append(process)
        return process

    def until_idle(self, *args: str, **overrides: Any) -> str:
        process = self.start("--until-idle", *args, **overrides)
        assert process.wait(timeout=self.idle_timeout) == 0, process.log.read_text()  # type: ignore[attr-defined]
        return process.log.read_text()  # type: ignore[attr-defined]

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def workers(standin: Standin, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(standin, tmp_path)
    yield pool
    pool.stop_all()


def walk_dossier(commune: Any, staff: dict[str, User], *, steps: int = 3) -> Dossier:
    """A dossier received at the counter, then forwarded and approved: 1 + ``steps`` actions in its log."""
    dossier = open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    for kind, role in [
        (ActionType.FORWARD, "counter"),
        (ActionType.FORWARD, "specialist"),
        (ActionType.APPROVE, "leader"),
    ][:steps]:
        perform(dossier, kind, user=staff[role])
    return dossier
