"""Faults with real processes: the stand-in portal and workers as subprocesses against the test database.

What is checked is the portal's view (the stand-in's): every dossier created once, its latest record, and each
action's progress row exactly once and in order — and our view: every row delivered (or dead, with the portal's
message, not retried for ever).
"""

from __future__ import annotations

import signal
from collections import defaultdict
from typing import Any

import pytest

from motcua.dossiers.projections import rebuild_counters
from motcua.integrations.contrib.national_portal.acknowledgement import counts_from_outbox
from motcua.integrations.contrib.national_portal.tests.conftest import Portal, PortalWorkers
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.sync_report import Reason, unsynced_report
from motcua.integrations.tests.conftest import wait_until, walk_dossier
from motcua.metrics.sources import named, stored

pytestmark = pytest.mark.django_db(transaction=True)


def rows_by_dossier() -> dict[str, list[OutboxMessage]]:
    rows: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in OutboxMessage.objects.filter(destination="national_portal").order_by("pk"):
        rows[row.ordering_key].append(row)
    return rows


def assert_portal_has_exactly_what_we_sent(portal: Portal) -> None:
    """Every dossier once, with its latest record; every row's progress once, in order; every row delivered."""
    received = portal.received()
    rows = rows_by_dossier()
    assert set(received["held"]) == set(rows)
    for code, dossier_rows in rows.items():
        held = received["held"][code]
        assert held["record"] == dossier_rows[-1].payload["record"], code
        assert held["progress"] == [p for row in dossier_rows for p in row.payload["progress"]], code
        assert {row.state for row in dossier_rows} == {OutboxState.DELIVERED}, code
    assert received["counts"]["created"] == len(rows)


def test_portal_down_while_200_dossiers_are_received_and_processed_then_back(
    national_portal: Portal, portal_workers: PortalWorkers, commune: Any, staff: Any
) -> None:
    national_portal.fail(mode="http503", seconds=3600)
    # delivering all along: every try fails while the portal is down; the outage lasts as long as receiving 200
    # dossiers takes (on a loaded machine far longer than 50 tries × 0.5 s), and no row may die of it
    worker = portal_workers.start(MOTCUA_OUTBOX_MAX_ATTEMPTS=100_000)
    dossiers = [walk_dossier(commune, staff, steps=i % 4) for i in range(200)]
    wait_until(lambda: national_portal.summary()["counts"].get("failed_on_purpose", 0) > 0, what="a failed try")
    # the outage, as the monitoring officer sees it (once the worker has marked a failed try)
    during = wait_until(
        lambda: (report := unsynced_report(None)).by_reason[Reason.RETRYING] and report, what="a retrying row"
    )
    assert during.total == 200
    assert during.by_reason[Reason.NOT_QUEUED] == during.by_reason[Reason.DEAD] == 0
    national_portal.fail(mode="off")
    total = sum(1 + i % 4 for i in range(200))
    wait_until(
        lambda: OutboxMessage.objects.filter(state=OutboxState.DELIVERED).count() == total,
        timeout=90,
        what="every row delivered",
    )
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    assert len({d.code for d in dossiers}) == 200
    assert_portal_has_exactly_what_we_sent(national_portal)
    statuses = {p["TrangThai"] for held in national_portal.received()["held"].values() for p in held["progress"]}
    assert statuses == {2, 4}  # received, then in process
    after = unsynced_report(None)
    assert (after.total, after.items) == (0, [])  # the report is empty again
    # indicator 1.4: each of the 200 received dossiers counted synchronised once, as the outbox says
    assert sum(stored(named("outbox")).values()) == 200
    assert stored(named("outbox")) == counts_from_outbox()
    rebuild_counters()  # the rebuild from the log leaves the outbox's counter alone
    assert sum(stored(named("outbox")).values()) == 200
    assert OutboxMessage.objects.filter(attempts__gt=1).exists()  # the outage was felt


def test_a_worker_killed_mid_batch_is_replaced_without_a_second_dossier(
    national_portal: Portal, portal_workers: PortalWorkers, commune: Any, staff: Any
) -> None:
    for _ in range(20):
        walk_dossier(commune, staff)
    national_portal.fail(mode="hold", count=1, delay=60)  # the first call is done at the portal, its answer held
    first = portal_workers.start(MOTCUA_OUTBOX_LEASE_SECONDS=8)  # its calls wait 2 s at most
    wait_until(lambda: national_portal.summary()["counts"].get("created") == 20, what="the creates to be done")
    first.send_signal(signal.SIGKILL)  # before it could mark anything
    first.wait(timeout=10)
    assert OutboxMessage.objects.filter(state=OutboxState.PENDING).exclude(leased_by="").count() == 80
    portal_workers.until_idle()  # waits for the dead worker's lease, then delivers everything again
    assert_portal_has_exactly_what_we_sent(national_portal)
    counts = national_portal.summary()["counts"]
    assert counts["refused:3"] >= 1  # the second create was refused: "already exists", then looked up and updated
    # delivered again after the kill, each dossier is still counted synchronised once
    assert sum(stored(named("outbox")).values()) == 20
    assert stored(named("outbox")) == counts_from_outbox()


def test_a_session_that_expires_mid_run_is_renewed_once(
    national_portal: Portal, portal_workers: PortalWorkers, commune: Any, staff: Any
) -> None:
    for _ in range(30):
        walk_dossier(commune, staff)
    portal_workers.until_idle(MOTCUA_OUTBOX_BATCH_SIZE=8)  # several batches, one session
    assert national_portal.summary()["counts"]["logins"] == 1
    for _ in range(10):
        walk_dossier(commune, staff)
    national_portal.expire_sessions()
    national_portal.fail(mode="session", count=1)  # and refused once more, in the middle of the next run
    portal_workers.until_idle(MOTCUA_OUTBOX_BATCH_SIZE=8)
    assert_portal_has_exactly_what_we_sent(national_portal)
    assert national_portal.summary()["counts"]["logins"] == 3
    assert not OutboxMessage.objects.filter(attempts__gt=1).exists()  # no try failed
    assert not OutboxMessage.objects.exclude(last_error="").exists()


def test_a_payload_the_portal_refuses_is_dead_with_its_message_and_holds_back_the_rest(
    national_portal: Portal, portal_workers: PortalWorkers, commune: Any, staff: Any
) -> None:
    bad_progress, bad_record, good = (walk_dossier(commune, staff) for _ in range(3))
    rows = rows_by_dossier()
    second = rows[bad_progress.code][1]  # its progress row: a name the portal refuses
    second.payload["progress"][0]["NguoiXuLy"] = "x" * 60
    second.save(update_fields=["payload"])
    last = rows[bad_record.code][-1]  # its latest record: a date the portal refuses
    last.payload["record"]["NgayHenTra"] = "ngày mai"
    last.save(update_fields=["payload"])
    portal_workers.until_idle()
    portal_workers.until_idle("--retry-now")  # nothing is tried again
    states = {code: [(r.state, r.attempts) for r in rows] for code, rows in rows_by_dossier().items()}
    assert states[good.code] == [(OutboxState.DELIVERED, 1)] * 4
    assert states[bad_progress.code] == [
        (OutboxState.DELIVERED, 1),
        (OutboxState.DEAD, 1),
        (OutboxState.PENDING, 0),  # held back behind the dead one, never tried on its own
        (OutboxState.PENDING, 0),
    ]
    assert states[bad_record.code] == [(OutboxState.DELIVERED, 1)] * 3 + [(OutboxState.DEAD, 1)]
    assert "NguoiXuLy dài quá 50" in OutboxMessage.objects.get(pk=second.pk).last_error
    assert "NgayHenTra phải có dạng" in OutboxMessage.objects.get(pk=last.pk).last_error
    report = unsynced_report(None)
    refused = {item.code: item for item in report.items}
    assert set(refused) == {bad_progress.code, bad_record.code}
    assert {item.reason for item in refused.values()} == {Reason.REFUSED}
    assert "NguoiXuLy dài quá 50" in refused[bad_progress.code].message
    assert refused[bad_progress.code].undelivered == 3  # the refused row and the two held behind it
    held = national_portal.received()["held"]
    assert len(held[bad_progress.code]["progress"]) == 1
    assert held[bad_record.code]["record"] == rows_by_dossier()[bad_record.code][2].payload["record"]
