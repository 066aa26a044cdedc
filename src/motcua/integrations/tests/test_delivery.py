"""Exactly-once delivery with real processes: the stand-in receiver, workers started and killed as subprocesses.

Rows come from real dossier actions; workers reach this test's database through ``DATABASE_URL``
(``conftest.database_url_for_subprocess``). Leases and backoffs are small, set in the workers' environment.
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import time
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from motcua.integrations.delivery import wake
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.tests.conftest import CLI, Standin, Workers, wait_until, walk_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def keys() -> list[str]:
    return list(OutboxMessage.objects.order_by("pk").values_list("idempotency_key", flat=True))


def states() -> dict[str, str]:
    return dict(OutboxMessage.objects.values_list("idempotency_key", "state"))


def assert_each_dossier_in_order(received: dict[str, Any], dossiers: list[Any]) -> None:
    seqs: dict[str, list[int]] = defaultdict(list)
    for event in received["events"]:
        seqs[event["dossier"]].append(event["seq"])
    for dossier in dossiers:
        expected = sorted(dossier.actions.values_list("seq", flat=True))
        assert seqs[dossier.code] == expected, dossier.code


def test_a_worker_killed_mid_delivery_is_replaced_and_each_key_is_processed_once(
    webhook: Standin, workers: Workers, commune: Any, staff: Any
) -> None:
    dossiers = [walk_dossier(commune, staff) for _ in range(3)]
    all_keys = keys()
    assert len(all_keys) == 12
    webhook.fail(mode="hold", count=1, delay=30)  # the first delivery is processed, then its answer is held
    first = workers.start(MOTCUA_OUTBOX_LEASE_SECONDS=4)
    [held] = wait_until(lambda: webhook.received()["in_flight"], what="a delivery in flight")
    first.send_signal(signal.SIGKILL)  # between the delivery and its marking
    first.wait(timeout=10)
    assert webhook.received()["processed"] == [held]
    row = OutboxMessage.objects.get(idempotency_key=held)
    assert (row.state, row.attempts, bool(row.leased_by)) == (OutboxState.PENDING, 1, True)

    workers.until_idle(MOTCUA_OUTBOX_LEASE_SECONDS=2)  # waits for the dead worker's lease, then delivers all

    received = webhook.received()
    assert sorted(received["processed"]) == sorted(all_keys)
    assert len(received["processed"]) == len(set(received["processed"]))  # each key processed exactly once
    assert received["duplicates"] == [held]  # the re-delivery came with the same key
    assert received["refused"] == []
    assert received["overlaps"] == []
    assert set(states().values()) == {OutboxState.DELIVERED}
    assert OutboxMessage.objects.get(idempotency_key=held).attempts == 2
    assert_each_dossier_in_order(received, dossiers)


@pytest.mark.parametrize("mode", ["http500", "timeout", "reset"])
def test_a_failing_receiver_gets_retries_with_backoff_then_the_message(
    webhook: Standin, workers: Workers, commune: Any, staff: Any, mode: str
) -> None:
    dossier = walk_dossier(commune, staff, steps=1)
    first_key, second_key = keys()
    webhook.fail(mode=mode, count=3, delay=3)
    base = 0.2
    worker = workers.start(MOTCUA_OUTBOX_BACKOFF_SECONDS=base)
    wait_until(lambda: set(states().values()) == {OutboxState.DELIVERED}, timeout=60, what="delivery")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0, worker.log.read_text()  # type: ignore[attr-defined]

    received = webhook.received()
    assert received["processed"] == [first_key, second_key]
    assert [f["key"] for f in received["failed_on_purpose"]] == [first_key] * 3
    row = OutboxMessage.objects.get(idempotency_key=first_key)
    assert row.attempts == 4
    expected = {"http500": "HTTP 500", "timeout": "không trả lời", "reset": "Không kết nối được"}[mode]
    assert expected in row.last_error
    # each retry waited at least half its exponential delay (the jitter never takes more than half)
    arrivals = [a["at"] for a in received["arrivals"] if a["key"] == first_key]
    assert len(arrivals) == 4
    for n, (before, after) in enumerate(itertools.pairwise(arrivals), start=1):
        assert after - before >= base * 2 ** (n - 1) / 2 - 0.005, (n, after - before)
    assert_each_dossier_in_order(received, [dossier])


def test_a_refusal_is_dead_at_once_holds_back_the_dossier_and_is_redriven_from_the_admin(
    webhook: Standin, workers: Workers, commune: Any, staff: Any, admin_client: Any
) -> None:
    dossier = walk_dossier(commune, staff)
    first, *later = keys()
    workers.until_idle(MOTCUA_WEBHOOK_SECRET="not the receiver's secret")
    row = OutboxMessage.objects.get(idempotency_key=first)
    assert (row.state, row.attempts) == (OutboxState.DEAD, 1)
    assert "HTTP 401" in row.last_error
    assert "chữ ký" in row.last_error
    assert {states()[key] for key in later} == {OutboxState.PENDING}  # held back behind the dead one
    assert OutboxMessage.objects.filter(idempotency_key__in=later, attempts=0).count() == len(later)
    assert webhook.received()["processed"] == []

    answer = admin_client.post(
        reverse("admin:integrations_outboxmessage_changelist"),
        {"action": "redrive_selected", "_selected_action": [row.pk]},
    )
    assert answer.status_code == 302
    workers.until_idle()

    received = webhook.received()
    assert received["processed"] == [first, *later]
    assert set(states().values()) == {OutboxState.DELIVERED}
    assert OutboxMessage.objects.get(idempotency_key=first).redrive_count == 1
    assert_each_dossier_in_order(received, [dossier])


def test_sigterm_ends_an_idle_workers_wait_between_polls(workers: Workers) -> None:
    """An idle worker leaves on SIGTERM without waiting out its poll interval (30 s here), with status 0."""
    worker = workers.start("--interval", "30", MOTCUA_OUTBOX_SWEEP_SECONDS=3600)
    wait_until(lambda: "started" in worker.log.read_text(), what="the worker to start")  # type: ignore[attr-defined]
    time.sleep(0.5)  # into the wait between two polls
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0, worker.log.read_text()  # type: ignore[attr-defined]
    assert "stopping after the current step" in worker.log.read_text()  # type: ignore[attr-defined]


def test_sigterm_lets_the_current_delivery_finish(webhook: Standin, workers: Workers, commune: Any, staff: Any) -> None:
    walk_dossier(commune, staff, steps=0)
    [key] = keys()
    webhook.fail(mode="hold", count=1, delay=1)
    worker = workers.start(MOTCUA_OUTBOX_LEASE_SECONDS=20)
    wait_until(lambda: webhook.received()["in_flight"], what="a delivery in flight")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0
    row = OutboxMessage.objects.get(idempotency_key=key)
    assert (row.state, row.attempts) == (OutboxState.DELIVERED, 1)
    assert webhook.received()["duplicates"] == []


def test_two_workers_at_once_never_have_one_key_in_flight_twice(  # on PostgreSQL, and on SQLite as well
    webhook: Standin, workers: Workers, commune: Any, staff: Any
) -> None:
    dossiers = [walk_dossier(commune, staff) for _ in range(4)]
    all_keys = keys()
    with transaction.atomic():  # each message woken twice in a row (as a sweep and a chained wake-up may do),
        DBTaskResult.objects.all().delete()  # so that the two workers do try the same message at the same time
        for key in all_keys:
            wake(key)
            wake(key)
    webhook.fail(mode="hold", seconds=120, delay=0.25)  # every delivery is slow: the workers overlap
    pair = [workers.start("--until-idle"), workers.start("--until-idle")]
    for process in pair:
        assert process.wait(timeout=60) == 0, process.log.read_text()
    received = webhook.received()
    assert received["max_concurrent"] >= 2  # the two workers did deliver at the same time
    assert received["overlaps"] == []
    assert received["duplicates"] == []
    assert sorted(received["processed"]) == sorted(all_keys)
    assert set(states().values()) == {OutboxState.DELIVERED}
    assert_each_dossier_in_order(received, dossiers)


def test_the_worker_command_answers_in_vietnamese() -> None:
    completed = subprocess.run(
        [*CLI, "worker", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0
    assert "--until-idle" in completed.stdout
    assert "--retry-now" in completed.stdout
