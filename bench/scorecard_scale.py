"""The live scorecard at scale on PostgreSQL (issue 13): the service index, the dashboards, a drill-down page
and the officer queue, at each size asked in one run (``--sizes 1000000,10000000``).

    .venv/bin/python bench/scorecard_scale.py [--sizes 1000000] [--reps 50] [--pg postgres://…] [--smoke]

For each size, a throw-away database ``motcua_bench_<pid>_<n>`` is filled by ``bench/queue_scale.py``'s set-based
generator (dossiers, actions, control sheets, daily counters: ``generate_series`` / ``INSERT … SELECT``), plus the
counters this issue adds (``handoffs``, ``handoffs_on_paper``: 2 % of inter-agency hand-offs drawn as paper;
``open_by_received_day``), the monthly roll-up folded from the daily counters by one ``INSERT … SELECT``, and the
early warning's step-duration summary by its real rebuild (``dossiers.step_durations``); then dropped before the next
size (``--keep``: kept, one size; ``--database NAME``: measure a kept database again, ``--explain``: the queue's
plans). Before generating, the disk it needs is estimated from :data:`BYTES_PER_DOSSIER` (the generator's
measured ≈ 4.3 KB a dossier, tables and indexes, plus 30 % for WAL and the index builds) and compared with the
free space of the PostgreSQL data directory's file system (``df``): a size that would not fit is refused. After
each load it prints the database size per 1 M dossiers.

Measured, ``--reps`` repetitions after warm-ups, p50/p95/max in ms (this process: ORM + PostgreSQL, one
connection): the service index for the province and for the busiest agency over the last 12 months; the
programme-targets dashboard's figures (counter targets by month and agency + the reform figures) and the
operations dashboard's (per agency × procedure, worst first), province and agency; the early-warning list of
the agency; a drill-down page (2.1's denominator, 50 dossiers, as the API pages it); the officer queue (first page
of 25 by due date + its count, the busiest agency's specialist). Goals: < 150 ms dashboards and drill-down,
< 50 ms queue, and 10 M within 1.5 × 1 M. It prints figures and never judges them; it checks that each path
returned something. ``--smoke``: 2,000 dossiers, 3 repetitions (registered in ``bench/smoke.py``).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import queue_scale as qs
from intake_http import PgServer, machine_busy_now, machine_facts, print_facts, throwaway_database
from queue_scale import Phase, captured_sql, explain, fetch, setup_django, sql, stats, timed
from smoke import check

SMOKE = {"sizes": "2000", "reps": 3, "warmup": 1}
BYTES_PER_DOSSIER = int(4300 * 1.3)
BUSY_AGENCY = "UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)"

CHUNK = 250_000
# the chunk's actions by their own (dossier_id, seq) index, not every action hashed against the chunk's dossiers
_CHUNK_JOIN = (
    "JOIN dossiers_dossier d ON d.id = a.dossier_id AND d.id BETWEEN %(lo)s AND %(hi)s "
    "AND a.dossier_id BETWEEN %(lo)s AND %(hi)s"
)
_CHUNKED = "(SELECT * FROM bench_gen WHERE id BETWEEN %(lo)s AND %(hi)s) g"
_UPSERT = (
    "\nON CONFLICT (day, agency_id, procedure_id, channel, metric) "
    "DO UPDATE SET value = metrics_dailycount.value + excluded.value"
)


def chunk_bounds(size: int) -> list[tuple[int, int]]:
    """Id ranges of about ``size`` dossiers of ``bench_gen``, cut where a (Vietnam) day starts: ids follow the
    moment of receipt, and a dossier's code numbers the desk's dossiers of its day, so a day stays whole."""
    starts = [
        row[0]
        for row in fetch(
            "SELECT min(id) FROM bench_gen GROUP BY (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date ORDER BY 1"
        )
    ]
    last = fetch("SELECT max(id) FROM bench_gen")[0][0]
    bounds, lo = [], starts[0]
    for start in starts[1:]:
        if start - lo >= size:
            bounds.append((lo, start - 1))
            lo = start
    bounds.append((lo, last))
    return bounds


def generate_lean(dossiers: int, seed: int) -> None:
    """``queue_scale.generate``'s phases and statements, with the dossiers, actions, steps and counters loaded
    in chunks of about :data:`CHUNK` dossiers (whole days), each chunk's staging rows deleted once loaded:
    one statement's sorts and hashes stay within ``work_mem``-sized spills instead of one spill of the whole
    set (at 1 M, the single ``INSERT … SELECT`` of the actions spilled more than 30 GB of temporary files on
    this machine before it was stopped), and the staging table shrinks as it goes."""
    import random

    from motcua.catalog.models import Agency
    from motcua.dossiers.step_durations import rebuild_step_durations

    phase = Phase([])
    rng = random.Random(seed)
    # before the variants: ``store_terms`` commits once per variant (~1,700), each waiting for a WAL flush otherwise
    sql("SET synchronous_commit = off")
    busy = Agency.objects.get(name=qs.BUSY_AGENCY).pk
    medium = Agency.objects.get(name=qs.MEDIUM_AGENCY).pk
    phase.run("agencies (to 100) with copies of the commune's offerings", lambda: len(qs.add_agencies(100)))
    phase.run("officers per agency × role, 1,000 citizens", qs.add_people)
    variants, _ = phase.run("terms of every offering × channel", lambda: qs.build_variants(rng, busy, medium))
    phase.run(f"{len(variants)} variants, their paths", lambda: qs.load_variants(variants))
    phase.run("applicant names", qs.load_names)
    sql("SET work_mem = '64MB'")
    sql("SET maintenance_work_mem = '512MB'")
    sql("SELECT setseed(%s)", [rng.random() * 2 - 1])
    phase.run("draw the dossiers (bench_gen)", lambda: sql(qs.DRAW, {"n": dossiers, "slots": qs.SLOTS}))
    sql("ANALYZE bench_gen")
    sql("SET session_replication_role = replica")
    indexes = phase.run("secondary indexes dropped for the load", qs.drop_secondary_indexes)
    statements = [
        ("dossiers", qs.INSERT_DOSSIERS.replace("FROM bench_gen g", "FROM " + _CHUNKED)),
        ("actions", qs.INSERT_ACTIONS.replace("FROM bench_gen g", "FROM " + _CHUNKED)),
        ("steps", qs.INSERT_STEPS.replace("FROM bench_gen g", "FROM " + _CHUNKED)),
    ]
    bounds = chunk_bounds(CHUNK)
    for lo, hi in bounds:
        for label, statement in statements:
            phase.run(
                f"{label} {lo:,}–{hi:,}", lambda statement=statement, lo=lo, hi=hi: sql(statement, {"lo": lo, "hi": hi})
            )
        sql("DELETE FROM bench_gen WHERE id BETWEEN %(lo)s AND %(hi)s", {"lo": lo, "hi": hi})
    phase.run("secondary indexes rebuilt", lambda: qs.rebuild_indexes(indexes))
    phase.run("code sequences", lambda: sql(qs.INSERT_SEQUENCES))
    counters = (
        qs.INSERT_COUNTERS.replace(
            "JOIN dossiers_dossier d ON d.id = a.dossier_id",
            _CHUNK_JOIN,
        ).replace("AND d.due_at IS NOT NULL", "AND d.due_at IS NOT NULL AND d.id BETWEEN %(lo)s AND %(hi)s")
        + _UPSERT
    )
    extra = (
        EXTRA_COUNTERS.replace(
            "JOIN dossiers_dossier d ON d.id = a.dossier_id",
            _CHUNK_JOIN,
        ).replace("d.finished_at IS NULL", "d.finished_at IS NULL AND d.id BETWEEN %(lo)s AND %(hi)s")
        + _UPSERT
    )
    for lo, hi in bounds:
        phase.run(
            f"daily counters {lo:,}–{hi:,}",
            lambda lo=lo, hi=hi: sql(counters, {"lo": lo, "hi": hi}) + sql(extra, {"lo": lo, "hi": hi}),
        )
    phase.run("monthly roll-up folded from the daily counters", lambda: sql(ROLL_UP))
    sql("SET session_replication_role = origin")
    sql("SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), (SELECT max(id) FROM dossiers_dossier))")
    orphans = phase.run("foreign keys checked: orphan rows", lambda: fetch(qs.ORPHANS)[0][0])
    check(f"no orphan rows ({orphans})", orphans == 0)
    for table in ("bench_gen", "bench_slot", "bench_path_action", "bench_path", "bench_variant", "bench_name"):
        sql(f"DROP TABLE {table}")
    sql("DROP TABLE bench_officer")
    sql("DROP TABLE bench_citizen")
    phase.run("early warning's step-duration summary (the rebuild)", rebuild_step_durations)
    phase.run("VACUUM ANALYZE", lambda: sql("VACUUM ANALYZE") * 0 - 1)


EXTRA_COUNTERS = """
INSERT INTO metrics_dailycount (day, agency_id, procedure_id, channel, metric, value)
SELECT day, agency_id, procedure_id, channel, metric, sum(n) FROM (
    SELECT (a.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, d.resolving_agency_id AS agency_id, d.procedure_id,
           d.channel, m.metric, 1 AS n
    FROM dossiers_dossieraction a JOIN dossiers_dossier d ON d.id = a.dossier_id
    CROSS JOIN LATERAL (SELECT metric FROM (VALUES
        ('handoffs', a.type IN ('transfer_to_agency', 'agency_answer')),
        ('handoffs_on_paper', a.type IN ('transfer_to_agency', 'agency_answer') AND a.id %% 50 = 0)
    ) AS v (metric, applies) WHERE applies) AS m
    UNION ALL
    SELECT (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, d.resolving_agency_id, d.procedure_id, d.channel,
           'open_by_received_day', 1
    FROM dossiers_dossier d WHERE d.received_at IS NOT NULL AND d.finished_at IS NULL
) AS x GROUP BY 1, 2, 3, 4, 5
"""


ROLL_UP = """
INSERT INTO metrics_monthlycount (month, agency_id, procedure_id, channel, metric, value)
SELECT date_trunc('month', day)::date, agency_id, procedure_id, channel, metric, sum(value)
FROM metrics_dailycount GROUP BY 1, 2, 3, 4, 5 HAVING sum(value) <> 0
"""


def free_bytes(pg: PgServer) -> tuple[int, str]:
    """Free space where PostgreSQL keeps its data (its ``data_directory`` when readable here, else /)."""
    rows = fetch("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
    where = rows[0][0] if rows and os.path.exists(rows[0][0]) else "/"
    return shutil.disk_usage(where).free, where


def _point_django_at(url: str, database: str, var: Path) -> None:
    """Set Django up on the first database; later sizes re-point its connection at their own database."""
    from django.conf import settings

    if not settings.configured:
        setup_django(url, var)
        return
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = database
    settings.DATABASES["default"]["NAME"] = database


def p95(times: list[float]) -> float:
    return times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]


def measure(reps: int, warmup: int, *, explain_queue: bool = False) -> dict[str, float]:
    from django.core.paginator import Paginator
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.calendars.selectors import get_work_calendar
    from motcua.catalog.models import Agency
    from motcua.dossiers.drilldown import dossiers_behind
    from motcua.dossiers.early_warning import likely_late
    from motcua.dossiers.selectors import queue_listing
    from motcua.metrics.selectors import Scope, service_index
    from motcua.rules.service_index import version_for
    from motcua.web.dashboard_data import operations_data, targets_data
    from motcua.web.workbench import _SORTS

    today = timezone.localdate()
    last = today
    first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    busy = Agency.objects.get(name=BUSY_AGENCY)
    province, agency = Scope(), Scope(agency=busy)
    monitor = User.objects.filter(memberships__role="monitor").order_by("pk").first()
    specialist = User.objects.filter(memberships__agency=busy, memberships__role="specialist").order_by("pk").first()
    check("a monitoring officer and a specialist of the busiest agency exist", bool(monitor and specialist))
    row = version_for(first).indicator("2.1")
    calendar = get_work_calendar()

    def drilldown() -> list[Any]:
        found = dossiers_behind(monitor, row, "denominator", agency, first, last, today)
        return list(found.order_by("-pk")[:51])

    def queue() -> list[Any]:
        listing = queue_listing(specialist).order_by(*_SORTS["due"])
        return list(Paginator(listing, 25).get_page(1).object_list)

    cases: list[tuple[str, Callable[[], Any], str]] = [
        ("service index, province, 12 months", lambda: service_index(province, first, last), "< 150"),
        ("service index, busiest agency, 12 months", lambda: service_index(agency, first, last), "< 150"),
        ("targets dashboard, province, 12 months", lambda: targets_data(province, first, last), "< 150"),
        ("targets dashboard, busiest agency", lambda: targets_data(agency, first, last), "< 150"),
        (
            "operations dashboard, province, this month",
            lambda: operations_data(province, today.replace(day=1), last),
            "< 150",
        ),
        ("operations dashboard, busiest agency", lambda: operations_data(agency, today.replace(day=1), last), "< 150"),
        ("early warning, busiest agency", lambda: likely_late(monitor, agency, timezone.now(), calendar), "< 150"),
        ("drill-down page (2.1 denominator, 50)", drilldown, "< 150"),
        ("officer queue (page of 25 + count)", queue, "< 50"),
    ]
    print(f"\n  {'what':<46} {'goal':>6} |    p50    p95    max   (ms, {reps} repetitions after {warmup} warm-ups)")
    found: dict[str, float] = {}
    for label, action, goal in cases:
        result = action()
        check(f"{label} returned something", result is not None)
        times = timed(action, reps, warmup)
        found[label] = p95(times)
        print(f"  {label:<46} {goal:>6} | {stats(times)}", flush=True)
    if explain_queue:  # what limits the queue: each of its statements' plan, warm
        for statement in captured_sql(queue):
            print(f"\n  EXPLAIN (ANALYZE, BUFFERS) of the queue's\n    {statement[:300]}\n{explain(statement)}")
    ops = operations_data(province, today.replace(day=1), last)
    check(f"the operations dashboard has rows ({len(ops['rows'])})", len(ops["rows"]) > 0)
    check(f"the drill-down page has dossiers ({len(drilldown())})", len(drilldown()) > 0)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000", help="dossier counts, comma-separated (default 1000000)")
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--smoke", action="store_true", help=f"tiny run of the same path ({SMOKE})")
    parser.add_argument("--keep", action="store_true", help="keep the generated database (one size)")
    parser.add_argument("--database", help="measure again a database kept by --keep (no generation)")
    parser.add_argument("--explain", action="store_true", help="print the queue's query plans")
    args = parser.parse_args()
    if args.smoke:
        parser.set_defaults(**SMOKE)
        args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pg = PgServer.from_url(args.pg)
    print("The live scorecard at scale — bench/scorecard_scale.py")
    if args.database:
        with tempfile.TemporaryDirectory(prefix="motcua-bench-") as var:
            _point_django_at(pg.url(args.database), args.database, Path(var))
            print_facts([*machine_facts(pg.url(args.database)), ("machine busy before", machine_busy_now())])
            n = fetch("SELECT count(*) FROM dossiers_dossier")[0][0]
            size = fetch("SELECT pg_database_size(current_database())")[0][0]
            print(f"  kept database {args.database}: {n:,} dossiers, {size / 1e9:.2f} GB")
            measure(args.reps, args.warmup, explain_queue=args.explain)
        return
    results: dict[int, dict[str, float]] = {}
    for n in sizes:
        database = f"motcua_bench_{os.getpid()}" + (f"_{n}" if len(sizes) > 1 else "")
        kept = throwaway_database(pg, database, keep=args.keep)
        with tempfile.TemporaryDirectory(prefix="motcua-bench-") as var, kept as url:
            _point_django_at(url, database, Path(var))
            need = n * BYTES_PER_DOSSIER
            free, where = free_bytes(pg)
            print_facts(
                [
                    *machine_facts(url),
                    ("machine busy before", machine_busy_now()),
                    ("dossiers", f"{n:,}"),
                    ("disk needed (estimate)", f"{need / 1e9:.1f} GB; free on {where}: {free / 1e9:.1f} GB"),
                ]
            )
            if need > free:
                print(f"  refused: {n:,} dossiers need about {need / 1e9:.1f} GB, {free / 1e9:.1f} GB are free")
                results[n] = {}
                continue
            from django.core.management import call_command
            from django.db import connections

            call_command("migrate", verbosity=0, interactive=False)
            call_command("load_demo", dossiers=0, force=True, verbosity=0, stdout=io.StringIO())
            started = time.perf_counter()
            generate_lean(n, args.seed)
            print(f"  {'generation in all':<58} {time.perf_counter() - started:8.1f} s")
            size = fetch("SELECT pg_database_size(current_database())")[0][0]
            counters = fetch("SELECT count(*) FROM metrics_dailycount")[0][0]
            print(
                f"  database {size / 1e9:.2f} GB = {size / 1e9 / (n / 1e6):.2f} GB per 1 M dossiers; "
                f"{counters:,} counter rows"
            )
            results[n] = measure(args.reps, args.warmup, explain_queue=args.explain)
            connections.close_all()
    if len(results) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"\n  flatness: p95 at {large:,} ÷ p95 at {small:,} (goal ≤ 1.5)")
        for label, value in results[large].items():
            base = results[small].get(label)
            if base:
                print(f"  {label:<46} {value / base:5.2f}")


if __name__ == "__main__":
    main()
