"""VNPay IPN handling under concurrent callbacks, and the reconciliation of pending payments (issue 11).

Run from the repository root, with a PostgreSQL server the current user can reach (trust auth, ``createdb`` and
``dropdb`` on PATH)::

    .venv/bin/python bench/payments_ipn.py [--payments 2000] [--concurrency 50] [--dossiers 400]
                                           [--pending 10000] [--workers 2] [--pg postgres://postgres@127.0.0.1:5432]
                                           [--smoke]

What one run does:

1. creates a throw-away database ``motcua_bench_<pid>`` (dropped at the end), migrates it, loads the demo catalogue
   and officers, and receives ``--dossiers`` dossiers of procedure 2.000815 (a 2.000 đ fee) at the demo commune;
2. writes ``--payments`` started VNPay attempts on them (spread round-robin: several attempts share a dossier, so
   their successes queue on the dossier's row lock — a harder case than one payment per dossier);
3. starts gunicorn (``--workers``, gthread) with VNPay configured, and sends every attempt's success IPN —
   signed as VNPay signs it — from ``--concurrency`` keep-alive connections at once, plus one replay of every
   tenth (answered ``02``); measures each callback's latency (p50, p99) and callbacks per second;
4. starts the VNPay stand-in in this process, seeds it with ``--pending`` paid transactions, writes as many
   attempts started an hour ago without a verdict, and runs the worker's reconciliation (``querydr`` for each,
   settled through the same code as a callback), timed;
5. prints what limits the figures.

It checks the facts that prove the path ran and exits non-zero when one does not hold: every first IPN answered
``00`` and every replay ``02``; one ``record_payment`` action per succeeded attempt; every pending attempt settled
by the reconciliation. Durations are never judged. ``--smoke`` (``make bench-smoke``) runs the same path tiny.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from intake_http import PgServer, free_port, gunicorn, manage, percentile, server_env, throwaway_database  # noqa: E402
from smoke import check  # noqa: E402

SMOKE = {"payments": 40, "concurrency": 10, "dossiers": 10, "pending": 50, "workers": 1}
TMN_CODE = "BENCH001"
PROCEDURE = "2.000815"


def setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k.startswith(("MOTCUA_", "DATABASE_URL"))})
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    import django

    django.setup()


def make_dossiers(count: int) -> list[Any]:
    from motcua.accounts.models import User
    from motcua.catalog.models import Offering
    from motcua.dossiers.services import open_dossier
    from motcua.dossiers.tests.fixtures import counter_intake

    officer = User.objects.get(username="motcua-mc-xa")
    offering = Offering.objects.get(procedure__code=PROCEDURE, agency__memberships__user=officer)
    return [open_dossier(counter_intake(offering), user=officer) for _ in range(count)]


def make_payments(dossiers: list[Any], count: int, *, age: timedelta) -> list[Any]:
    from django.utils import timezone

    from motcua.payments.models import Payment
    from motcua.payments.services import new_reference

    now = timezone.now()
    rows = [
        Payment(
            dossier=dossiers[i % len(dossiers)],
            reference=new_reference(now),
            provider="vnpay",
            state="started",
            amount_vnd=2000,
            fee_lines=[{"id": 0, "kind": "fee", "name": "Phí chứng thực bản sao", "amount_vnd": 2000}],
            created_at=now - age,
            started_at=now - age,
        )
        for i in range(count)
    ]
    return Payment.objects.bulk_create(rows, batch_size=1000)


def ipn_query(reference: str, secret: str, number: int) -> dict[str, str]:
    from motcua.rules import vnpay

    params = {
        "vnp_TmnCode": TMN_CODE,
        "vnp_Amount": "200000",
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_PayDate": "20261201103512",
        "vnp_OrderInfo": "Thanh toan ho so",
        "vnp_TransactionNo": str(14000000 + number),
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": reference,
    }
    return params | {"vnp_SecureHash": vnpay.sign(params, secret)}


async def send_ipns(port: int, calls: list[dict[str, str]], concurrency: int) -> tuple[list[float], list[str], float]:
    queue: asyncio.Queue[tuple[int, dict[str, str]]] = asyncio.Queue()
    for item in enumerate(calls):
        queue.put_nowait(item)
    latencies: list[float] = [0.0] * len(calls)
    codes: list[str] = [""] * len(calls)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            index, params = queue.get_nowait()
            started = time.perf_counter()
            response = await client.get(f"http://127.0.0.1:{port}/payments/vnpay/ipn", params=params)
            latencies[index] = time.perf_counter() - started
            codes[index] = (
                response.json().get("RspCode", "") if response.status_code == 200 else str(response.status_code)
            )

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, codes, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--dossiers", type=int, default=400)
    parser.add_argument("--pending", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        given = {a.split("=")[0].lstrip("-").replace("-", "_") for a in sys.argv[1:] if a.startswith("--")}
        for name, value in SMOKE.items():
            if name not in given:
                setattr(args, name, value)
    pg = PgServer.from_url(args.pg)
    secret = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as var, throwaway_database(pg, f"motcua_bench_{os.getpid()}") as url:
        env = server_env(url, Path(var))
        env.update(MOTCUA_VNPAY_TMN_CODE=TMN_CODE, MOTCUA_VNPAY_HASH_SECRET=secret)
        env.update(MOTCUA_VNPAY_PAYMENT_URL="http://127.0.0.1:9/pay", MOTCUA_VNPAY_API_URL="http://127.0.0.1:9/api")
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo", "--dossiers", "0", "--force", "-v", "0")
        setup_django(env)
        from django.db import connection

        from motcua.dossiers.models import DossierAction
        from motcua.payments.models import Payment

        started = time.perf_counter()
        dossiers = make_dossiers(args.dossiers)
        print(f"setup: {len(dossiers)} dossiers in {time.perf_counter() - started:.1f} s")

        # --- 1. IPNs under concurrency ------------------------------------------------------------
        payments = make_payments(dossiers, args.payments, age=timedelta(minutes=1))
        calls = [ipn_query(p.reference, secret, i) for i, p in enumerate(payments)]
        replays = calls[::10]
        random.Random(11).shuffle(calls)
        connection.close()
        port = free_port()
        with gunicorn(
            env, port, args.workers, "gthread", max(4, args.concurrency // args.workers), 100, Path(var) / "g.log"
        ):
            latencies, codes, elapsed = asyncio.run(send_ipns(port, calls, args.concurrency))
            _, replay_codes, _ = asyncio.run(send_ipns(port, replays, args.concurrency))
        ordered = sorted(latencies)
        print(
            f"IPN: {len(calls)} callbacks from {args.concurrency} connections in {elapsed:.2f} s — "
            f"{len(calls) / elapsed:.0f} callbacks/s; latency p50 {percentile(ordered, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(ordered, 0.99) * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms "
            f"({args.workers} gunicorn worker(s), gthread)"
        )
        print(f"replays: {len(replays)} answered {sorted(set(replay_codes))}")
        check(f"every first IPN answered 00 (got {sorted(set(codes))})", codes.count("00") == len(calls))
        check("every replay answered 02", replay_codes.count("02") == len(replays))
        succeeded = Payment.objects.filter(state="succeeded").count()
        actions = DossierAction.objects.filter(type="record_payment").count()
        check(
            f"{succeeded} succeeded = {actions} record_payment = {len(calls)} IPNs", succeeded == actions == len(calls)
        )

        # --- 2. reconciliation of pending attempts against the stand-in ----------------------------
        from django.conf import settings

        from motcua.payments.contrib.vnpay.standin import API_PATH, PAY_PATH, VnpayServer
        from motcua.payments.services import reconcile

        server = VnpayServer(("127.0.0.1", 0), TMN_CODE, secret, "")
        server.quiet = True  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        settings.MOTCUA_VNPAY_PAYMENT_URL, settings.MOTCUA_VNPAY_API_URL = base + PAY_PATH, base + API_PATH
        pending = make_payments(dossiers, args.pending, age=timedelta(hours=1))
        for i in range(0, len(pending), 2000):
            rows = [{"reference": p.reference, "amount_vnd": 2000} for p in pending[i : i + 2000]]
            httpx.post(base + "/_standin/seed", json=rows, timeout=60).raise_for_status()
        started = time.perf_counter()
        done = reconcile()
        took = time.perf_counter() - started
        server.shutdown()
        print(
            f"reconciliation: {done.queried} pending attempts queried (querydr) and {done.settled} settled in "
            f"{took:.1f} s — {done.queried / took:.0f} attempts/s; errors {done.errors}"
        )
        check(f"every pending attempt settled ({done.settled} of {args.pending})", done.settled == args.pending)
        check(
            "one record_payment per settled attempt",
            DossierAction.objects.filter(type="record_payment").count() == len(calls) + args.pending,
        )
        print(
            "what limits it: each success is one transaction that updates the payment row, locks the dossier row, "
            "appends its action, the control sheet and the counters and writes the raw callback row; successes of "
            "attempts sharing a dossier queue on its row lock, and every success of one day, agency and procedure "
            "adds to the same counter row. Reconciliation asks MOTCUA_PAYMENT_QUERY_THREADS querydr at a time and "
            "settles the answers one by one: its rate is about one such transaction per attempt once the round "
            "trips overlap; the stand-in here answers from memory, a real gateway adds its network latency."
        )


if __name__ == "__main__":
    main()
