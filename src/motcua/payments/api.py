"""Payments API: start an attempt on a dossier, list its attempts (issue 11). Scope inside the queries: the
dossier is found among those the caller may see (``dossiers.selectors.visible_dossiers``) or the answer is 404;
starting one is for its applicant or an officer of its desk, resolving agency or current step (403 otherwise).

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.dossiers import idempotency
from motcua.dossiers.schemas import COMMON_ERRORS, WRITE_ERRORS, Code, IdempotencyKey
from motcua.dossiers.selectors import visible_dossiers
from motcua.payments import selectors, services
from motcua.validation import ErrorOut

router = Router(tags=["payments"], auth=API_AUTH)


class PaymentIn(Schema):
    provider: Literal["vnpay", "paygov"]


class PaymentStartedOut(Schema):
    reference: str
    status: str
    amount_vnd: int
    redirect_url: str


class FeeLineOut(Schema):
    id: int
    kind: str
    name: str
    amount_vnd: int


class PaymentOut(Schema):
    reference: str
    provider: str
    status: str
    amount_vnd: int
    fee_lines: list[FeeLineOut]
    provider_transaction: str
    receipt_number: str
    created_at: datetime
    started_at: datetime | None
    settled_at: datetime | None
    refunded_at: datetime | None


class PaymentList(Schema):
    items: list[PaymentOut]


def _dossier(request: HttpRequest, code: str) -> Any:
    dossier = (
        visible_dossiers(request.auth)
        .select_related("procedure", "resolving_agency", "receiving_agency")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise HttpError(404, _("Không tìm thấy hồ sơ “%(code)s” trong phạm vi bạn được xem.") % {"code": code[:80]})
    return dossier


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "127.0.0.1")


@router.post(
    "/dossiers/{code}/payments",
    response={201: PaymentStartedOut, **WRITE_ERRORS},
    summary="Tạo giao dịch thanh toán trực tuyến phí, lệ phí của hồ sơ (VNPay hoặc nền tảng thanh toán quốc gia)",
)
def start_payment(
    request: HttpRequest, code: Path[Code], payload: PaymentIn, idempotency_key: IdempotencyKey = None
) -> Any:
    dossier = _dossier(request, code)

    def run() -> idempotency.Answer:
        payment = services.start_payment(
            dossier,
            request.auth,
            payload.provider,
            client_ip=_client_ip(request),
            return_url=request.build_absolute_uri(reverse("payments:vnpay-return")),
        )
        return 201, {
            "reference": payment.reference,
            "status": payment.state,
            "amount_vnd": payment.amount_vnd,
            "redirect_url": payment.redirect_url,  # type: ignore[attr-defined]
        }

    key = (idempotency_key or "").strip() or None
    if key is None:
        return Reply(*run())
    print_ = idempotency.fingerprint(["POST", request.path, payload.provider])
    try:
        return Reply(*idempotency.run_once(request.auth, key, print_, run))
    except idempotency.KeyReused as reused:
        raise HttpError(422, reused.message) from reused


@router.get(
    "/dossiers/{code}/payments",
    response={200: PaymentList, 404: ErrorOut, **COMMON_ERRORS},
    summary="Các giao dịch thanh toán của hồ sơ",
)
def list_payments(request: HttpRequest, code: Path[Code]) -> Any:
    dossier = _dossier(request, code)
    payments = selectors.payments_of(request.auth, dossier.code)
    return {
        "items": [
            {
                "reference": p.reference,
                "provider": p.provider,
                "status": p.state,
                "amount_vnd": p.amount_vnd,
                "fee_lines": p.fee_lines,
                "provider_transaction": p.provider_transaction,
                "receipt_number": p.receipt_number,
                "created_at": p.created_at,
                "started_at": p.started_at,
                "settled_at": p.settled_at,
                "refunded_at": p.refunded_at,
            }
            for p in payments
        ]
    }
