"""Every benchmark's ``--smoke`` run, one after the other, so that the benchmarks cannot rot (issue 8).

Run: ``make bench-smoke`` (``make test`` runs it after pytest) or ``.venv/bin/python bench/smoke.py``.

A smoke run is the bench's whole path — every phase of the full run — at tiny sizes and durations: it still
prints its figures, and it exits non-zero when a fact that proves the path ran does not hold (an intake that is
not answered 201, an empty generated table, …). Durations are never checked: speed is what the full runs
measure, and a smoke run's figures mean nothing.

Which runs need PostgreSQL, and which server they use:

- ``DATABASE_URL`` is a PostgreSQL URL (CI's PostgreSQL run of ``make test``): they MUST run, on that server
  (host, port and user from the URL; its password, if any, reaches the children as ``PGPASSWORD``, never on a
  command line); an unreachable server is a failure;
- otherwise (``DATABASE_URL`` unset, the SQLite run): they run on ``postgres://postgres@127.0.0.1:5432`` when
  ``pg_isready -h 127.0.0.1`` succeeds, else each prints ``skipped: no PostgreSQL reachable``.

A PostgreSQL bench works in a throw-away database ``motcua_bench_<its pid>``; after it exits, this runner checks
that the database is gone (and drops it if not, which is a failure), so two ``make test`` runs leave nothing behind.

Adding a bench is one line in ``SMOKES``; ``{pg}`` in its arguments stands for the server's URL.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}  # what dj-database-url reads as PostgreSQL
LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432"
TIMEOUT = 180.0  # seconds for one smoke run before it is stopped; a hang must not hold CI for ever


@dataclass(frozen=True)
class Smoke:
    """One bench's smoke run: its arguments (``{pg}``: the server URL) and whether it needs PostgreSQL."""

    args: tuple[str, ...]
    needs_postgres: bool = False
    #: The throw-away database the bench creates, checked to be gone after it exits (``{pid}``: the bench's pid).
    database: str | None = None


SMOKES: list[Smoke] = [
    Smoke(("bench/workdays_bench.py", "--smoke")),
    Smoke(("bench/parse_coverage.py", "--smoke")),
    Smoke(("bench/catalog_bench.py", "--smoke")),
    Smoke(("bench/intake_http.py", "--smoke", "--pg", "{pg}"), needs_postgres=True, database="motcua_bench_{pid}"),
    Smoke(("bench/queue_scale.py", "--smoke", "--pg", "{pg}"), needs_postgres=True, database="motcua_bench_{pid}"),
    Smoke(("bench/portal_catchup.py", "--smoke")),
    Smoke(("bench/portal_pages.py", "--smoke", "--pg", "{pg}"), needs_postgres=True, database="motcua_bench_{pid}"),
    Smoke(("bench/datastore_lookup.py", "--smoke", "--pg", "{pg}"), needs_postgres=True, database="motcua_bench_{pid}"),
    Smoke(("bench/payments_ipn.py", "--smoke", "--pg", "{pg}"), needs_postgres=True, database="motcua_bench_{pid}"),
    Smoke(("bench/scorecard_scale.py", "--smoke", "--pg", "{pg}"), needs_postgres=True, database="motcua_bench_{pid}"),
    Smoke(("bench/early_warning_backtest.py", "--smoke")),
    Smoke(("bench/signing.py", "--smoke")),
    # gunicorn with the production settings; needs Redis too (MOTCUA_REDIS_URL or 127.0.0.1:6379; .ci/run starts it)
    Smoke(("bench/load_production.py", "--smoke", "--pg", "{pg}"), needs_postgres=True, database="motcua_bench_{pid}"),
]


def check(fact: str, holds: bool) -> None:
    """Stop the bench with exit status 1 unless ``holds``: a fact that proves its path ran, never a duration.

    Used by the benches themselves, in smoke and full runs alike (a full run with no intake is broken too).
    """
    if not holds:
        raise SystemExit(f"bench check failed: {fact}")
    print(f"  ok: {fact}")


@dataclass(frozen=True)
class Server:
    """The PostgreSQL server the PostgreSQL smokes use, or why they do not run."""

    url: str | None  # postgres://user@host:port, no password, no database
    required: bool  # DATABASE_URL named it: not reaching it is a failure, not a skip
    env: Mapping[str, str]  # extra environment for the children (PGPASSWORD)
    reason: str = ""  # when url is None or unreachable


def postgres_server(environ: Mapping[str, str], ready: Callable[[str, int], bool] | None = None) -> Server:
    """Decide from ``DATABASE_URL`` where the PostgreSQL smokes go; ``ready``: ``pg_isready`` (tests replace it)."""
    ready = ready or pg_isready
    url = environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] in POSTGRES_SCHEMES:
        host, port, user = parts.hostname or "127.0.0.1", parts.port or 5432, unquote(parts.username or "postgres")
        extra = {"PGPASSWORD": unquote(parts.password)} if parts.password and "PGPASSWORD" not in environ else {}
        server = f"postgres://{user}@{host}:{port}"
        if ready(host, port):
            return Server(server, True, extra)
        missing = "" if shutil.which("pg_isready") else " (pg_isready is not on PATH)"
        return Server(
            None, True, extra, f"DATABASE_URL names PostgreSQL at {host}:{port}, which is not reachable{missing}"
        )
    if ready("127.0.0.1", 5432):
        return Server(LOCAL_SERVER, False, {})
    why = "DATABASE_URL is not a PostgreSQL URL" if url else "DATABASE_URL unset"
    return Server(None, False, {}, f"no PostgreSQL reachable (pg_isready -h 127.0.0.1 failed; {why})")


def pg_isready(host: str, port: int) -> bool:
    if shutil.which("pg_isready") is None:
        return False
    done = subprocess.run(["pg_isready", "-q", "-h", host, "-p", str(port)], check=False, timeout=30)
    return done.returncode == 0


def database_exists(server: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # the name is ours: motcua_bench_<pid>


def run_one(smoke: Smoke, server: Server, timeout: float) -> str:
    """Run one smoke; returns "" when it passed, else what went wrong."""
    args = [arg.replace("{pg}", server.url or "") for arg in smoke.args]
    print(f"\n== {' '.join(args)}", flush=True)
    process = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env={**os.environ, **server.env, "PYTHONUNBUFFERED": "1"}
    )
    try:
        returncode = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)  # the benches clean up on SIGTERM (gunicorn, throw-away database)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return f"did not finish within {timeout:.0f} s (stopped)"
    problems = [] if returncode == 0 else [f"exit status {returncode}"]
    if smoke.database and server.url:
        name = smoke.database.format(pid=process.pid)
        try:
            if database_exists(server.url, name):
                drop_database(server.url, name)
                problems.append(f"left database {name} behind (dropped now)")
        except Exception as error:  # the server went away: say so in the summary rather than with a traceback
            problems.append(f"could not check that database {name} is gone: {error}")
    return "; ".join(problems)


def run(
    smokes: Sequence[Smoke], environ: Mapping[str, str], timeout: float = TIMEOUT, server: Server | None = None
) -> int:
    """Run ``smokes``; print one summary line each; 0 when none failed (skips are not failures).

    ``server``: where the PostgreSQL smokes go; by default decided from ``environ`` by :func:`postgres_server`.
    """
    if server is None:
        server = postgres_server(environ) if any(s.needs_postgres for s in smokes) else Server(None, False, {})
    started = time.perf_counter()
    summary: list[tuple[str, str, float]] = []
    for smoke in smokes:
        name = smoke.args[0]
        begin = time.perf_counter()
        if smoke.needs_postgres and server.url is None:
            if server.required:
                print(f"\n== {name}: FAILED: {server.reason}", flush=True)
                summary.append((name, f"FAILED: {server.reason}", 0.0))
            else:
                print(f"\n== {name}: skipped: {server.reason}", flush=True)
                summary.append((name, f"skipped: {server.reason}", 0.0))
            continue
        problem = run_one(smoke, server, timeout)
        summary.append((name, f"FAILED: {problem}" if problem else "ok", time.perf_counter() - begin))
    print(f"\nBench smoke runs ({time.perf_counter() - started:.1f} s in all):")
    for name, outcome, seconds in summary:
        print(f"  {name:<28} {seconds:6.1f} s  {outcome}")
    return 1 if any(outcome.startswith("FAILED") for _, outcome, _ in summary) else 0


if __name__ == "__main__":
    sys.exit(run(SMOKES, os.environ))
