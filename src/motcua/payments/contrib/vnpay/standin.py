"""A stand-in VNPay gateway (API 2.1.0, RULES.md §12): the payment page, the IPN, querydr and refund.

Documented in docs/components/vnpay-standin.md. It checks what a merchant sends as the real gateway does —
``vnp_SecureHash`` (HMAC-SHA512 over the sorted, form-urlencoded ``vnp_*`` parameters), the terminal code, the
version and command, the amount (VND × 100), the dates, ``vnp_OrderInfo``'s characters — and refuses the rest
with a page naming each problem. The payer chooses success, failure or cancel; the stand-in then calls the
merchant's IPN URL **server to server with GET**, signed exactly as VNPay signs it, and sends the browser to
``vnp_ReturnUrl`` with the same parameters. ``POST /merchant_webapi/api/transaction`` answers ``querydr`` and
``refund``, each checked and signed over its ``|``-joined fields. ``/_standin/…`` controls it (see the doc).
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from motcua.payments.contrib.standin import (
    CHOICES,
    GatewayState,
    PaymentStandinHandler,
    Transaction,
    payer_page,
    post_callback,
)
from motcua.rules import vnpay

PAY_PATH = "/paymentv2/vpcpay.html"
API_PATH = "/merchant_webapi/api/transaction"
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CreateDate",
    "vnp_CurrCode",
    "vnp_IpAddr",
    "vnp_Locale",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_ReturnUrl",
    "vnp_TxnRef",
    "vnp_ExpireDate",
)
_ORDER_INFO = re.compile(r"^[A-Za-z0-9 .\-_:]+$")
_CODES = {"success": ("00", "00"), "failure": ("51", "02"), "cancel": ("24", "02")}


def payment_problems(params: dict[str, str], merchant: str, secret: str) -> list[str]:
    """What is wrong with a payment URL's parameters (empty when the real gateway would take it)."""
    problems = [f"thiếu {name}" for name in REQUIRED if not params.get(name)]
    if "vnp_SecureHash" not in params:
        problems.append("thiếu vnp_SecureHash")
    elif not vnpay.verify(params, secret):
        problems.append("vnp_SecureHash sai (HMAC-SHA512 trên các tham số vnp_* đã sắp xếp)")
    if "vnp_SecureHashType" in params:
        problems.append("2.1.0 không gửi vnp_SecureHashType")
    if params.get("vnp_Version") and params["vnp_Version"] != vnpay.VERSION:
        problems.append(f"vnp_Version phải là {vnpay.VERSION}")
    if params.get("vnp_Command") and params["vnp_Command"] != "pay":
        problems.append("vnp_Command phải là pay")
    if params.get("vnp_TmnCode") and params["vnp_TmnCode"] != merchant:
        problems.append("vnp_TmnCode không phải mã website đã đăng ký")
    if params.get("vnp_Amount") and vnpay.amount_vnd(params["vnp_Amount"]) in (None, 0):
        problems.append("vnp_Amount phải là số tiền × 100 (số nguyên dương)")
    if params.get("vnp_CurrCode") and params["vnp_CurrCode"] != "VND":
        problems.append("vnp_CurrCode phải là VND")
    if params.get("vnp_Locale") and params["vnp_Locale"] not in ("vn", "en"):
        problems.append("vnp_Locale phải là vn hoặc en")
    if params.get("vnp_OrderInfo") and not _ORDER_INFO.match(params["vnp_OrderInfo"]):
        problems.append("vnp_OrderInfo chỉ được có chữ không dấu, số, khoảng trắng và .-_:")
    for name in ("vnp_CreateDate", "vnp_ExpireDate"):
        if params.get(name):
            try:
                vnpay.parse_timestamp(params[name])
            except ValueError:
                problems.append(f"{name} phải có dạng yyyyMMddHHmmss")
    return problems


class VnpayHandler(PaymentStandinHandler):
    server: VnpayServer  # type: ignore[assignment]
    name = "vnpay-standin"

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        if split.path.rstrip("/") == "/_standin/received":
            self._answer(200, self.server.state.snapshot())
            return
        if split.path != PAY_PATH:
            self._answer(404, {"reason": "không có địa chỉ này"})
            return
        params = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        state = self.server.state
        problems = payment_problems(params, state.merchant, state.secret)
        reference = params.get("vnp_TxnRef", "")
        with state.lock:
            known = state.transactions.get(reference)
            if known is not None and known.fields.get("vnp_CreateDate") != params.get("vnp_CreateDate"):
                problems.append("vnp_TxnRef đã dùng cho một giao dịch khác")
            if problems:
                state.refused.append({"params": params, "problems": problems})
        if problems:
            items = "".join(f"<li>{p}</li>" for p in problems)
            self._html(400, f"<!doctype html><meta charset=utf-8><h1>Lỗi 03</h1><ul>{items}</ul>".encode())
            return
        amount = vnpay.amount_vnd(params["vnp_Amount"]) or 0
        with state.lock:
            state.transactions.setdefault(reference, Transaction(reference, amount, params))
        self._html(200, payer_page("VNPay", reference, amount, params["vnp_OrderInfo"], f"/_standin/pay/{reference}"))

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        path = urlsplit(self.path).path
        if path.startswith("/_standin/pay/"):
            choice = self._form(body).get("choice", "")
            outcome = self.server.settle(path.rsplit("/", 1)[-1], choice, callback=True)
            if outcome is None:
                self._answer(404, {"reason": "không có giao dịch hoặc lựa chọn"})
                return
            self._redirect(outcome["return_url"])
            return
        if path.startswith("/_standin/") and self._control(body):
            return
        if path != API_PATH:
            self._answer(404, {"reason": "không có địa chỉ này"})
            return
        failure = self._take_failure()
        if failure is not None and failure.mode not in ("bad_signature", "no_callback"):
            self._fail(failure)
            return
        try:
            request = json.loads(body)
            assert isinstance(request, dict)
        except (ValueError, AssertionError):
            self._answer(400, {"vnp_ResponseCode": "03", "vnp_Message": "Invalid JSON"})
            return
        self._answer(200, self.server.api(request, forge=failure is not None and failure.mode == "bad_signature"))


class VnpayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], merchant: str, secret: str, ipn_url: str) -> None:
        super().__init__(address, VnpayHandler)
        self.state = GatewayState(secret=secret, merchant=merchant, callback_url=ipn_url)

    # --- the payer's choice, then the IPN -------------------------------------------------------------
    def _result_params(self, txn: Transaction) -> dict[str, str]:
        code, status = _CODES.get(txn.status, ("99", "02"))
        params = {
            "vnp_TmnCode": self.state.merchant,
            "vnp_Amount": vnpay.amount_field(txn.amount_vnd),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{txn.transaction_no}" if txn.status == "success" else "",
            "vnp_CardType": "ATM",
            "vnp_PayDate": vnpay.timestamp(datetime.fromtimestamp(txn.paid_at or time.time()).astimezone()),
            "vnp_OrderInfo": txn.fields.get("vnp_OrderInfo", ""),
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_ResponseCode": code,
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": txn.reference,
        }
        params = {k: v for k, v in params.items() if v != ""}
        params["vnp_SecureHash"] = vnpay.sign(params, self.state.secret)
        return params

    def settle(self, reference: str, choice: str, *, callback: bool) -> dict[str, Any] | None:
        state = self.state
        if choice not in CHOICES:
            return None
        with state.lock:
            txn = state.transactions.get(reference)
            if txn is None:
                return None
            if txn.status == "pending":
                txn.status = choice
                txn.paid_at = time.time()
        if not txn.transaction_no:
            txn.transaction_no = state.new_number()
        params = self._result_params(txn)
        with state.lock:
            failure = state.take_failure()
        if failure is not None and failure.mode == "bad_signature":
            params["vnp_SecureHash"] = "0" * 128
        outcome: dict[str, Any] = {"params": params}
        if callback and state.callback_url and not (failure is not None and failure.mode == "no_callback"):
            answer = post_callback("GET", state.callback_url, params)
            with state.lock:
                txn.callbacks.append(answer)
            outcome["ipn"] = answer
        return_url = txn.fields.get("vnp_ReturnUrl", "")
        outcome["return_url"] = f"{return_url}{'&' if '?' in return_url else '?'}{urlencode(params)}"
        return outcome

    def seed(self, reference: str, amount_vnd: int, status: str) -> None:
        with self.state.lock:
            txn = Transaction(reference, amount_vnd, {"vnp_OrderInfo": f"Seeded {reference}"}, status=status)
            txn.transaction_no = str(14000000 + len(self.state.transactions) + 1)
            txn.paid_at = time.time()
            self.state.transactions[reference] = txn

    # --- merchant API -------------------------------------------------------------------------------
    def _signed(self, data: dict[str, str], fields: tuple[str, ...], forge: bool) -> dict[str, str]:
        data["vnp_SecureHash"] = "0" * 128 if forge else vnpay.sign_fields(data, fields, self.state.secret)
        return data

    def api(self, request: dict[str, Any], *, forge: bool = False) -> dict[str, str]:
        command = request.get("vnp_Command")
        fields = vnpay.QUERYDR_FIELDS if command == "querydr" else vnpay.REFUND_FIELDS
        answer = {"vnp_ResponseId": str(request.get("vnp_RequestId", "")), "vnp_Command": str(command or "")}
        answer["vnp_TmnCode"] = self.state.merchant
        missing = [f for f in fields if f not in ("vnp_TransactionNo",) and not request.get(f)]
        if command not in ("querydr", "refund") or missing:
            answer |= {"vnp_ResponseCode": "03", "vnp_Message": f"Invalid request: {', '.join(missing)}"}
            return self._signed(answer, vnpay.QUERYDR_RESPONSE_FIELDS, forge)
        if not vnpay.verify_fields(request, fields, self.state.secret):
            answer |= {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
            return self._signed(answer, vnpay.QUERYDR_RESPONSE_FIELDS, forge)
        if request.get("vnp_TmnCode") != self.state.merchant:
            answer |= {"vnp_ResponseCode": "02", "vnp_Message": "Merchant is not valid"}
            return self._signed(answer, vnpay.QUERYDR_RESPONSE_FIELDS, forge)
        reference = str(request["vnp_TxnRef"])
        with self.state.lock:
            self.state.queries += 1
            txn = self.state.transactions.get(reference)
        if txn is None:
            answer |= {"vnp_ResponseCode": "91", "vnp_Message": "Transaction not found", "vnp_TxnRef": reference}
            return self._signed(answer, vnpay.QUERYDR_RESPONSE_FIELDS, forge)
        if command == "refund":
            return self._refund(request, txn, answer, forge)
        status = _CODES.get(txn.status, ("", "01"))[1]
        if txn.status == "refunded":
            status = "06"
        answer |= {
            "vnp_ResponseCode": "00",
            "vnp_Message": "QueryDR Success",
            "vnp_TxnRef": reference,
            "vnp_Amount": vnpay.amount_field(txn.amount_vnd),
            "vnp_BankCode": "NCB",
            "vnp_PayDate": vnpay.timestamp(datetime.fromtimestamp(txn.paid_at).astimezone()) if txn.paid_at else "",
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": status,
            "vnp_OrderInfo": txn.fields.get("vnp_OrderInfo", ""),
        }
        return self._signed(answer, vnpay.QUERYDR_RESPONSE_FIELDS, forge)

    def _refund(self, request: dict[str, Any], txn: Transaction, answer: dict[str, str], forge: bool) -> dict[str, str]:
        amount = vnpay.amount_vnd(str(request.get("vnp_Amount", "")))
        kind = request.get("vnp_TransactionType")
        if txn.status != "success":
            answer |= {"vnp_ResponseCode": "94", "vnp_Message": "Transaction is not successful"}
        elif amount is None or amount > txn.amount_vnd or (kind == vnpay.REFUND_FULL and amount != txn.amount_vnd):
            answer |= {"vnp_ResponseCode": "03", "vnp_Message": "Invalid amount"}
        elif kind not in (vnpay.REFUND_FULL, vnpay.REFUND_PARTIAL):
            answer |= {"vnp_ResponseCode": "03", "vnp_Message": "Invalid vnp_TransactionType"}
        else:
            with self.state.lock:
                txn.status = "refunded"
            answer |= {"vnp_ResponseCode": "00", "vnp_Message": "Refund success"}
        answer |= {
            "vnp_TxnRef": txn.reference,
            "vnp_Amount": str(request.get("vnp_Amount", "")),
            "vnp_BankCode": "NCB",
            "vnp_PayDate": vnpay.timestamp(datetime.now().astimezone()),
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_TransactionType": str(kind or ""),
            "vnp_TransactionStatus": "05" if answer["vnp_ResponseCode"] == "00" else "",
            "vnp_OrderInfo": str(request.get("vnp_OrderInfo", "")),
        }
        return self._signed(answer, vnpay.REFUND_RESPONSE_FIELDS, forge)
