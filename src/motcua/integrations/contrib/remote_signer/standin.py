"""A stand-in remote signing service: hash in, signature out once the official confirms (``motcua.remote-sign/1``).

Documented in docs/components/remote-signer-standin.md. It holds the agencies' keys (the demo PKI's PKCS#12 files)
as a remote signing service (a CA's "ký số từ xa") holds its subscribers' keys, and never sees the document: only
the SHA-256 of the CMS signed attributes. A request waits until the official confirms or rejects it — in the
official's "app", which here is the page ``GET /_standin/`` (a button per request) or ``POST
/_standin/confirm/<id>`` / ``/_standin/reject/<id>`` — or at once with ``--auto-confirm``. It checks the bearer
token, the agency, the hash (base64 of 32 bytes), the algorithm, the reference (one request per reference and hash:
a repeat answers the same request), and fails on request (``POST /_standin/fail``). State lives in memory.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import pkcs12

from motcua.integrations.contrib.webhook.standin import Failure, TakesFailures
from motcua.signatures.pki import file_name_for

MAX_BODY = 64 * 1024
FAILURE_MODES = {"http500", "http503", "timeout"}


@dataclass
class Pending:
    id: str
    agency: str
    digest: bytes
    reference: str
    description: str
    status: str = "pending"  # pending | confirmed | rejected | expired
    signature: bytes = b""
    created: float = field(default_factory=time.time)
    #: the official's decision made in advance (``/_standin/auto`` with a delay), taken once ``decide_at`` passes
    decision: str = ""
    decide_at: float = 0.0

    def public(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"id": self.id, "status": self.status, "agency": self.agency}
        if self.signature:
            answer["signature"] = base64.b64encode(self.signature).decode()
        return answer


@dataclass
class SignerState(TakesFailures):
    token: str
    auto: str  # "" (wait for the official), "confirm", "reject" or "expire"
    auto_delay: float = 0.0  # seconds after the request that the automatic decision is taken
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: dict[str, Pending] = field(default_factory=dict)
    by_reference: dict[tuple[str, bytes], str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)  # the reference of every POST /v1/signatures, repeats included
    failed_on_purpose: list[str] = field(default_factory=list)
    failure: Failure | None = None


class Keys:
    """The agencies' keys and certificates, from ``<dir>/agencies/<identifier>.p12`` (password
    ``<dir>/p12_password``), read when first asked for (the demo makes them in the background)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.password = (directory / "p12_password").read_bytes().strip()
        self._loaded: dict[str, tuple[RSAPrivateKey, bytes, list[bytes]]] = {}
        self._lock = threading.Lock()

    def get(self, agency: str) -> tuple[RSAPrivateKey, bytes, list[bytes]] | None:
        with self._lock:
            if agency in self._loaded:
                return self._loaded[agency]
            path = self.directory / "agencies" / file_name_for(agency)
            if not path.is_file():
                return None
            key, certificate, extra = pkcs12.load_key_and_certificates(path.read_bytes(), self.password)
            if not isinstance(key, RSAPrivateKey) or certificate is None:
                return None
            pem = certificate.public_bytes(serialization.Encoding.PEM)
            chain = [c.public_bytes(serialization.Encoding.PEM) for c in extra or []]
            self._loaded[agency] = (key, pem, chain)
            return self._loaded[agency]


class SignerHandler(BaseHTTPRequestHandler):
    server: SignerServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        print(f"remote-signer-standin: {format % args}", flush=True)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _read(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", "0") or 0)
        except ValueError:
            self._json(411, {"reason": "thiếu Content-Length"})
            return None
        if length > MAX_BODY:
            self.close_connection = True
            self._json(413, {"reason": "yêu cầu quá lớn"})
            return None
        return self.rfile.read(length)

    def _authorised(self) -> bool:
        if secrets.compare_digest(self.headers.get("Authorization", ""), f"Bearer {self.server.state.token}"):
            return True
        self._json(401, {"reason": "khóa truy cập không đúng"})
        return False

    def _failing(self) -> bool:
        state = self.server.state
        with state.lock:
            failure = state.take_failure()
            if failure is not None:
                state.failed_on_purpose.append(failure.mode)
        if failure is None:
            return False
        if failure.mode == "timeout":
            time.sleep(failure.delay)
        self._json(503 if failure.mode == "http503" else 500, {"reason": "lỗi giả lập"})
        return True

    # --- the official's app -----------------------------------------------------------------------
    def _app_page(self) -> None:
        state = self.server.state
        with state.lock:
            rows = [r for r in state.requests.values() if r.status == "pending"]
        items = "".join(
            f"<li><strong>{html.escape(r.agency)}</strong>: {html.escape(r.description)} "
            f'<form method="post" action="/_standin/confirm/{r.id}" style="display:inline">'
            f'<button aria-label="Xác nhận ký {r.id}">Xác nhận ký</button></form> '
            f'<form method="post" action="/_standin/reject/{r.id}" style="display:inline">'
            f'<button aria-label="Từ chối {r.id}">Từ chối</button></form></li>'
            for r in rows
        )
        page = (
            '<!doctype html><html lang="vi"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Ứng dụng ký số từ xa (giả lập)</title><h1>Yêu cầu ký đang chờ xác nhận</h1>"
            f"<ul>{items or '<li>Không có yêu cầu nào.</li>'}</ul></html>"
        )
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _decide(self, request_id: str, decision: str) -> None:
        state = self.server.state
        with state.lock:
            pending = state.requests.get(request_id)
            if pending is None:
                self._json(404, {"reason": "không có yêu cầu này"})
                return
            if pending.status != "pending":
                self._json(409, {"reason": f"yêu cầu đã {pending.status}"})
                return
            self._settle(pending, decision)
        self._json(200, pending.public())

    def _settle(self, pending: Pending, decision: str) -> None:
        if decision == "confirm":
            found = self.server.keys.get(pending.agency)
            assert found is not None  # checked when the request came in
            key = found[0]
            pending.signature = key.sign(pending.digest, PKCS1v15(), Prehashed(hashes.SHA256()))
            pending.status = "confirmed"
        else:
            pending.status = {"reject": "rejected", "expire": "expired"}[decision]

    # --- routes -----------------------------------------------------------------------------------
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/_standin":
            self._app_page()
            return
        if path == "/_standin/received":
            state = self.server.state
            with state.lock:
                self._json(
                    200,
                    {
                        "requests": [r.public() for r in state.requests.values()],
                        "refused": list(state.refused),
                        "orders": list(state.orders),
                        "failed_on_purpose": list(state.failed_on_purpose),
                    },
                )
            return
        if not self._authorised() or self._failing():
            return
        if path.startswith("/v1/certificates/"):
            agency = path.removeprefix("/v1/certificates/")
            found = self.server.keys.get(agency)
            if found is None:
                self._json(404, {"reason": "không có chứng thư của cơ quan này"})
                return
            self._json(200, {"certificate": found[1].decode(), "chain": [c.decode() for c in found[2]]})
            return
        if path.startswith("/v1/signatures/"):
            with self.server.state.lock:
                pending = self.server.state.requests.get(path.removeprefix("/v1/signatures/"))
                due = pending is not None and pending.status == "pending" and pending.decision != ""
                if due and time.time() >= pending.decide_at:  # type: ignore[union-attr]
                    self._settle(pending, pending.decision)  # type: ignore[arg-type]
                answer = pending.public() if pending is not None else None
            if answer is None:
                self._json(404, {"reason": "không có yêu cầu này"})
            else:
                self._json(200, answer)
            return
        self._json(404, {"reason": "không có địa chỉ này"})

    def do_POST(self) -> None:
        body = self._read()
        if body is None:
            return
        path = self.path.rstrip("/")
        if path.startswith("/_standin/"):
            self._control(path, body)
            return
        if not self._authorised() or self._failing():
            return
        if path != "/v1/signatures":
            self._json(404, {"reason": "không có địa chỉ này"})
            return
        problem, order = _order_problem(body, self.server.keys)
        state = self.server.state
        if problem:
            with state.lock:
                state.refused.append(problem)
            self._json(400, {"reason": problem})
            return
        with state.lock:
            state.orders.append(order["reference"])
            known = state.by_reference.get((order["reference"], order["digest"]))
            if known is not None:
                self._json(200, state.requests[known].public())
                return
            pending = Pending(
                secrets.token_hex(8), order["agency"], order["digest"], order["reference"], order["description"]
            )
            state.requests[pending.id] = pending
            state.by_reference[(pending.reference, pending.digest)] = pending.id
            if state.auto and state.auto_delay <= 0:
                self._settle(pending, state.auto)
            elif state.auto:
                pending.decision, pending.decide_at = state.auto, pending.created + state.auto_delay
        self._json(201, pending.public())

    def _control(self, path: str, body: bytes) -> None:
        for decision in ("confirm", "reject"):
            if path.startswith(f"/_standin/{decision}/"):
                self._decide(path.removeprefix(f"/_standin/{decision}/"), decision)
                return
        state = self.server.state
        try:
            order = json.loads(body or b"{}")
            if path == "/_standin/auto":
                auto = order.get("mode", "")
                if auto not in {"", "confirm", "reject", "expire"}:
                    raise ValueError("mode phải là confirm, reject, expire hoặc rỗng")
                delay = float(order.get("delay", 0))
                if not 0 <= delay <= 86400:
                    raise ValueError("delay phải trong khoảng 0–86400 giây")
                with state.lock:
                    state.auto, state.auto_delay = auto, delay
                self._json(200, {"auto": auto, "delay": delay})
                return
            if path != "/_standin/fail":
                self._json(404, {"reason": "không có địa chỉ này"})
                return
            mode = order.get("mode", "http500")
            if mode == "off":
                failure = None
            elif mode not in FAILURE_MODES:
                raise ValueError(f"mode phải là một trong {sorted(FAILURE_MODES)} hoặc off")
            else:
                failure = Failure(mode, count=int(order.get("count", 1)), delay=float(order.get("delay", 30)))
        except (ValueError, TypeError, AttributeError) as error:
            self._json(400, {"reason": f"lệnh không hợp lệ: {error}"})
            return
        with state.lock:
            state.failure = failure
        self._json(200, {"failure": failure.describe() if failure else None})


def _order_problem(body: bytes, keys: Keys) -> tuple[str, dict[str, Any]]:
    try:
        order = json.loads(body)
    except ValueError:
        return "nội dung không phải JSON", {}
    if not isinstance(order, dict):
        return "nội dung phải là một đối tượng JSON", {}
    unknown = set(order) - {"agency", "hash", "hash_algorithm", "reference", "description"}
    if unknown:
        return f"trường không hiểu: {', '.join(sorted(unknown))}", {}
    if not isinstance(order.get("agency"), str) or keys.get(order["agency"]) is None:
        return "không có khóa của cơ quan này", {}
    if order.get("hash_algorithm") != "sha256":
        return "hash_algorithm phải là sha256", {}
    try:
        digest = base64.b64decode(str(order.get("hash", "")), validate=True)
    except (binascii.Error, ValueError):
        return "hash phải là base64", {}
    if len(digest) != 32:
        return "hash phải là 32 byte (SHA-256)", {}
    reference = order.get("reference")
    if not isinstance(reference, str) or not 0 < len(reference) <= 200:
        return "reference phải là chuỗi 1–200 ký tự", {}
    description = order.get("description", "")
    if not isinstance(description, str) or len(description) > 500:
        return "description quá dài", {}
    return "", {"agency": order["agency"], "digest": digest, "reference": reference, "description": description}


class SignerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pki_dir: Path, *, token: str, auto: str = "") -> None:
        self.keys = Keys(pki_dir)
        self.state = SignerState(token=token, auto=auto)
        super().__init__(address, SignerHandler)


def serve_in_thread(pki_dir: Path, *, token: str, auto: str = "") -> tuple[SignerServer, str]:
    server = SignerServer(("127.0.0.1", 0), pki_dir, token=token, auto=auto)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
