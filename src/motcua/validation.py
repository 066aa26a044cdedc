"""Validation errors of typed inputs (pydantic) in the interface's language: the API and the services say
the same thing about the same mistake — and the one shape every API error answer has (``ErrorOut``), so that
each router documents its 4xx answers with the same published schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema

#: What a client is told when Django cannot read its multipart body (the API's 400 and the site's 400 page).
UNREADABLE_BODY = gettext_lazy(
    "Nội dung gửi lên không đọc được: yêu cầu multipart/form-data thiếu boundary hoặc sai định dạng."
)
#: What a client is told when a JSON body cannot be parsed (not JSON, not UTF-8, cut short).
UNREADABLE_JSON = gettext_lazy("Nội dung gửi lên không đọc được: cần một tài liệu JSON hợp lệ, mã hóa UTF-8.")

_BAD_MOMENT = gettext_lazy("Không phải thời điểm hợp lệ (ISO 8601, ví dụ 2025-03-15T09:30:00+07:00).")
#: Vietnamese wording of the validation errors people meet; others keep pydantic's message.
MESSAGES = {  # gettext_lazy: rendered in the request's language
    "missing": gettext_lazy("Thiếu trường bắt buộc."),
    "datetime_parsing": _BAD_MOMENT,
    "datetime_from_date_parsing": _BAD_MOMENT,
    "datetime_type": _BAD_MOMENT,
    "timezone_aware": gettext_lazy("Thời điểm phải ghi rõ múi giờ (ví dụ 2025-03-15T09:30:00+07:00)."),
    "date_from_datetime_parsing": gettext_lazy("Không phải ngày hợp lệ (ví dụ 2025-03-15)."),
    "int_parsing": gettext_lazy("Phải là số nguyên."),
    "int_type": gettext_lazy("Phải là số nguyên."),
    "int_from_float": gettext_lazy("Phải là số nguyên."),
    "bool_parsing": gettext_lazy("Phải là đúng hoặc sai (true/false)."),
    "decimal_parsing": gettext_lazy("Phải là một số."),
    "decimal_type": gettext_lazy("Phải là một số."),
    "greater_than_equal": gettext_lazy("Giá trị quá nhỏ."),
    "greater_than": gettext_lazy("Giá trị quá nhỏ."),
    "less_than_equal": gettext_lazy("Giá trị quá lớn."),
    "less_than": gettext_lazy("Giá trị quá lớn."),
    "literal_error": gettext_lazy("Giá trị không thuộc danh sách cho phép."),
    "enum": gettext_lazy("Giá trị không thuộc danh sách cho phép."),
    "string_too_long": gettext_lazy("Chuỗi quá dài."),
    "string_too_short": gettext_lazy("Cần nhập nội dung."),
    "string_type": gettext_lazy("Phải là một chuỗi ký tự."),
    "too_short": gettext_lazy("Cần ít nhất một mục."),
    "too_long": gettext_lazy("Quá nhiều mục."),
    "list_type": gettext_lazy("Phải là một danh sách."),
    "model_type": gettext_lazy("Phải là một đối tượng JSON."),
    "model_attributes_type": gettext_lazy("Phải là một đối tượng JSON."),
    "dict_type": gettext_lazy("Phải là một đối tượng JSON."),
    "extra_forbidden": gettext_lazy("Trường này không có trong thao tác."),
    "json_invalid": gettext_lazy("Nội dung JSON không hợp lệ."),
    "forbidden_characters": gettext_lazy("Chứa ký tự điều khiển không được phép."),
    "out_of_range": gettext_lazy("Ngoài phạm vi lịch làm việc."),
}
#: Kinds whose pydantic message says which values or limits apply: kept after ours, in brackets.
_WITH_DETAIL = {"literal_error", "enum", "greater_than_equal", "greater_than", "less_than_equal", "less_than"}
_PREFIXES = {"body", "query", "path", "payload", "filters", "header"}


def field_name(loc: Iterable[object]) -> str:
    """The user's name of a field: pydantic's location without the body/query/path prefixes."""
    names = [str(part) for part in loc if part not in _PREFIXES]
    return ".".join(names) or "?"


def describe(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Each error as ``{"field", "message", "type"}`` in the interface's language."""
    described = []
    for error in errors:
        kind = str(error.get("type", ""))
        message = str(MESSAGES.get(kind, error.get("msg", "")))
        if kind in _WITH_DETAIL:
            message = f"{message} ({error.get('msg', '')})"
        described.append({"field": field_name(error.get("loc", ())), "message": message, "type": kind})
    return described


def summary(described: list[dict[str, str]]) -> str:
    fields = ", ".join(dict.fromkeys(error["field"] for error in described))
    return _("Dữ liệu không hợp lệ: %(fields)s.") % {"fields": fields}


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str


class ErrorOut(Schema):
    """Every error answer of the API: a Vietnamese ``detail``; the field in error, or each one (422)."""

    detail: str
    field: str = ""
    errors: list[FieldErrorOut] = Field(default_factory=list)
