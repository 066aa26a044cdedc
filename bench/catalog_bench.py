"""Importing the national catalogue and searching it: how long, on SQLite and (when configured) PostgreSQL.

Run::

    .venv/bin/python bench/catalog_bench.py [--data FULL_SET | --detail DIRECTORY] [--repeat 5] [--smoke]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/catalog_bench.py

The issue's goals are an import of the 1,844 detail records under 10 s on SQLite and a fast, accent-insensitive
search; this prints the figures beside them and asserts nothing (tests never assert durations).

For each database the benchmark runs in a child process, because Django reads its database settings once:

- SQLite: a fresh database in a temporary ``MOTCUA_VAR_DIR`` (set before Django starts), removed afterwards;
- PostgreSQL, only when ``DATABASE_URL`` points to one: a throw-away database ``motcua_bench_<random>`` is
  created on that server and dropped afterwards (the database named in the URL is only used to connect).

So nothing is left behind and the script can be run again at once. In each child: ``migrate``, then

1. the import of every detail record below ``--detail`` (default: ``detail/`` of the full data set ``--data``,
   itself by default ``$MOTCUA_SHARED_DIR/data/national-catalog``, else ``../shared/data/national-catalog``
   beside the repository; the run stops with a clear message when it is missing), timed in-process with
   :func:`motcua.catalog.importing.import_paths` (reading, parsing, comparing and writing, one transaction
   per file, as ``motcua import-catalog`` does), then the re-import of the same files (all unchanged);
2. search latency p50 / p95 / max over about forty realistic queries (with and without diacritics, one to
   four words, codes, level and field filters), each run ``--repeat`` times after one warm-up run:
   through :func:`motcua.catalog.selectors.search_procedures` (the first page of 25 evaluated, levels
   prefetched) and through the HTTP API (``GET /api/v1/procedures?q=…&limit=25``) with Django's test client.

The children run with ``MOTCUA_DEBUG=0`` so that Django does not record every query, as in production.

``--smoke`` (``make bench-smoke``): the same path over the sample of records committed with the tests, one run of
each query; it stops with exit status 1 unless every file imported, the re-import changed nothing and the
searches found procedures (never on a duration).
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import psycopg

#: Queries as citizens and officers type them: (text, level, field name). The field is given by name and
#: looked up after the import (its code is derived from the name by the importer).
QUERIES: list[tuple[str, str, str]] = [
    ("dang ky ho kinh doanh", "", ""),
    ("Đăng ký hộ kinh doanh", "", ""),
    ("ho kinh doanh", "commune", ""),
    ("ly lich tu phap", "", ""),
    ("Cấp Phiếu lý lịch tư pháp", "", ""),
    ("khai sinh", "", ""),
    ("Đăng ký khai sinh", "commune", ""),
    ("ket hon", "", "Hộ tịch"),
    ("ho chieu", "", ""),
    ("Hộ chiếu phổ thông", "", ""),
    ("can cuoc", "", ""),
    ("Căn cước", "commune", ""),
    ("tam tru", "", ""),
    ("thường trú", "", ""),
    ("xuat nhap canh", "", ""),
    ("thi thuc", "", "Quản lý xuất nhập cảnh"),
    ("hoan thue", "", ""),
    ("Quyết toán thuế thu nhập cá nhân", "", ""),
    ("dang ky thue", "", "Thuế"),
    ("thue", "province", ""),
    ("hai quan", "", ""),
    ("Thủ tục hải quan đối với hàng hóa xuất khẩu", "", ""),
    ("to khai hai quan", "", "Hải quan"),
    ("giay phep xay dung", "", ""),
    ("Chứng chỉ hành nghề hoạt động xây dựng", "", ""),
    ("nha o xa hoi", "", ""),
    ("dang kiem", "", ""),
    ("giấy phép lái xe", "", ""),
    ("cap doi giay phep lai xe", "province", ""),
    ("tau bien", "", "Hàng hải và đường thủy nội địa"),
    ("hang khong", "ministry", ""),
    ("chung khoan", "", ""),
    ("Phát hành chứng khoán", "ministry", ""),
    ("phòng cháy chữa cháy", "", ""),
    ("vu khi", "", ""),
    ("con dau", "", ""),
    ("luat su", "", "Luật sư"),
    ("công chứng", "", ""),
    ("thua phat lai", "", ""),
    ("toa an", "", ""),
    ("1.001612", "", ""),
    ("2.000720", "", ""),
]

FIRST_PAGE = 25


# --------------------------------------------------------------------------------------------------
# the parent: machine, databases, children


def machine() -> None:
    print(f"machine      {platform.platform()}; {os.cpu_count()} CPUs; {platform.processor() or platform.machine()}")
    print(f"python       {platform.python_implementation()} {platform.python_version()}")


def child_environment(var_dir: str, database_url: str | None) -> dict[str, str]:
    """Production-like settings for a child: no debug query log, its own var dir and database."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env |= {
        "MOTCUA_VAR_DIR": var_dir,
        "MOTCUA_DEBUG": "0",
        "MOTCUA_SECRET_KEY": secrets.token_urlsafe(40),
        "MOTCUA_SSL_REDIRECT": "0",
        "MOTCUA_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        # the search's latency is measured, not its rate limit (60 a minute per address): raised, as printed
        "MOTCUA_RATE_SEARCH": "100000000/m",
    }
    return env


def run_child(label: str, args: argparse.Namespace, database_url: str | None) -> int:
    var_dir = tempfile.mkdtemp(prefix="motcua-bench-")
    try:
        command = [sys.executable, __file__, "--child", "--detail", str(args.detail), "--repeat", str(args.repeat)]
        print(f"\n=== {label} ===", flush=True)
        return subprocess.run(command, env=child_environment(var_dir, database_url), check=False).returncode
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def postgres_server(url: str) -> tuple[str, str]:
    """(URL of a new throw-away database on the same server, its name)."""
    name = f"motcua_bench_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def admin_connection(url: str) -> psycopg.Connection[Any]:
    """A connection to the server in autocommit mode (CREATE and DROP DATABASE cannot run in a transaction)."""
    import psycopg

    return psycopg.connect(url, autocommit=True)


def run_postgres(args: argparse.Namespace, url: str) -> int:
    import psycopg
    from psycopg import sql

    bench_url, name = postgres_server(url)
    with admin_connection(url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        return run_child(f"PostgreSQL (throw-away database {name})", args, bench_url)
    finally:
        try:
            with admin_connection(url) as connection:
                connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        except psycopg.Error as error:
            print(f"could not drop the database {name}: {error}", file=sys.stderr)


def parent(args: argparse.Namespace) -> None:
    machine()
    status = run_child("SQLite (fresh database in a temporary MOTCUA_VAR_DIR)", args, None)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        status = run_postgres(args, url) or status
    else:
        print("\n(PostgreSQL: not measured; set DATABASE_URL=postgres://… to a server where databases can be created)")
    raise SystemExit(status)


# --------------------------------------------------------------------------------------------------
# a child: one database


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: the figure is a latency that was measured)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latency_line(label: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"{label:<40} p50 {percentile(ms, 0.50):7.2f} ms   p95 {percentile(ms, 0.95):7.2f} ms   "
        f"max {max(ms):7.2f} ms   mean {statistics.fmean(ms):6.2f} ms   ({len(ms)} runs)"
    )


def timed(repeat: int, run: Callable[[], object]) -> list[float]:
    run()  # warm-up: caches, prepared statements, the first query of a connection
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()  # MOTCUA_VAR_DIR and DATABASE_URL were set by the parent before this process started

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from motcua.catalog.importing import expand, import_paths
    from motcua.catalog.models import Field, Procedure
    from motcua.catalog.selectors import search_procedures
    from motcua.rules.text import fold

    if connection.vendor == "sqlite":
        import sqlite3

        print(f"database     SQLite {sqlite3.sqlite_version} at {connection.settings_dict['NAME']}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"database     PostgreSQL {cursor.fetchone()[0]} ({connection.settings_dict['NAME']})")

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate      {time.perf_counter() - started:.2f} s")

    from smoke import check

    files = list(expand([args.detail]))
    for label in ("import", "re-import"):
        started = time.perf_counter()
        report = import_paths([args.detail])
        elapsed = time.perf_counter() - started
        procedures = report.by_kind().get("procedures", {})
        print(
            f"{label:<12} {elapsed:6.2f} s  {len(files):,} files ({elapsed / max(len(files), 1) * 1000:.2f} ms each), "
            f"{len(report.failed)} failed; procedures created {procedures.get('created', 0):,}, "
            f"updated {procedures.get('updated', 0):,}, unchanged {procedures.get('unchanged', 0):,}"
        )
        check(f"{label}: every file imported", not report.failed)
        if label == "re-import":
            check("the re-import changed nothing", not procedures.get("created") and not procedures.get("updated"))
    unparsed = ", ".join(f"{name} {count}" for name, count in report.unparsed.most_common())
    print(f"unparsed     records with unparsed parts, by field: {unparsed or 'none'}")
    if connection.vendor == "sqlite":
        print("goal         import under 10 s on SQLite")

    fields = {fold(f.name): f.code for f in Field.objects.all()}
    queries = []
    for text, level, field_name in QUERIES:
        code = fields.get(fold(field_name), "") if field_name else ""
        if field_name and not code:
            print(f"  (no field “{field_name}” in the imported data: query “{text}” runs without it)")
        queries.append((text, level, code))
    print(
        "rate limit   MOTCUA_RATE_SEARCH raised to 100000000/m for the measurement\n"
        f"search       {len(queries)} queries over {Procedure.objects.count():,} procedures, "
        f"{args.repeat} runs each after a warm-up"
    )

    def first_page(query: str, level: str, field: str) -> list[Procedure]:
        return list(search_procedures(query=query, level=level, field=field)[:FIRST_PAGE])

    client = Client()

    def api_page(query: str, level: str, field: str) -> None:
        params = (
            {"q": query, "limit": FIRST_PAGE}
            | ({"level": level} if level else {})
            | ({"field": field} if field else {})
        )
        response = client.get("/api/v1/procedures", params)
        if response.status_code != 200:
            raise SystemExit(f"GET /api/v1/procedures {params} → {response.status_code}: {response.content[:200]!r}")

    direct: list[float] = []
    api: list[float] = []
    found: list[int] = []
    for query in queries:
        direct += timed(args.repeat, functools.partial(first_page, *query))
        api += timed(args.repeat, functools.partial(api_page, *query))
        found.append(search_procedures(query=query[0], level=query[1], field=query[2]).count())
    check("the searches found procedures", any(found))
    print(latency_line(f"  selectors.search_procedures (first {FIRST_PAGE})", direct))
    print(latency_line(f"  GET /api/v1/procedures (limit {FIRST_PAGE})", api))
    empty = sum(1 for count in found if count == 0)
    print(
        f"  matches per query: median {statistics.median(found):.0f}, max {max(found):,}; "
        f"{empty} quer{'y' if empty == 1 else 'ies'} with no match"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detail", type=Path, default=None, help="directory of detail records (*.json)")
    parser.add_argument("--data", type=Path, default=None, help="the full data set (folder with detail/)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--smoke", action="store_true", help="the committed sample of records, one run per query")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smoke and args.repeat == 5:
        args.repeat = 1
    if args.detail is None:
        from motcua.testing import full_national_catalog_dir, national_catalog_dir

        args.detail = (national_catalog_dir() if args.smoke else full_national_catalog_dir(args.data)) / "detail"
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
