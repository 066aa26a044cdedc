"""The REST API (OpenAPI 3), assembled from each app's router.

The OpenAPI document is committed at ``docs/openapi.json``; a test fails when it drifts from the
code (regenerate with ``make openapi``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from motcua.calendars.api import router as calendar_router
from motcua.catalog.api import router as catalog_router
from motcua.dossiers.api import router as dossier_router
from motcua.dossiers.services import DossierError


class UnicodeJSONRenderer(JSONRenderer):
    """Vietnamese text stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="motcua API",
    version="1",
    description="Một cửa điện tử: danh mục thủ tục hành chính, lịch làm việc và thời hạn giải quyết.",
    urls_namespace="api-v1",
)
api.add_router("", catalog_router)
api.add_router("", calendar_router)
api.add_router("", dossier_router)


#: Vietnamese wording of the validation errors people meet most; others keep pydantic's message.
_BAD_MOMENT = gettext_lazy("Không phải thời điểm hợp lệ (ISO 8601, ví dụ 2025-03-15T09:30:00+07:00).")
_MESSAGES = {  # gettext_lazy: rendered in the request's language
    "missing": gettext_lazy("Thiếu trường bắt buộc."),
    "datetime_parsing": gettext_lazy("Không phải thời điểm hợp lệ (ISO 8601, ví dụ 2025-03-15T09:30:00+07:00)."),
    "datetime_from_date_parsing": gettext_lazy(
        "Không phải thời điểm hợp lệ (ISO 8601, ví dụ 2025-03-15T09:30:00+07:00)."
    ),
    "datetime_type": gettext_lazy("Không phải thời điểm hợp lệ (ISO 8601, ví dụ 2025-03-15T09:30:00+07:00)."),
    "date_from_datetime_parsing": gettext_lazy("Không phải ngày hợp lệ (ví dụ 2025-03-15)."),
    "int_parsing": gettext_lazy("Phải là số nguyên."),
    "decimal_parsing": gettext_lazy("Phải là một số."),
    "decimal_type": gettext_lazy("Phải là một số."),
    "greater_than_equal": gettext_lazy("Giá trị quá nhỏ."),
    "less_than_equal": gettext_lazy("Giá trị quá lớn."),
    "literal_error": gettext_lazy("Giá trị không thuộc danh sách cho phép."),
    "enum": gettext_lazy("Giá trị không thuộc danh sách cho phép."),
    "string_too_long": gettext_lazy("Chuỗi quá dài."),
    "json_invalid": gettext_lazy("Nội dung JSON không hợp lệ."),
    "out_of_range": gettext_lazy("Ngoài phạm vi lịch làm việc."),
}


def _field_name(loc: list[object]) -> str:
    """The user's name of a field: the last part of pydantic's location (body/query/path prefixes dropped)."""
    names = [str(part) for part in loc if part not in {"body", "query", "path", "payload", "filters"}]
    return ".".join(names) or "?"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 naming each field in error, with a Vietnamese summary (never a stack trace)."""
    errors = []
    for error in exc.errors:
        kind = str(error.get("type", ""))
        message = str(_MESSAGES.get(kind, error.get("msg", "")))
        if kind in {"literal_error", "enum", "greater_than_equal", "less_than_equal"}:
            message = f"{message} ({error.get('msg', '')})"
        errors.append({"field": _field_name(list(error.get("loc", []))), "message": message, "type": kind})
    fields = ", ".join(dict.fromkeys(error["field"] for error in errors))
    return api.create_response(
        request,
        {"detail": _("Dữ liệu không hợp lệ: %(fields)s.") % {"fields": fields}, "errors": errors},
        status=422,
    )


@api.exception_handler(DossierError)
def dossier_error(request: HttpRequest, exc: DossierError) -> HttpResponse:
    """409 for an action the rules refuse now, 403 for one the caller may not do, 422 for bad input."""
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status_code)


#: What a client is told when Django cannot read its multipart body (also the workbench's 400 page).
UNREADABLE_BODY = gettext_lazy(
    "Nội dung gửi lên không đọc được: yêu cầu multipart/form-data thiếu boundary hoặc sai định dạng."
)


@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """400 for a multipart body Django's parser cannot read (no boundary, a broken one): the client's error."""
    return api.create_response(request, {"detail": str(UNREADABLE_BODY)}, status=400)
