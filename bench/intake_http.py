"""Counter intake over HTTP on PostgreSQL, and the same rows by raw SQL in the same run (issue 4).

Run from the repository root, with a PostgreSQL server that the current user can reach (trust auth, the
``createdb``/``dropdb`` client programs on PATH)::

    make bench-intake
    .venv/bin/python bench/intake_http.py [--workers 4] [--concurrency 8] [--seconds 20] [--warmup 5]
                                          [--worker-class gthread] [--threads 1]
                                          [--raw-seconds 10] [--raw-connections 4]
                                          [--pg postgres://postgres@127.0.0.1:5432] [--smoke]

What one run does:

1. creates a throw-away database ``motcua_bench_<pid>`` (dropped at the end, also on failure or Ctrl-C),
   migrates it, loads the demo catalogue and officers (``load_demo --dossiers 0 --force``) and creates an
   API token for ``motcua-mc-xa``, the counter officer of UBND phường Phan Đình Phùng;
2. starts gunicorn on 127.0.0.1 (``--workers``; the ``gthread`` worker class by default because the sync
   worker closes every connection, which defeats keep-alive) with ``MOTCUA_DEBUG=0``, a random secret key,
   ``MOTCUA_SSL_REDIRECT=0`` and ``MOTCUA_ALLOWED_HOSTS=127.0.0.1``, logging at warning level;
3. drives ``POST /api/v1/dossiers`` with valid counter intakes of procedure ``2.001035`` at that commune
   (the checklist covers every unconditional required document, read from the database) from an asyncio +
   httpx load generator with ``--concurrency`` keep-alive connections: a warm-up, then ``--seconds``
   measured; only 201 responses count as intakes, any other status is reported;
4. measures the CPU time used during the measured window by the load generator (this process), the
   gunicorn master and workers, and PostgreSQL (the bench database's backends and the server's background
   processes), from ``/proc/<pid>/stat``, and samples what the workers' database sessions are doing
   (``pg_stat_activity``: running, waiting for a lock, flushing the WAL, idle in transaction while Python
   works, idle between requests);
5. inserts the same rows by raw SQL with psycopg — the code-sequence upsert, the dossier row (a copy of the
   last one the HTTP run wrote, with a fresh code and shifted moments), its action row, its control-sheet
   step and the daily-counter upsert, in one transaction each — sequentially on one connection, then on
   ``--raw-connections`` parallel connections, and prints rows/s and the ratio intake / raw; then, for
   comparison, the same writes as one statement (data-modifying CTEs, one round trip) on as many connections,
   which shows how far one agency can go when its code-sequence and counter rows are locked the shortest;
6. prints a short "what limits it" paragraph computed from the figures above.

It prints figures and never judges a duration: durations depend on the machine. The issue's first goal is
≥ 300 intakes/s on 2 cores. It does check the facts that prove the path ran, and exits non-zero when one does
not hold: every intake answered 201 and wrote its dossier, each with one action and one control-sheet row, and
each raw SQL run inserted its rows. ``--smoke`` (``make bench-smoke``, issue 8) is the same path at tiny sizes
(2 workers, 2 in flight, 0.5 s warm-up, 1 s measured, raw runs of 0.5 s on 2 connections: about 10 s in all);
options given explicitly still win.

``throwaway_database``, ``PgServer`` and ``print_facts`` are also used by ``bench/queue_scale.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from smoke import check  # noqa: E402  (the bench directory is not a package)

SMOKE = {
    "workers": 2,
    "concurrency": 2,
    "seconds": 1.0,
    "warmup": 0.5,
    "raw_seconds": 0.5,
    "raw_connections": 2,
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
OFFICER = "motcua-mc-xa"
PROCEDURE = "2.001035"


# --------------------------------------------------------------------------------------------------
# PostgreSQL: the server, throw-away databases, machine facts (shared with bench/queue_scale.py)


@dataclass(frozen=True)
class PgServer:
    """Where the PostgreSQL server listens; databases are created and dropped with its client programs."""

    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"

    @classmethod
    def from_url(cls, url: str) -> PgServer:
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "postgres")

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{database}"

    def client_args(self) -> list[str]:
        return ["-h", self.host, "-p", str(self.port), "-U", self.user]


@contextlib.contextmanager
def throwaway_database(pg: PgServer, name: str, *, keep: bool = False) -> Iterator[str]:
    """Create database ``name`` and yield its URL; drop it afterwards (unless ``keep``), even on failure.

    SIGTERM is turned into ``SystemExit`` for the duration so that the ``finally`` clause runs.
    """
    previous = signal.getsignal(signal.SIGTERM)

    def _terminate(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    subprocess.run(["createdb", *pg.client_args(), name], check=True)
    try:
        yield pg.url(name)
    finally:
        if keep:
            print(f"\nkept database {name}: drop it with `dropdb {' '.join(pg.client_args())} --force {name}`")
        else:
            subprocess.run(["dropdb", *pg.client_args(), "--if-exists", "--force", name], check=False)
        signal.signal(signal.SIGTERM, previous)


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _memory() -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "?"


def machine_facts(database_url: str) -> list[tuple[str, str]]:
    """Cores, CPU, memory, Python and library versions, PostgreSQL version and its relevant settings."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        names = ("shared_buffers", "synchronous_commit", "fsync", "max_connections", "jit")
        settings = {
            name: conn.execute(f"SELECT current_setting('{name}')").fetchone()[0]  # names are constants
            for name in names
        }
    versions = ", ".join(
        f"{package} {metadata.version(package)}"
        for package in ("Django", "django-ninja", "psycopg", "gunicorn", "httpx")
    )
    return [
        ("cores", f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable), {_cpu_model()}"),
        ("memory", _memory()),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("libraries", versions),
        ("PostgreSQL", f"{version} on {urlsplit(database_url).hostname}:{urlsplit(database_url).port}"),
        ("PostgreSQL settings", ", ".join(f"{k}={v}" for k, v in settings.items())),
    ]


def print_facts(facts: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in facts)
    for label, value in facts:
        print(f"  {label:<{width}}  {value}")


# --------------------------------------------------------------------------------------------------
# CPU accounting from /proc


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (all its threads), or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()  # after the command name, which may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15


def child_pids(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return children


def machine_cpu_seconds() -> tuple[float, float, float]:
    """(busy, total, stolen) CPU seconds of the whole machine since boot, all cores together.

    ``stolen`` is the time the hypervisor gave the virtual cores to someone else (``steal``); it counts as
    busy here, since none of this machine's processes could run then.
    """
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS, values[7] / CLOCK_TICKS


def postgres_pids(conn: psycopg.Connection, database: str) -> list[int]:
    """The backends of ``database`` and the server's background processes (WAL writer, checkpointer…)."""
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE (datname = %s OR backend_type <> 'client backend') "
        "AND pid <> pg_backend_pid()",
        [database],
    ).fetchall()
    return [pid for (pid,) in rows]


@dataclass
class CpuWindow:
    """CPU seconds used by groups of processes between ``start()`` and ``stop()``."""

    groups: dict[str, Callable[[], list[int]]]
    started: dict[str, dict[int, float]] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)
    per_pid: dict[str, dict[int, float]] = field(default_factory=dict)
    machine_busy: float = 0.0
    machine_total: float = 0.0
    machine_stolen: float = 0.0
    wall: float = 0.0
    _machine: tuple[float, float, float] = (0.0, 0.0, 0.0)
    _t0: float = 0.0

    def _snapshot(self) -> dict[str, dict[int, float]]:
        result = {}
        for name, pids in self.groups.items():
            result[name] = {pid: cpu for pid in pids() if (cpu := process_cpu_seconds(pid)) is not None}
        return result

    def start(self) -> None:
        self.started = self._snapshot()
        self._machine = machine_cpu_seconds()
        self._t0 = time.perf_counter()

    def stop(self) -> None:
        self.wall = time.perf_counter() - self._t0
        busy, total, stolen = machine_cpu_seconds()
        self.machine_busy, self.machine_total = busy - self._machine[0], total - self._machine[1]
        self.machine_stolen = stolen - self._machine[2]
        ended = self._snapshot()
        for name, now in ended.items():
            before = self.started.get(name, {})
            self.per_pid[name] = {pid: cpu - before.get(pid, 0.0) for pid, cpu in now.items()}
            self.used[name] = sum(self.per_pid[name].values())

    @property
    def other(self) -> float:
        return max(0.0, self.machine_busy - self.machine_stolen - sum(self.used.values()))


class SessionSampler(threading.Thread):
    """Samples what the client sessions of a database are doing, every ``interval`` seconds."""

    def __init__(self, database_url: str, database: str, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.database_url, self.database, self.interval = database_url, database, interval
        self.counts: Counter[str] = Counter()
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while not self._stop_event.wait(self.interval):
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchall()
                self.samples += 1
                for state, wait_type, wait in rows:
                    self.counts[_session_kind(state, wait_type, wait)] += 1

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def describe(self) -> str:
        total = sum(self.counts.values())
        if not total:
            return "no samples"
        order = [
            "running",
            "waiting for a row lock",
            "flushing the WAL (commit)",
            "other wait",
            "idle in transaction (Python between statements)",
            "idle (between transactions)",
        ]
        parts = [f"{kind} {self.counts[kind] / total:.0%}" for kind in order if self.counts[kind]]
        return f"{self.samples} samples, sessions per sample {total / max(1, self.samples):.1f}: " + ", ".join(parts)


def _session_kind(state: str | None, wait_type: str | None, wait: str | None) -> str:
    if state == "idle in transaction":
        return "idle in transaction (Python between statements)"
    if state != "active":
        return "idle (between transactions)"
    if wait_type is None or wait_type == "CPU":
        return "running"
    if wait_type == "Lock":
        return "waiting for a row lock"
    if wait in {"WALSync", "WALWrite", "WALInsert"} or (wait_type == "IO" and (wait or "").startswith("WAL")):
        return "flushing the WAL (commit)"
    if wait_type == "Client":
        return "idle in transaction (Python between statements)"
    return "other wait"


# --------------------------------------------------------------------------------------------------
# preparing the database and the server


@dataclass
class IntakeTarget:
    token: str
    agency_id: int
    agency_identifier: str
    documents: list[dict[str, Any]]


def manage(env: dict[str, str], *args: str) -> str:
    """Run a ``motcua`` management command in a subprocess; returns its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"motcua {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        MOTCUA_DEBUG="0",
        MOTCUA_SECRET_KEY=secrets.token_urlsafe(50),
        MOTCUA_SSL_REDIRECT="0",
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
        MOTCUA_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare(env: dict[str, str], database_url: str) -> IntakeTarget:
    """Migrate, load the demo catalogue and officers, create a token; find the commune and its documents."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo", "--dossiers", "0", "--force", "-v", "0")
    token = manage(env, "create_api_token", OFFICER, "--name", "bench", "--scope", "act").strip().splitlines()[-1]
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        agency = conn.execute(
            "SELECT a.id, a.identifier FROM accounts_membership m "
            "JOIN accounts_user u ON u.id = m.user_id JOIN catalog_agency a ON a.id = m.agency_id "
            "WHERE u.username = %s AND m.role = 'counter'",
            [OFFICER],
        ).fetchone()
        documents = conn.execute(
            "SELECT d.id, d.form FROM catalog_requireddocument d "
            "JOIN catalog_procedure p ON p.id = d.procedure_id "
            "WHERE p.code = %s AND d.condition = '' ORDER BY d.position, d.id",
            [PROCEDURE],
        ).fetchall()
    return IntakeTarget(token, agency["id"], agency["identifier"], documents)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], port: int, workers: int, worker_class: str, threads: int, connections: int, log: Path
) -> Iterator[int]:
    """Start gunicorn, wait until it answers, yield the master's pid; stop it and its workers afterwards."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "motcua.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--worker-connections",
        str(connections),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_answering(process, port, log)
        yield process.pid
    finally:
        if process.poll() is None:
            process.terminate()  # graceful: the master stops its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_answering(process: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/api/v1/procedures?limit=1", timeout=2)
        except httpx.HTTPError:
            time.sleep(0.2)
            continue
        if response.status_code < 500:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


# --------------------------------------------------------------------------------------------------
# the load generator

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Thảo"]


def intake_bodies(target: IntakeTarget, count: int = 997, seed: int = 4) -> list[bytes]:
    """Distinct, valid counter intakes as ready-to-send JSON (so the generator spends no CPU encoding)."""
    rng = random.Random(seed)
    checklist = [{"document_id": d["id"], "form": d["form"], "quantity": 1} for d in target.documents]
    bodies = []
    for _ in range(count):
        applicant = {
            "type": "citizen",
            "name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            "id_number": f"019{rng.randint(0, 1)}{rng.randint(60, 99):02d}{rng.randint(0, 999999):06d}",
            "phone": f"09{rng.randint(10000000, 99999999)}",
            "email": "",
            "address": f"Tổ {rng.randint(1, 40)}, phường Phan Đình Phùng, tỉnh Thái Nguyên",
        }
        payload = {
            "procedure": PROCEDURE,
            "agency": target.agency_identifier,
            "channel": "counter",
            "applicant": applicant,
            "subject": "Chứng thực hợp đồng chuyển nhượng quyền sử dụng đất",
            "checklist": checklist,
        }
        bodies.append(json.dumps(payload, ensure_ascii=False).encode())
    return bodies


@dataclass
class LoadResult:
    window: float
    latencies: list[float]  # seconds, 201 responses completed inside the window
    statuses: Counter[str]  # every response completed inside the window, by status
    total_created: int  # 201 responses over the whole run, warm-up included
    total_errors: int  # other responses and transport errors over the whole run, warm-up included
    error_sample: str


async def generate_load(
    base_url: str, token: str, bodies: list[bytes], concurrency: int, warmup: float, seconds: float, cpu: CpuWindow
) -> LoadResult:
    """``concurrency`` closed-loop clients on keep-alive connections; the window starts after ``warmup``."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    records: list[tuple[float, float, str]] = []
    error_sample = ""
    begin = time.perf_counter()
    window_start, window_end = begin + warmup, begin + warmup + seconds
    window = {"start": window_start, "end": window_end}

    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=60) as client:

        async def client_loop(index: int) -> None:
            nonlocal error_sample
            number = index
            while time.perf_counter() < window_end:
                body = bodies[number % len(bodies)]
                number += concurrency
                sent = time.perf_counter()
                try:
                    response = await client.post("/api/v1/dossiers", content=body)
                    status = str(response.status_code)
                    if response.status_code != 201 and not error_sample:
                        error_sample = f"{status}: {response.text[:300]}"
                except httpx.HTTPError as error:
                    status = type(error).__name__
                    if not error_sample:
                        error_sample = f"{status}: {error}"
                records.append((sent, time.perf_counter(), status))

        async def meter() -> None:
            await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
            window["start"] = time.perf_counter()
            cpu.start()
            await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
            cpu.stop()
            window["end"] = time.perf_counter()

        await asyncio.gather(meter(), *(client_loop(i) for i in range(concurrency)))

    inside = [(sent, done, status) for sent, done, status in records if window["start"] <= done <= window["end"]]
    return LoadResult(
        window=window["end"] - window["start"],
        latencies=sorted(done - sent for sent, done, status in inside if status == "201"),
        statuses=Counter(status for _, _, status in inside),
        total_created=sum(1 for _, _, status in records if status == "201"),
        total_errors=sum(1 for _, _, status in records if status != "201"),
        error_sample=error_sample,
    )


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(share * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# --------------------------------------------------------------------------------------------------
# the same rows by raw SQL


@dataclass
class RawTemplate:
    """The rows of one HTTP intake, to be copied with a fresh code and shifted moments."""

    dossier: dict[str, Any]
    action: dict[str, Any]
    step: dict[str, Any]
    counter_rows: list[tuple[date, int, int, str, str]]  # the (day, agency, procedure, channel, metric) written
    agency_id: int
    agency_identifier: str
    day: date


def raw_template(database_url: str, target: IntakeTarget) -> RawTemplate:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        dossier = conn.execute("SELECT * FROM dossiers_dossier ORDER BY id DESC LIMIT 1").fetchone()
        if dossier is None:
            raise RuntimeError("the HTTP run created no dossier to copy")
        action = conn.execute("SELECT * FROM dossiers_dossieraction WHERE dossier_id = %s", [dossier["id"]]).fetchone()
        step = conn.execute("SELECT * FROM dossiers_dossierstep WHERE dossier_id = %s", [dossier["id"]]).fetchone()
        sequence = conn.execute(
            "SELECT day FROM dossiers_dossiercodesequence WHERE agency_id = %s ORDER BY day DESC LIMIT 1",
            [target.agency_id],
        ).fetchone()
        # an intake counts the dossier received on its day and open under its due day (rules.counters)
        counters = conn.execute(
            "SELECT day, agency_id, procedure_id, channel, metric FROM metrics_dailycount "
            "WHERE agency_id = %s AND procedure_id = %s AND channel = %s AND ("
            "(metric = 'received' AND day = (%s AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) OR "
            "(metric = 'open_by_due_day' AND day = (%s AT TIME ZONE 'Asia/Ho_Chi_Minh')::date))",
            [
                dossier["resolving_agency_id"],
                dossier["procedure_id"],
                dossier["channel"],
                dossier["received_at"],
                dossier["due_at"],
            ],
        ).fetchall()
        if len(counters) != 2:
            raise RuntimeError(f"expected the intake's two counter rows, found {len(counters)}")
    return RawTemplate(
        dossier=dossier,
        action=action,
        step=step,
        counter_rows=[(c["day"], c["agency_id"], c["procedure_id"], c["channel"], c["metric"]) for c in counters],
        agency_id=target.agency_id,
        agency_identifier=target.agency_identifier,
        day=sequence["day"],
    )


#: The counters' upsert as ``metrics.services.add_to_counters`` writes it (the first %s: the rows).
COUNTER_UPSERT = (
    "INSERT INTO metrics_dailycount (day, agency_id, procedure_id, channel, metric, value) VALUES %s "
    "ON CONFLICT (day, agency_id, procedure_id, channel, metric) "
    "DO UPDATE SET value = metrics_dailycount.value + excluded.value"
)


class RawIntake:
    """One connection inserting intakes as the product does, by hand-written SQL, one transaction each."""

    def __init__(self, database_url: str, template: RawTemplate) -> None:
        self.conn = psycopg.connect(database_url, autocommit=True)
        self.template = template
        self.dossier_columns = [c for c in template.dossier if c != "id"]
        self.action_columns = [c for c in template.action if c not in {"id", "dossier_id"}]
        self.step_columns = [c for c in template.step if c not in {"id", "dossier_id"}]
        self.insert_dossier = _insert_sql("dossiers_dossier", self.dossier_columns) + " RETURNING id"
        self.insert_action = _insert_sql("dossiers_dossieraction", ["dossier_id", *self.action_columns])
        self.insert_step = _insert_sql("dossiers_dossierstep", ["dossier_id", *self.step_columns])
        self.sequence_sql = (
            "INSERT INTO dossiers_dossiercodesequence (agency_id, day, last_value) VALUES (%s, %s, 1) "
            "ON CONFLICT (agency_id, day) DO UPDATE SET last_value = dossiers_dossiercodesequence.last_value + 1 "
            "RETURNING last_value"
        )
        self.counter_sql = COUNTER_UPSERT % ", ".join("(%s, %s, %s, %s, %s, 1)" for _ in template.counter_rows)
        self.counter_params = [value for row in template.counter_rows for value in row]

        self.single_statement = self._single_statement()
        # the folded applicant after the code, as the product writes it ("<code> nguyen van an 0190…")
        self.search_rest = template.dossier["search_text"][len(template.dossier["code"]) :]

    def _types(self, table: str) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        ).fetchall()
        return dict(rows)

    def _single_statement(self) -> str:
        """The same writes as one statement (data-modifying CTEs): one round trip, locks held the shortest."""
        dossier_types = self._types("dossiers_dossier")
        action_types, step_types = self._types("dossiers_dossieraction"), self._types("dossiers_dossierstep")

        def typed(columns: list[str], types: dict[str, str]) -> str:
            return ", ".join(f"%s::{types[c]}" for c in columns)

        dossier_values = ", ".join(
            "seq.code"
            if c == "code"
            else "lower(seq.code) || %s::text"
            if c == "search_text"
            else f"%s::{dossier_types[c]}"
            for c in self.dossier_columns
        )
        names = ", ".join(f'"{c}"' for c in self.dossier_columns)
        counter_values = ", ".join("(%s, %s, %s, %s, %s, 1)" for _ in self.template.counter_rows)
        return (
            "WITH seq AS ("
            " INSERT INTO dossiers_dossiercodesequence (agency_id, day, last_value) VALUES (%s, %s, 1)"
            " ON CONFLICT (agency_id, day) DO UPDATE SET last_value = dossiers_dossiercodesequence.last_value + 1"
            " RETURNING %s::text || lpad(last_value::text, greatest(4, length(last_value::text)), '0') AS code"
            f"), d AS (INSERT INTO dossiers_dossier ({names}) SELECT {dossier_values} FROM seq RETURNING id"
            f"), a AS (INSERT INTO dossiers_dossieraction (dossier_id, {', '.join(self.action_columns)})"
            f" SELECT d.id, {typed(self.action_columns, action_types)} FROM d"
            f"), s AS (INSERT INTO dossiers_dossierstep (dossier_id, {', '.join(self.step_columns)})"
            f" SELECT d.id, {typed(self.step_columns, step_types)} FROM d) "
            + COUNTER_UPSERT.replace("%s", counter_values, 1)
        )

    def close(self) -> None:
        self.conn.close()

    def one_statement(self) -> None:
        """One intake in one statement, in its own transaction (autocommit)."""
        t = self.template
        shift = datetime.now(UTC) - t.dossier["received_at"]
        dossier_values = [
            self.search_rest if c == "search_text" else _value(t.dossier[c], shift)
            for c in self.dossier_columns
            if c != "code"
        ]
        self.conn.execute(
            self.single_statement,
            [
                t.agency_id,
                t.day,
                f"{t.agency_identifier}-{t.day:%y%m%d}-",
                *dossier_values,
                *(_value(t.action[c], shift) for c in self.action_columns),
                *(_value(t.step[c], shift) for c in self.step_columns),
                *self.counter_params,
            ],
        )

    def one(self) -> None:
        t = self.template
        now = datetime.now(UTC)
        shift = now - t.dossier["received_at"]
        with self.conn.transaction():
            (sequence,) = self.conn.execute(self.sequence_sql, [t.agency_id, t.day]).fetchone()
            code = f"{t.agency_identifier}-{t.day:%y%m%d}-{sequence:04d}"
            values = {**t.dossier, "code": code, "search_text": code.lower() + self.search_rest}
            dossier_values = [_value(values[c], shift) for c in self.dossier_columns]
            (dossier_id,) = self.conn.execute(self.insert_dossier, dossier_values).fetchone()
            self.conn.execute(
                self.insert_action, [dossier_id, *(_value(t.action[c], shift) for c in self.action_columns)]
            )
            self.conn.execute(self.insert_step, [dossier_id, *(_value(t.step[c], shift) for c in self.step_columns)])
            self.conn.execute(self.counter_sql, self.counter_params)


def _insert_sql(table: str, columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('%s' for _ in columns)})"


def _value(value: Any, shift: Any) -> Any:
    if isinstance(value, datetime):
        return value + shift
    if isinstance(value, dict | list):
        return Jsonb(value)
    return value


@dataclass
class RawResult:
    connections: int
    count: int
    seconds: float
    cpu: CpuWindow | None = None
    sessions: str = ""
    label: str = ""
    lock_share: float = 0.0

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


RAW_WARMUP = 20  # untimed raw intakes per connection before each raw run


def check_rows(database_url: str, when: str) -> None:
    """Every dossier has exactly the one action and the one control-sheet row that an intake writes."""
    with psycopg.connect(database_url) as conn:
        dossiers, actions, steps = conn.execute(
            "SELECT (SELECT count(*) FROM dossiers_dossier), (SELECT count(*) FROM dossiers_dossieraction), "
            "(SELECT count(*) FROM dossiers_dossierstep)"
        ).fetchone()
    check(
        f"{when}: one action and one control-sheet row per dossier ({dossiers:,} / {actions:,} / {steps:,})",
        dossiers > 0 and actions == dossiers and steps == dossiers,
    )


def raw_run(
    database_url: str,
    database: str,
    template: RawTemplate,
    connections: int,
    seconds: float,
    pg_pids: Callable[[], list[int]],
    single_statement: bool = False,
) -> RawResult:
    """``connections`` threads, each on its own connection, inserting for ``seconds``."""
    workers = [RawIntake(database_url, template) for _ in range(connections)]
    for worker in workers:  # warm the connections (and the server's caches) with a few each
        for _ in range(RAW_WARMUP):
            worker.one_statement() if single_statement else worker.one()
    counts = [0] * connections
    cpu = CpuWindow({"raw SQL client": lambda: [os.getpid()], "postgres": pg_pids})
    sampler = SessionSampler(database_url, database)
    deadline = time.perf_counter() + seconds

    def loop(index: int) -> None:
        worker = workers[index]
        write = worker.one_statement if single_statement else worker.one
        while time.perf_counter() < deadline:
            write()
            counts[index] += 1

    sampler.start()
    cpu.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu.stop()
    sampler.stop()
    for worker in workers:
        worker.close()
    label = "one statement (CTE)" if single_statement else "5 statements"
    locks = sampler.counts["waiting for a row lock"] / (sum(sampler.counts.values()) or 1)
    return RawResult(connections, sum(counts), elapsed, cpu, sampler.describe(), label, locks)


# --------------------------------------------------------------------------------------------------
# report


def cpu_table(cpu: CpuWindow, count: int, what: str) -> None:
    capacity = cpu.machine_total or 1.0
    print(f"  CPU during the window ({cpu.wall:.1f} s × {os.cpu_count()} cores = {capacity:.1f} CPU-s available):")
    rows = [
        *cpu.used.items(),
        ("other processes", cpu.other),
        ("stolen (hypervisor)", cpu.machine_stolen),
        ("idle", max(0.0, capacity - cpu.machine_busy)),
    ]
    for name, seconds in rows:
        per = f"{seconds / count * 1000:7.3f} ms per {what}" if count and name != "idle" else ""
        print(f"    {name:<24} {seconds:7.2f} CPU-s  {seconds / capacity:6.1%}   {per}")


def what_limits(load: LoadResult, cpu: CpuWindow, sampler: SessionSampler, raws: list[RawResult]) -> str:
    """A short paragraph on what bounds the figure, computed from the measurements of this run.

    ``raws``: the raw SQL runs — five statements on one connection, on N connections, one statement on N.
    """
    created = len(load.latencies)
    if not created:
        return "No intake succeeded: nothing to analyse (see the errors above)."
    rate = created / load.window
    cores = os.cpu_count() or 1
    busy = cpu.machine_busy / (cpu.machine_total or 1.0)
    python, postgres = cpu.used.get("gunicorn (Python)", 0.0), cpu.used.get("postgres", 0.0)
    generator, spent = cpu.used.get("load generator", 0.0), cpu.machine_busy or 1.0
    per_python, per_postgres, per_generator = python / created, postgres / created, generator / created
    stolen = cpu.machine_stolen / (cpu.machine_total or 1.0)
    sentences = []
    if busy >= 0.9:
        sentences.append(
            f"The {cores} cores were saturated ({busy:.0%} busy in the window, {stolen:.0%} of it stolen by the "
            "hypervisor): the figure is CPU-bound."
        )
    else:
        sentences.append(
            f"The {cores} cores were only {busy:.0%} busy: the figure is bound by waiting (row locks, commit "
            "flushes, or too few requests in flight), not by CPU — see the session sample."
        )
    sentences.append(
        f"Of the CPU used, the gunicorn workers (Python: Django, django-ninja, motcua) took {python / spent:.0%}, "
        f"PostgreSQL {postgres / spent:.0%}, the load generator {generator / spent:.0%}, other processes "
        f"{cpu.other / spent:.0%} and the hypervisor {cpu.machine_stolen / spent:.0%}."
    )
    sentences.append(
        f"One intake costs {per_python * 1000:.1f} ms of server Python CPU and {per_postgres * 1000:.1f} ms of "
        f"PostgreSQL CPU (the generator adds {per_generator * 1000:.1f} ms): at those costs {cores} cores serve at "
        f"most about {cores / (per_python + per_postgres):.0f} intakes/s with the load generator on another "
        f"machine, {cores / (per_python + per_postgres + per_generator):.0f}/s with it here."
    )
    waiting = sampler.counts["waiting for a row lock"] / (sum(sampler.counts.values()) or 1)
    if waiting >= 0.1:
        sentences.append(
            f"{waiting:.0%} of the sampled database sessions were waiting for a row lock: intakes of one agency "
            "on one day queue on its code-sequence and daily-counter rows until commit."
        )
    raw = raws[1] if len(raws) > 1 else None
    if raw and raw.cpu and raw.count:
        raw_postgres = raw.cpu.used.get("postgres", 0.0) / raw.count
        sentences.append(
            f"Raw SQL writes the same rows with {raw_postgres * 1000:.2f} ms of PostgreSQL CPU each and reaches "
            f"{raw.rate:.0f} intakes/s on {raw.connections} connections (HTTP intake = {rate / raw.rate:.2f} × raw): "
            f"writing the rows is {raw_postgres / (per_python + per_postgres):.0%} of an intake's server-side CPU; "
            f"the rest is Python ({per_python / (per_python + per_postgres):.0%}) and the extra statements of the "
            f"ORM path (its PostgreSQL CPU is {per_postgres / raw_postgres:.1f} × the raw one)."
        )
    if len(raws) == 3 and all(r.count for r in raws):
        sequential, parallel, single = raws
        raw_lock = parallel.lock_share
        sentences.append(
            f"Raw SQL on {parallel.connections} connections is {parallel.rate / sequential.rate:.2f} × raw SQL on one "
            f"({raw_lock:.0%} of its sessions waiting for a row lock): one agency's intakes on one day are serialised "
            "by its code-sequence and daily-counter rows, locked from the upsert to the commit, so a single agency "
            f"cannot go much beyond ≈ {max(sequential.rate, parallel.rate):.0f}/s with five statements per "
            f"transaction; written in one statement (one round trip, the locks held the shortest) it reaches "
            f"{single.rate:.0f}/s."
        )
    verdict = "reached" if rate >= 300 else "not reached"
    sentences.append(f"The issue's first goal (≥ 300 intakes/s on 2 cores) is {verdict}: {rate:.0f}/s measured.")
    return " ".join(sentences)


def machine_busy_now(seconds: float = 1.0) -> str:
    """How busy the machine is before the run (other people's work and the hypervisor skew figures)."""
    busy0, total0, stolen0 = machine_cpu_seconds()
    time.sleep(seconds)
    busy1, total1, stolen1 = machine_cpu_seconds()
    total = (total1 - total0) or 1.0
    busy, stolen = (busy1 - busy0) / total, (stolen1 - stolen0) / total
    return f"{busy:.0%} of the CPU, of which {stolen:.0%} stolen by the hypervisor ({seconds:g} s sample)"


def report_http(load: LoadResult, cpu: CpuWindow, sampler: SessionSampler, dossiers: int) -> None:
    created = len(load.latencies)
    rate = created / load.window if load.window else 0.0
    errors = sum(n for status, n in load.statuses.items() if status != "201")
    lat = load.latencies
    print(f"  intakes (201) in the window   {created:,} in {load.window:.1f} s = {rate:,.1f} dossiers/s")
    print(
        f"  latency of the 201s           p50 {percentile(lat, 0.50) * 1000:.1f} ms, "
        f"p95 {percentile(lat, 0.95) * 1000:.1f} ms, p99 {percentile(lat, 0.99) * 1000:.1f} ms, "
        f"max {max(lat, default=0) * 1000:.1f} ms"
    )
    print(f"  errors (non-201) in window    {errors}" + (f"  {dict(load.statuses)}" if errors else ""))
    if load.error_sample:
        print(f"  first error                   {load.error_sample}")
    workers = cpu.per_pid.get("gunicorn (Python)", {})
    shares = ", ".join(f"{seconds:.1f}" for pid, seconds in sorted(workers.items()) if seconds >= 0.05)
    print(f"  CPU-s per gunicorn process    {shares}  (balance across workers)")
    cpu_table(cpu, created, "intake")
    print(f"  database sessions (sampled)   {sampler.describe()}")
    print(f"  dossiers in the database      {dossiers:,} (201 responses in the whole run: {load.total_created:,})")


def run_raw(url: str, database: str, target: IntakeTarget, args: argparse.Namespace, rate: float) -> list[RawResult]:
    template = raw_template(url, target)
    with psycopg.connect(url, autocommit=True) as monitor:

        def pids() -> list[int]:
            return postgres_pids(monitor, database)

        print("\nRaw SQL, the same rows (code-sequence upsert, dossier, action, step, counter upsert), one transaction")
        print("each; then, for comparison, the same writes as one statement (one round trip):")
        results = [
            raw_run(url, database, template, connections, args.raw_seconds, pids, single)
            for single, connections in ((False, 1), (False, args.raw_connections), (True, args.raw_connections))
        ]
    for result in results:
        print(
            f"  {result.label}, {result.connections} connection(s): {result.count:,} in {result.seconds:.1f} s = "
            f"{result.rate:,.1f} intakes/s;  HTTP intake / raw = {rate / result.rate:.3f}"
        )
        if result.cpu:
            cpu_table(result.cpu, result.count, "raw intake")
        print(f"    database sessions (sampled) {result.sessions}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (default gthread)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=0,
        help="connections one gthread worker holds (default: concurrency / workers, so that keep-alive "
        "connections spread evenly instead of piling up on the first worker to accept)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration (default 20)")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up before the window (default 5)")
    parser.add_argument("--raw-seconds", type=float, default=10.0, help="each raw SQL run (default 10; 0: skip)")
    parser.add_argument("--raw-connections", type=int, default=4, help="parallel raw SQL connections (default 4)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (no database)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--smoke", action="store_true", help=f"tiny run of the same path ({SMOKE})")
    args = parser.parse_args()
    if args.smoke:  # smoke sizes as defaults: an option given explicitly still wins
        parser.set_defaults(**SMOKE)
        args = parser.parse_args()
    connections = args.worker_connections or max(args.threads + 1, -(-args.concurrency // args.workers))

    pg = PgServer.from_url(args.pg)
    database = f"motcua_bench_{os.getpid()}"
    print("Counter intake over HTTP (POST /api/v1/dossiers) and the same rows by raw SQL — bench/intake_http.py")
    with (
        tempfile.TemporaryDirectory(prefix="motcua-bench-") as var,
        throwaway_database(pg, database, keep=args.keep) as url,
    ):
        server = f"gunicorn, {args.workers} workers, {args.worker_class}, {args.threads} thread(s) each"
        if args.worker_class == "gthread":
            server += f", {connections} connections per worker"
        print_facts(
            [
                *machine_facts(url),
                ("machine busy before", machine_busy_now()),
                ("server", server),
                ("load generator", f"asyncio + httpx, {args.concurrency} keep-alive connections, 1 process"),
                ("database", f"{database} (throw-away)"),
            ]
        )
        env = server_env(url, Path(var))
        started = time.perf_counter()
        target = prepare(env, url)
        print(f"\nPrepared in {time.perf_counter() - started:.1f} s: migrated, demo catalogue and officers loaded.")
        print(
            f"  intake: procedure {PROCEDURE} at {target.agency_identifier} by {OFFICER}, channel counter, "
            f"checklist of the {len(target.documents)} unconditional required documents "
            f"{[d['id'] for d in target.documents]}"
        )

        log = Path(var) / "gunicorn.log"
        port = free_port()
        with (
            psycopg.connect(url, autocommit=True) as monitor,
            gunicorn(env, port, args.workers, args.worker_class, args.threads, connections, log) as master,
        ):
            print(f"  gunicorn master {master}, workers {child_pids(master)}, on 127.0.0.1:{port}")
            cpu = CpuWindow(
                {
                    "load generator": lambda: [os.getpid()],
                    "gunicorn (Python)": lambda: [master, *child_pids(master)],
                    "postgres": lambda: postgres_pids(monitor, database),
                }
            )
            sampler = SessionSampler(url, database)
            print(f"\nHTTP: warm-up {args.warmup:g} s, then {args.seconds:g} s measured, {args.concurrency} in flight")
            sampler.start()
            load = asyncio.run(
                generate_load(
                    f"http://127.0.0.1:{port}",
                    target.token,
                    intake_bodies(target),
                    args.concurrency,
                    args.warmup,
                    args.seconds,
                    cpu,
                )
            )
            sampler.stop()
            dossiers = monitor.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
        report_http(load, cpu, sampler, dossiers)
        check("some intakes were answered 201 in the measured window", bool(load.latencies))
        check(
            f"every request of the run was answered 201 ({load.total_errors} were not)",
            load.total_errors == 0,
        )
        check(
            f"each 201 wrote its dossier ({load.total_created:,} answers, {dossiers:,} rows)",
            dossiers == load.total_created,
        )
        check_rows(url, "after the HTTP run")

        raw: list[RawResult] = []
        created = len(load.latencies)
        if args.raw_seconds > 0 and created:
            raw = run_raw(url, database, target, args, created / load.window)
            with psycopg.connect(url) as conn:
                after = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
            written = sum(r.count + RAW_WARMUP * r.connections for r in raw)
            check(f"each raw SQL run inserted rows ({[r.count for r in raw]})", all(r.count for r in raw))
            check(
                f"the raw runs wrote {written:,} dossiers ({after - dossiers:,} new rows)", after - dossiers == written
            )
            check_rows(url, "after the raw SQL runs")
        print("\nWhat limits it:")
        analysis = what_limits(load, cpu, sampler, raw)
        print(textwrap.fill(analysis, width=110, initial_indent="  ", subsequent_indent="  "))


if __name__ == "__main__":
    main()
