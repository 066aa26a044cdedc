"""The personal data store's lookup at 10,000,000 stored documents on PostgreSQL (issue 10): set-based generation,
then the offers for an applicant and an offering, timed.

Run from the repository root, with a PostgreSQL server the current user can reach (trust auth, ``createdb`` and
``dropdb`` on PATH)::

    .venv/bin/python bench/datastore_lookup.py [--documents 10000000] [--dossiers 200000] [--reps 300]
                                               [--pg postgres://postgres@127.0.0.1:5432] [--keep] [--smoke]

What one run does:

1. creates a throw-away database ``motcua_bench_<pid>`` (dropped at the end, also on failure, unless ``--keep``),
   migrates it and loads the demo catalogue and officers (``load_demo --dossiers 0 --force``);
2. receives one dossier through ``dossiers.services.open_dossier`` and copies its row ``--dossiers`` times with one
   ``INSERT … SELECT … FROM generate_series`` (new codes), the dossiers the stored documents come from;
3. fills ``datastore_storeddocument`` with ``--documents`` rows in one ``INSERT … SELECT … FROM generate_series``:
   owners are ``--documents`` / 5 personal identification numbers (five documents each on average, spread by a
   hash), 40 % of the documents of no kind and the rest spread over the kinds of the province's table, entered over
   the last five years (a kind with a validity expires accordingly), each from one of the generated dossiers. The
   load runs with ``session_replication_role = replica`` (the rows name dossier files that were not generated:
   the lookup never reads them) and the table's non-primary indexes and unique constraint are rebuilt after it
   from their own definitions; then ``VACUUM ANALYZE``. Prints each phase's time and the table's size;
4. measures, for ``--reps`` owners drawn at random (after a warm-up), ``datastore.selectors.offers_for_offering``
   — what the counter's intake page and the portal's apply page run — for procedure 2.000528 at the demo ward
   (the offering whose identity-paper requirement a stored document satisfies), at the counter (``user=None``) and
   for a citizen applying for themself (their own documents only), and ``my_documents`` (``GET /me/documents``);
   prints p50/p95/max in ms and the ``EXPLAIN (ANALYZE, BUFFERS)`` plan of one offer query.

It prints figures and never judges a duration; it exits non-zero when a fact that proves the path ran does not hold
(the table holds the rows asked for, offers were found for some owners, the plan uses ``store_owner_kind``).
``--smoke`` (``bench/smoke.py``) runs the same path at tiny sizes.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_http import PgServer, machine_busy_now, machine_facts, print_facts, throwaway_database
from smoke import check

SMOKE = {"documents": 5_000, "dossiers": 200, "reps": 5, "warmup": 1}
BUSY_AGENCY = "UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)"
PROCEDURE = "2.000528"
SOURCE_PROCEDURE = "2.001035"
TABLE = "datastore_storeddocument"


def setup_django(url: str, var_dir: Path) -> None:
    os.environ.update(
        DATABASE_URL=url,
        MOTCUA_DEBUG="0",
        MOTCUA_SECRET_KEY=secrets.token_urlsafe(50),
        MOTCUA_SSL_REDIRECT="0",
        MOTCUA_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="motcua.settings",
    )
    import django

    django.setup()


def sql(statement: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


def fetch(statement: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall()


def phase(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    detail = f" ({result:,} rows)" if isinstance(result, int) and result >= 0 else ""
    print(f"  {label:<58} {time.perf_counter() - started:8.1f} s{detail}", flush=True)
    return result


def owner_number(index: int) -> str:
    """A personal identification number of Thái Nguyên (province code 019, RULES.md §1's identifier shapes)."""
    return f"0191{index:08d}"


# --------------------------------------------------------------------------------------------------
# generation


def template_dossier() -> int:
    """One dossier received through the services: the row the generated dossiers copy."""
    from motcua.accounts.models import Membership
    from motcua.catalog.models import Offering
    from motcua.dossiers.services import Applicant, ChecklistItem, Intake, open_dossier

    offering = Offering.objects.get(procedure__code=SOURCE_PROCEDURE, agency__name=BUSY_AGENCY)
    counter = Membership.objects.filter(agency=offering.agency, role="counter").select_related("user").first()
    assert counter is not None, "the demo has a counter officer at the ward"
    checklist = [ChecklistItem(d.pk, d.form) for d in offering.procedure.documents.all() if not d.condition]
    intake = Intake(offering, "counter", Applicant("citizen", "Nguyễn Văn An", owner_number(1)), checklist=checklist)
    return open_dossier(intake, user=counter.user).pk


def copy_dossiers(template: int, count: int) -> int:
    columns = [
        name
        for (name,) in fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'dossiers_dossier' "
            "AND column_name NOT IN ('id', 'code') ORDER BY ordinal_position"
        )
    ]
    listed = ", ".join(f'"{c}"' for c in columns)  # quoted: current_role is a keyword
    chosen = ", ".join(f't."{c}"' for c in columns)
    return sql(
        f"INSERT INTO dossiers_dossier (code, {listed}) "
        f"SELECT t.code || '-B' || g, {chosen} FROM dossiers_dossier t, generate_series(1, %s) g WHERE t.id = %s",
        [count, template],
    )


def saved_definitions() -> tuple[list[str], list[tuple[str, str]]]:
    """The table's non-primary indexes (their ``CREATE INDEX``) and its unique constraints (name, definition)."""
    indexes = [
        definition
        for (definition,) in fetch(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [TABLE, TABLE],
        )
    ]
    constraints = fetch(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [TABLE],
    )
    return indexes, [(name, definition) for name, definition in constraints]


def fill_store(documents: int, dossiers: int, seed: int) -> int:
    from motcua.catalog.models import Agency
    from motcua.datastore.models import DocumentType

    kinds = list(DocumentType.objects.order_by("position").values_list("slug", "validity_months"))
    agency = Agency.objects.get(name=BUSY_AGENCY).pk
    first, last = fetch("SELECT min(id), max(id) FROM dossiers_dossier")[0]
    owners = max(1, documents // 5)
    indexes, constraints = saved_definitions()
    for definition in indexes:
        sql(f"DROP INDEX {definition.split(' INDEX ', 1)[1].split(' ON ', 1)[0]}")
    for name, _ in constraints:
        sql(f"ALTER TABLE {TABLE} DROP CONSTRAINT {name}")
    slugs = "ARRAY[" + ", ".join(f"'{slug}'" for slug, _ in kinds) + "]"
    months = "ARRAY[" + ", ".join(str(m) if m is not None else "NULL" for _, m in kinds) + "]::int[]"
    sql("SET session_replication_role = replica")
    try:
        rows = sql(
            f"""
            INSERT INTO {TABLE} (owner_number, owner_user_id, kind, name, source, dossier_id, document_id, agency_id,
                                 entered_at, sha256, signature_status, valid_until)
            SELECT '0191' || lpad(((hashint4(g + %s) & 2147483647) %% %s + 1)::text, 8, '0'),
                   NULL,
                   CASE WHEN k.n < 0 THEN '' ELSE ({slugs})[k.n + 1] END,
                   'Giấy tờ đo tải số ' || g,
                   CASE WHEN g %% 7 = 0 THEN 'result' ELSE 'accepted' END,
                   %s + (g %% %s),
                   g,
                   %s,
                   e.at,
                   md5(g::text) || md5((g + 1)::text),
                   '',
                   CASE WHEN k.n >= 0 AND ({months})[k.n + 1] IS NOT NULL
                        THEN (e.at + make_interval(months => ({months})[k.n + 1]))::date END
            FROM generate_series(1, %s) g
            CROSS JOIN LATERAL (SELECT CASE WHEN (hashint4(g * 7 + %s) & 1023) < 410 THEN -1
                                       ELSE (hashint4(g * 13 + %s) & 2147483647) %% {len(kinds)} END AS n) k
            CROSS JOIN LATERAL (SELECT now() - make_interval(secs => (hashint4(g * 31 + %s) & 2147483647)
                                       %% (5 * 365 * 86400)) AS at) e
            """,
            [seed, owners, first, last - first + 1, agency, documents, seed, seed, seed],
        )
    finally:
        sql("SET session_replication_role = DEFAULT")
    for name, definition in constraints:
        phase(f"rebuild {name}", lambda n=name, d=definition: sql(f"ALTER TABLE {TABLE} ADD CONSTRAINT {n} {d}"))
    for definition in indexes:
        phase(f"rebuild {definition.split(' INDEX ', 1)[1].split(' ON ', 1)[0]}", lambda d=definition: sql(d))
    return rows


def generate(documents: int, dossiers: int, seed: int) -> None:
    template = phase("one dossier through open_dossier", template_dossier)
    phase(f"copy it {dossiers:,} times (INSERT … SELECT)", lambda: copy_dossiers(template, dossiers))
    phase(f"{documents:,} stored documents (INSERT … SELECT)", lambda: fill_store(documents, dossiers, seed))
    phase("VACUUM ANALYZE", lambda: sql(f"VACUUM ANALYZE {TABLE}") and sql("VACUUM ANALYZE dossiers_dossier"))


def print_sizes() -> None:
    print("\nSizes")
    for table in (TABLE, "dossiers_dossier"):
        rows, size, indexes = fetch(
            "SELECT reltuples::bigint, pg_size_pretty(pg_table_size(%s::regclass)), "
            "pg_size_pretty(pg_indexes_size(%s::regclass)) FROM pg_class WHERE relname = %s",
            [table, table, table],
        )[0]
        print(f"  {table:<28} ~{rows:>12,} rows  table {size:>10}  indexes {indexes:>10}")


# --------------------------------------------------------------------------------------------------
# measurement


def timed(reps: int, warmup: int, run: Callable[[int], Any], draws: list[int]) -> tuple[list[float], list[Any]]:
    for index in range(warmup):
        run(draws[index % len(draws)])
    times, results = [], []
    for index in range(reps):
        started = time.perf_counter()
        results.append(run(draws[index % len(draws)]))
        times.append((time.perf_counter() - started) * 1000)
    return times, results


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"  {label:<58} p50 {statistics.median(ordered):7.2f}  p95 {p95:7.2f}  max {ordered[-1]:7.2f} ms")


def measure(documents: int, reps: int, warmup: int, seed: int) -> None:
    from django.db.models import Q
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.catalog.models import Offering
    from motcua.datastore.models import StoredDocument
    from motcua.datastore.selectors import CAP, my_documents, offers_for_offering

    offering = Offering.objects.prefetch_related("procedure__documents").get(
        procedure__code=PROCEDURE, agency__name=BUSY_AGENCY
    )
    owners = max(1, documents // 5)
    rng = random.Random(seed)
    draws = [rng.randrange(1, owners + 1) for _ in range(max(reps, warmup, 1))]
    today = timezone.localdate()
    citizen = User.objects.create_user("bench-citizen", password=None)

    def at_counter(owner: int) -> Any:
        return offers_for_offering(owner_number(owner), offering, today=today)

    def for_citizen(owner: int) -> Any:
        citizen.identity_verified = True
        citizen.personal_id_number = owner_number(owner)
        return offers_for_offering(owner_number(owner), offering, today=today, user=citizen)

    def their_store(owner: int) -> Any:
        citizen.identity_verified = True
        citizen.personal_id_number = owner_number(owner)
        return my_documents(citizen, limit=100)

    print(f"\nMeasurement ({reps} owners drawn at random from {owners:,}, after {warmup} warm-ups; ms)")
    counter_times, counter_results = timed(reps, warmup, at_counter, draws)
    report("offers for an offering, at the counter", counter_times)
    citizen_times, citizen_results = timed(reps, warmup, for_citizen, draws)
    report("offers for an offering, a citizen for themself", citizen_times)
    store_times, stores = timed(reps, warmup, their_store, draws)
    report("my documents (GET /me/documents), newest 100", store_times)
    with_offers = sum(1 for found in counter_results if found)
    print(
        f"  owners with an offer: {with_offers} of {reps}; documents in their stores: "
        f"{statistics.mean(len(s) for s in stores):.1f} on average"
    )
    found = next((r for r in counter_results if r), None)
    check("an owner with an offer to explain", found is not None)
    assert found is not None
    shown = found[0].documents[0]
    kinds = sorted({o.kind for o in found})
    query = (
        StoredDocument.objects.filter(owner_number=shown.owner_number, kind__in=kinds)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("dossier", "agency")
        .order_by("kind", "-entered_at")[:CAP]
    )  # the query offers() runs (datastore.selectors.offers)
    plan = query.explain(analyze=True, buffers=True)
    print(
        "\nPlan of one offer query (EXPLAIN ANALYZE, BUFFERS)\n" + "\n".join(f"  {line}" for line in plan.splitlines())
    )
    print(
        "\nWhat limits these figures: two queries per lookup — the province's kind table, and the owner's documents\n"
        "of the offering's kinds (an index range of store_owner_kind per kind, joined to the dossier for its code):\n"
        "the cost follows the owner's documents, not the size of the store. Most of the time is Django building the\n"
        "queries and the round trips, on two cores shared with other work (see 'machine busy before')."
    )
    check("offers were found for some owners", with_offers > 0)
    check(
        "a citizen's offers are their own (as many as at the counter, their number being verified)",
        [len(r) for r in citizen_results] == [len(r) for r in counter_results],
    )
    check("the offer query uses store_owner_kind", "store_owner_kind" in plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10_000_000, help="stored documents (default 10,000,000)")
    parser.add_argument("--dossiers", type=int, default=200_000, help="dossiers they come from (default 200,000)")
    parser.add_argument("--reps", type=int, default=300, help="timed lookups per kind of lookup (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed lookups before (default 30)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (no database)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--smoke", action="store_true", help=f"tiny run of the same path ({SMOKE})")
    args = parser.parse_args()
    if args.smoke:
        parser.set_defaults(**SMOKE)
        args = parser.parse_args()
    pg = PgServer.from_url(args.pg)
    print("The personal data store's lookup at scale — bench/datastore_lookup.py")
    database = f"motcua_bench_{os.getpid()}"
    with (
        tempfile.TemporaryDirectory(prefix="motcua-bench-") as var,
        throwaway_database(pg, database, keep=args.keep) as url,
    ):
        print_facts(
            [
                *machine_facts(url),
                ("machine busy before", machine_busy_now()),
                ("stored documents", f"{args.documents:,} from {args.dossiers:,} dossiers"),
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
        generate(args.documents, args.dossiers, args.seed)
        print(f"  {'total generation':<58} {time.perf_counter() - started:8.1f} s")
        print_sizes()
        (count,) = fetch(f"SELECT count(*) FROM {TABLE}")[0]
        check(f"the store holds {args.documents:,} generated documents (+ the template's)", count >= args.documents)
        measure(args.documents, args.reps, args.warmup, args.seed)
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
