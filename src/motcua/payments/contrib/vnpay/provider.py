"""VNPay (API 2.1.0) as a payment provider: payment URL, IPN, querydr, refund (RULES.md §12, [V]).

Settings, from the environment only: ``MOTCUA_VNPAY_TMN_CODE``, ``MOTCUA_VNPAY_HASH_SECRET``,
``MOTCUA_VNPAY_PAYMENT_URL`` (the gateway's ``paymentv2/vpcpay.html``), ``MOTCUA_VNPAY_API_URL`` (its
``merchant_webapi/api/transaction``). The signatures are ``rules.vnpay``'s.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.integrations.payments import (
    Attempt,
    CallbackResult,
    ForgedCallback,
    GatewayError,
    PaymentOutcome,
    PaymentRequest,
    PaymentStart,
    PaymentVerdict,
    payment_providers,
)
from motcua.rules import vnpay

_RSP = {
    CallbackResult.FORGED: vnpay.RSP_BAD_CHECKSUM,
    CallbackResult.NOT_FOUND: vnpay.RSP_NOT_FOUND,
    CallbackResult.AMOUNT: vnpay.RSP_AMOUNT,
    CallbackResult.ALREADY: vnpay.RSP_ALREADY,
    CallbackResult.RECORDED: vnpay.RSP_OK,
    CallbackResult.PENDING: vnpay.RSP_OK,
    CallbackResult.ERROR: vnpay.RSP_OTHER,
}


_CLIENT: httpx.Client | None = None


def _client() -> httpx.Client:
    """One pooled client for the process (thread-safe): building one per call costs a TLS context each time
    (~0.1 s of loading CA certificates), which alone capped reconciliation at a few queries a second."""
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = httpx.Client()
    return _CLIENT


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")


def outcome_of(response_code: str, transaction_status: str) -> PaymentOutcome:
    """Paid only when both codes are ``00`` (RULES.md §12); the payer's cancel (``24``, [R]) is a cancel; a
    pending status (``01``: not finished, [R]) is pending; anything else failed."""
    if response_code == "00" and transaction_status == "00":
        return PaymentOutcome.SUCCEEDED
    if response_code == vnpay.CANCELLED_BY_PAYER:
        return PaymentOutcome.CANCELLED
    if transaction_status == "01":
        return PaymentOutcome.PENDING
    return PaymentOutcome.FAILED


def _raw(data: Mapping[str, Any]) -> str:
    """A gateway's answer as JSON, kept with the query's verdict (``PaymentCallback.body``)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _amount(field: str) -> int:
    """VND of ``vnp_Amount``; one that is not a whole number of đồng (or missing) is an amount that matches no
    attempt (answered ``04``), never "no amount" — VNPay always sends it."""
    amount = vnpay.amount_vnd(field)
    return -1 if amount is None else amount


@payment_providers.register("vnpay")
class VnpayProvider:
    name = "vnpay"
    online = True
    component = "payment:vnpay"

    @property
    def label(self) -> str:
        return str(_("VNPay"))

    def problem(self) -> str | None:
        missing = [
            n
            for n in (
                "MOTCUA_VNPAY_TMN_CODE",
                "MOTCUA_VNPAY_HASH_SECRET",
                "MOTCUA_VNPAY_PAYMENT_URL",
                "MOTCUA_VNPAY_API_URL",
            )
            if not _setting(n)
        ]
        return str(_("thiếu %(names)s") % {"names": ", ".join(missing)}) if missing else None

    @property
    def secret(self) -> str:
        return _setting("MOTCUA_VNPAY_HASH_SECRET")

    def payment_params(self, request: PaymentRequest) -> dict[str, str]:
        return {
            "vnp_Version": vnpay.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": _setting("MOTCUA_VNPAY_TMN_CODE"),
            "vnp_Amount": vnpay.amount_field(request.amount_vnd),
            "vnp_CreateDate": vnpay.timestamp(request.created_at),
            "vnp_ExpireDate": vnpay.timestamp(request.expires_at),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": request.client_ip,
            "vnp_Locale": "vn",
            "vnp_OrderInfo": request.order_info,
            "vnp_OrderType": "billpayment",
            "vnp_ReturnUrl": request.return_url,
            "vnp_TxnRef": request.reference,
        }

    def start(self, request: PaymentRequest) -> PaymentStart:
        query = vnpay.payment_query(self.payment_params(request), self.secret)
        return PaymentStart(f"{_setting('MOTCUA_VNPAY_PAYMENT_URL')}?{query}")

    def verify_callback(self, params: Mapping[str, str], body: bytes) -> PaymentVerdict:
        if not vnpay.verify(params, self.secret):
            raise ForgedCallback("vnp_SecureHash")
        if params.get("vnp_TmnCode") != _setting("MOTCUA_VNPAY_TMN_CODE"):
            raise ForgedCallback("vnp_TmnCode")  # signed with our secret for another terminal: not ours
        reference = params["vnp_TxnRef"]
        code, status = params.get("vnp_ResponseCode", ""), params.get("vnp_TransactionStatus", "")
        return PaymentVerdict(
            reference=reference,
            outcome=outcome_of(code, status),
            amount_vnd=_amount(params.get("vnp_Amount", "")),
            provider_transaction=params.get("vnp_TransactionNo", ""),
            message=f"vnp_ResponseCode={code} vnp_TransactionStatus={status}",
        )

    def answer(
        self, result: CallbackResult, verdict: PaymentVerdict | None, params: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """Always HTTP 200 with ``{"RspCode", "Message"}`` (RULES.md §12)."""
        code = _RSP[result]
        return 200, {"RspCode": code, "Message": vnpay.RSP_MESSAGES[code]}

    def _call(self, body: dict[str, str]) -> dict[str, Any]:
        timeout = float(getattr(settings, "MOTCUA_VNPAY_TIMEOUT_SECONDS", 20))
        try:
            response = _client().post(_setting("MOTCUA_VNPAY_API_URL"), json=body, timeout=timeout)
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise GatewayError(f"VNPay: {error}") from error
        if response.status_code != 200 or not isinstance(data, dict):
            raise GatewayError(f"VNPay: HTTP {response.status_code}")
        return data

    def _common(self, command: str, attempt: Attempt, now: datetime) -> dict[str, str]:
        return {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": vnpay.VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": _setting("MOTCUA_VNPAY_TMN_CODE"),
            "vnp_TxnRef": attempt.reference,
            "vnp_OrderInfo": attempt.order_info or f"Truy van {attempt.reference}",
            "vnp_TransactionDate": vnpay.timestamp(attempt.created_at),
            "vnp_CreateDate": vnpay.timestamp(now),
            "vnp_IpAddr": "127.0.0.1",
        }

    def query(self, attempt: Attempt) -> PaymentVerdict:
        """``querydr``: signed over :data:`rules.vnpay.QUERYDR_FIELDS`; its answer's signature checked too."""
        body = self._common("querydr", attempt, timezone.now())
        body["vnp_SecureHash"] = vnpay.sign_fields(body, vnpay.QUERYDR_FIELDS, self.secret)
        data = self._call(body)
        if not vnpay.verify_fields(data, vnpay.QUERYDR_RESPONSE_FIELDS, self.secret):
            raise ForgedCallback("querydr answer")
        if data.get("vnp_ResponseCode") != "00":  # the query itself failed (e.g. 91: transaction not found)
            if data.get("vnp_ResponseCode") == "91":
                return PaymentVerdict(attempt.reference, PaymentOutcome.PENDING, None, "", "querydr 91", _raw(data))
            raise GatewayError(f"VNPay querydr: {data.get('vnp_ResponseCode')} {data.get('vnp_Message', '')}")
        status = str(data.get("vnp_TransactionStatus", ""))
        outcome = (
            PaymentOutcome.SUCCEEDED
            if status == "00"
            else PaymentOutcome.PENDING
            if status == "01"
            else PaymentOutcome.FAILED
        )
        return PaymentVerdict(
            reference=str(data.get("vnp_TxnRef", "")),
            outcome=outcome,
            amount_vnd=_amount(str(data.get("vnp_Amount", ""))),
            provider_transaction=str(data.get("vnp_TransactionNo", "")),
            message=f"querydr vnp_TransactionStatus={status}",
            raw=_raw(data),
        )

    def refund(self, attempt: Attempt, amount_vnd: int, reason: str, by: str) -> PaymentVerdict:
        """Full refund (type ``02``) when the whole amount is refunded, else partial (``03``)."""
        body = self._common("refund", attempt, timezone.now())
        body.update(
            {
                "vnp_TransactionType": vnpay.REFUND_FULL if amount_vnd == attempt.amount_vnd else vnpay.REFUND_PARTIAL,
                "vnp_Amount": vnpay.amount_field(amount_vnd),
                "vnp_TransactionNo": attempt.provider_transaction,
                "vnp_CreateBy": by[:250] or "motcua",
                "vnp_OrderInfo": f"Hoan tien {attempt.reference}",
            }
        )
        body["vnp_SecureHash"] = vnpay.sign_fields(body, vnpay.REFUND_FIELDS, self.secret)
        data = self._call(body)
        if not vnpay.verify_fields(data, vnpay.REFUND_RESPONSE_FIELDS, self.secret):
            raise ForgedCallback("refund answer")
        code = str(data.get("vnp_ResponseCode", ""))
        outcome = PaymentOutcome.REFUNDED if code == "00" else PaymentOutcome.FAILED
        return PaymentVerdict(attempt.reference, outcome, amount_vnd, str(data.get("vnp_TransactionNo", "")), code)

    def receipt(self, attempt: Attempt) -> bytes | None:
        return None  # VNPay issues no e-receipt: ours is printed (payments.receipts)
