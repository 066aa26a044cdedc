"""The outbox inside one process: rows written with the action, keys, the claim, the sweep, redrive."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.models import DossierAction
from motcua.dossiers.services import perform
from motcua.integrations import delivery
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.services import enqueue, redrive, retry_now, wake_forgotten
from motcua.integrations.tests.conftest import walk_dossier
from motcua.rules.lifecycle import ActionType


@pytest.fixture
def configured(settings: Any) -> None:
    settings.MOTCUA_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    settings.MOTCUA_WEBHOOK_SECRET = "s"


def ready_task_ids() -> set[str]:
    return {str(pk) for pk in DBTaskResult.objects.filter(status=TaskResultStatus.READY).values_list("id", flat=True)}


@pytest.mark.usefixtures("configured")
def test_each_action_writes_its_row_with_a_stable_key_and_a_task(commune: Any, staff: Any) -> None:
    dossier = walk_dossier(commune, staff)
    rows = list(OutboxMessage.objects.order_by("pk"))
    seqs = list(DossierAction.objects.filter(dossier=dossier).order_by("seq").values_list("seq", flat=True))
    assert [row.idempotency_key for row in rows] == [f"webhook:{dossier.code}:{seq}" for seq in seqs]
    assert {(row.destination, row.ordering_key, row.state, row.attempts) for row in rows} == {
        ("webhook", dossier.code, OutboxState.PENDING, 0)
    }
    assert all(row.dossier_id == dossier.pk and row.event == "dossier.action" for row in rows)
    assert {str(row.wake_task_id) for row in rows} <= ready_task_ids()
    dossier.refresh_from_db()
    last = rows[-1].payload
    assert (last["action"]["type"], last["dossier"]["status"]) == ("approve", dossier.status)
    assert last["id"] == rows[-1].idempotency_key
    # no personal data leaves through the webhook
    text = json.dumps([row.payload for row in rows], ensure_ascii=False)
    assert dossier.applicant_name not in text
    assert dossier.applicant_id_number not in text


def test_an_unconfigured_destination_gets_nothing(settings: Any, commune: Any, staff: Any) -> None:
    settings.MOTCUA_WEBHOOK_URL = ""
    walk_dossier(commune, staff, steps=1)
    settings.MOTCUA_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    settings.MOTCUA_WEBHOOK_SECRET = ""
    walk_dossier(commune, staff, steps=1)
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.usefixtures("configured")
def test_rows_vanish_with_a_rolled_back_action(commune: Any, staff: Any) -> None:
    dossier = walk_dossier(commune, staff, steps=0)

    def forward_then_fail() -> None:
        with transaction.atomic():
            perform(dossier, ActionType.FORWARD, user=staff["counter"])
            assert OutboxMessage.objects.count() == 2
            raise RuntimeError("the caller's transaction fails after the action")

    with pytest.raises(RuntimeError):
        forward_then_fail()
    assert OutboxMessage.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_writing_a_key_twice_is_a_no_op() -> None:
    for body in ({"n": 1}, {"n": 2}):
        enqueue(destination="webhook", event="e", idempotency_key="webhook:X:1", ordering_key="X", payload=body)
    assert list(OutboxMessage.objects.values_list("payload", flat=True)) == [{"n": 1}]


def _message(key: str, ordering_key: str = "X", **fields: Any) -> OutboxMessage:
    enqueue(destination="webhook", event="e", idempotency_key=key, ordering_key=ordering_key, payload={})
    if fields:
        OutboxMessage.objects.filter(idempotency_key=key).update(**fields)
    return OutboxMessage.objects.get(idempotency_key=key)


@pytest.mark.django_db
def test_the_claim_lets_one_worker_through_and_keeps_order() -> None:
    first, second = _message("k1"), _message("k2")
    other = _message("k3", ordering_key="Y")
    assert delivery._claim("k2", "w1") is None  # k1 of the same dossier is not delivered yet
    claimed, token = delivery._claim("k1", "w1")
    assert claimed.attempts == 1
    assert claimed.leased_by == token
    assert claimed.lease_expires_at > timezone.now()
    assert delivery._claim("k1", "w2") is None  # leased
    assert delivery._claim("k3", "w2") is not None  # another dossier is not held back
    OutboxMessage.objects.filter(pk=first.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert delivery._claim("k1", "w2") is not None  # an expired lease is taken over
    OutboxMessage.objects.filter(pk=first.pk).update(state=OutboxState.DEAD)
    assert delivery._claim("k2", "w1") is None  # a dead event holds back the dossier's later ones
    assert second.pk
    assert other.pk


@pytest.mark.django_db
def test_delivery_never_runs_inside_a_transaction() -> None:
    _message("k1")
    with pytest.raises(RuntimeError, match="transaction"):
        delivery.deliver("k1", worker_id="w")
    assert OutboxMessage.objects.get().attempts == 0


@pytest.mark.django_db
def test_the_sweep_wakes_messages_whose_worker_died_and_only_those() -> None:
    past = timezone.now() - timedelta(seconds=5)
    DBTaskResult.objects.all().delete()
    dead_worker = _message("k1", lease_expires_at=past, leased_by="w-dead", attempts=1)
    _message("k2")  # behind k1: not its turn
    _message("k3", ordering_key="Y", lease_expires_at=timezone.now() + timedelta(minutes=1))  # a live lease
    _message("k4", ordering_key="Z", next_attempt_at=timezone.now() + timedelta(minutes=1))  # waits for backoff
    DBTaskResult.objects.all().update(status=TaskResultStatus.RUNNING)  # tasks taken by the dead worker
    assert wake_forgotten() == 1
    dead_worker.refresh_from_db()
    assert str(dead_worker.wake_task_id) in ready_task_ids()
    assert wake_forgotten() == 0  # it has a task waiting now


@pytest.mark.django_db
def test_retry_now_makes_waiting_messages_due() -> None:
    waiting = _message("k1", next_attempt_at=timezone.now() + timedelta(hours=1), attempts=2)
    assert retry_now() == 1
    waiting.refresh_from_db()
    assert waiting.next_attempt_at <= timezone.now()
    assert str(waiting.wake_task_id) in ready_task_ids()


@pytest.mark.django_db
def test_redrive_gives_dead_messages_new_tries_and_leaves_others() -> None:
    dead = _message("k1", state=OutboxState.DEAD, attempts=6, last_error="HTTP 400: sai")
    delivered = _message("k2", ordering_key="Y", state=OutboxState.DELIVERED, attempts=1)
    assert redrive([dead.pk, delivered.pk]) == 1
    dead.refresh_from_db()
    delivered.refresh_from_db()
    assert (dead.state, dead.attempts, dead.redrive_count, dead.last_error) == ("pending", 0, 1, "HTTP 400: sai")
    assert str(dead.wake_task_id) in ready_task_ids()
    assert (delivered.state, delivered.redrive_count) == ("delivered", 0)


@pytest.mark.django_db
def test_the_admin_shows_a_message_and_redrives_dead_ones(admin_client: Any) -> None:
    dead = _message("k1", state=OutboxState.DEAD, attempts=6, last_error="HTTP 401: chữ ký không đúng")
    page = admin_client.get(reverse("admin:integrations_outboxmessage_change", args=[dead.pk]))
    assert page.status_code == 200
    assert "chữ ký không đúng" in page.content.decode()
    listing = admin_client.get(reverse("admin:integrations_outboxmessage_changelist"), {"state": "dead"})
    assert "Gửi không thành công" in listing.content.decode()
    assert "Gửi lại" in listing.content.decode()
    answer = admin_client.post(
        reverse("admin:integrations_outboxmessage_changelist"),
        {"action": "redrive_selected", "_selected_action": [dead.pk]},
        follow=True,
    )
    assert "Đã đưa 1 thông điệp vào hàng gửi lại" in answer.content.decode()
    dead.refresh_from_db()
    assert dead.state == OutboxState.PENDING
