"""A stand-in SMS gateway: a real HTTP server that checks each message as a strict gateway would.

Documented in docs/components/sms-standin.md. It speaks ``protocol`` (``motcua.sms/1``): checks the token, the
``Idempotency-Key``, the body, the number (a Vietnamese mobile number in E.164, ``rules.phones``), the encoding
against the text and the length in segments (``rules.sms``); sends each key once (a replay answers 200
``duplicate`` with the first id); keeps what it got (``GET /_standin/received``); and fails on request
(``POST /_standin/fail``: 5xx, timeouts, resets, held answers, refused numbers). State lives in memory.

The HTTP plumbing (answers, body reading, waiting for a hung-up client, failing) is the webhook stand-in's
handler, subclassed: the two stand-ins fail the same way.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from motcua.integrations.contrib.sms.protocol import ENCODINGS, MAX_SENDER
from motcua.integrations.contrib.webhook.standin import Failure, StandinHandler, TakesFailures
from motcua.rules import sms
from motcua.rules.phones import is_mobile_e164

FAILURE_MODES = {"http500", "http503", "timeout", "reset", "hold"}


@dataclass
class GatewayState(TakesFailures):
    token: str
    max_segments: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: list[dict[str, Any]] = field(default_factory=list)
    by_key: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # key → (body digest, id, segments)
    duplicates: list[str] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    failed_on_purpose: list[dict[str, Any]] = field(default_factory=list)
    arrivals: list[dict[str, Any]] = field(default_factory=list)
    refused_numbers: set[str] = field(default_factory=set)
    failure: Failure | None = None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "sent": list(self.sent),
                "keys": [message["key"] for message in self.sent],
                "duplicates": list(self.duplicates),
                "refused": list(self.refused),
                "failed_on_purpose": list(self.failed_on_purpose),
                "arrivals": list(self.arrivals),
                "refused_numbers": sorted(self.refused_numbers),
                "max_segments": self.max_segments,
                "failure": self.failure.describe() if self.failure else None,
            }


def message_problems(message: Any, max_segments: int) -> list[str]:
    """What is wrong with a message body, as the gateway understands ``motcua.sms/1`` (empty when valid)."""
    if not isinstance(message, dict):
        return ["nội dung phải là một đối tượng JSON"]
    problems = []
    unknown = set(message) - {"to", "text", "encoding", "sender"}
    if unknown:
        problems.append(f"trường không hiểu: {', '.join(sorted(unknown))}")
    to, text, encoding = message.get("to"), message.get("text"), message.get("encoding")
    if not isinstance(to, str) or not is_mobile_e164(to):
        problems.append("to phải là số di động Việt Nam dạng +84 và 9 chữ số")
    if encoding not in ENCODINGS:
        problems.append(f"encoding phải là một trong {', '.join(ENCODINGS)}")
    if not isinstance(text, str) or not text.strip():
        problems.append("thiếu text")
    elif encoding in ENCODINGS:
        actual, count = sms.segments(text)
        if encoding == sms.GSM7 and actual != sms.GSM7:
            outside = sorted({ch for ch in text if ch not in sms.GSM7_BASIC and ch not in sms.GSM7_EXTENSION})
            problems.append(f"text có ký tự ngoài bảng GSM 7-bit: {' '.join(outside[:10])}")
        if count > max_segments:
            problems.append(f"text dài {count} tin, quá {max_segments} tin cho phép")
    sender = message.get("sender")
    if sender is not None and (
        not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER or not sender.isascii()
    ):
        problems.append(f"sender phải là tên thương hiệu ASCII từ 1 đến {MAX_SENDER} ký tự")
    return problems


class GatewayHandler(StandinHandler):
    server: GatewayServer  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:
        print(f"sms-standin: {format % args}", flush=True)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/_standin/received":
            self._answer(200, self.server.state.snapshot())
        else:
            self._answer(405, {"reason": "chỉ nhận POST"})

    def _control(self, body: bytes) -> None:
        state = self.server.state
        path = self.path.rstrip("/")
        if path == "/_standin/clear":
            self.server.state = GatewayState(token=state.token, max_segments=state.max_segments)
            self._answer(200, {"cleared": True})
            return
        if path != "/_standin/fail":
            self._answer(404, {"reason": "không có địa chỉ này"})
            return
        try:
            order = json.loads(body or b"{}")
            mode = order.get("mode", "http500")
            if mode in {"refuse", "accept"}:
                number = str(order["number"])
                with state.lock:
                    if mode == "refuse":
                        state.refused_numbers.add(number)
                    else:
                        state.refused_numbers.discard(number)
                self._answer(200, {"refused_numbers": sorted(state.refused_numbers)})
                return
            if mode == "off":
                failure = None
            elif mode not in FAILURE_MODES:
                raise ValueError(f"mode phải là một trong {sorted(FAILURE_MODES | {'refuse', 'accept'})} hoặc off")
            elif "count" in order:
                failure = Failure(mode, count=int(order["count"]), delay=float(order.get("delay", 30)))
            else:
                until = time.time() + float(order.get("seconds", 3600))
                failure = Failure(mode, until=until, delay=float(order.get("delay", 30)))
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            self._answer(400, {"reason": f"lệnh không hợp lệ: {error}"})
            return
        with state.lock:
            state.failure = failure
        self._answer(200, {"failure": failure.describe() if failure else None})

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        if self.path.startswith("/_standin/"):
            self._control(body)
            return
        state = self.server.state
        key = (self.headers.get("Idempotency-Key") or "").strip()
        with state.lock:
            state.arrivals.append({"key": key, "at": time.time()})
        verdict = self._validate(body, key)
        if verdict is not None:
            self._refuse(key, *verdict)
            return
        message = json.loads(body)
        with state.lock:
            failure = state.take_failure()
            if failure is not None and failure.mode != "hold":
                state.failed_on_purpose.append({"key": key, "mode": failure.mode, "at": time.time()})
        if failure is not None and failure.mode != "hold":
            self._fail(failure)
            return
        if message["to"] in state.refused_numbers:
            self._refuse(key, 422, f"thuê bao {message['to']} từ chối nhận tin hoặc không tồn tại")
            return
        status, answer = self._send(state, key, message, hashlib.sha256(body).hexdigest())
        if failure is not None:  # hold: sent and recorded, the answer comes late (or never)
            self._wait(failure.delay)
        self._answer(status, answer)

    def _refuse(self, key: str, status: int, reason: str) -> None:
        with self.server.state.lock:
            self.server.state.refused.append({"key": key, "status": status, "reason": reason})
        self._answer(status, {"reason": reason})

    def _validate(self, body: bytes, key: str) -> tuple[int, str] | None:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return 415, "Content-Type phải là application/json"
        if self.headers.get("Authorization", "") != f"Bearer {self.server.state.token}":
            return 401, "khóa truy cập (Authorization: Bearer …) không đúng"
        if not key:
            return 400, "thiếu tiêu đề Idempotency-Key"
        if len(key) > 200:
            return 400, "Idempotency-Key quá dài"
        try:
            message = json.loads(body)
        except ValueError:
            return 400, "nội dung không phải JSON"
        problems = message_problems(message, self.server.state.max_segments)
        if problems:
            return 400, "; ".join(problems)
        return None

    def _send(self, state: GatewayState, key: str, message: dict[str, Any], digest: str) -> tuple[int, dict[str, Any]]:
        with state.lock:
            if key in state.by_key:
                first_digest, message_id, count = state.by_key[key]
                if first_digest != digest:
                    state.refused.append({"key": key, "status": 422, "reason": "khóa đã dùng cho tin khác"})
                    return 422, {"reason": "Idempotency-Key đã dùng cho một tin nhắn khác"}
                state.duplicates.append(key)
                return 200, {"id": message_id, "status": "duplicate", "segments": count}
            encoding, count = sms.segments(message["text"])
            message_id = f"sms-{len(state.sent) + 1}"
            state.by_key[key] = (digest, message_id, count)
            state.sent.append(
                {
                    "key": key,
                    "id": message_id,
                    "to": message["to"],
                    "text": message["text"],
                    "encoding": encoding,
                    "segments": count,
                    "sender": message.get("sender", ""),
                    "at": time.time(),
                }
            )
            return 201, {"id": message_id, "status": "accepted", "segments": count}


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], token: str, max_segments: int) -> None:
        super().__init__(address, GatewayHandler)
        self.state = GatewayState(token=token, max_segments=max_segments)
