"""VNPay's payment gateway, API 2.1.0: the signatures and codes (RULES.md §12, [V]).

- ``vnp_SecureHash`` = lowercase hex HMAC-SHA512(secret, data); data = every non-empty ``vnp_*`` parameter but
  ``vnp_SecureHash``/``vnp_SecureHashType``, sorted by key, joined as ``key=value`` with ``&``, each value
  form-urlencoded (space → ``+``). 2.1.0 sends no ``vnp_SecureHashType``.
- querydr / refund (``merchant_webapi/api/transaction``): HMAC-SHA512 over ``|``-joined values in fixed orders
  (:data:`QUERYDR_FIELDS`, :data:`QUERYDR_RESPONSE_FIELDS`; missing → empty). The refund's order is not in
  RULES.md: :data:`REFUND_FIELDS` is recalled from VNPay's documentation (**[R]**, a reading — one constant).
- IPN answer codes and their check order: ``97`` bad checksum → ``01`` order not found → ``04`` amount differs →
  ``02`` already confirmed → ``00`` recorded; ``99`` any other error. Paid only when
  ``vnp_ResponseCode == vnp_TransactionStatus == "00"``.
- Amounts are VND × 100; dates ``yyyyMMddHHmmss`` in GMT+7.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

VERSION = "2.1.0"
GMT7 = timezone(timedelta(hours=7))
HASH_FIELD = "vnp_SecureHash"
HASH_TYPE_FIELD = "vnp_SecureHashType"

#: IPN answers (RspCode → Message), in the order the checks run (RULES.md §12).
RSP_BAD_CHECKSUM = "97"
RSP_NOT_FOUND = "01"
RSP_AMOUNT = "04"
RSP_ALREADY = "02"
RSP_OK = "00"
RSP_OTHER = "99"
RSP_MESSAGES: Mapping[str, str] = {
    RSP_BAD_CHECKSUM: "Invalid Checksum",
    RSP_NOT_FOUND: "Order not found",
    RSP_AMOUNT: "Invalid amount",
    RSP_ALREADY: "Order already confirmed",
    RSP_OK: "Confirm Success",
    RSP_OTHER: "Unknown error",
}
#: ``vnp_ResponseCode`` "24": the payer cancelled (recalled from VNPay's code table, **[R]**; any other non-"00"
#: code is a failure).
CANCELLED_BY_PAYER = "24"

QUERYDR_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
#: **[R]** recalled from VNPay's merchant API documentation (RULES.md §12 names no order for the refund).
REFUND_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
#: The refund's answer is signed like querydr's, over the fields it carries (reading, **[R]**).
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)
REFUND_FULL = "02"
REFUND_PARTIAL = "03"


def _hmac(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def hash_data(params: Mapping[str, str]) -> str:
    """The text ``vnp_SecureHash`` signs: non-empty ``vnp_*`` parameters but the hash ones, sorted by key,
    ``key=value`` with the value form-urlencoded, joined with ``&``."""
    items = sorted(
        (key, value)
        for key, value in params.items()
        if key.startswith("vnp_") and key not in (HASH_FIELD, HASH_TYPE_FIELD) and value not in (None, "")
    )
    return "&".join(f"{key}={quote_plus(str(value), safe='')}" for key, value in items)


def sign(params: Mapping[str, str], secret: str) -> str:
    return _hmac(secret, hash_data(params))


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Whether ``vnp_SecureHash`` is the signature of the other parameters (constant-time comparison)."""
    given = str(params.get(HASH_FIELD, "")).lower()
    return bool(given) and hmac.compare_digest(given, sign(params, secret))


def payment_query(params: Mapping[str, str], secret: str) -> str:
    """The payment URL's query string: the signed data, then ``vnp_SecureHash`` last."""
    data = hash_data(params)
    return f"{data}&{HASH_FIELD}={_hmac(secret, data)}"


def sign_fields(values: Mapping[str, object], fields: Sequence[str], secret: str) -> str:
    """HMAC-SHA512 over the ``|``-joined values of ``fields`` in their order, a missing one empty."""
    return _hmac(secret, "|".join("" if values.get(f) is None else str(values.get(f)) for f in fields))


def verify_fields(values: Mapping[str, object], fields: Sequence[str], secret: str) -> bool:
    given = str(values.get("vnp_SecureHash", "")).lower()
    return bool(given) and hmac.compare_digest(given, sign_fields(values, fields, secret))


def paid(params: Mapping[str, str]) -> bool:
    """Paid only when ``vnp_ResponseCode`` and ``vnp_TransactionStatus`` are both ``00``."""
    return params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"


def amount_field(amount_vnd: int) -> str:
    return str(amount_vnd * 100)


def amount_vnd(field: str) -> int | None:
    """VND from ``vnp_Amount`` (× 100); ``None`` when it is not a whole number of đồng."""
    if not field.isdigit() or int(field) % 100:
        return None
    return int(field) // 100


def timestamp(moment: datetime) -> str:
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=GMT7)
