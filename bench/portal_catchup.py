"""Catch-up after an outage of the national portal: N dossiers' rows waiting in the outbox, delivered to the stand-in.

Run from the repository root::

    .venv/bin/python bench/portal_catchup.py [--dossiers 4000] [--workers 2] [--batch-size 500]
                                             [--pg postgres://postgres@127.0.0.1:5432] [--profile] [--smoke]

What one run does:

1. a throw-away database (a SQLite file in a temporary directory, or with ``--pg`` a PostgreSQL database
   ``motcua_bench_<pid>`` dropped at the end), migrated, with the demo catalogue and officers;
2. **the waiting rows**: ``--templates`` dossiers (default 100) go through the real services with the portal
   configured but not running (receive, forward, forward, approve: 4 actions, 4 rows each, built by the real
   destination's ``message_for``); the other dossiers are copies of those rows under new dossier codes
   (``MaHoSo``, ``SoBienNhan``, the progress rows' ``MaHoSo`` replaced), inserted in bulk **interleaved** as an
   outage leaves them (every dossier's first row, then every dossier's second row, …), so batches rarely find two
   rows of one dossier to coalesce: the hard case;
3. the stand-in portal (``motcua national-portal-standin``) on a free loopback port, then ``--workers`` processes
   ``motcua worker --until-idle``, timed from their start until the last one exits;
4. prints dossiers/s, messages/s, progress rows/s, the total time, and what limits it: the CPU seconds of the
   workers and of the stand-in against the wall time × cores, and with ``--profile`` the top functions of one more
   worker run under cProfile (on a fresh copy of the rows) grouped as database, HTTP, JSON, other.

It checks the facts that prove the path ran (every row delivered, the stand-in holds every dossier and every
progress row once, no refusal) and never judges a duration. Goals (issue 9): ~4,000 dossiers with their
progress in < 60 s; 100,000 in < 15 min on 2 cores. ``--smoke``: 150 dossiers from 10 templates.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_http import PgServer, free_port, process_cpu_seconds, throwaway_database
from smoke import check

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "motcua.cli"]
COMMUNE = "UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)"
PROCEDURE = "2.001035"
OFFICERS = {"counter": "motcua-mc-xa", "specialist": "motcua-cv-xa", "leader": "motcua-ld-xa"}
PORTAL = {"USERNAME": "bench", "PASSWORD": "bench-password", "DSTCODE": "H55"}


@contextlib.contextmanager
def database(pg: str | None) -> Iterator[str]:
    if pg:
        with throwaway_database(PgServer.from_url(pg), f"motcua_bench_{os.getpid()}") as url:
            yield url
        return
    directory = Path(tempfile.mkdtemp(prefix="motcua-portal-bench-"))
    try:
        yield f"sqlite:///{directory / 'bench.sqlite3'}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def portal_env(url: str) -> dict[str, str]:
    env = {f"MOTCUA_NATIONAL_PORTAL_{name}": value for name, value in PORTAL.items()}
    env.update(MOTCUA_NATIONAL_PORTAL_AUTH_URL=url + "auth", MOTCUA_NATIONAL_PORTAL_SERVICE_URL=url + "service")
    return env


def build(dossiers: int, templates: int) -> tuple[int, int]:
    """Migrate, load the demo, make the template dossiers through the services, copy their rows; returns
    (dossiers, rows) waiting."""
    import django
    from django.core.management import call_command

    django.setup()
    from motcua.accounts.models import User
    from motcua.catalog.models import Offering
    from motcua.dossiers.services import Applicant, ChecklistItem, Intake, open_dossier, perform
    from motcua.integrations.models import OutboxMessage
    from motcua.rules.lifecycle import ActionType

    call_command("migrate", verbosity=0)
    call_command("load_demo", dossiers=0, force=True, verbosity=0)
    offering = Offering.objects.get(procedure__code=PROCEDURE, agency__name=COMMUNE)
    checklist = [ChecklistItem(d.pk, d.form) for d in offering.procedure.documents.all() if not d.condition]
    staff = {role: User.objects.get(username=name) for role, name in OFFICERS.items()}
    started = time.perf_counter()
    for number in range(templates):
        applicant = Applicant("citizen", f"Nguyễn Văn {number}", f"019099{number:06d}")
        dossier = open_dossier(
            Intake(offering=offering, channel="counter", applicant=applicant, checklist=checklist),
            user=staff["counter"],
        )
        for kind, role in [
            (ActionType.FORWARD, "counter"),
            (ActionType.FORWARD, "specialist"),
            (ActionType.APPROVE, "leader"),
        ]:
            perform(dossier, kind, user=staff[role])
    print(f"  {templates} dossiers through the services in {time.perf_counter() - started:.1f} s")
    rows: dict[str, list[OutboxMessage]] = {}
    for row in OutboxMessage.objects.filter(destination="national_portal").order_by("pk"):
        rows.setdefault(row.ordering_key, []).append(row)
    check(f"{templates} template dossiers have their rows", len(rows) == templates)
    started = time.perf_counter()
    originals = list(rows.values())
    texts = [[json.dumps(r.payload, ensure_ascii=False) for r in group] for group in originals]
    copies: list[tuple[int, str]] = [
        (i % templates, f"{originals[i % templates][0].ordering_key}.{i:06d}") for i in range(templates, dossiers)
    ]
    depth = max(len(group) for group in originals)
    batch: list[OutboxMessage] = []
    total = 0
    for position in range(depth):  # interleaved: every dossier's n-th row, then the (n+1)-th
        for template, code in copies:
            group = originals[template]
            if position >= len(group):
                continue
            source = group[position]
            payload = json.loads(texts[template][position].replace(source.ordering_key, code))
            batch.append(
                OutboxMessage(
                    destination=source.destination,
                    event=source.event,
                    idempotency_key=f"national_portal:{code}:{position + 1}",
                    ordering_key=code,
                    dossier_id=source.dossier_id,
                    payload=payload,
                    created_at=source.created_at,
                    next_attempt_at=source.next_attempt_at,
                )
            )
            if len(batch) >= 5000:
                OutboxMessage.objects.bulk_create(batch)
                total += len(batch)
                batch = []
    OutboxMessage.objects.bulk_create(batch)
    total += len(batch)
    print(f"  {len(copies)} more dossiers, {total} rows copied in {time.perf_counter() - started:.1f} s")
    from django.db import connections

    connections.close_all()
    return dossiers, OutboxMessage.objects.count()


def run_workers(count: int, env: dict[str, str], logs: Path, *, profile: Path | None = None) -> float:
    started = time.perf_counter()
    processes = []
    for number in range(count):
        argv = [*CLI, "worker", "--until-idle"]
        if profile is not None:
            argv = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "motcua.cli", "worker", "--until-idle"]
        out = (logs / f"worker-{number}.log").open("w")
        processes.append((subprocess.Popen(argv, stdout=out, stderr=out, env=env, cwd=ROOT), out))
    for process, out in processes:
        code = process.wait(timeout=3600)
        out.close()
        if os.environ.get("BENCH_SHOW_LOGS"):
            print(Path(out.name).read_text()[-6000:])
        check(f"worker exited with 0 ({out.name})", code == 0)
    return time.perf_counter() - started


def summary(url: str) -> dict[str, Any]:
    import httpx

    return httpx.get(url + "_standin/received?summary=1", timeout=60).json()


CATEGORIES = [
    ("database", ("django/db", "sqlite3", "psycopg", "django_tasks")),
    ("HTTP (and waiting for the stand-in)", ("httpx", "httpcore", "h11", "socket", "ssl", "select")),
    ("JSON", ("json",)),
]


def print_profile(path: Path) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename if filename != "~" else name  # built-ins are named by their object
        kind = next((k for k, marks in CATEGORIES if any(m in where for m in marks)), "other")
        totals[kind] = totals.get(kind, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    print(
        "  profile of one worker (own time by kind): "
        + ", ".join(f"{k} {v:.1f} s ({v / whole:.0%})" for k, v in sorted(totals.items(), key=lambda kv: -kv[1]))
    )
    stats.sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=4000)
    parser.add_argument("--templates", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--pg", default="", help="PostgreSQL server URL (no database); default: SQLite")
    parser.add_argument("--profile", action="store_true", help="then profile one worker on a fresh copy of the rows")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.dossiers, args.templates = 150, 10
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    with database(args.pg) as url, tempfile.TemporaryDirectory(prefix="motcua-portal-logs-") as logs_dir:
        logs = Path(logs_dir)
        port = free_port()
        standin_url = f"http://127.0.0.1:{port}/"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MOTCUA_DEBUG": "1",
            "MOTCUA_VAR_DIR": str(logs),
            "MOTCUA_OUTBOX_BATCH_SIZE": str(args.batch_size),
            "PYTHONUNBUFFERED": "1",
            **portal_env(standin_url),
        }
        os.environ.update(env)
        print(
            f"portal catch-up: {args.dossiers} dossiers, {args.workers} worker(s), batches of {args.batch_size}, "
            f"{'PostgreSQL' if args.pg else 'SQLite'}, {os.cpu_count()} cores"
        )
        dossiers, rows = build(args.dossiers, args.templates)
        progress_rows = rows  # one progress row per action row
        standin_log = logs / "standin.log"
        with standin_log.open("w") as out:
            standin = subprocess.Popen(
                [
                    *CLI,
                    "national_portal_standin",
                    "--port",
                    str(port),
                    "--username",
                    PORTAL["USERNAME"],
                    "--password",
                    PORTAL["PASSWORD"],
                    "--dstcode",
                    PORTAL["DSTCODE"],
                ],
                stdout=out,
                stderr=out,
                env=env,
                cwd=ROOT,
            )
        try:
            deadline = time.monotonic() + 60
            while "listening" not in standin_log.read_text():
                if standin.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the stand-in did not start:\n{standin_log.read_text()}")
                time.sleep(0.05)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            standin_cpu0 = process_cpu_seconds(standin.pid) or 0.0
            seconds = run_workers(args.workers, env, logs)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            standin_cpu = (process_cpu_seconds(standin.pid) or 0.0) - standin_cpu0
            workers_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            seen = summary(standin_url)
            print(
                f"\n  delivered {dossiers} dossiers, {rows} messages ({progress_rows} progress rows) in {seconds:.1f} s"
            )
            print(f"  {dossiers / seconds:,.0f} dossiers/s, {rows / seconds:,.0f} messages/s")
            calls = {k: v for k, v in seen["counts"].items() if k.startswith("service:") or k == "logins"}
            print(f"  portal calls: {calls}")
            cores = os.cpu_count() or 1
            print(
                f"  CPU: workers {workers_cpu:.1f} s, stand-in {standin_cpu:.1f} s, of {seconds * cores:.1f} s "
                f"available ({cores} cores × wall time); the rest is the database server (PostgreSQL) or idle"
            )
            import django.db

            from motcua.integrations.models import OutboxMessage, OutboxState

            django.db.connections.close_all()
            delivered = OutboxMessage.objects.filter(state=OutboxState.DELIVERED).count()
            check(f"every row delivered ({delivered} of {rows})", delivered == rows)
            check(f"the stand-in holds every dossier ({seen['dossiers']})", seen["dossiers"] == dossiers)
            check(
                f"the stand-in holds every progress row once ({seen['progress_rows']})",
                seen["progress_rows"] == progress_rows,
            )
            check("the stand-in refused nothing", not seen["refused"])
            if args.profile:
                OutboxMessage.objects.update(state=OutboxState.PENDING, attempts=0, delivered_at=None)
                import httpx

                httpx.post(standin_url + "_standin/clear", timeout=30)
                profile = logs / "worker.prof"
                profiled = run_workers(1, env, logs, profile=profile)
                print(f"\n  one profiled worker: {profiled:.1f} s")
                print_profile(profile)
        finally:
            standin.send_signal(signal.SIGTERM)
            standin.wait(timeout=30)
            import django.db

            with contextlib.suppress(django.db.Error):  # the throw-away database may be dropped already
                django.db.connections.close_all()


if __name__ == "__main__":
    main()
