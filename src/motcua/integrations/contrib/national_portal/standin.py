"""A stand-in National Public Service Portal: a real HTTP server speaking RULES.md §10, strict about what it takes.

Documented in docs/components/national-portal-standin.md. ``POST /auth`` logs in (JSON ``{username, password}``,
header ``dstcode``) and gives a session that expires (``--session-seconds``, or at once on request);
``POST /service`` serves ``DongBoHoSoMC``, ``CapNhatTienDoHoSoMC``, ``TraCuuHoSo`` and ``DongBoDanhGia``,
validating every record and row (``standin_checks``). A call is taken whole or refused whole (reading):

- error_code 0: OK; 401: session missing, unknown or expired; 2: a record or row is invalid (the message says
  which); 3: create (``isUpdating: "False"``) of a dossier it already has; 4: update of, or progress for, a
  dossier it does not have; 1: login refused; 99: a failure ordered through the control API.

It keeps what it got (``GET /_standin/received``, ``?summary=1`` for counts only, ``GET /_standin/dossiers/<code>``),
counts duplicates (an update identical to what it holds, a progress row identical to one it holds: kept once),
and fails when told (``POST /_standin/fail``). State lives in memory.
"""

from __future__ import annotations

import json
import secrets
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from motcua.integrations.contrib.national_portal.standin_checks import progress_problems, record_problems

MAX_BODY = 32 * 1024 * 1024
FAILURE_MODES = {"http500", "http503", "timeout", "reset", "hold", "error", "session"}
SERVICES = {"DongBoHoSoMC", "CapNhatTienDoHoSoMC", "TraCuuHoSo", "DongBoDanhGia"}
MAX_LOGGED = 1000  # refusals and failures kept (the counts are complete)


@dataclass
class Failure:
    """Fail the next ``count`` requests of ``scope`` (service, login, all), or every one until ``until``."""

    mode: str
    count: int | None = None
    until: float | None = None
    delay: float = 30.0
    scope: str = "service"
    error_code: int = 99
    message: str = "lỗi giả lập của Cổng"

    def applies(self, now: float, scope: str) -> bool:
        if self.scope not in ("all", scope):
            return False
        if self.count is not None:
            return self.count > 0
        return self.until is not None and now < self.until

    def describe(self) -> dict[str, Any]:
        left = None if self.until is None else max(0.0, self.until - time.time())
        return {"mode": self.mode, "count": self.count, "seconds_left": left, "scope": self.scope}


@dataclass
class Held:
    """What the portal holds of one dossier."""

    agency: str
    record: dict[str, Any]
    versions: int = 1
    progress: list[dict[str, Any]] = field(default_factory=list)
    progress_ids: set[str] = field(default_factory=set)


def identity(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


@dataclass
class PortalState:
    username: str
    password: str
    dstcode: str
    session_seconds: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: dict[str, float] = field(default_factory=dict)
    dossiers: dict[str, Held] = field(default_factory=dict)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    refused: list[dict[str, Any]] = field(default_factory=list)
    failure: Failure | None = None

    def take_failure(self, scope: str) -> Failure | None:
        if self.failure is None:
            return None
        if not self.failure.applies(time.time(), scope):
            if self.failure.count == 0 or (self.failure.until is not None and time.time() >= self.failure.until):
                self.failure = None
            return None
        if self.failure.count is not None:
            self.failure.count -= 1
        self.counts["failed_on_purpose"] += 1
        return self.failure

    def refuse(self, service: str, code: int, message: str) -> dict[str, Any]:
        self.counts[f"refused:{code}"] += 1
        if len(self.refused) < MAX_LOGGED:
            self.refused.append({"service": service, "error_code": code, "message": message, "at": time.time()})
        return {"error_code": code, "message": message}

    def summary(self) -> dict[str, Any]:
        return {
            "dossiers": len(self.dossiers),
            "progress_rows": sum(len(h.progress) for h in self.dossiers.values()),
            "counts": dict(self.counts),
            "refused": list(self.refused),
            "sessions": len(self.sessions),
            "failure": self.failure.describe() if self.failure else None,
        }

    def snapshot(self) -> dict[str, Any]:
        data = self.summary()
        data["held"] = {code: _held_view(h) for code, h in self.dossiers.items()}
        data["ratings"] = list(self.ratings)
        return data


def _held_view(held: Held) -> dict[str, Any]:
    return {"agency": held.agency, "record": held.record, "versions": held.versions, "progress": held.progress}


# --- the services: each takes the call's body (under the state's lock) and returns the answer -------------
def sync_dossiers(state: PortalState, agency: str, body: dict[str, Any]) -> dict[str, Any]:
    service = "DongBoHoSoMC"
    updating = body.get("isUpdating")
    data = body.get("data")
    if updating not in ("True", "False"):
        return state.refuse(service, 2, 'isUpdating phải là "True" hoặc "False"')
    if not isinstance(data, list) or not data:
        return state.refuse(service, 2, "data phải là danh sách hồ sơ, không rỗng")
    for record in data:
        problems = record_problems(record)
        if problems:
            return state.refuse(
                service, 2, f"hồ sơ {record.get('MaHoSo') if isinstance(record, dict) else '?'}: " + "; ".join(problems)
            )
        code = record["MaHoSo"]
        if updating == "False" and code in state.dossiers:
            return state.refuse(service, 3, f"Hồ sơ {code} đã tồn tại")
        if updating == "True" and code not in state.dossiers:
            return state.refuse(service, 4, f"Hồ sơ {code} không tồn tại")
    for record in data:
        code = record["MaHoSo"]
        held = state.dossiers.get(code)
        if held is None:
            state.dossiers[code] = Held(agency, record)
            state.counts["created"] += 1
        elif held.record == record:
            state.counts["duplicate_records"] += 1
        else:
            held.record, held.versions = record, held.versions + 1
            state.counts["updated"] += 1
    return {"error_code": 0, "message": "Thành công", "result": {"count": len(data)}}


def send_progress(state: PortalState, agency: str, body: dict[str, Any]) -> dict[str, Any]:
    service = "CapNhatTienDoHoSoMC"
    data = body.get("data")
    if not isinstance(data, list) or not data:
        return state.refuse(service, 2, "data phải là danh sách tiến độ, không rỗng")
    for row in data:
        problems = progress_problems(row)
        if problems:
            return state.refuse(
                service, 2, f"tiến độ {row.get('MaHoSo') if isinstance(row, dict) else '?'}: " + "; ".join(problems)
            )
        if row["MaHoSo"] not in state.dossiers:
            return state.refuse(service, 4, f"Hồ sơ {row['MaHoSo']} không tồn tại")
    state.counts["largest_progress_call"] = max(state.counts["largest_progress_call"], len(data))
    for row in data:
        held = state.dossiers[row["MaHoSo"]]
        key = identity(row)
        if key in held.progress_ids:
            state.counts["duplicate_progress"] += 1
            continue
        held.progress_ids.add(key)
        held.progress.append(row)
        state.counts["progress"] += 1
    return {"error_code": 0, "message": "Thành công", "result": {"count": len(data)}}


def look_up(state: PortalState, agency: str, body: dict[str, Any]) -> dict[str, Any]:
    code = body.get("mahoso")
    if not isinstance(code, str) or not code:
        return state.refuse("TraCuuHoSo", 2, "thiếu mahoso")
    held = state.dossiers.get(code)
    result = {"exists": held is not None, "TrangThaiHoSo": held.record["TrangThaiHoSo"] if held else None}
    return {"error_code": 0, "message": "Thành công", "result": result}


def ratings(state: PortalState, agency: str, body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("data"), list):
        return state.refuse("DongBoDanhGia", 2, "data phải là danh sách")
    state.ratings.extend({"madonvi": agency, **row} for row in body["data"] if isinstance(row, dict))
    return {"error_code": 0, "message": "Thành công"}


HANDLERS = {
    "DongBoHoSoMC": sync_dossiers,
    "CapNhatTienDoHoSoMC": send_progress,
    "TraCuuHoSo": look_up,
    "DongBoDanhGia": ratings,
}


class PortalHandler(BaseHTTPRequestHandler):
    server: PortalServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            print(f"national-portal-standin: {format % args}", flush=True)

    def setup(self) -> None:
        super().setup()
        # no Nagle: an answer is written as headers then body, and a client that delays its ACK would make every
        # call on a kept-alive connection wait ~40 ms for it
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _json(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return None
        if length > MAX_BODY:
            self.close_connection = True
            return None
        try:
            return json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            return None

    # --- inspection and control --------------------------------------------------------------------
    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        state = self.server.state
        with state.lock:
            if parts.path.rstrip("/") == "/_standin/received":
                summary = parse_qs(parts.query).get("summary") == ["1"]
                self._answer(200, state.summary() if summary else state.snapshot())
            elif parts.path.startswith("/_standin/dossiers/"):
                held = state.dossiers.get(parts.path.removeprefix("/_standin/dossiers/").strip("/"))
                self._answer(200, _held_view(held)) if held else self._answer(404, {"message": "không có hồ sơ này"})
            else:
                self._answer(405, {"message": "chỉ nhận POST"})

    def _control(self, order: Any) -> None:
        state = self.server.state
        path = self.path.rstrip("/")
        if not isinstance(order, dict):
            order = {}
        with state.lock:
            if path == "/_standin/clear":
                state.sessions.clear()
                state.dossiers.clear()
                state.ratings.clear()
                state.counts.clear()
                state.refused.clear()
                state.failure = None
                self._answer(200, {"cleared": True})
            elif path == "/_standin/sessions/expire":
                state.sessions.clear()
                if "seconds" in order:
                    state.session_seconds = float(order["seconds"])
                self._answer(200, {"expired": True, "session_seconds": state.session_seconds})
            elif path == "/_standin/fail":
                try:
                    state.failure = _failure(order)
                except (ValueError, TypeError) as error:
                    self._answer(400, {"message": f"lệnh không hợp lệ: {error}"})
                    return
                self._answer(200, {"failure": state.failure.describe() if state.failure else None})
            else:
                self._answer(404, {"message": "không có địa chỉ này"})

    # --- the protocol ---------------------------------------------------------------------------------
    def do_POST(self) -> None:
        body = self._json()
        path = urlsplit(self.path).path.rstrip("/")
        if path.startswith("/_standin/"):
            self._control(body)
            return
        if path not in ("/auth", "/service"):
            self._answer(404, {"error_code": 404, "message": "không có địa chỉ này"})
            return
        state = self.server.state
        scope = "login" if path == "/auth" else "service"
        with state.lock:
            failure = state.take_failure(scope)
        if failure is not None and failure.mode != "hold":
            self._fail(failure)
            return
        with state.lock:
            state.counts[f"calls:{scope}"] += 1
            answer = self._login(body) if scope == "login" else self._serve(body)
        if failure is not None:  # hold: done and recorded, the answer comes late (or never)
            time.sleep(failure.delay)
        self._answer(200, answer)

    def _login(self, body: Any) -> dict[str, Any]:
        state = self.server.state
        if self.headers.get("dstcode", "") != state.dstcode:
            return state.refuse("login", 1, "dstcode không đúng")
        if not isinstance(body, dict) or (body.get("username"), body.get("password")) != (
            state.username,
            state.password,
        ):
            return state.refuse("login", 1, "Sai tên đăng nhập hoặc mật khẩu")
        session = secrets.token_hex(16)
        state.sessions[session] = time.time() + state.session_seconds
        state.counts["logins"] += 1
        return {"error_code": 0, "session": session, "message": "Thành công"}

    def _serve(self, body: Any) -> dict[str, Any]:
        state = self.server.state
        if not isinstance(body, dict):
            return state.refuse("?", 2, "nội dung phải là đối tượng JSON")
        service = body.get("service")
        if self.headers.get("dstcode", "") != state.dstcode:
            return state.refuse(str(service), 401, "dstcode không đúng")
        expires = state.sessions.get(str(body.get("session")))
        if expires is None or expires < time.time():
            state.sessions.pop(str(body.get("session")), None)
            return state.refuse(str(service), 401, "Phiên làm việc không hợp lệ hoặc đã hết hạn (session)")
        if service not in SERVICES:
            return state.refuse(str(service), 2, f"không có dịch vụ {service}")
        agency = body.get("madonvi")
        if not isinstance(agency, str) or not agency:
            return state.refuse(service, 2, "thiếu madonvi")
        state.counts[f"service:{service}"] += 1
        return HANDLERS[service](state, agency, body)

    def _fail(self, failure: Failure) -> None:
        if failure.mode in {"http500", "http503"}:
            self._answer(int(failure.mode[4:]), {"message": "lỗi giả lập"})
        elif failure.mode == "timeout":
            time.sleep(failure.delay)
            self._answer(504, {"message": "trả lời muộn (giả lập)"})
        elif failure.mode == "error":
            self._answer(200, {"error_code": failure.error_code, "message": failure.message})
        elif failure.mode == "session":
            self._answer(200, {"error_code": 401, "message": "Phiên làm việc không hợp lệ (session, giả lập)"})
        else:  # reset: a TCP reset, no answer at all
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True


def _failure(order: dict[str, Any]) -> Failure | None:
    mode = order.get("mode", "http503")
    if mode == "off":
        return None
    if mode not in FAILURE_MODES:
        raise ValueError(f"mode phải là một trong {sorted(FAILURE_MODES)} hoặc off")
    scope = order.get("scope", "service")
    if scope not in ("service", "login", "all"):
        raise ValueError("scope phải là service, login hoặc all")
    extra = {
        "delay": float(order.get("delay", 30)),
        "scope": scope,
        "error_code": int(order.get("error_code", 99)),
        "message": str(order.get("message", "lỗi giả lập của Cổng")),
    }
    if "count" in order:
        return Failure(mode, count=int(order["count"]), **extra)
    return Failure(mode, until=time.time() + float(order.get("seconds", 3600)), **extra)


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: PortalState, *, verbose: bool = False) -> None:
        super().__init__(address, PortalHandler)
        self.state = state
        self.verbose = verbose
