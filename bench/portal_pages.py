"""The citizens' portal pages at scale on PostgreSQL: the procedure page, the apply form, "my dossiers" and one
dossier's page of a citizen with 50 dossiers, among 1,000,000 dossiers (issue 10).

Run from the repository root, with a PostgreSQL server the current user can reach (trust auth, ``createdb``)::

    .venv/bin/python bench/portal_pages.py [--dossiers 1000000] [--reps 200] [--keep] [--smoke]
    .venv/bin/python bench/portal_pages.py --database motcua_bench_1234   # a database kept by queue_scale --keep

What one run does: the database of ``bench/queue_scale.py`` (the same generator: 100 agencies, 1,000 citizens,
dossiers with their actions, steps and counters, set-based SQL), then one citizen is given 50 of those dossiers,
spread over the table (``applicant_user``); then, through Django's test client in this process (the whole stack:
middleware, session, selectors, templates; no network), ``--reps`` requests of each page after a warm-up, as that
citizen, printing p50/p95/max in ms and the number of SQL queries of each page. It never judges a duration; it
checks that every page answered 200 and that "my dossiers" counts the citizen's 50.
``--smoke`` (``make bench-smoke``) is the same path at tiny sizes (1,000 dossiers, 3 repetitions after 1 warm-up).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_http import PgServer, machine_busy_now, machine_facts, print_facts, throwaway_database
from queue_scale import (
    BUSY_AGENCY,
    captured_sql,
    check_generated,
    fetch,
    generate,
    print_sizes,
    setup_django,
    sql,
    stats,
    timed,
)
from smoke import check

SMOKE = {"dossiers": 1_000, "reps": 3, "warmup": 1}
PROCEDURE = "2.001035"
OWN = 50


def give_dossiers(count: int) -> tuple[Any, list[str]]:
    """The citizen ``bench-cd00001`` made the applicant of ``count`` dossiers spread over the table."""
    from motcua.accounts.models import User

    user = User.objects.get(username="bench-cd00001")
    User.objects.filter(pk=user.pk).update(full_name="Nguyễn Văn An", personal_id_number="019090000123")
    sql("UPDATE dossiers_dossier SET applicant_user_id = NULL WHERE applicant_user_id = %s", [user.pk])
    sql(
        "UPDATE dossiers_dossier SET applicant_user_id = %s WHERE id IN "
        "(SELECT id FROM dossiers_dossier ORDER BY md5(id::text) LIMIT %s)",
        [user.pk, count],
    )
    sql("ANALYZE dossiers_dossier")
    codes = [row[0] for row in fetch("SELECT code FROM dossiers_dossier WHERE applicant_user_id = %s", [user.pk])]
    return User.objects.get(pk=user.pk), codes


def measure(reps: int, warmup: int) -> None:
    from django.test import Client

    from motcua.catalog.models import Agency

    user, codes = give_dossiers(OWN)
    check(f"the citizen has {OWN} dossiers ({len(codes)})", len(codes) == OWN)
    client = Client()
    client.force_login(user)
    agency = Agency.objects.get(name=BUSY_AGENCY).identifier
    pages = {
        "procedure page": f"/procedures/{PROCEDURE}/",
        "apply form": f"/procedures/{PROCEDURE}/apply/{agency}/",
        "my dossiers (first page of 20)": "/my/",
        "one of my dossiers": f"/my/dossiers/{codes[0]}/",
    }
    answers: dict[str, Any] = {}

    def get(path: str) -> Any:
        response = client.get(path, secure=True)
        answers[path] = response
        return response

    print(f"\nPages, as a citizen with {OWN} dossiers ({reps} requests after {warmup} warm-ups)")
    print(f"  {'page':<34} {'p50':>6} {'p95':>6} {'max':>6}  ms   SQL  CPU ms/request (this process)")
    for name, path in pages.items():
        get(path)  # the SQL of a request once the process's catalogue cache is warm
        queries = len(captured_sql(lambda path=path: get(path)))
        check(f"{name} answers 200 ({answers[path].status_code})", answers[path].status_code == 200)
        cpu_before = time.process_time()
        times = timed(lambda path=path: get(path), reps, warmup)
        cpu = (time.process_time() - cpu_before) * 1000 / (reps + warmup)
        print(f"  {name:<34} {stats(times)}  {queries:4d}  {cpu:6.1f}")
    # the procedure page is kept per process until the catalogue changes: also the first request after a change
    from motcua.catalog.versioning import bump_catalog_version

    def cold() -> Any:
        bump_catalog_version()
        return get(pages["procedure page"])

    times = timed(cold, max(1, reps // 4), 1)
    print(f"  {'procedure page, catalogue changed':<34} {stats(times)}  (each request after a catalogue edit)")
    listing = answers["/my/"].content.decode()
    check(f"my dossiers counts the citizen's {OWN}", f"{OWN} hồ sơ" in listing)
    print(
        "\nWhat limits these figures: one process and one connection on a shared 2-core machine (the last column is "
        "this process's CPU per request, Django and the test client, without PostgreSQL's: on a busy machine the "
        "wall-clock figures are mostly waiting for a core); the page time is "
        "mostly Django's template rendering and the session/user reads, the scoped dossier queries use the "
        "(applicant_user, id) index; the procedure page is one catalogue-version read while the catalogue is "
        "unchanged (kept per process), and after a change reads the catalogue (its offerings, channels, fees, "
        "steps) and groups the offerings of equal terms."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers to generate (default 1,000,000)")
    parser.add_argument("--reps", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests before (default 20)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of the generator")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (no database)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", help="measure an existing generated database (not dropped)")
    parser.add_argument("--smoke", action="store_true", help=f"tiny run of the same path ({SMOKE})")
    args = parser.parse_args()
    if args.smoke:
        parser.set_defaults(**SMOKE)
        args = parser.parse_args()
    os.environ.setdefault("MOTCUA_ALLOWED_HOSTS", "testserver")
    pg = PgServer.from_url(args.pg)
    print("The citizens' portal pages at scale — bench/portal_pages.py")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as var:
        if args.database:
            url = pg.url(args.database)
            print_facts([*machine_facts(url), ("database", f"{args.database} (existing, not generated)")])
            setup_django(url, Path(var))
            measure(args.reps, args.warmup)
            return
        database = f"motcua_bench_{os.getpid()}"
        with throwaway_database(pg, database, keep=args.keep) as url:
            print_facts(
                [
                    *machine_facts(url),
                    ("machine busy before", machine_busy_now()),
                    ("dossiers", f"{args.dossiers:,}"),
                    ("database", f"{database} (throw-away{', kept' if args.keep else ''})"),
                ]
            )
            setup_django(url, Path(var))
            from django.core.management import call_command

            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            call_command("load_demo", dossiers=0, force=True, verbosity=0, stdout=io.StringIO())
            print(f"\nGeneration (migrate and demo catalogue: {time.perf_counter() - started:.1f} s)")
            started = time.perf_counter()
            generate(args.dossiers, args.seed)
            print(f"  {'total generation':<58} {time.perf_counter() - started:8.1f} s")
            print_sizes()
            check_generated()
            measure(args.reps, args.warmup)
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    main()
