"""Load against the production settings (issue 15): gunicorn as docs/deploy.md runs it, PostgreSQL, Redis.

Run from the repository root, with PostgreSQL and Redis the current user can reach (trust auth, ``createdb``)::

    .venv/bin/python bench/load_production.py [--dossiers 300] [--workers 4] [--threads 2]
                                              [--concurrency 16] [--seconds 30] [--warmup 5]
                                              [--pg postgres://postgres@127.0.0.1:5432]
                                              [--redis redis://127.0.0.1:6379/0] [--smoke]

What one run does:

1. creates a throw-away database ``motcua_bench_<pid>`` (dropped at the end, also on failure or Ctrl-C), migrates
   it, loads the demo catalogue, officers and ``--dossiers`` demo dossiers (``load_demo``; their password a random
   one, or production would refuse to start), creates an API token for ``motcua-mc-xa`` and runs
   ``collectstatic`` (production serves the hashed copies through WhiteNoise);
2. starts gunicorn with the command line of docs/deploy.md (``--workers 4 --threads 2 --timeout 60
   --max-requests 2000 --max-requests-jitter 200``) and the documented production environment:
   ``MOTCUA_PRODUCTION=1 MOTCUA_DEBUG=0``, a random secret key, ``MOTCUA_REDIS_URL`` (the rate limits' shared
   counters, under a key prefix of this run), ``PROMETHEUS_MULTIPROC_DIR``; TLS redirect and HSTS stay on — the
   clients send ``X-Forwarded-Proto: https`` as the documented nginx does. The rate limits are **raised** for the
   bench through their settings (``MOTCUA_RATE_API_WRITE``, ``MOTCUA_RATE_SEARCH``): one client address and one
   token would otherwise be stopped after 600 writes a minute — the output says so;
3. drives two loads one after the other, each from an asyncio + httpx generator with ``--concurrency`` keep-alive
   connections, a warm-up then ``--seconds`` measured: counter intakes (``POST /api/v1/dossiers`` with the
   officer's token, valid and distinct bodies of ``bench/intake_http.py``) and the portal's procedure page
   (``GET /procedures/2.001035/``, anonymous);
4. prints for each: requests/s, p50/p95/p99 in ms, the statuses, the CPU used by gunicorn, PostgreSQL, Redis and
   the generator, and a "what limits it" line computed from them. It checks the facts that prove the path ran
   (intakes answered 201 with ``no-store`` and the CSP, the page 200 with the CSP, the dossiers written) and exits
   non-zero when one does not hold; it never judges a duration.

``--smoke`` (bench/smoke.py) is the same path at tiny sizes (5 dossiers, 2 workers, 2 clients, 2 s per load); its
checks count the whole run, warm-up included (on a busy machine a tiny window may hold no completed request).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from intake_http import (  # noqa: E402  (the bench directory is not a package)
    OFFICER,
    PROCEDURE,
    CpuWindow,
    IntakeTarget,
    PgServer,
    child_pids,
    free_port,
    intake_bodies,
    machine_facts,
    manage,
    percentile,
    postgres_pids,
    print_facts,
    throwaway_database,
)
from smoke import check  # noqa: E402

SMOKE = {"dossiers": 5, "workers": 2, "threads": 2, "concurrency": 2, "seconds": 2.0, "warmup": 1.0}
PAGE = "/procedures/2.001035/"
#: the limits the bench raises, and to what (settings.MOTCUA_RATE_LIMITS; docs/deploy.md)
RAISED_LIMITS = {"MOTCUA_RATE_API_WRITE": "100000000/m", "MOTCUA_RATE_SEARCH": "100000000/m"}
HTTPS = {"X-Forwarded-Proto": "https"}  # what the documented nginx sends (SECURE_PROXY_SSL_HEADER)


def production_env(database_url: str, var_dir: Path, redis_url: str) -> dict[str, str]:
    """docs/deploy.md's environment (§2) for a loopback run, plus the raised rate limits."""
    metrics = var_dir / "prometheus"
    metrics.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_SETTINGS"))}
    env.update(
        MOTCUA_PRODUCTION="1",
        MOTCUA_DEBUG="0",
        MOTCUA_SECRET_KEY=secrets.token_urlsafe(50),
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
        MOTCUA_PUBLIC_URL="https://127.0.0.1",
        DATABASE_URL=database_url,
        MOTCUA_VAR_DIR=str(var_dir),
        MOTCUA_REDIS_URL=redis_url,
        MOTCUA_CACHE_PREFIX=f"bench-{os.getpid()}",
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
        MOTCUA_DEMO_PASSWORD=secrets.token_urlsafe(16),  # production refuses the demo's password
        PYTHONUNBUFFERED="1",
        **RAISED_LIMITS,
    )
    return env


def prepare_data(env: dict[str, str], database_url: str, dossiers: int) -> IntakeTarget:
    """Migrate, load the demo (catalogue, officers, ``dossiers`` dossiers) once, create the officer's token."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo", "--dossiers", str(dossiers), "--force", "-v", "0")
    # production refuses the demo's published second-factor key (operations.checks): its devices go, as
    # docs/deploy.md tells an operator; the bench signs in with a token, never with a second factor
    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM otp_totp_totpdevice")
    token = manage(env, "create_api_token", OFFICER, "--name", "bench", "--scope", "act").strip().splitlines()[-1]
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        agency = conn.execute(
            "SELECT a.id, a.identifier FROM accounts_membership m JOIN accounts_user u ON u.id = m.user_id "
            "JOIN catalog_agency a ON a.id = m.agency_id WHERE u.username = %s AND m.role = 'counter'",
            [OFFICER],
        ).fetchone()
        documents = conn.execute(
            "SELECT d.id, d.form FROM catalog_requireddocument d JOIN catalog_procedure p ON p.id = d.procedure_id "
            "WHERE p.code = %s AND d.condition = '' ORDER BY d.position, d.id",
            [PROCEDURE],
        ).fetchall()
    return IntakeTarget(token, agency["id"], agency["identifier"], documents)


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def forget_bench_keys(url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    return client.delete(*keys) if keys else 0


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> Iterator[int]:
    """gunicorn as docs/deploy.md §4 starts it (on a free loopback port); yields the master's pid."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "motcua.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--log-level",
        "warning",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT.parent, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 300  # four workers import Django each: minutes on a busy shared machine
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}{PAGE}", headers=HTTPS, timeout=30).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 300 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield process.pid
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@dataclass
class Load:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful answers inside the window
    statuses: Counter[int] = field(default_factory=Counter)  # every answer inside the window
    window: float = 0.0
    sample: httpx.Response | None = None  # one successful answer, for its headers
    total_ok: int = 0  # successful answers over the whole run, warm-up included
    total_other: int = 0  # other answers over the whole run
    error: str = ""


async def drive(
    name: str, base: str, concurrency: int, warmup: float, seconds: float, cpu: CpuWindow, request: Any, ok: int
) -> Load:
    """``concurrency`` closed-loop clients; ``request(client, n)`` sends one; the window starts after ``warmup``."""
    load = Load(name)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=60)
    begin = time.perf_counter()
    start, end = begin + warmup, begin + warmup + seconds
    async with httpx.AsyncClient(base_url=base, headers=HTTPS, limits=limits, timeout=60) as client:

        async def loop(index: int) -> None:
            number = index
            while time.perf_counter() < end:
                sent = time.perf_counter()
                try:
                    response = await request(client, number)
                except httpx.HTTPError as error:
                    load.error = load.error or repr(error)
                    continue
                done = time.perf_counter()
                number += concurrency
                if response.status_code == ok:
                    load.total_ok += 1
                    load.sample = load.sample or response
                else:
                    load.total_other += 1
                if start <= sent and done <= end:
                    load.statuses[response.status_code] += 1
                    if response.status_code == ok:
                        load.latencies.append(done - sent)
                elif response.status_code != ok:
                    load.error = load.error or f"{response.status_code}: {response.text[:300]}"

        async def meter() -> None:
            await asyncio.sleep(max(0.0, start - time.perf_counter()))
            cpu.start()
            await asyncio.sleep(max(0.0, end - time.perf_counter()))
            cpu.stop()

        await asyncio.gather(meter(), *(loop(i) for i in range(concurrency)))
    load.window = cpu.wall
    return load


def redis_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "redis-server":
                    found.append(int(entry.name))
    return found


def report(load: Load, cpu: CpuWindow, workers: int) -> None:
    served = sorted(load.latencies)
    rate = len(served) / load.window if load.window else 0.0
    print(f"\n{load.name}")
    print(f"  throughput     {rate:8.1f} req/s  ({len(served)} in {load.window:.1f} s)")
    if served:
        p50, p95, p99 = (percentile(served, q) * 1000 for q in (0.50, 0.95, 0.99))
        print(f"  latency        p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {served[-1] * 1000:.1f} ms")
    print(
        f"  statuses       {dict(sorted(load.statuses.items()))}"
        + (f"; first other: {load.error}" if load.error else "")
    )
    cores = os.cpu_count() or 1
    used = {name: seconds / cpu.wall for name, seconds in cpu.used.items()} if cpu.wall else {}
    machine = (cpu.machine_busy / cpu.machine_total * cores) if cpu.machine_total else 0.0
    print(
        "  CPU (cores)    "
        + ", ".join(f"{name} {share:.2f}" for name, share in used.items())
        + f", other processes {cpu.other / cpu.wall if cpu.wall else 0:.2f}; machine busy {machine:.2f} of {cores}"
    )
    if served and rate:
        per_request = {name: seconds / len(served) * 1000 for name, seconds in cpu.used.items()}
        print("  CPU per request " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in per_request.items()))
    print("  what limits it " + limit_line(used, machine, cores, cpu.other / cpu.wall if cpu.wall else 0.0, workers))


def limit_line(used: dict[str, float], machine: float, cores: int, other: float, workers: int) -> str:
    if not used:
        return "no window measured"
    top = max(used, key=lambda name: used[name])
    if machine >= 0.85 * cores:
        why = (
            f"the CPU: the machine's {cores} cores are busy ({machine:.2f}), {top} the largest share ({used[top]:.2f})"
        )
        if other > 0.3:
            why += f"; {other:.2f} cores went to other processes of this shared machine"
        return why + ". More cores (or fewer Python cycles per request in gunicorn) raise it."
    return (
        f"not the CPU ({machine:.2f} of {cores} cores busy): the clients in flight and the {workers} workers' "
        f"threads — the waits (PostgreSQL commits, Redis round trips) leave cores idle; more clients or threads help"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default=os.environ.get("MOTCUA_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, the same path (bench/smoke.py)")
    args = parser.parse_args()
    if args.smoke:
        for name, value in SMOKE.items():
            if parser.get_default(name) == getattr(args, name):
                setattr(args, name, value)
    if not redis_reachable(args.redis):
        raise SystemExit(f"Redis is not reachable at {args.redis}: production needs it (docs/deploy.md)")
    pg = PgServer.from_url(args.pg)
    name = f"motcua_bench_{os.getpid()}"
    with throwaway_database(pg, name) as database_url, tempfile.TemporaryDirectory(prefix="motcua-prod-") as tmp:
        var = Path(tmp)
        env = production_env(database_url, var, args.redis)
        print("Load against the production settings (docs/deploy.md)")
        print_facts(machine_facts(database_url))
        print(f"  gunicorn       --workers {args.workers} --threads {args.threads} (gthread), as docs/deploy.md §4")
        print(
            f"  settings       MOTCUA_PRODUCTION=1 MOTCUA_DEBUG=0, Redis cache {args.redis}, TLS via X-Forwarded-Proto"
        )
        print("  RATE LIMITS RAISED for the bench: " + ", ".join(f"{k}={v}" for k, v in RAISED_LIMITS.items()))
        began = time.perf_counter()
        target = prepare_data(env, database_url, args.dossiers)
        manage(env, "collectstatic", "--no-input", "-v", "0")
        check_out = manage(env, "check", "--deploy", "--fail-level", "WARNING")
        check("manage.py check --deploy finds no issue", "no issues" in check_out)
        with psycopg.connect(database_url) as conn:
            before = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
            procedures = conn.execute("SELECT count(*) FROM catalog_procedure").fetchone()[0]
        prepared = time.perf_counter() - began
        print(f"  data           {procedures} procedures, {before} dossiers (prepared in {prepared:.0f} s)")
        bodies = intake_bodies(target)
        port = free_port()
        with (
            gunicorn(env, port, args.workers, args.threads, var / "gunicorn.log") as master,
            psycopg.connect(database_url, autocommit=True) as watch,
        ):
            groups = {
                "gunicorn": lambda: [master, *child_pids(master)],
                "postgres": lambda: postgres_pids(watch, name),
                "redis": redis_pids,
                "generator": lambda: [os.getpid()],
            }
            base = f"http://127.0.0.1:{port}"
            token = {"Authorization": f"Bearer {target.token}", "Content-Type": "application/json"}

            async def intake(client: httpx.AsyncClient, n: int) -> httpx.Response:
                return await client.post("/api/v1/dossiers", content=bodies[n % len(bodies)], headers=token)

            async def page(client: httpx.AsyncClient, n: int) -> httpx.Response:
                return await client.get(PAGE)

            results = []
            for title, request, ok in (
                ("intake: POST /api/v1/dossiers (officer's token)", intake, 201),
                (f"portal procedure page: GET {PAGE} (anonymous)", page, 200),
            ):
                cpu = CpuWindow(groups)
                load = asyncio.run(drive(title, base, args.concurrency, args.warmup, args.seconds, cpu, request, ok))
                report(load, cpu, args.workers)
                results.append(load)
        intakes, pages = results
        with psycopg.connect(database_url) as conn:
            after = conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
        print()
        check(f"intakes answered 201 ({intakes.total_ok} in the whole run)", intakes.total_ok > 0)
        check("every intake answer was 201", intakes.total_other == 0)
        check("the dossiers were written", after - before >= intakes.total_ok)
        check(f"the procedure page answered 200 ({pages.total_ok})", pages.total_ok > 0 and pages.total_other == 0)
        assert intakes.sample is not None
        assert pages.sample is not None
        check("intake answers are no-store", "no-store" in intakes.sample.headers.get("cache-control", ""))
        for load in (intakes, pages):
            policy = load.sample.headers.get("content-security-policy", "") if load.sample else ""
            check(f"{load.name.split(':')[0]} carries the CSP", "script-src 'self'" in policy)
        print(f"  Redis keys of this run removed: {forget_bench_keys(args.redis, env['MOTCUA_CACHE_PREFIX'])}")


if __name__ == "__main__":
    main()
