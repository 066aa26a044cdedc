"""The officer queue at 1,000,000 dossiers on PostgreSQL: a set-based generator, then timed queries (issue 4).

Run from the repository root, with a PostgreSQL server that the current user can reach (trust auth, the
``createdb``/``dropdb`` client programs on PATH)::

    make bench-queue
    .venv/bin/python bench/queue_scale.py [--dossiers 1000000] [--reps 200] [--keep]
                                          [--pg postgres://postgres@127.0.0.1:5432] [--smoke]
    .venv/bin/python bench/queue_scale.py --dossiers 100000      # a quicker, smaller run
    .venv/bin/python bench/queue_scale.py --database motcua_bench_1234   # measure again a database kept by --keep

What one run does:

1. creates a throw-away database ``motcua_bench_<pid>`` (dropped at the end, also on failure or Ctrl-C, unless
   ``--keep``), migrates it and loads the demo catalogue and officers (``load_demo --dossiers 0 --force``);
2. adds agencies up to 100 (communes ``999.01.NN.H55``, flagged as placeholders) with copies of the demo
   commune's offerings (channels, processing times, process templates), one officer per agency and role
   (counter, specialist, leader) where the demo has none, and 1,000 citizens for online submissions;
3. fills the dossiers with set-based SQL (``INSERT … SELECT … FROM generate_series``, no ORM row by row): agencies
   weighted 1/rank (UBND phường Phan Đình Phùng is the busiest, a generated commune the quietest), offerings and
   channels (counter or online) spread inside each agency, receipts over the last 12 months during office hours; about
   5 % active (``received``, ``processing``, ``awaiting_supplement``, ``awaiting_payment``, ``result_ready``: most of
   the last two weeks' dossiers and about 1 % of older ones, which are overdue) with
   ``current_agency``/``current_role``/``current_position`` at a step of the dossier's plan (the ``plan`` of
   ``dossiers.plans.terms_of``, one ``DossierTerms`` row per variant) and ``step_due_at``/``due_at`` from the steps'
   allotted times (wall-clock durations measured with the deadline engine from a Monday morning), the rest final
   (returned mostly; refused, withdrawn, stopped). Each dossier gets 2–8 actions (``DossierAction``, increasing
   ``seq``, types and moments along its path: receive or submit/accept, the hand-offs of its plan — forward, approve,
   transfer_to_agency, agency_answer —, supplement requests, payment, result, return), its control-sheet rows
   (``DossierStep``), the code sequences and the daily counters; then ``VACUUM ANALYZE``. The load runs with
   ``session_replication_role = replica`` (no per-row foreign-key triggers; orphans are counted afterwards) and the
   non-unique indexes of the three big tables are rebuilt after it, from their own definitions. Prints the time of each
   phase and the table sizes (about 4–6 minutes and 4 GB for 1,000,000 dossiers on 2 cores);
4. measures, for officers of a busy agency, a medium one (the provincial service centre's counter and the
   Department of Finance) and the quietest one, in each role, the queue as the workbench runs it
   (``dossiers.selectors.queue(user)`` with ``select_related``, ordered by ``due_at`` then ``pk``, first page of
   25, and the ``count()`` the paginator needs) and the API list (``visible_page``: newest first, limit
   51 as ``GET /api/v1/dossiers`` asks): ``--reps`` repetitions each after a warm-up; prints p50/p95/max in ms
   and the ``EXPLAIN (ANALYZE, BUFFERS)`` plan of the slowest queue query and of the slowest list query.

It prints figures and never judges a duration. The issue's goal: the queue's p95 < 50 ms at 1,000,000 dossiers.
It does check the facts that prove the path ran, and exits non-zero when one does not hold: the generated tables
are not empty, the actions are as many as the dossiers' ``action_count`` say, no row is an orphan, officers of each
kind of agency were measured and found dossiers in their queues and lists, and each ``EXPLAIN`` gave a plan.
``--smoke`` (``make bench-smoke``, issue 8) is the same path at tiny sizes (1,000 dossiers, 3 repetitions after 1
warm-up: about 10 s in all); options given explicitly still win.
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
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_http import PgServer, machine_busy_now, machine_cpu_seconds, machine_facts, print_facts, throwaway_database
from smoke import check

SMOKE = {"dossiers": 1_000, "reps": 3, "warmup": 1}

ACTIVE = ("received", "processing", "awaiting_supplement", "awaiting_payment", "result_ready")
BUSY_AGENCY = "UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)"
MEDIUM_AGENCY = "Sở Tài chính tỉnh Thái Nguyên"
SLOTS = 200_000
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Thảo"]


# --------------------------------------------------------------------------------------------------
# setup: Django on the throw-away database


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


def sql(statement: str, params: dict[str, Any] | list[Any] | None = None) -> int:
    """Execute one statement on Django's connection (autocommit); returns the row count.

    Parameters are always interpolated, so a literal ``%`` is written ``%%`` in every statement.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, {} if params is None else params)
        return cursor.rowcount


def fetch(statement: str, params: dict[str, Any] | list[Any] | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, {} if params is None else params)
        return cursor.fetchall()


@dataclass
class Phase:
    timings: list[tuple[str, float]]

    def run(self, label: str, action: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        self.timings.append((label, elapsed))
        detail = f" ({result:,} rows)" if isinstance(result, int) and result >= 0 else ""
        print(f"  {label:<58} {elapsed:8.1f} s{detail}", flush=True)
        return result


# --------------------------------------------------------------------------------------------------
# catalogue: 100 agencies, offerings copied from the demo commune, officers, citizens


def add_agencies(total: int) -> list[int]:
    """Generated communes up to ``total`` agencies, each offering what the busy demo commune offers."""
    from motcua.catalog.models import Agency, Offering, OfferingChannel, ProcessStep, ProcessTemplate

    model = Agency.objects.get(name=BUSY_AGENCY)
    missing = max(0, total - Agency.objects.count())
    new = Agency.objects.bulk_create(
        Agency(
            identifier=f"999.01.{number:02d}.H55",
            identifier_is_placeholder=True,
            name=f"UBND xã Mẫu {number:02d} (dữ liệu đo tải)",
            level="commune",
            kind="peoples_committee",
        )
        for number in range(1, missing + 1)
    )
    offerings = list(Offering.objects.filter(agency=model).prefetch_related("channels", "templates__steps"))
    copies = Offering.objects.bulk_create(
        Offering(procedure_id=o.procedure_id, agency=agency, active=o.active) for agency in new for o in offerings
    )
    channels, templates, steps = [], [], []
    for copy, original in zip(copies, offerings * len(new), strict=True):
        channels += [
            OfferingChannel(
                offering=copy,
                channel=c.channel,
                processing_amount=c.processing_amount,
                processing_unit=c.processing_unit,
                processing_text=c.processing_text,
            )
            for c in original.channels.all()
        ]
        for template in original.templates.all():
            templates.append((ProcessTemplate(offering=copy, channel=template.channel, name=template.name), template))
    ProcessTemplate.objects.bulk_create([t for t, _ in templates])
    for copy, original in templates:
        steps += [
            ProcessStep(
                template=copy,
                position=s.position,
                name=s.name,
                role=s.role,
                executing_agency_id=s.executing_agency_id,
                allotted_amount=s.allotted_amount,
                allotted_unit=s.allotted_unit,
            )
            for s in original.steps.all()
        ]
    OfferingChannel.objects.bulk_create(channels)
    ProcessStep.objects.bulk_create(steps)
    return [a.pk for a in new]


def add_people(citizens: int = 1000) -> int:
    """One officer per agency and role where the demo has none; ``citizens`` citizens (unusable passwords)."""
    created = sql(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined, full_name, phone)
        SELECT '!', false, 'bench-' || a.id || '-' || r.role, '', '', '', false, true, now(),
               'Cán bộ đo tải ' || a.id || ' ' || r.role, ''
        FROM catalog_agency a CROSS JOIN (VALUES ('counter'), ('specialist'), ('leader')) AS r(role)
        WHERE NOT EXISTS (SELECT 1 FROM accounts_membership m WHERE m.agency_id = a.id AND m.role = r.role)
        """
    )
    sql(
        """
        INSERT INTO accounts_membership (user_id, agency_id, role)
        SELECT u.id, split_part(u.username, '-', 2)::bigint, split_part(u.username, '-', 3)
        FROM accounts_user u WHERE u.username LIKE 'bench-%%-%%'
        """
    )
    created += sql(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined, full_name, phone)
        SELECT '!', false, 'bench-cd' || lpad(g::text, 5, '0'), '', '', '', false, true, now(), 'Công dân ' || g, ''
        FROM generate_series(1, %s) AS g
        """,
        [citizens],
    )
    sql(
        "CREATE UNLOGGED TABLE bench_officer AS SELECT DISTINCT ON (agency_id, role) agency_id, role, user_id "
        "FROM accounts_membership WHERE role IN ('counter', 'specialist', 'leader') ORDER BY agency_id, role, user_id"
    )
    sql(
        "CREATE UNLOGGED TABLE bench_citizen AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id AS user_id "
        "FROM accounts_user WHERE username LIKE 'bench-cd%%'"
    )
    return created


# --------------------------------------------------------------------------------------------------
# variants (offering × channel) with their plan, and the paths a dossier can have walked


@dataclass
class Variant:
    id: int
    offering_id: int
    procedure_id: int
    resolver: int
    desk: int
    desk_identifier: str
    channel: str
    terms_id: int
    roles: list[str]
    agencies: list[int]
    names: list[str]
    start_h: list[float]  # hours from receipt to the start of each step, and to the end (n + 1 values)
    step_h: list[float]
    handoffs: list[str]  # the action that ends step i for the next one (n - 1 values)
    weight: float


def wall_hours(calendar: Any, amount: Any, unit: str, start: datetime) -> float:
    """Wall-clock hours of a duration counted by the deadline engine from ``start``."""
    return (calendar.due(start, amount, unit) - start).total_seconds() / 3600


def build_variants(rng: random.Random, busy: int, medium: int) -> tuple[list[Variant], dict[int, float]]:
    """Every receivable offering × channel (counter, online) with its plan and a weight.

    Agencies are weighted 1/rank: the busy commune first, the Department of Finance eighth, the rest shuffled
    with the generated communes last (the quietest one is the last of them).
    """
    from django.db import transaction
    from django.db.models import Q

    from motcua.calendars.selectors import get_work_calendar
    from motcua.catalog.availability import intake_problems
    from motcua.catalog.models import Offering
    from motcua.dossiers.plans import plan_from, store_terms, terms_of
    from motcua.rules.lifecycle import ActionType, Role, handoff_kind

    calendar = get_work_calendar()
    monday = datetime.fromisoformat("2025-09-08T08:00:00+07:00")
    offerings = list(
        Offering.objects.filter(active=True)
        .filter(Q(templates__isnull=False))
        .distinct()
        .select_related("procedure", "agency", "receiving_agency")
        .prefetch_related("channels", "templates__steps", "procedure__documents", "fees")
        .order_by("pk")
    )
    resolvers = sorted({o.agency_id for o in offerings})
    generated = sorted({o.agency_id for o in offerings if o.agency.identifier.startswith("999.01.")})
    others = [a for a in resolvers if a not in generated and a not in {busy, medium}]
    rng.shuffle(others)
    ranking = [busy, *others[:6], medium, *others[6:], *generated]
    agency_weight = {agency: 1 / rank for rank, agency in enumerate(ranking, start=1)}

    variants: list[Variant] = []
    for offering in offerings:
        share = rng.expovariate(1.0)
        for channel, channel_share in (("counter", 0.7), ("online", 0.3)):
            if intake_problems(offering, monday.date(), channel):
                continue
            terms = terms_of(offering, channel)
            snapshot = terms.data["plan"]
            plan = plan_from(snapshot)
            steps = plan.steps
            if len(steps) < 3:  # the paths below need a desk step, a processing step and a return step
                continue
            start_h, moment = [0.0], monday
            step_h = []
            for step in steps:
                hours = wall_hours(calendar, step.amount, step.unit, moment)
                step_h.append(hours)
                moment = step.due(calendar, moment)
                start_h.append((moment - monday).total_seconds() / 3600)
            handoffs = [
                ActionType.APPROVE.value if steps[i].role is Role.LEADER else handoff_kind(plan, i).value
                for i in range(len(steps) - 1)
            ]
            desk = snapshot["desk_agency_id"]
            with transaction.atomic():
                terms_id = store_terms(terms).pk
            variants.append(
                Variant(
                    id=len(variants) + 1,
                    offering_id=offering.pk,
                    procedure_id=offering.procedure_id,
                    resolver=offering.agency_id,
                    desk=desk,
                    desk_identifier=(offering.receiving_agency or offering.agency).identifier,
                    channel=channel,
                    terms_id=terms_id,
                    roles=[s.role.value for s in steps],
                    agencies=[s.agency_id for s in steps],
                    names=[s.name for s in steps],
                    start_h=start_h,
                    step_h=step_h,
                    handoffs=handoffs,
                    weight=share * channel_share,
                )
            )
    by_agency: dict[int, float] = defaultdict(float)
    for variant in variants:
        by_agency[variant.resolver] += variant.weight
    for variant in variants:
        variant.weight *= agency_weight[variant.resolver] / by_agency[variant.resolver]
    return variants, agency_weight


@dataclass
class PathAction:
    type: str
    from_status: str
    to_status: str
    step_position: int | None
    role: str
    agency_index: int  # -1 the applicant, 0 the desk, j the agency of plan step j
    offset_h: float  # hours after receipt, at the dossier's normal pace


def paths_of(variant: Variant) -> Iterator[tuple[str, int, bool, list[PathAction], int, bool, str]]:
    """(status, current position or 0, extra supplement, actions, control-sheet rows, last row open, ended by).

    At most 8 actions: where a long plan would need more, the path leaves out ``record_result``.
    """
    for status, k, extra, actions, steps, last_open, ended_by in _paths(variant):
        if len(actions) > 8:
            actions = [a for a in actions if a.type != "record_result"]
        yield status, k, extra, actions, steps, last_open, ended_by


def _paths(variant: Variant) -> Iterator[tuple[str, int, bool, list[PathAction], int, bool, str]]:
    n, roles, start, step_h = len(variant.roles), variant.roles, variant.start_h, variant.step_h
    online = variant.channel == "online"

    def opening() -> list[PathAction]:
        if online:
            return [
                PathAction("submit", "", "submitted", None, "applicant", -1, 0.0),
                PathAction("accept", "submitted", "received", None, "counter", 0, 0.05 * step_h[0]),
            ]
        return [PathAction("receive", "", "received", None, "counter", 0, 0.0)]

    def handoffs(upto: int) -> list[PathAction]:
        """The hand-offs that end steps 1..upto (1-based)."""
        return [
            PathAction(
                variant.handoffs[i - 1],
                "received" if i == 1 else "processing",
                "processing",
                i,
                roles[i - 1],
                i,
                start[i],
            )
            for i in range(1, upto + 1)
        ]

    def at_step(k: int, share: float) -> float:
        return start[k - 1] + share * step_h[k - 1]

    yield (
        "received",
        1,
        False,
        [*opening(), PathAction("record_payment", "received", "received", 1, "counter", 0, at_step(1, 0.1))],
        1,
        True,
        "",
    )
    for k in range(2, max(2, n - 1) + 1):
        if k < n:
            yield "processing", k, False, [*opening(), *handoffs(k - 1)], k, True, ""
    for k in (1, 2):
        before = "received" if k == 1 else "processing"
        request = PathAction("request_supplement", before, "awaiting_supplement", k, roles[k - 1], k, at_step(k, 0.5))
        yield "awaiting_supplement", k, False, [*opening(), *handoffs(k - 1), request], k, True, ""
    k = max(2, n - 1)
    payment = PathAction("request_payment", "processing", "awaiting_payment", k, roles[k - 1], k, at_step(k, 0.6))
    yield "awaiting_payment", k, False, [*opening(), *handoffs(k - 1), payment], k, True, ""
    result = [
        PathAction("record_result", "processing", "processing", n, roles[-1], n, at_step(n, 0.1)),
        PathAction("mark_result_ready", "processing", "result_ready", n, roles[-1], n, at_step(n, 0.2)),
    ]
    yield "result_ready", n, False, [*opening(), *handoffs(n - 1), *result], n, True, ""
    returned = PathAction("return_result", "result_ready", "returned", n, roles[-1], n, start[n])
    yield "returned", 0, False, [*opening(), *handoffs(n - 1), *result, returned], n, False, "return_result"
    if not online:  # a supplement along the way
        pair = [
            PathAction("request_supplement", "received", "awaiting_supplement", 1, "counter", 0, at_step(1, 0.1)),
            PathAction("supplement", "awaiting_supplement", "received", 1, "counter", 0, at_step(1, 0.2)),
        ]
        actions = [*opening(), *pair, *handoffs(n - 1), *result, returned]
        yield "returned", 0, True, actions, n, False, "return_result"
    withdraw = PathAction("withdraw", "received", "withdrawn", 1, "counter", 0, at_step(1, 0.5))
    yield "withdrawn", 0, False, [*opening(), withdraw], 1, False, "withdraw"
    stop = PathAction("stop", "processing", "stopped", 2, roles[1], 2, at_step(2, 0.5))
    yield "stopped", 0, False, [*opening(), *handoffs(1), stop], 2, False, "stop"
    if online:
        refuse = PathAction("refuse", "submitted", "refused", None, "counter", 0, 0.1 * step_h[0])
        yield "refused", 0, False, [opening()[0], refuse], 0, False, ""


def load_variants(variants: list[Variant]) -> int:
    """The variants, their paths and the slot table that draws a variant by weight, as unlogged tables."""
    from django.db import connection

    sql(
        """
        CREATE UNLOGGED TABLE bench_variant (
            id int PRIMARY KEY, offering_id bigint, procedure_id bigint, resolver bigint, desk bigint,
            desk_identifier text, channel text, terms_id bigint, n int, roles text[], agencies bigint[], names text[],
            start_h float8[], step_h float8[], handoffs text[], weight float8)
        """
    )
    sql(
        """
        CREATE UNLOGGED TABLE bench_path (
            id int PRIMARY KEY, variant int, status text, k int, extra bool, n_actions int, last_offset float8,
            steps int, last_open bool, ended_by text)
        """
    )
    sql(
        """
        CREATE UNLOGGED TABLE bench_path_action (
            path int, i int, type text, from_status text, to_status text, step_position int, role text,
            agency_index int, offset_h float8)
        """
    )

    path_rows, action_rows = [], []
    for v in variants:
        for status, k, extra, actions, steps, last_open, ended_by in paths_of(v):
            path_id = len(path_rows) + 1
            offsets = [a.offset_h for a in actions]
            path_rows.append((path_id, v.id, status, k, extra, len(actions), max(offsets), steps, last_open, ended_by))
            action_rows += [
                (path_id, i, a.type, a.from_status, a.to_status, a.step_position, a.role, a.agency_index, a.offset_h)
                for i, a in enumerate(actions, start=1)
            ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_variant VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    v.id,
                    v.offering_id,
                    v.procedure_id,
                    v.resolver,
                    v.desk,
                    v.desk_identifier,
                    v.channel,
                    v.terms_id,
                    len(v.roles),
                    v.roles,
                    v.agencies,
                    v.names,
                    v.start_h,
                    v.step_h,
                    v.handoffs,
                    v.weight,
                )
                for v in variants
            ],
        )
        for table, rows in (("bench_path", path_rows), ("bench_path_action", action_rows)):
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:  # the psycopg cursor under Django's
                for row in rows:
                    copy.write_row(row)
    # slots: SLOTS rows, each naming a variant, in proportion to the weights (largest remainder)
    total = sum(v.weight for v in variants)
    exact = [(v.id, v.weight / total * SLOTS) for v in variants]
    counts = {vid: int(share) for vid, share in exact}
    for vid, _ in sorted(exact, key=lambda e: e[1] - int(e[1]), reverse=True)[: SLOTS - sum(counts.values())]:
        counts[vid] += 1
    slots = [vid for vid, count in counts.items() for _ in range(count)]
    sql("CREATE UNLOGGED TABLE bench_slot (slot int PRIMARY KEY, variant int)")
    sql("INSERT INTO bench_slot SELECT s - 1, (%s::int[])[s] FROM generate_series(1, %s) AS s", [slots, len(slots)])
    return len(path_rows)


def load_names() -> int:
    from motcua.rules.text import fold

    names = [f"{f} {m} {g}" for f in FAMILY for m in MIDDLE for g in GIVEN]
    sql("CREATE UNLOGGED TABLE bench_name (i int PRIMARY KEY, name text, folded text)")
    sql(
        "INSERT INTO bench_name SELECT s - 1, (%s::text[])[s], (%s::text[])[s] FROM generate_series(1, %s) AS s",
        [names, [fold(n) for n in names], len(names)],
    )
    return len(names)


# --------------------------------------------------------------------------------------------------
# the dossiers, their actions and control sheets, set-based

DRAW = """
CREATE UNLOGGED TABLE bench_gen AS
WITH r AS (
    SELECT g::bigint AS id, floor(random() * %(slots)s)::int AS slot, floor(random() * 365)::int AS age_days,
           random() AS u_time, random() AS u_active, random() AS u_status, random() AS u_step,
           random() AS u_pace, random() AS u_extra
    FROM generate_series(1, %(n)s) AS g
), t AS (
    SELECT r.*, v.id AS variant, v.n, v.channel,
           LEAST(now() - interval '10 minutes',
                 ((date_trunc('day', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') - make_interval(days => r.age_days)
                   + interval '7 hours 15 minutes' + r.u_time * interval '9 hours 30 minutes')
                  AT TIME ZONE 'Asia/Ho_Chi_Minh')) AS received_at,
           CASE WHEN (r.age_days < 15 AND r.u_active < 0.85) OR r.u_active < 0.012 THEN
               CASE WHEN r.u_status < 0.10 THEN 'received' WHEN r.u_status < 0.70 THEN 'processing'
                    WHEN r.u_status < 0.82 THEN 'awaiting_supplement'
                    WHEN r.u_status < 0.87 THEN 'awaiting_payment' ELSE 'result_ready' END
           ELSE
               CASE WHEN r.u_status < 0.03 AND v.channel = 'online' THEN 'refused'
                    WHEN r.u_status < 0.05 THEN 'withdrawn' WHEN r.u_status < 0.06 THEN 'stopped'
                    ELSE 'returned' END
           END AS status
    FROM r JOIN bench_slot s USING (slot) JOIN bench_variant v ON v.id = s.variant
), k AS (
    SELECT t.*,
           CASE t.status WHEN 'received' THEN 1
                WHEN 'processing' THEN 2 + floor(t.u_step * GREATEST(t.n - 2, 1))::int
                WHEN 'awaiting_supplement' THEN 1 + floor(t.u_step * 2)::int
                WHEN 'awaiting_payment' THEN GREATEST(2, t.n - 1)
                WHEN 'result_ready' THEN t.n ELSE 0 END AS k,
           (t.status = 'returned' AND t.channel <> 'online' AND t.n <= 4 AND t.u_extra < 0.1) AS extra,
           -- pace: share of the allotted time actually taken; 12 %% of dossiers run late
           CASE WHEN t.u_pace < 0.12 THEN 1.2 + 3 * t.u_pace ELSE 0.25 + 0.7 * (t.u_pace - 0.12) / 0.88 END AS pace
    FROM t
)
-- ids follow the moment of receipt, as they do in a live table (recent, active dossiers at its end)
SELECT row_number() OVER (ORDER BY k.received_at, k.id) AS id, k.variant, k.channel, k.status, k.k, k.extra,
       k.received_at, p.id AS path, p.n_actions, p.last_offset, p.steps, p.last_open, p.ended_by,
       -- never later than now: a dossier that would be ahead of the clock takes its steps faster
       LEAST(k.pace, 0.95 * extract(epoch FROM now() - k.received_at) / 3600 / NULLIF(p.last_offset, 0)) AS pace_eff
FROM k JOIN bench_path p ON p.variant = k.variant AND p.status = k.status AND p.k = k.k AND p.extra = k.extra
ORDER BY 1
"""

INSERT_DOSSIERS = """
INSERT INTO dossiers_dossier (
    id, code, offering_id, procedure_id, resolving_agency_id, receiving_agency_id, channel, regime, subject,
    applicant_type, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address,
    applicant_user_id, search_text, terms_id, status, submitted_at, received_at, due_at, appointment_at,
    current_position, current_agency_id, "current_role", step_started_at, step_due_at, paused_since, paused_seconds,
    resume_status, supplement_requests, approved, result_recorded, apologised, finished_at, returned_at, outcome,
    last_action_at, action_count, created_at)
SELECT g.id, x.code, v.offering_id, v.procedure_id, v.resolver, v.desk, g.channel,
       CASE WHEN g.received_at >= '2025-07-01 00:00+07' THEN '2025' ELSE '2018' END, '',
       'citizen', nm.name, x.id_number, '09' || lpad(((g.id * 104729) %% 100000000)::text, 8, '0'), '',
       'Tỉnh Thái Nguyên', CASE WHEN g.channel = 'online' THEN c.user_id END,
       lower(x.code) || ' ' || nm.folded || ' ' || x.id_number,
       v.terms_id, g.status,
       CASE WHEN g.channel = 'online' THEN g.received_at END,
       CASE WHEN g.status <> 'refused' THEN g.received_at END,
       CASE WHEN g.status <> 'refused' THEN h.due END,
       CASE WHEN g.status <> 'refused' THEN h.due END,
       h.k, v.agencies[h.k], COALESCE(v.roles[h.k], ''),
       g.received_at + make_interval(secs => v.start_h[h.k] * g.pace_eff * 3600),
       g.received_at + make_interval(secs => (v.start_h[h.k] * g.pace_eff + v.step_h[h.k]) * 3600),
       CASE WHEN g.status = 'awaiting_supplement' THEN h.last_at END,
       0,
       CASE WHEN g.status <> 'awaiting_supplement' THEN '' WHEN g.k = 1 THEN 'received' ELSE 'processing' END,
       CASE WHEN g.status = 'awaiting_supplement' OR g.extra THEN 1 ELSE 0 END,
       h.done, h.done, false,
       CASE WHEN h.done THEN g.received_at + make_interval(secs => v.start_h[v.n] * g.pace_eff * 3600) END,
       CASE WHEN g.status = 'returned' THEN h.last_at END,
       CASE WHEN NOT h.done THEN ''
            WHEN v.start_h[v.n] * g.pace_eff > v.start_h[v.n + 1] THEN 'late'
            WHEN g.pace_eff < 0.5 THEN 'early' ELSE 'on_time' END,
       h.last_at, g.n_actions, g.received_at
FROM (
    SELECT g.*, row_number() OVER (PARTITION BY v.desk, (g.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                                   ORDER BY g.received_at, g.id) AS seq
    FROM bench_gen g JOIN bench_variant v ON v.id = g.variant
) AS g
JOIN bench_variant v ON v.id = g.variant
JOIN bench_name nm ON nm.i = g.id %% 1680
LEFT JOIN bench_citizen c ON c.n = g.id %% 1000
CROSS JOIN LATERAL (
    SELECT v.desk_identifier || '-' || to_char(g.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-'
           || lpad(g.seq::text, 4, '0') AS code,
           '0190' || lpad(((g.id * 7919) %% 100000000)::text, 8, '0') AS id_number
) AS x
CROSS JOIN LATERAL (
    SELECT NULLIF(g.k, 0) AS k,
           g.received_at + make_interval(secs => v.start_h[v.n + 1] * 3600) AS due,
           g.received_at + make_interval(secs => g.last_offset * g.pace_eff * 3600) AS last_at,
           g.status IN ('result_ready', 'returned') AS done
) AS h
ORDER BY g.id
"""

INSERT_ACTIONS = """
INSERT INTO dossiers_dossieraction (
    dossier_id, seq, type, at, actor_id, actor_role, actor_agency_id, from_status, to_status, step_position,
    note, payload, facts, system_actor)
SELECT g.id, a.i, a.type, g.received_at + make_interval(secs => a.offset_h * g.pace_eff * 3600),
       CASE WHEN a.agency_index = -1 THEN c.user_id ELSE o.user_id END,
       a.role, ag.agency_id, a.from_status, a.to_status, a.step_position, '',
       CASE WHEN a.type IN ('receive', 'accept') THEN '{"checklist": [], "documents": []}'::jsonb
            WHEN a.type = 'request_supplement' THEN '{"missing": ["Bản sao giấy tờ tùy thân"]}'::jsonb
            ELSE '{}'::jsonb END,
       '{}'::jsonb, ''
FROM bench_gen g
JOIN bench_variant v ON v.id = g.variant
JOIN bench_path_action a ON a.path = g.path
CROSS JOIN LATERAL (
    SELECT CASE WHEN a.agency_index = -1 THEN NULL WHEN a.agency_index = 0 THEN v.desk
                ELSE v.agencies[a.agency_index] END AS agency_id
) AS ag
LEFT JOIN bench_officer o ON o.agency_id = ag.agency_id AND o.role = a.role
LEFT JOIN bench_citizen c ON c.n = g.id %% 1000
"""

INSERT_STEPS = """
INSERT INTO dossiers_dossierstep (dossier_id, seq, position, name, role, agency_id, started_at, due_at, ended_at,
                                  outcome, ended_by)
SELECT g.id, s, s, v.names[s], v.roles[s], v.agencies[s],
       g.received_at + make_interval(secs => v.start_h[s] * g.pace_eff * 3600),
       g.received_at + make_interval(secs => (v.start_h[s] * g.pace_eff + v.step_h[s]) * 3600),
       e.ended_at,
       CASE WHEN e.ended_at IS NULL THEN ''
            WHEN e.ended_at > g.received_at + make_interval(secs => (v.start_h[s] * g.pace_eff + v.step_h[s]) * 3600)
                 THEN 'late'
            WHEN g.pace_eff < 0.5 THEN 'early' ELSE 'on_time' END,
       CASE WHEN e.ended_at IS NULL THEN '' WHEN s < g.steps THEN v.handoffs[s] ELSE g.ended_by END
FROM bench_gen g
JOIN bench_variant v ON v.id = g.variant
CROSS JOIN LATERAL generate_series(1, g.steps) AS s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s < g.steps THEN g.received_at + make_interval(secs => v.start_h[s + 1] * g.pace_eff * 3600)
                WHEN g.last_open THEN NULL
                ELSE g.received_at + make_interval(secs => g.last_offset * g.pace_eff * 3600) END AS ended_at
) AS e
"""

INSERT_SEQUENCES = """
INSERT INTO dossiers_dossiercodesequence (agency_id, day, last_value)
SELECT receiving_agency_id, (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, count(*)
FROM dossiers_dossier GROUP BY 1, 2
"""

INSERT_COUNTERS = """
INSERT INTO metrics_dailycount (day, agency_id, procedure_id, channel, metric, value)
SELECT day, agency_id, procedure_id, channel, metric, sum(n)
FROM (
    SELECT (a.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, d.resolving_agency_id AS agency_id, d.procedure_id,
           d.channel, m.metric, 1 AS n
    FROM dossiers_dossieraction a JOIN dossiers_dossier d ON d.id = a.dossier_id
    CROSS JOIN LATERAL (
        SELECT metric FROM (VALUES
            ('received', a.type IN ('receive', 'accept')),
            ('received_online', a.type = 'accept'),
            ('refused', a.type = 'refuse'),
            ('supplement_requested', a.type = 'request_supplement'),
            ('finished_early', a.type = 'mark_result_ready' AND d.outcome = 'early'),
            ('finished_on_time', a.type = 'mark_result_ready' AND d.outcome = 'on_time'),
            ('finished_late', a.type = 'mark_result_ready' AND d.outcome = 'late'),
            ('returned', a.type = 'return_result'),
            ('withdrawn', a.type = 'withdraw'),
            ('stopped', a.type = 'stop'),
            ('paid_at_counter', a.type = 'record_payment')
        ) AS v (metric, applies) WHERE applies
    ) AS m
    UNION ALL
    -- the dossiers in processing, under the day they fall due (what the actions' +1/-1 net to)
    SELECT (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, d.resolving_agency_id, d.procedure_id, d.channel,
           'open_by_due_day', 1
    FROM dossiers_dossier d
    WHERE d.received_at IS NOT NULL AND d.finished_at IS NULL AND d.paused_since IS NULL AND d.due_at IS NOT NULL
) AS x
GROUP BY 1, 2, 3, 4, 5
"""


ORPHANS = """
SELECT (SELECT count(*) FROM dossiers_dossieraction a
        WHERE NOT EXISTS (SELECT 1 FROM dossiers_dossier d WHERE d.id = a.dossier_id)
           OR (a.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = a.actor_id))
           OR (a.actor_agency_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM catalog_agency g WHERE g.id = a.actor_agency_id)))
     + (SELECT count(*) FROM dossiers_dossierstep s
        WHERE NOT EXISTS (SELECT 1 FROM dossiers_dossier d WHERE d.id = s.dossier_id)
           OR NOT EXISTS (SELECT 1 FROM catalog_agency g WHERE g.id = s.agency_id))
     + (SELECT count(*) FROM dossiers_dossier d
        WHERE NOT EXISTS (SELECT 1 FROM catalog_offering o WHERE o.id = d.offering_id)
           OR (d.current_agency_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM catalog_agency g WHERE g.id = d.current_agency_id))
           OR (d.applicant_user_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = d.applicant_user_id)))
"""


LOADED_TABLES = ("dossiers_dossier", "dossiers_dossieraction", "dossiers_dossierstep")


def drop_secondary_indexes() -> list[str]:
    """Drop the non-unique indexes of the loaded tables; returns their definitions to rebuild them."""
    rows = fetch(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
        """,
        [list(LOADED_TABLES)],
    )
    for name, _ in rows:
        sql(f"DROP INDEX {name}")
    return [definition for _, definition in rows]


def rebuild_indexes(definitions: list[str]) -> int:
    for definition in definitions:
        sql(definition)
    return len(definitions)


def generate(dossiers: int, seed: int) -> list[tuple[str, float]]:
    """Fill the database; returns the phases and their durations."""
    from motcua.catalog.models import Agency

    phase = Phase([])
    rng = random.Random(seed)
    busy = Agency.objects.get(name=BUSY_AGENCY).pk
    medium = Agency.objects.get(name=MEDIUM_AGENCY).pk
    phase.run("agencies (to 100) with copies of the commune's offerings", lambda: len(add_agencies(100)))
    phase.run("officers per agency × role, 1,000 citizens", add_people)
    variants, _ = phase.run("terms of every offering × channel (terms_of)", lambda: build_variants(rng, busy, medium))
    phase.run(f"{len(variants)} variants, their paths and the weighted draw", lambda: load_variants(variants))
    phase.run("applicant names", load_names)
    sql("SET work_mem = '256MB'")
    sql("SET maintenance_work_mem = '1GB'")
    sql("SET synchronous_commit = off")  # a throw-away database: no need to wait for each flush
    sql("SELECT setseed(%s)", [rng.random() * 2 - 1])
    phase.run("draw the dossiers (bench_gen)", lambda: sql(DRAW, {"n": dossiers, "slots": SLOTS}))
    # statistics of the generator's own tables before the big joins: without them (autovacuum had not come by)
    # the planner guessed 1.3 billion actions for 1,000,000 dossiers and chose a merge join that had written no
    # row after 40 minutes; with them, hash joins and the true count
    phase.run(
        "ANALYZE the generator's tables",
        lambda: sql("ANALYZE bench_gen, bench_variant, bench_path, bench_path_action, bench_officer, bench_citizen"),
    )
    # Bulk load without the per-row foreign-key triggers (the rows are consistent by construction; the
    # check below counts orphans once the load is over). Needs a superuser, as the bench's postgres is.
    sql("SET session_replication_role = replica")
    # Secondary indexes are built once after the load rather than row by row (unique ones stay in place).
    indexes = phase.run("secondary indexes dropped for the load", drop_secondary_indexes)
    phase.run("dossiers", lambda: sql(INSERT_DOSSIERS))
    phase.run("actions", lambda: sql(INSERT_ACTIONS))
    phase.run("control-sheet steps", lambda: sql(INSERT_STEPS))
    phase.run("secondary indexes rebuilt", lambda: rebuild_indexes(indexes))
    phase.run("code sequences", lambda: sql(INSERT_SEQUENCES))
    phase.run("daily counters", lambda: sql(INSERT_COUNTERS))
    sql("SET session_replication_role = origin")
    sql("SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), (SELECT max(id) FROM dossiers_dossier))")
    orphans = phase.run("foreign keys checked: orphan rows", lambda: fetch(ORPHANS)[0][0])
    check(f"no orphan rows ({orphans})", orphans == 0)
    for table in ("bench_gen", "bench_slot", "bench_path_action", "bench_path", "bench_variant", "bench_name"):
        sql(f"DROP TABLE {table}")
    sql("DROP TABLE bench_officer")
    sql("DROP TABLE bench_citizen")
    phase.run("VACUUM ANALYZE", lambda: sql("VACUUM ANALYZE") * 0 - 1)
    return phase.timings


def print_sizes() -> None:
    rows = fetch(
        """
        SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid),
               pg_total_relation_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
        ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8
        """
    )
    print(f"\n  {'table':<30} {'rows':>12} {'table':>10} {'indexes':>10} {'total':>10}")
    for name, count, table, indexes, total in rows:
        if name in LOADED_TABLES:
            count = fetch(f"SELECT count(*) FROM {name}")[0][0]
        print(f"  {name:<30} {count:>12,} {mb(table):>10} {mb(indexes):>10} {mb(total):>10}")
    (database,) = fetch("SELECT pg_size_pretty(pg_database_size(current_database()))")[0]
    print(f"  database size: {database}")
    statuses = fetch("SELECT status, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 2 DESC")
    total = sum(n for _, n in statuses)
    active = sum(n for status, n in statuses if status in ACTIVE)
    print(
        f"  dossiers by status: {', '.join(f'{s} {n / total:.1%}' for s, n in statuses)}; active {active / total:.1%}"
    )
    (low, high, avg) = fetch(
        "SELECT min(action_count), max(action_count), round(avg(action_count), 2) FROM dossiers_dossier"
    )[0]
    print(f"  actions per dossier: {low}–{high}, mean {avg}")


def check_generated() -> None:
    """The generated tables are filled, and each dossier has the actions its ``action_count`` says."""
    (dossiers, counted), (actions,), (steps,) = (
        fetch("SELECT count(*), coalesce(sum(action_count), 0) FROM dossiers_dossier")[0],
        fetch("SELECT count(*) FROM dossiers_dossieraction")[0],
        fetch("SELECT count(*) FROM dossiers_dossierstep")[0],
    )
    check(f"dossiers generated ({dossiers:,})", dossiers > 0)
    check(f"actions as many as the dossiers' action_count ({actions:,} / {counted:,})", 0 < actions == counted)
    check(f"control-sheet rows generated ({steps:,})", steps > 0)
    for table in ("dossiers_dossiercodesequence", "metrics_dailycount"):
        check(f"{table} filled", bool(fetch(f"SELECT EXISTS (SELECT 1 FROM {table})")[0][0]))


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


# --------------------------------------------------------------------------------------------------
# measurements


@dataclass
class Officer:
    label: str
    user: Any
    agency: str
    role: str


def officers() -> list[Officer]:
    """Counter, specialist and leader of the busiest and the quietest agency, and the provincial desk pair."""
    from django.db.models import Count, Q

    from motcua.accounts.models import User
    from motcua.catalog.models import Agency

    busy = Agency.objects.get(name=BUSY_AGENCY)
    quiet = (
        Agency.objects.annotate(n=Count("resolved_dossiers", filter=Q(resolved_dossiers__status__in=ACTIVE)))
        .filter(n__gt=0)
        .order_by("n", "pk")
        .first()
    )
    centre = Agency.objects.get(name="Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên")
    medium = Agency.objects.get(name=MEDIUM_AGENCY)
    chosen = [
        ("busy", busy, "counter"),
        ("busy", busy, "specialist"),
        ("busy", busy, "leader"),
        ("medium", centre, "counter"),
        ("medium", medium, "specialist"),
        ("medium", medium, "leader"),
        ("quiet", quiet, "counter"),
        ("quiet", quiet, "specialist"),
        ("quiet", quiet, "leader"),
    ]
    result = []
    for label, agency, role in chosen:
        user = User.objects.filter(memberships__agency=agency, memberships__role=role).order_by("pk").first()
        if user is not None:
            result.append(Officer(label, user, agency.identifier, role))
    return result


def timed(action: Callable[[], Any], reps: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def stats(times: list[float]) -> str:
    p95 = times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]
    return f"{statistics.median(times):6.1f} {p95:6.1f} {max(times):6.1f}"


def captured_sql(action: Callable[[], Any]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action()
    return [q["sql"] for q in queries.captured_queries]


def explain(statement: str) -> str:
    """The plan of ``statement`` as it runs warm: two untimed runs first, like the measured repetitions."""
    from django.db import connection

    with connection.cursor() as cursor:  # no parameters: the captured SQL is run as it is
        for _ in range(2):
            cursor.execute(statement)
            cursor.fetchall()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
        rows = cursor.fetchall()
    return "\n".join("    " + line for (line,) in rows)


def measure(reps: int, warmup: int) -> None:
    from django.core.paginator import Paginator
    from django.db import reset_queries

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import queue_listing, visible_page
    from motcua.web.workbench import _RELATED, _SORTS  # the workbench's own ordering and joins

    print(
        f"\nOfficer queries, {reps} repetitions each after {warmup} warm-up runs; milliseconds, wall clock "
        "(this process: ORM + PostgreSQL)"
    )
    head = f"  {'officer':<30} {'agency':<14} {'role':<10} {'in queue':>8}"
    print(head + " | queue count()        | queue page of 25     | workbench total      | API list (-pk, 51)")
    print(" " * len(head) + " |    p50    p95    max" * 4)
    busy0, total0, stolen0 = machine_cpu_seconds()
    worst_queue: tuple[float, str, str] = (0.0, "", "")
    worst_list: tuple[float, str, str] = (0.0, "", "")
    measured: dict[str, int] = defaultdict(int)  # officers measured per kind of agency
    queued = listed = 0
    for officer in officers():
        user = officer.user

        def queryset(user: Any = user) -> Any:
            return queue_listing(user).order_by(*_SORTS["due"])  # as the workbench runs it

        def workbench(user: Any = user) -> list[Any]:
            page = Paginator(queryset(user), 25).get_page(1)
            return list(page.object_list)

        def api_list(user: Any = user) -> list[Any]:  # as GET /api/v1/dossiers runs it (first page of 50)
            return visible_page(user, Dossier.objects.select_related(*_RELATED), before=None, limit=51)

        fixed = queryset()  # the membership query is part of "workbench total" only
        in_queue = fixed.count()
        count_times = timed(lambda fixed=fixed: fixed.count(), reps, warmup)
        page_times = timed(lambda fixed=fixed: list(fixed[:25]), reps, warmup)
        total_times = timed(workbench, reps, warmup)
        list_times = timed(api_list, reps, warmup)
        measured[officer.label] += 1
        queued += in_queue
        listed += len(api_list())
        reset_queries()
        name = f"{officer.user.username} ({officer.label})"
        print(
            f"  {name:<30} {officer.agency:<14} {officer.role:<10} {in_queue:>8,} | {stats(count_times)} | "
            f"{stats(page_times)} | {stats(total_times)} | {stats(list_times)}",
            flush=True,
        )
        p95 = lambda times: times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]  # noqa: E731
        for times, statement in (
            (count_times, captured_sql(lambda fixed=fixed: fixed.count())[-1]),
            (page_times, captured_sql(lambda fixed=fixed: list(fixed[:25]))[-1]),
        ):
            if p95(times) > worst_queue[0]:
                worst_queue = (p95(times), name, statement)
        if p95(list_times) > worst_list[0]:
            worst_list = (p95(list_times), name, captured_sql(api_list)[-1])
    busy1, total1, stolen1 = machine_cpu_seconds()
    total = (total1 - total0) or 1.0
    print(
        f"  (machine during the measurements: {(busy1 - busy0) / total:.0%} busy, of which "
        f"{(stolen1 - stolen0) / total:.0%} stolen by the hypervisor; the queries run one at a time)"
    )
    plans = []
    for title, (p95_ms, name, statement) in (
        ("slowest queue query", worst_queue),
        ("slowest API list query", worst_list),
    ):
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the {title} (p95 {p95_ms:.1f} ms, {name}):")
        print(f"    {statement}\n")
        plans.append(explain(statement) if statement else "")
        print(plans[-1])
    print()
    check(f"officers of busy, medium and quiet agencies measured ({dict(measured)})", len(measured) == 3)
    check(f"the measured queues hold dossiers ({queued:,})", queued > 0)
    check(f"the measured API lists returned dossiers ({listed:,})", listed > 0)
    check("each EXPLAIN gave an executed plan", len(plans) == 2 and all("Execution Time" in p for p in plans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers to generate (default 1,000,000)")
    parser.add_argument("--reps", type=int, default=200, help="timed repetitions per query (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs before (default 20)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of the generator")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (no database)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (its URL is printed)")
    parser.add_argument(
        "--database",
        help="measure an existing database kept by an earlier --keep run (no generation; it is not dropped)",
    )
    parser.add_argument("--smoke", action="store_true", help=f"tiny run of the same path ({SMOKE})")
    args = parser.parse_args()
    if args.smoke:  # smoke sizes as defaults: an option given explicitly still wins
        parser.set_defaults(**SMOKE)
        args = parser.parse_args()

    pg = PgServer.from_url(args.pg)
    print("The officer queue at scale — bench/queue_scale.py")
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as var:
        if args.database:
            url = pg.url(args.database)
            print_facts([*machine_facts(url), ("database", f"{args.database} (existing, not generated)")])
            setup_django(url, Path(var))
            print_sizes()
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
                    ("measurement", f"{args.reps} repetitions after {args.warmup} warm-ups, 1 process, 1 connection"),
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

            connections.close_all()  # before the database is dropped


if __name__ == "__main__":
    main()
