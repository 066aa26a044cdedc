"""What the two stand-in gateways (VNPay, the national payment platform) share: the payer's page, the
server-to-server callback, the state of their transactions and the instruction to fail.

Each stand-in is a real HTTP server in its own process (``motcua vnpay-standin``, ``motcua paygov-standin``),
documented in docs/components/. State lives in memory. The HTTP plumbing (answers, body reading, failing) is the
webhook stand-in's handler, subclassed: every stand-in fails the same way.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

from motcua.integrations.contrib.webhook.standin import Failure, StandinHandler, TakesFailures

#: ``mode`` of ``POST /_standin/fail``: an HTTP failure of the API, or a wrong signature on what it sends.
FAILURE_MODES = {"http500", "http503", "timeout", "reset", "bad_signature", "no_callback"}
CHOICES = ("success", "failure", "cancel")


@dataclass
class Transaction:
    reference: str
    amount_vnd: int
    fields: dict[str, str]  # what the merchant sent when it started the payment
    status: str = "pending"  # pending, success, failure, cancel, refunded
    transaction_no: str = ""
    paid_at: float | None = None
    callbacks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class GatewayState(TakesFailures):
    secret: str
    merchant: str
    callback_url: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    refused: list[dict[str, Any]] = field(default_factory=list)
    queries: int = 0
    next_no: int = 14000000
    failure: Failure | None = None

    def new_number(self) -> str:
        with self.lock:
            self.next_no += 1
            return str(self.next_no)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "transactions": {
                    ref: {
                        "amount_vnd": t.amount_vnd,
                        "status": t.status,
                        "transaction_no": t.transaction_no,
                        "callbacks": list(t.callbacks),
                        "fields": dict(t.fields),
                    }
                    for ref, t in self.transactions.items()
                },
                "refused": list(self.refused),
                "queries": self.queries,
                "failure": self.failure.describe() if self.failure else None,
            }


def parse_failure(body: bytes) -> Failure | None:
    order = json.loads(body or b"{}")
    mode = order.get("mode", "http500")
    if mode == "off":
        return None
    if mode not in FAILURE_MODES:
        raise ValueError(f"mode phải là một trong {sorted(FAILURE_MODES)} hoặc off")
    if "count" in order:
        return Failure(mode, count=int(order["count"]), delay=float(order.get("delay", 30)))
    return Failure(mode, until=time.time() + float(order.get("seconds", 3600)), delay=float(order.get("delay", 30)))


def payer_page(title: str, reference: str, amount_vnd: int, order_info: str, action: str) -> bytes:
    """The gateway's page: the payer chooses success, failure or cancel (a form POST)."""
    buttons = "".join(
        f'<button type="submit" name="choice" value="{c}">{label}</button> '
        for c, label in (("success", "Thanh toán thành công"), ("failure", "Thanh toán lỗi"), ("cancel", "Hủy"))
    )
    page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body><h1>{html.escape(title)} (giả lập)</h1>
<p>Mã giao dịch: <b id="reference">{html.escape(reference)}</b></p>
<p>Số tiền: <b id="amount">{amount_vnd:,} đ</b></p><p>{html.escape(order_info)}</p>
<form method="post" action="{html.escape(action)}">{buttons}</form></body></html>"""
    return page.encode()


class PaymentStandinHandler(StandinHandler):
    """The plumbing: control routes, the HTML page, form bodies."""

    server: Any
    name = "payment-standin"

    def log_message(self, format: str, *args: Any) -> None:
        if not getattr(self.server, "quiet", False):  # a bench sets it: thousands of lines say nothing
            print(f"{self.name}: {format % args}", flush=True)

    def _html(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _form(self, body: bytes) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}

    def _control(self, body: bytes) -> bool:
        """The control API under ``/_standin/``; ``True`` when the request was one of it."""
        state: GatewayState = self.server.state
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/_standin/fail":
            try:
                failure = parse_failure(body)
            except (ValueError, TypeError, AttributeError) as error:
                self._answer(400, {"reason": f"lệnh không hợp lệ: {error}"})
                return True
            with state.lock:
                state.failure = failure
            self._answer(200, {"failure": failure.describe() if failure else None})
            return True
        if path == "/_standin/clear":
            with state.lock:
                state.transactions.clear()
                state.refused.clear()
                state.failure = None
                state.queries = 0
            self._answer(200, {"cleared": True})
            return True
        if path == "/_standin/settle":  # what the payer's click does, for scripts: {reference, choice}
            try:
                order = json.loads(body or b"{}")
                reference, choice = str(order["reference"]), str(order.get("choice", "success"))
            except (ValueError, KeyError, TypeError) as error:
                self._answer(400, {"reason": f"lệnh không hợp lệ: {error}"})
                return True
            outcome = self.server.settle(reference, choice, callback=bool(order.get("callback", True)))
            self._answer(200 if outcome else 404, outcome or {"reason": "không có giao dịch"})
            return True
        if path == "/_standin/seed":  # transactions the gateway "already has" (the reconciliation bench)
            order = json.loads(body or b"[]")
            for row in order:
                self.server.seed(str(row["reference"]), int(row["amount_vnd"]), str(row.get("status", "success")))
            self._answer(200, {"seeded": len(order)})
            return True
        return False

    def _take_failure(self) -> Failure | None:
        state: GatewayState = self.server.state
        with state.lock:
            return state.take_failure()


def post_callback(
    method: str, url: str, data: Mapping[str, str] | dict[str, Any], timeout: float = 10
) -> dict[str, Any]:
    """The server-to-server call to the merchant: VNPay's IPN is a GET with the parameters, the national
    platform's result a JSON POST. Returns what the merchant answered, for the log."""
    try:
        if method == "GET":
            response = httpx.get(url, params=dict(data), timeout=timeout)
        else:
            response = httpx.post(url, json=data, timeout=timeout)
        try:
            answer: Any = response.json()
        except ValueError:
            answer = response.text[:500]
        return {"status": response.status_code, "answer": answer, "at": time.time()}
    except httpx.HTTPError as error:
        return {"status": None, "answer": f"{type(error).__name__}: {error}", "at": time.time()}
