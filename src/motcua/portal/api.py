"""The citizen's API: who am I, my dossiers, my rating of a dossier's service (thin: selectors and services).

Authorisation is the query: ``portal.selectors.own_dossiers`` (the caller's own dossiers) — a citizen cannot name
anybody else's dossier here, it is 404 as if it did not exist. Online filing is ``POST /dossiers`` (the dossier
router), by the citizen's session (with CSRF) or bearer token.

(No ``from __future__ import annotations``: django-ninja reads the routes' annotations at import.)
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.dossiers.api import RELATED, _once, decode_cursor, dossier_data, encode_cursor
from motcua.dossiers.schemas import COMMON_ERRORS, WRITE_ERRORS, Code, Data, DossierPage, IdempotencyKey
from motcua.dossiers.selectors import visible_dossiers
from motcua.portal.selectors import own_dossiers
from motcua.portal.services import rate_dossier
from motcua.rules.rating import CRITERIA

router = Router(tags=["portal"], auth=API_AUTH)


class MeOut(Data):
    username: str
    full_name: str
    account_type: Literal["citizen", "enterprise"]
    personal_id_number: str = Field(description="Số định danh cá nhân (12 chữ số) hoặc mã số thuế; rỗng nếu chưa có.")
    identity_verified: bool = Field(
        description="Đã xác thực định danh qua nhà cung cấp định danh (VNeID) khi đăng nhập."
    )
    contact_verified: bool = Field(description="Đã xác minh thư điện tử hoặc số điện thoại.")
    email: str
    phone: str


class MyDossierFilter(Schema):
    cursor: str = Field("", max_length=40)
    limit: int = Field(20, ge=1, le=100)


class RatingIn(Data):
    scores: dict[str, int] = Field(
        description="Điểm 0, 1 hoặc 2 cho từng tiêu chí: " + ", ".join(key for key, _label in CRITERIA) + "."
    )
    satisfaction: Literal["very_satisfied", "satisfied", "not_satisfied"]
    comment: str = Field("", max_length=2000)


class RatingOut(Data):
    dossier: str
    scores: dict[str, int]
    total: int = Field(description="Tổng điểm, tối đa 18.")
    satisfaction: str
    rated_at: datetime


@router.get("/me", response={200: MeOut, **COMMON_ERRORS}, summary="Tài khoản đang đăng nhập")
def me(request: HttpRequest) -> Any:
    user = request.auth
    return {
        "username": user.username,
        "full_name": user.full_name,
        "account_type": user.account_type,
        "personal_id_number": user.personal_id_number,
        "identity_verified": user.identity_verified,
        "contact_verified": user.contact_verified,
        "email": user.email,
        "phone": user.phone,
    }


@router.get(
    "/me/dossiers",
    response={200: DossierPage, **COMMON_ERRORS},
    summary="Hồ sơ do tôi nộp trực tuyến (mới nhất trước, phân trang bằng con trỏ)",
)
def my_dossiers(request: HttpRequest, filters: Query[MyDossierFilter]) -> Any:
    dossiers = own_dossiers(request.auth).select_related(*RELATED).order_by("-pk")
    if filters.cursor:
        dossiers = dossiers.filter(pk__lt=decode_cursor(filters.cursor))
    page = list(dossiers[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    now = timezone.now()
    return {"items": [dossier_data(d, now) for d in page], "next_cursor": encode_cursor(page[-1].pk) if more else None}


@router.post(
    "/dossiers/{code}/rating",
    response={201: RatingOut, **WRITE_ERRORS},
    summary="Đánh giá chất lượng giải quyết hồ sơ (một lần cho mỗi hồ sơ, sau khi giải quyết xong)",
)
def rate(request: HttpRequest, code: Path[Code], payload: RatingIn, idempotency_key: IdempotencyKey = None) -> Any:
    dossier = own_dossiers(request.auth).filter(code=code).first()
    if dossier is None and visible_dossiers(request.auth).filter(code=code).exists():
        raise HttpError(403, _("Chỉ người nộp hồ sơ đánh giá được hồ sơ này."))  # an officer who sees it
    if dossier is None:
        raise HttpError(404, _("Không tìm thấy hồ sơ “%(code)s” trong các hồ sơ của bạn.") % {"code": code[:80]})

    def run() -> tuple[int, dict[str, Any]]:
        rating = rate_dossier(
            dossier,
            user=request.auth,
            scores=payload.scores,
            satisfaction=payload.satisfaction,
            comment=payload.comment,
        )
        data = {
            "dossier": dossier.code,
            "scores": rating.scores,
            "total": rating.total,
            "satisfaction": rating.satisfaction,
            "rated_at": rating.rated_at,
        }
        return 201, data

    return _once(request, idempotency_key, run)  # a replay with the same key gets the first answer
