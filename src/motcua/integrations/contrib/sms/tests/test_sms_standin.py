"""The SMS channel against the stand-in gateway, run as a real process (``motcua sms-standin``), and workers.

The stand-in is talked to over HTTP only: its validation (token, number, encoding, length), its idempotent
send, and its failure modes, seen through the outbox (retried, then delivered, or dead with the gateway's reason).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua.dossiers.services import perform
from motcua.integrations import delivery
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.notify.tests.conftest import MISSING, receive
from motcua.integrations.tests.conftest import CLI, standin_process, subprocess_env
from motcua.rules.lifecycle import ActionType

TOKEN = "khoa-cong-sms"


class Gateway:
    def __init__(self, url: str) -> None:
        self.url = url

    def received(self) -> dict[str, Any]:
        return httpx.get(self.url + "_standin/received", timeout=5).json()

    def fail(self, **order: Any) -> None:
        response = httpx.post(self.url + "_standin/fail", json=order, timeout=5)
        assert response.status_code == 200, response.text

    def post(self, body: Any, *, key: str = "k1", token: str = TOKEN) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        return httpx.post(self.url + "messages", json=body, headers=headers, timeout=5)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    argv = ["sms-standin", "--port", "0", "--token", TOKEN, "--max-segments", "3"]
    with standin_process(argv, tmp_path / "sms-standin.log") as url:
        yield Gateway(url)


GOOD = {"to": "+84912345678", "text": "Ho so da duoc tiep nhan", "encoding": "gsm7"}


@pytest.mark.parametrize(
    ("body", "token", "status", "reason"),
    [
        (GOOD, "sai", 401, "khóa truy cập"),
        (GOOD | {"to": "0912345678"}, TOKEN, 400, "to phải là số di động Việt Nam dạng +84"),
        (GOOD | {"to": "+842083855123"}, TOKEN, 400, "to phải là số di động"),
        (GOOD | {"text": "Hồ sơ"}, TOKEN, 400, "text có ký tự ngoài bảng GSM 7-bit: ơ ồ"),
        (GOOD | {"text": "a" * 460}, TOKEN, 400, "text dài 4 tin, quá 3 tin cho phép"),
        (GOOD | {"encoding": "utf8"}, TOKEN, 400, "encoding phải là một trong gsm7, ucs2"),
        (GOOD | {"sender": "UBND-TINH-THAI-NGUYEN"}, TOKEN, 400, "sender phải là tên thương hiệu"),
        (GOOD | {"text": ""}, TOKEN, 400, "thiếu text"),
        ([GOOD], TOKEN, 400, "đối tượng JSON"),
    ],
)
def test_the_gateway_refuses_what_a_strict_gateway_refuses(
    gateway: Gateway, body: Any, token: str, status: int, reason: str
) -> None:
    response = gateway.post(body, token=token)
    assert response.status_code == status
    assert reason in response.json()["reason"]
    assert gateway.received()["sent"] == []


def test_a_key_is_sent_once(gateway: Gateway) -> None:
    first = gateway.post(GOOD | {"text": "Hồ sơ đã có kết quả", "encoding": "ucs2"})
    again = gateway.post(GOOD | {"text": "Hồ sơ đã có kết quả", "encoding": "ucs2"})
    other = gateway.post(GOOD | {"text": "Khac"})
    assert (first.status_code, first.json()["status"], first.json()["segments"]) == (201, "accepted", 1)
    assert (again.status_code, again.json()) == (200, {"id": first.json()["id"], "status": "duplicate", "segments": 1})
    assert other.status_code == 422
    seen = gateway.received()
    assert [m["key"] for m in seen["sent"]] == ["k1"]
    assert seen["duplicates"] == ["k1"]


# --- through the outbox ---------------------------------------------------------------------------------------


@pytest.fixture
def sms_channel(settings: Any, gateway: Gateway) -> Gateway:
    settings.MOTCUA_SMS_URL = gateway.url + "messages"
    settings.MOTCUA_SMS_TOKEN = TOKEN
    settings.MOTCUA_SMS_SENDER = "UBND-TN"
    settings.MOTCUA_EMAIL_URL = ""
    settings.MOTCUA_OUTBOX_BACKOFF_SECONDS = 0
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 3
    return gateway


def deliver_all() -> list[str]:
    keys = OutboxMessage.objects.order_by("pk").values_list("idempotency_key", flat=True)
    return [delivery.deliver(key, worker_id="w") for key in keys]


@pytest.mark.django_db(transaction=True)
def test_notices_reach_the_gateway_once_each_across_failures(
    sms_channel: Gateway, commune: Any, staff: Any, tmp_path: Path
) -> None:
    dossier = receive(commune, staff, email="")
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": MISSING})
    keys = [f"sms:{dossier.code}:1", f"sms:{dossier.code}:2"]
    sms_channel.fail(mode="http503", count=2)
    assert deliver_all() == [delivery.RETRY, delivery.RETRY]
    row = OutboxMessage.objects.get(idempotency_key=keys[0])
    assert row.last_error == "Cổng SMS trả lời HTTP 503: lỗi giả lập của nơi nhận"
    # a worker process (the real one) delivers what is due, with the same keys
    env = subprocess_env(
        MOTCUA_SMS_URL=sms_channel.url + "messages", MOTCUA_SMS_TOKEN=TOKEN, MOTCUA_SMS_SENDER="UBND-TN"
    )
    worker = subprocess.run(
        [*CLI, "worker", "--until-idle", "--retry-now"], env=env, capture_output=True, text=True, timeout=60
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert dict(OutboxMessage.objects.values_list("idempotency_key", "state")) == dict.fromkeys(keys, "delivered")
    seen = sms_channel.received()
    assert [m["key"] for m in seen["sent"]] == keys
    assert {m["to"] for m in seen["sent"]} == {"+84912345678"}
    assert {m["sender"] for m in seen["sent"]} == {"UBND-TN"}
    assert seen["sent"][1]["text"].startswith(f"Ho so {dossier.code} can bo sung: Ban sao giay chung nhan")
    # re-driven after delivery (an administrator's mistake): the gateway answers "duplicate", sends nothing new
    OutboxMessage.objects.filter(idempotency_key=keys[0]).update(state=OutboxState.DEAD)
    from motcua.integrations.services import redrive

    redrive(OutboxMessage.objects.filter(idempotency_key=keys[0]).values_list("pk", flat=True))
    assert delivery.deliver(keys[0], worker_id="w") == delivery.DELIVERED
    assert OutboxMessage.objects.get(idempotency_key=keys[0]).response.startswith("HTTP 200 duplicate sms-1")
    assert len(sms_channel.received()["sent"]) == 2


@pytest.mark.django_db(transaction=True)
def test_a_refused_number_is_dead_at_once_with_the_gateways_reason(
    sms_channel: Gateway, commune: Any, staff: Any
) -> None:
    sms_channel.fail(mode="refuse", number="+84912345678")
    dossier = receive(commune, staff, email="")
    assert deliver_all() == [delivery.DEAD]
    row = OutboxMessage.objects.get(dossier=dossier)
    assert (row.state, row.attempts) == (OutboxState.DEAD, 1)
    assert row.last_error == "Cổng SMS từ chối (HTTP 422): thuê bao +84912345678 từ chối nhận tin hoặc không tồn tại"
    # a refused notice holds back none of the applicant's later ones (each is its own ordering key)
    sms_channel.fail(mode="accept", number="+84912345678")
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": MISSING})
    assert delivery.deliver(f"sms:{dossier.code}:2", worker_id="w") == delivery.DELIVERED


@pytest.mark.django_db(transaction=True)
def test_timeouts_are_retried_then_dead(sms_channel: Gateway, settings: Any, commune: Any, staff: Any) -> None:
    settings.MOTCUA_SMS_TIMEOUT_SECONDS = 0.5
    sms_channel.fail(mode="timeout", seconds=60, delay=5)
    receive(commune, staff, email="")
    outcomes = [deliver_all()[0] for _ in range(3)]
    assert outcomes == [delivery.RETRY, delivery.RETRY, delivery.DEAD]
    row = OutboxMessage.objects.get()
    assert row.last_error.startswith("Đã thử 3 lần, lần cuối: Cổng SMS không trả lời trong 0.5 giây")
    assert sms_channel.received()["sent"] == []


@pytest.mark.django_db(transaction=True)
def test_an_answer_lost_after_sending_is_retried_and_sent_once(
    sms_channel: Gateway, settings: Any, commune: Any, staff: Any
) -> None:
    """The gateway sent the message but its answer never came (the worker timed out): the retry carries the same
    key, the gateway answers "duplicate", and the applicant got one SMS."""
    settings.MOTCUA_SMS_TIMEOUT_SECONDS = 0.5
    sms_channel.fail(mode="hold", count=1, delay=5)
    dossier = receive(commune, staff, email="")
    key = f"sms:{dossier.code}:1"
    assert delivery.deliver(key, worker_id="w") == delivery.RETRY
    assert [m["key"] for m in sms_channel.received()["sent"]] == [key]
    assert delivery.deliver(key, worker_id="w") == delivery.DELIVERED
    seen = sms_channel.received()
    assert ([m["key"] for m in seen["sent"]], seen["duplicates"]) == ([key], [key])
    assert OutboxMessage.objects.get().response == "HTTP 200 duplicate sms-1"
