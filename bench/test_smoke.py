"""The smoke runner's own tests (``make bench-smoke`` runs them before the smokes; the suite does not collect bench/).

They pin what CI relies on: a PostgreSQL ``DATABASE_URL`` makes the PostgreSQL smokes mandatory, an unreachable
server is a failure there and a skip otherwise, a failing or hanging bench fails the run, and a throw-away database
left behind is reported and dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import smoke
from smoke import LOCAL_SERVER, Server, Smoke, check, postgres_server, run


def never(host: str, port: int) -> bool:
    return False


def test_a_postgres_database_url_names_the_server_and_makes_it_required():
    asked = []

    def ready(host: str, port: int) -> bool:
        asked.append((host, port))
        return True

    server = postgres_server({"DATABASE_URL": "postgresql://ci:s%40cret@db.example:6543/motcua_ci_1"}, ready)
    assert server == Server("postgres://ci@db.example:6543", True, {"PGPASSWORD": "s@cret"})
    assert asked == [("db.example", 6543)]


def test_a_password_already_in_the_environment_is_left_alone():
    environ = {"DATABASE_URL": "postgres://ci:other@127.0.0.1/x", "PGPASSWORD": "mine"}
    assert postgres_server(environ, lambda host, port: True).env == {}


def test_an_unreachable_postgres_database_url_fails_the_postgres_smokes(capsys):
    server = postgres_server({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x"}, never)
    assert server.url is None
    assert server.required
    smokes = [Smoke(("-c", "pass")), Smoke(("-c", "pass"), needs_postgres=True)]
    assert run(smokes, {}, server=server) == 1
    out = capsys.readouterr().out
    assert "FAILED: DATABASE_URL names PostgreSQL at 127.0.0.1:5432, which is not reachable" in out
    assert "skipped" not in out


@pytest.mark.parametrize("environ", [{}, {"DATABASE_URL": "sqlite:///var/x.sqlite3"}])
def test_without_a_postgres_url_the_local_server_is_used_when_ready_else_skipped(environ, capsys):
    assert postgres_server(environ, lambda host, port: (host, port) == ("127.0.0.1", 5432)) == Server(
        LOCAL_SERVER, False, {}
    )
    server = postgres_server(environ, never)
    assert server.url is None
    assert not server.required
    sqlite_ran = Smoke(("-c", "print('sqlite smoke ran')"))
    assert run([sqlite_ran, Smoke(("-c", "raise SystemExit(1)"), needs_postgres=True)], environ, server=server) == 0
    out = capsys.readouterr().out
    assert "skipped: no PostgreSQL reachable" in out
    assert "FAILED" not in out


def test_a_failing_bench_fails_the_run(capfd):
    assert run([Smoke(("-c", "pass"))], {}) == 0
    assert run([Smoke(("-c", "pass")), Smoke(("-c", "raise SystemExit(3)")), Smoke(("-c", "pass"))], {}) == 1
    assert "FAILED: exit status 3" in capfd.readouterr().out


def test_a_hanging_bench_is_stopped_and_fails_the_run(capfd):
    assert run([Smoke(("-c", "import time; time.sleep(60)"))], {}, timeout=1) == 1
    assert "did not finish within 1 s" in capfd.readouterr().out


def test_a_failed_check_exits_non_zero_with_the_fact(capsys):
    check("a fact that holds", True)
    assert "ok: a fact that holds" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="bench check failed: an empty table"):
        check("an empty table", False)


def reachable() -> bool:
    return smoke.pg_isready("127.0.0.1", 5432)


@pytest.mark.skipif(not reachable(), reason="no PostgreSQL on 127.0.0.1")
def test_a_database_left_behind_fails_the_run_and_is_dropped(capfd):
    create = (
        "import os, psycopg; "
        f"psycopg.connect('{LOCAL_SERVER}/postgres', autocommit=True)"
        ".execute(f'CREATE DATABASE motcua_bench_{os.getpid()}')"
    )
    leaky = Smoke(("-c", create), needs_postgres=True, database="motcua_bench_{pid}")
    assert run([leaky], {}, server=Server(LOCAL_SERVER, False, {})) == 1
    out = capfd.readouterr().out
    assert "left database motcua_bench_" in out
    name = out.split("left database ", 1)[1].split()[0]
    assert not smoke.database_exists(LOCAL_SERVER, name)
