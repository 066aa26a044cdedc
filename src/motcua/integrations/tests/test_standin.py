"""The stand-in receiver checks what it gets like a strict receiver, and fails when told to (a real process)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from motcua.integrations.contrib.webhook.signature import sign
from motcua.integrations.tests.conftest import SECRET, Standin


def event(key: str = "webhook:D1:1", seq: int = 1, dossier: str = "D1") -> dict[str, Any]:
    return {
        "schema": "motcua.dossier-event/1",
        "id": key,
        "type": "dossier.action",
        "dossier": {"code": dossier, "procedure": "2.001035", "channel": "counter", "status": "received"},
        "action": {
            "seq": seq,
            "type": "receive",
            "at": "2025-09-05T15:00:00+07:00",
            "to_status": "received",
            "actor_role": "counter",
        },
    }


def post(
    standin: Standin,
    body: Any,
    *,
    key: str | None = "webhook:D1:1",
    secret: str = SECRET,
    content_type: str = "application/json",
    signature: str | None = None,
) -> httpx.Response:
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    headers = {"Content-Type": content_type, "X-Motcua-Signature": signature or sign(raw, secret)}
    if key is not None:
        headers["Idempotency-Key"] = key
    return httpx.post(standin.url, content=raw, headers=headers, timeout=5)


def test_it_refuses_what_a_strict_receiver_refuses(standin: Standin) -> None:
    assert httpx.get(standin.url, timeout=5).status_code == 405
    assert post(standin, event(), key=None).status_code == 400
    assert post(standin, event(), secret="another secret").status_code == 401
    assert post(standin, event(), signature="sha256=00").status_code == 401
    assert post(standin, event(), content_type="text/plain").status_code == 415
    assert post(standin, b"{not json").status_code == 400
    broken = event()
    del broken["dossier"]["code"]
    broken["action"]["at"] = "2025-09-05 15:00"
    answer = post(standin, broken)
    assert answer.status_code == 400
    assert "dossier.code" in answer.json()["reason"]
    assert "múi giờ" in answer.json()["reason"]
    assert post(standin, event(key="webhook:D1:2")).status_code == 400  # id differs from the key
    received = standin.received()
    assert received["processed"] == []
    assert [r["status"] for r in received["refused"]] == [400, 401, 401, 415, 400, 400, 400]


def test_each_key_is_processed_once_and_in_order(standin: Standin) -> None:
    assert post(standin, event()).json() == {"status": "processed"}
    assert post(standin, event()).json() == {"status": "duplicate"}
    changed = event()
    changed["dossier"]["status"] = "processing"
    assert post(standin, changed).status_code == 422  # the same key for another body
    assert post(standin, event("webhook:D1:3", seq=3), key="webhook:D1:3").status_code == 200
    late = post(standin, event("webhook:D1:2", seq=2), key="webhook:D1:2")
    assert late.status_code == 409
    assert "sai thứ tự" in late.json()["reason"]
    received = standin.received()
    assert received["processed"] == ["webhook:D1:1", "webhook:D1:3"]
    assert received["duplicates"] == ["webhook:D1:1"]


@pytest.mark.parametrize(("mode", "status"), [("http500", 500), ("http503", 503)])
def test_it_fails_the_next_deliveries_when_told(standin: Standin, mode: str, status: int) -> None:
    standin.fail(mode=mode, count=2)
    assert [post(standin, event()).status_code for _ in range(3)] == [status, status, 200]
    received = standin.received()
    assert [f["mode"] for f in received["failed_on_purpose"]] == [mode, mode]
    assert received["processed"] == ["webhook:D1:1"]


def test_reset_and_timeout_modes_give_no_answer(standin: Standin) -> None:
    standin.fail(mode="reset", count=1)
    with pytest.raises(httpx.TransportError):
        post(standin, event())
    standin.fail(mode="timeout", count=1, delay=5)
    with pytest.raises(httpx.TimeoutException):
        httpx.post(
            standin.url,
            timeout=0.3,
            content=json.dumps(event()).encode(),
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": "webhook:D1:1",
                "X-Motcua-Signature": sign(json.dumps(event()).encode(), SECRET),
            },
        )
    standin.fail(mode="http500", seconds=60)
    assert post(standin, event()).status_code == 500
    standin.fail(mode="off")
    assert post(standin, event()).status_code == 200
    assert httpx.post(standin.url + "_standin/fail", json={"mode": "nonsense"}, timeout=5).status_code == 400
