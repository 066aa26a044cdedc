"""The unsynchronised-dossier report (issue 9): reasons, scope, the API, the command, the page, the re-drive.

The rows are written as the national portal's destination writes them (``national_portal:<code>:<seq>``,
ordered by the dossier's code, linked to the dossier) and put in each state by hand, so that every reason is
checked against its statement in ``sync_report``'s docstring, independently of the portal's adapter.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import reads_province_wide, visible_dossiers, visible_page
from motcua.dossiers.services import open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of, officer, staff_of
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.services import enqueue, resend_dossiers
from motcua.integrations.sync_report import NATIONAL_PORTAL, Reason, unsynced_report
from motcua.rules.lifecycle import ActionType
from motcua.testing import sign_in

PROVINCE_OFFICE = "Văn phòng UBND tỉnh Thái Nguyên"


def received(agency: Agency, staff: dict[str, User]) -> Dossier:
    return open_dossier(counter_intake(offering_of("2.001035", agency)), user=staff["counter"])


def portal_row(
    dossier: Dossier, seq: int, *, state: str = OutboxState.DELIVERED, attempts: int = 1, error: str = ""
) -> OutboxMessage:
    key = f"{NATIONAL_PORTAL}:{dossier.code}:{seq}"
    enqueue(
        destination=NATIONAL_PORTAL,
        event="dossier",
        idempotency_key=key,
        ordering_key=dossier.code,
        payload={"seq": seq},
        dossier=dossier,
    )
    now = timezone.now()
    OutboxMessage.objects.filter(idempotency_key=key).update(
        state=state,
        attempts=attempts,
        last_error=error,
        last_attempt_at=now if attempts else None,
        delivered_at=now if state == OutboxState.DELIVERED else None,
    )
    return OutboxMessage.objects.get(idempotency_key=key)


@pytest.fixture
def monitor(demo_catalog: Any) -> User:
    return officer("giamsat", Agency.objects.get(name=PROVINCE_OFFICE), "monitor")


@pytest.fixture
def scenario(commune: Agency, other_commune: Agency, staff: dict[str, User], settings: Any) -> dict[str, Dossier]:
    """Six dossiers of two communes, one per reason and one synchronised."""
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 5
    other = staff_of(other_commune, "other-")
    synced, waiting, retrying, refused, dead = (received(commune, staff) for _ in range(5))
    elsewhere = received(other_commune, other)
    portal_row(synced, 1)
    portal_row(waiting, 1)
    portal_row(waiting, 2, state=OutboxState.PENDING, attempts=0)
    portal_row(retrying, 1, state=OutboxState.PENDING, attempts=3, error="Cổng trả lời HTTP 503")
    portal_row(refused, 1, state=OutboxState.DEAD, attempts=1, error="error_code 2: Thiếu trường MaTTHC")
    portal_row(refused, 2, state=OutboxState.PENDING, attempts=0)  # held back behind the refused one
    portal_row(dead, 1, state=OutboxState.DEAD, attempts=5, error="Đã thử 5 lần, lần cuối: timeout")
    # ``elsewhere`` has no row at all: acted on while the portal was not configured
    return {
        "synced": synced,
        "waiting": waiting,
        "retrying": retrying,
        "refused": refused,
        "dead": dead,
        "elsewhere": elsewhere,
    }


def test_each_dossier_is_reported_with_the_reason_its_first_undelivered_row_gives(scenario: dict[str, Dossier]) -> None:
    report = unsynced_report(None)
    reasons = {item.code: item.reason for item in report.items}
    assert reasons == {
        scenario["waiting"].code: Reason.WAITING,
        scenario["retrying"].code: Reason.RETRYING,
        scenario["refused"].code: Reason.REFUSED,
        scenario["dead"].code: Reason.DEAD,
        scenario["elsewhere"].code: Reason.NOT_QUEUED,
    }
    assert report.total == 5
    assert report.by_reason == {reason: 1 for reason in Reason}
    refused = next(item for item in report.items if item.code == scenario["refused"].code)
    assert refused.message == "error_code 2: Thiếu trường MaTTHC"
    assert refused.undelivered == 2
    retrying = next(item for item in report.items if item.code == scenario["retrying"].code)
    assert (retrying.attempts, retrying.message) == (3, "Cổng trả lời HTTP 503")


def test_the_report_is_empty_when_every_latest_state_is_delivered(commune: Agency, staff: dict[str, User]) -> None:
    dossiers = [received(commune, staff) for _ in range(3)]
    for dossier in dossiers:
        portal_row(dossier, 1)
        portal_row(dossier, 2)
    report = unsynced_report(None)
    assert (report.total, report.items) == (0, [])


def test_the_limit_keeps_the_oldest_problems_and_counts_them_all(scenario: dict[str, Dossier]) -> None:
    OutboxMessage.objects.filter(dossier=scenario["retrying"]).update(created_at=timezone.now() - timedelta(days=2))
    report = unsynced_report(None, limit=1)
    assert report.total == 5
    assert [item.code for item in report.items] == [scenario["retrying"].code]


def test_the_province_monitor_reads_every_dossier_and_acts_on_none(
    scenario: dict[str, Dossier], monitor: User, staff: dict[str, User]
) -> None:
    assert reads_province_wide(monitor)
    assert visible_dossiers(monitor).count() == Dossier.objects.count() == 6
    assert len(visible_page(monitor, Dossier.objects.all(), before=None, limit=50)) == 6
    assert unsynced_report(monitor).total == 5
    # an officer of the first commune sees their commune's four, not the other commune's dossier
    assert {item.code for item in unsynced_report(staff["counter"]).items} == {
        scenario[name].code for name in ("waiting", "retrying", "refused", "dead")
    }
    client = Client()
    sign_in(client, monitor)
    code = scenario["waiting"].code
    answer = client.post(f"/api/v1/dossiers/{code}/actions/forward", data={}, content_type="application/json")
    assert answer.status_code == 403, answer.content
    assert Dossier.objects.get(code=code).action_count == 1


def test_a_monitor_at_a_commune_reads_that_commune_only(scenario: dict[str, Dossier], other_commune: Agency) -> None:
    local = officer("giamsat-xa", other_commune, "monitor")
    assert not reads_province_wide(local)
    assert list(visible_dossiers(local)) == [scenario["elsewhere"]]


def test_the_api_answers_the_report_in_the_caller_scope(scenario: dict[str, Dossier], monitor: User) -> None:
    client = Client()
    assert client.get("/api/v1/sync/unsynced").status_code == 401
    citizen = User.objects.create_user("dan", password="x")
    sign_in(client, citizen)
    answer = client.get("/api/v1/sync/unsynced")
    assert answer.status_code == 403
    assert "cán bộ" in answer.json()["detail"]
    sign_in(client, monitor)
    body = client.get("/api/v1/sync/unsynced?limit=10").json()
    assert body["destination"] == NATIONAL_PORTAL
    assert body["total"] == 5
    assert body["by_reason"] == {"not_queued": 1, "waiting": 1, "retrying": 1, "refused": 1, "dead": 1}
    refused = next(item for item in body["items"] if item["code"] == scenario["refused"].code)
    assert refused["reason"] == "refused"
    assert refused["reason_text"] == "Cổng từ chối"
    assert refused["message"] == "error_code 2: Thiếu trường MaTTHC"
    assert client.get("/api/v1/sync/unsynced?limit=0").status_code == 422


def test_the_command_prints_the_report_and_exits_1_while_dossiers_are_unsynced(
    scenario: dict[str, Dossier], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("sync_report", json=True)
    assert exited.value.code == 1
    document = json.loads(capsys.readouterr().out)
    assert document["total"] == 5
    assert {item["code"] for item in document["items"]} >= {scenario["dead"].code, scenario["elsewhere"].code}
    with pytest.raises(SystemExit):
        call_command("sync_report")
    text = capsys.readouterr().out
    assert "Hồ sơ chưa đồng bộ: 5" in text
    assert "Cổng từ chối: 1" in text


def test_the_command_exits_0_when_all_is_synchronised(db: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("sync_report")
    assert "Hồ sơ chưa đồng bộ: 0" in capsys.readouterr().out


def test_resend_redrives_dead_rows_and_makes_waiting_ones_due(scenario: dict[str, Dossier]) -> None:
    later = timezone.now() + timedelta(hours=1)
    OutboxMessage.objects.filter(dossier=scenario["retrying"]).update(next_attempt_at=later)
    ids = [scenario[name].pk for name in ("refused", "dead", "retrying", "elsewhere")]
    resent = resend_dossiers(NATIONAL_PORTAL, ids)
    assert (resent.redriven, resent.made_due) == (2, 1)
    assert resent.queued == 0  # the national portal's destination is not configured here: nothing is invented
    assert not OutboxMessage.objects.filter(state=OutboxState.DEAD).exists()
    assert OutboxMessage.objects.get(dossier=scenario["retrying"]).next_attempt_at <= timezone.now()


def test_resend_gives_a_never_queued_dossier_its_whole_history_under_its_keys(
    commune: Agency, staff: dict[str, User], settings: Any
) -> None:
    dossier = received(commune, staff)
    perform(dossier, ActionType.FORWARD, user=staff["counter"])
    assert not OutboxMessage.objects.exists()
    # any configured destination queues the same way; the webhook is one that needs no network to queue
    settings.MOTCUA_WEBHOOK_URL, settings.MOTCUA_WEBHOOK_SECRET = "http://127.0.0.1:9/", "s"
    assert resend_dossiers("webhook", [dossier.pk]).queued == 2
    assert list(OutboxMessage.objects.order_by("pk").values_list("idempotency_key", flat=True)) == [
        f"webhook:{dossier.code}:1",
        f"webhook:{dossier.code}:2",
    ]
    assert resend_dossiers("webhook", [dossier.pk]).queued == 0  # queued once


def test_the_page_lists_the_report_and_resends_within_the_officer_scope(
    scenario: dict[str, Dossier], monitor: User, staff: dict[str, User]
) -> None:
    client = Client()
    sign_in(client, monitor)
    page = client.get(reverse("web:workbench-sync"))
    assert page.status_code == 200
    text = page.content.decode()
    assert scenario["refused"].code in text
    assert "Thiếu trường MaTTHC" in text
    assert "Chưa cài đặt kết nối" in text or "Chưa cấu hình" in text
    answer = client.post(reverse("web:workbench-sync-resend"), {"code": scenario["dead"].code})
    assert answer.status_code == 302
    assert OutboxMessage.objects.get(dossier=scenario["dead"]).state == OutboxState.PENDING
    assert (
        OutboxMessage.objects.get(dossier=scenario["refused"], idempotency_key__endswith=":1").state == OutboxState.DEAD
    )
    # an officer of the first commune cannot re-drive the other commune's dossier by posting its code
    other = scenario["elsewhere"]
    sign_in(client, staff["counter"])
    client.post(reverse("web:workbench-sync-resend"), {"code": other.code})
    assert not OutboxMessage.objects.filter(dossier=other).exists()
    citizen = User.objects.create_user("dan", password="x")
    sign_in(client, citizen)
    assert client.get(reverse("web:workbench-sync")).status_code == 404
