"""Synchronisation API: the dossiers the national portal has not acknowledged (issue 9, indicator 1.4).

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.integrations.sync_report import is_officer, sync_status, unsynced_report
from motcua.validation import ErrorOut

router = Router(tags=["sync"], auth=API_AUTH)

ReasonCode = Literal["not_queued", "waiting", "retrying", "refused", "dead"]


class UnsyncedFilter(Schema):
    limit: int = Field(100, ge=1, le=1000, description="Số hồ sơ tối đa trong danh sách (cũ nhất trước).")


class UnsyncedOut(Schema):
    code: str
    procedure: str
    agency: str = Field(..., description="Cơ quan giải quyết (mã định danh).")
    status: str
    reason: ReasonCode = Field(
        ...,
        description="not_queued: chưa đưa vào hàng gửi; waiting: chờ gửi; retrying: đang thử lại; "
        "refused: Cổng từ chối (xem message); dead: đã thử hết số lần.",
    )
    reason_text: str
    since: datetime | None = Field(..., description="Từ khi nào (giờ Việt Nam).")
    message: str = Field(..., description="Thông báo gần nhất của Cổng hoặc của đường truyền.")
    attempts: int
    undelivered: int = Field(..., description="Số thông điệp của hồ sơ chưa được Cổng xác nhận.")


class UnsyncedReportOut(Schema):
    destination: str
    configured: bool
    problem: str | None = Field(..., description="Vì sao kết nối chưa dùng được (khi chưa cấu hình).")
    total: int
    by_reason: dict[ReasonCode, int]
    items: list[UnsyncedOut]


@router.get(
    "/sync/unsynced",
    response={200: UnsyncedReportOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Hồ sơ chưa đồng bộ với Cổng Dịch vụ công quốc gia (trong phạm vi được xem)",
)
def unsynced(request: HttpRequest, filters: Query[UnsyncedFilter]) -> Any:
    if not is_officer(request.auth):
        raise HttpError(403, _("Báo cáo đồng bộ dành cho cán bộ; tài khoản của bạn không có vai trò cán bộ."))
    report = unsynced_report(request.auth, limit=filters.limit)
    status = sync_status(report.destination)
    return {
        "destination": report.destination,
        "configured": status.configured,
        "problem": status.problem,
        "total": report.total,
        "by_reason": {str(reason): n for reason, n in report.by_reason.items()},
        "items": [
            {
                "code": item.code,
                "procedure": item.procedure,
                "agency": item.agency,
                "status": item.status,
                "reason": str(item.reason),
                "reason_text": item.reason.label,
                "since": item.since,
                "message": item.message,
                "attempts": item.attempts,
                "undelivered": item.undelivered,
            }
            for item in report.items
        ],
    }
