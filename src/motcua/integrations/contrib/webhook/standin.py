"""A stand-in receiver of the webhook: a real HTTP server that checks what it gets, as a strict receiver would.

Documented in docs/components/webhook-standin.md. It validates every delivery (method, content type,
``Idempotency-Key``, signature, the event's JSON shape, the order of each dossier's events), processes each
key once (a repeated key answers 200 and is counted as a duplicate), keeps everything it saw
(``GET /_standin/received``), and fails on request (``POST /_standin/fail``) so that retries, timeouts and
a worker killed mid-delivery can be shown with real processes. State lives in memory.
"""

from __future__ import annotations

import hashlib
import json
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from motcua.integrations.contrib.webhook.signature import SIGNATURE_HEADER, is_valid

SCHEMA = "motcua.dossier-event/1"
MAX_BODY = 1024 * 1024
FAILURE_MODES = {"http500", "http503", "timeout", "reset", "hold"}


@dataclass
class Failure:
    """An instruction to fail: the next ``count`` deliveries, or every delivery until ``until``."""

    mode: str
    count: int | None = None
    until: float | None = None
    delay: float = 30.0

    def applies(self, now: float) -> bool:
        if self.count is not None:
            return self.count > 0
        return self.until is not None and now < self.until

    def describe(self) -> dict[str, Any]:
        left = None if self.until is None else max(0.0, self.until - time.time())
        return {"mode": self.mode, "count": self.count, "seconds_left": left, "delay": self.delay}


class TakesFailures:
    """A stand-in's state that holds an instruction to fail (``failure``), as the webhook and SMS stand-ins do."""

    failure: Failure | None

    def take_failure(self) -> Failure | None:
        """The failure that applies to this request, counted down (under the state's lock)."""
        if self.failure is None or not self.failure.applies(time.time()):
            self.failure = None
            return None
        failure = self.failure
        if failure.count is not None:
            failure.count -= 1
        return failure


@dataclass
class StandinState(TakesFailures):
    secret: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    processed: list[dict[str, Any]] = field(default_factory=list)
    body_hash: dict[str, str] = field(default_factory=dict)
    last_seq: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    failed_on_purpose: list[dict[str, Any]] = field(default_factory=list)
    arrivals: list[dict[str, Any]] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    overlaps: list[str] = field(default_factory=list)
    concurrent: int = 0
    max_concurrent: int = 0
    failure: Failure | None = None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "processed": [event["key"] for event in self.processed],
                "events": list(self.processed),
                "duplicates": list(self.duplicates),
                "refused": list(self.refused),
                "failed_on_purpose": list(self.failed_on_purpose),
                "arrivals": list(self.arrivals),
                "in_flight": sorted(self.in_flight),
                "overlaps": list(self.overlaps),
                "max_concurrent": self.max_concurrent,
                "failure": self.failure.describe() if self.failure else None,
            }


def event_problems(event: Any, key: str) -> list[str]:
    """What is wrong with a dossier event, as the receiver understands the contract (empty when valid)."""
    if not isinstance(event, dict):
        return ["nội dung phải là một đối tượng JSON"]
    problems = []
    if event.get("schema") != SCHEMA:
        problems.append(f"schema phải là {SCHEMA}")
    if event.get("id") != key:
        problems.append("id phải trùng với Idempotency-Key")
    if event.get("type") != "dossier.action":
        problems.append("type phải là dossier.action")
    dossier, action = event.get("dossier"), event.get("action")
    if not isinstance(dossier, dict):
        problems.append("thiếu dossier")
    else:
        for name in ("code", "procedure", "channel", "status"):
            if not isinstance(dossier.get(name), str) or not dossier[name]:
                problems.append(f"thiếu dossier.{name}")
    if not isinstance(action, dict):
        problems.append("thiếu action")
    else:
        seq = action.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            problems.append("action.seq phải là số nguyên dương")
        for name in ("type", "to_status", "actor_role"):
            if not isinstance(action.get(name), str) or not action[name]:
                problems.append(f"thiếu action.{name}")
        try:
            moment = datetime.fromisoformat(action.get("at") or "")
            if moment.tzinfo is None:
                problems.append("action.at phải có múi giờ")
        except (TypeError, ValueError):
            problems.append("action.at phải là thời điểm ISO 8601")
    return problems


class StandinHandler(BaseHTTPRequestHandler):
    server: StandinServer
    protocol_version = "HTTP/1.1"

    # --- plumbing ---------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # one short line per request on stdout
        print(f"webhook-standin: {format % args}", flush=True)

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout) or was killed: nothing to answer to
            self.close_connection = True

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._answer(411, {"reason": "thiếu Content-Length"})
            return None
        if length > MAX_BODY:
            self._answer(413, {"reason": "nội dung quá lớn"})
            self.close_connection = True
            return None
        return self.rfile.read(length)

    # --- control API ------------------------------------------------------------------------------
    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/_standin/received":
            self._answer(200, self.server.state.snapshot())
        else:
            self._answer(405, {"reason": "chỉ nhận POST"})

    def _control(self, body: bytes) -> None:
        state = self.server.state
        if self.path.rstrip("/") == "/_standin/clear":
            with state.lock:
                self.server.state = StandinState(secret=state.secret)
            self._answer(200, {"cleared": True})
            return
        if self.path.rstrip("/") != "/_standin/fail":
            self._answer(404, {"reason": "không có địa chỉ này"})
            return
        try:
            order = json.loads(body or b"{}")
            mode = order.get("mode", "http500")
            if mode == "off":
                failure = None
            elif mode not in FAILURE_MODES:
                raise ValueError(f"mode phải là một trong {sorted(FAILURE_MODES)} hoặc off")
            elif "count" in order:
                failure = Failure(mode, count=int(order["count"]), delay=float(order.get("delay", 30)))
            else:
                until = time.time() + float(order.get("seconds", 3600))
                failure = Failure(mode, until=until, delay=float(order.get("delay", 30)))
        except (ValueError, TypeError, AttributeError) as error:
            self._answer(400, {"reason": f"lệnh không hợp lệ: {error}"})
            return
        with state.lock:
            state.failure = failure
        self._answer(200, {"failure": failure.describe() if failure else None})

    # --- deliveries -------------------------------------------------------------------------------
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
            status, reason = verdict
            with state.lock:
                state.refused.append({"key": key, "status": status, "reason": reason})
            self._answer(status, {"reason": reason})
            return
        with state.lock:
            if key in state.in_flight:
                state.overlaps.append(key)
            state.in_flight[key] = state.in_flight.get(key, 0) + 1
            state.concurrent += 1
            state.max_concurrent = max(state.max_concurrent, state.concurrent)
        try:
            self._deliver(state, body, key)
        finally:
            with state.lock:
                state.concurrent -= 1
                state.in_flight[key] -= 1
                if not state.in_flight[key]:
                    del state.in_flight[key]

    def _validate(self, body: bytes, key: str) -> tuple[int, str] | None:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return 415, "Content-Type phải là application/json"
        if not key:
            return 400, "thiếu tiêu đề Idempotency-Key"
        if len(key) > 200:
            return 400, "Idempotency-Key quá dài"
        if not is_valid(body, self.server.state.secret, self.headers.get(SIGNATURE_HEADER)):
            return 401, f"chữ ký {SIGNATURE_HEADER} không đúng"
        try:
            event = json.loads(body)
        except ValueError:
            return 400, "nội dung không phải JSON"
        problems = event_problems(event, key)
        if problems:
            return 400, "; ".join(problems)
        return None

    def _deliver(self, state: StandinState, body: bytes, key: str) -> None:
        event = json.loads(body)
        digest = hashlib.sha256(body).hexdigest()
        dossier, seq = event["dossier"]["code"], event["action"]["seq"]
        with state.lock:
            failure = state.take_failure()
            if failure is not None and failure.mode != "hold":
                state.failed_on_purpose.append({"key": key, "mode": failure.mode, "at": time.time()})
        if failure is not None and failure.mode != "hold":
            self._fail(failure)
            return
        with state.lock:
            if key in state.body_hash:
                if state.body_hash[key] != digest:
                    state.refused.append({"key": key, "status": 422, "reason": "khóa đã dùng cho nội dung khác"})
                    verdict = (422, {"reason": "Idempotency-Key đã dùng cho một nội dung khác"})
                else:
                    state.duplicates.append(key)
                    verdict = (200, {"status": "duplicate"})
            elif state.last_seq.get(dossier, 0) >= seq:
                reason = f"sai thứ tự: đã nhận action.seq {state.last_seq[dossier]} của hồ sơ {dossier}"
                state.refused.append({"key": key, "status": 409, "reason": reason})
                verdict = (409, {"reason": reason})
            else:
                state.body_hash[key] = digest
                state.last_seq[dossier] = seq
                state.processed.append(
                    {"key": key, "dossier": dossier, "seq": seq, "type": event["action"]["type"], "at": time.time()}
                )
                verdict = (200, {"status": "processed"})
        if failure is not None:  # hold: processed and recorded, the answer comes late (or never)
            self._wait(failure.delay)
        self._answer(*verdict)

    def _wait(self, seconds: float) -> None:
        """Sleep, but stop as soon as the client hangs up (it timed out, or was killed): from then on the
        request is no longer in flight, and a second delivery of its key is a retry, not an overlap."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.05))
            if readable:
                try:
                    hung_up = not self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    hung_up = True
                if hung_up:
                    self.close_connection = True
                    return
                time.sleep(min(left, 0.05))  # the client sent more: not a hang-up, keep waiting

    def _fail(self, failure: Failure) -> None:
        if failure.mode in {"http500", "http503"}:
            self._answer(int(failure.mode[4:]), {"reason": "lỗi giả lập của nơi nhận"})
        elif failure.mode == "timeout":
            self._wait(failure.delay)
            self._answer(504, {"reason": "trả lời muộn (giả lập)"})
        else:  # reset: close the connection with a TCP reset, no answer at all
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], secret: str) -> None:
        super().__init__(address, StandinHandler)
        self.state = StandinState(secret=secret)
