"""A stand-in timestamp authority: RFC 3161 over HTTP (RFC 3161 §3.4), signing with the demo PKI's TSA key.

Documented in docs/components/tsa-standin.md. ``POST /`` takes a DER ``TimeStampReq`` with
``Content-Type: application/timestamp-query`` and answers a DER ``TimeStampResp`` as
``application/timestamp-reply``. It checks what a strict authority checks: the content type, the DER, version 1,
a known hash algorithm whose digest has the right length, no unknown critical extension — and answers
``rejection`` with ``failInfo`` (``badAlg``, ``badRequest``, ``badDataFormat``, ``unacceptedExtension``) otherwise.
The token itself is built by pyHanko's ``DummyTimeStamper`` (a real signed ``TSTInfo``, the request's nonce
echoed). It keeps counts (``GET /_standin/received``) and fails on request (``POST /_standin/fail`` with
``{"mode": "http500" | "reject" | "garbage" | "timeout" | "off", "count": N}`` or ``"seconds": S``). State in memory.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import keys, tsp, x509
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from motcua.integrations.contrib.webhook.standin import Failure, TakesFailures

MAX_BODY = 64 * 1024
FAILURE_MODES = {"http500", "reject", "garbage", "timeout"}
DIGEST_LENGTHS = {"sha256": 32, "sha384": 48, "sha512": 64, "sha3_256": 32, "sha3_512": 64}


@dataclass
class TsaState(TakesFailures):
    lock: threading.Lock = field(default_factory=threading.Lock)
    granted: int = 0
    rejected: list[str] = field(default_factory=list)
    failed_on_purpose: list[str] = field(default_factory=list)
    failure: Failure | None = None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "granted": self.granted,
                "rejected": list(self.rejected),
                "failed_on_purpose": list(self.failed_on_purpose),
                "failure": self.failure.describe() if self.failure else None,
            }


def request_problem(body: bytes) -> tuple[str, str] | None:
    """``(failInfo, reason)`` when the request is not one this authority grants, else ``None``."""
    try:
        request = tsp.TimeStampReq.load(body)
        native = request.native
    except (ValueError, TypeError):
        return "bad_data_format", "not a DER TimeStampReq"
    if native["version"] != "v1":
        return "bad_request", "version must be 1"
    imprint = native["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"]
    if algorithm not in DIGEST_LENGTHS:
        return "bad_alg", f"hash algorithm {algorithm} not accepted"
    if len(imprint["hashed_message"]) != DIGEST_LENGTHS[algorithm]:
        return "bad_data_format", "digest length does not match its algorithm"
    for extension in native.get("extensions") or []:
        if extension.get("critical"):
            return "unaccepted_extension", "critical extension not understood"
    return None


def _rejection(fail_info: str, reason: str) -> bytes:
    status = tsp.PKIStatusInfo(
        {"status": "rejection", "status_string": [reason], "fail_info": tsp.PKIFailureInfo({fail_info})}
    )
    # asn1crypto's TimeStampResp insists on a token; a refusal carries none (RFC 3161 §2.4.2): DER by hand
    inner = status.dump()
    return b"\x30" + _der_length(len(inner)) + inner


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


class TsaHandler(BaseHTTPRequestHandler):
    server: TsaServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        print(f"tsa-standin: {format % args}", flush=True)

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

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/_standin/received":
            self._json(200, self.server.state.snapshot())
        else:
            self._json(405, {"reason": "chỉ nhận POST application/timestamp-query"})

    def _read(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._json(411, {"reason": "thiếu Content-Length"})
            return None
        if length > MAX_BODY:
            self.close_connection = True
            self._json(413, {"reason": "yêu cầu quá lớn"})
            return None
        return self.rfile.read(length)

    def _control(self, body: bytes) -> None:
        state = self.server.state
        if self.path.rstrip("/") == "/_standin/clear":
            self.server.state = TsaState()
            self._json(200, {"cleared": True})
            return
        if self.path.rstrip("/") != "/_standin/fail":
            self._json(404, {"reason": "không có địa chỉ này"})
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
                failure = Failure(mode, until=time.time() + float(order.get("seconds", 3600)))
        except (ValueError, TypeError, AttributeError) as error:
            self._json(400, {"reason": f"lệnh không hợp lệ: {error}"})
            return
        with state.lock:
            state.failure = failure
        self._json(200, {"failure": failure.describe() if failure else None})

    def do_POST(self) -> None:
        body = self._read()
        if body is None:
            return
        if self.path.startswith("/_standin/"):
            self._control(body)
            return
        state = self.server.state
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/timestamp-query":
            self._json(415, {"reason": "Content-Type phải là application/timestamp-query"})
            return
        with state.lock:
            failure = state.take_failure()
            if failure is not None:
                state.failed_on_purpose.append(failure.mode)
        if failure is not None:
            if failure.mode == "http500":
                self._json(500, {"reason": "lỗi giả lập"})
            elif failure.mode == "reject":
                self._send(200, _rejection("system_failure", "stand-in told to refuse"), "application/timestamp-reply")
            elif failure.mode == "garbage":
                self._send(200, b"\x30\x03garbage", "application/timestamp-reply")
            else:  # timeout: hold the answer
                time.sleep(failure.delay)
                self._json(504, {"reason": "quá thời gian (giả lập)"})
            return
        problem = request_problem(body)
        if problem is not None:
            with state.lock:
                state.rejected.append(problem[1])
            self._send(200, _rejection(*problem), "application/timestamp-reply")
            return
        answer = self.server.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        with state.lock:
            state.granted += 1
        self._send(200, answer, "application/timestamp-reply")


class TsaServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pki_dir: Path, *, fixed_time: datetime | None = None) -> None:
        certificate = x509.Certificate.load(_der((pki_dir / "tsa.pem").read_bytes()))
        key = keys.PrivateKeyInfo.load(_der((pki_dir / "tsa.key").read_bytes()))
        ca = x509.Certificate.load(_der((pki_dir / "ca.pem").read_bytes()))
        self.stamper = DummyTimeStamper(
            tsa_cert=certificate,
            tsa_key=key,
            certs_to_embed=[ca],
            fixed_dt=fixed_time.astimezone(UTC) if fixed_time else None,
        )
        self.state = TsaState()
        super().__init__(address, TsaHandler)


def _der(pem_or_der: bytes) -> bytes:
    from asn1crypto import pem

    if pem.detect(pem_or_der):
        return pem.unarmor(pem_or_der)[2]
    return pem_or_der


def serve_in_thread(pki_dir: Path, *, fixed_time: datetime | None = None) -> tuple[TsaServer, str]:
    """Start a stand-in on an ephemeral port in a daemon thread (tests, benches); returns it and its URL."""
    server = TsaServer(("127.0.0.1", 0), pki_dir, fixed_time=fixed_time)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
