"""Sentences for refused actions: why, in the interface language (HTTP 409 and the workbench)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import ActionKind, DossierStatus
from motcua.rules.lifecycle import Refused


def _label(choices: type, value: object) -> str:
    try:
        return str(choices(str(value)).label)
    except ValueError:
        return str(value)


def _moment(value: object) -> str:
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%H:%M %d/%m/%Y}"
    return str(value)


def refusal_message(refused: Refused) -> str:
    p = refused.params
    action = _label(ActionKind, p.get("action", ""))
    reason = refused.reason
    if reason == "status":
        return _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.") % {
            "action": action,
            "status": _label(DossierStatus, p.get("status", "")),
        }
    if reason == "actor":
        return _("Bạn không có vai trò được phép “%(action)s” hồ sơ này ở bước hiện tại.") % {"action": action}
    due = {"due": _moment(p.get("due"))}
    messages = {
        "not_started": _("Hồ sơ chưa được tiếp nhận."),
        "no_process": _("Thủ tục chưa có quy trình xử lý."),
        "reasons_required": _("Cần nêu rõ lý do từ chối."),
        "missing_required": _("Cần liệt kê đầy đủ các giấy tờ phải bổ sung."),
        "reason_required": _("Cần nêu lý do."),
        "last_step": _("Hồ sơ đang ở bước cuối của quy trình."),
        "handoff_kind": _("Để chuyển sang bước tiếp theo, dùng thao tác “%(expected)s”.")
        % {"expected": _label(ActionKind, p.get("expected", ""))},
        "leader_approves": _("Ở bước của lãnh đạo, hồ sơ được chuyển tiếp bằng thao tác “Phê duyệt”."),
        "not_leader_step": _("Chỉ phê duyệt ở bước của lãnh đạo."),
        "no_earlier_step": _("Không có bước trước để trả lại."),
        "not_approved": _("Hồ sơ chưa được lãnh đạo phê duyệt."),
        "documents_required": _("Cần tải lên văn bản kết quả đã ký."),
        "no_result": _("Chưa có văn bản kết quả."),
        "not_last_step": _("Chỉ xác nhận có kết quả ở bước trả kết quả."),
        "decided": _("Hồ sơ đã có quyết định giải quyết: không thể dừng xử lý."),
        "apology_too_late": _("Chỉ được xin lỗi và hẹn lại trước thời hạn giải quyết (%(due)s).") % due,
        "appointment_not_later": _("Ngày hẹn mới phải sau thời hạn giải quyết (%(due)s).") % due,
        "amount_required": _("Cần nhập số tiền đã thu."),
        "before_last_action": _("Thời điểm thao tác trước thao tác gần nhất của hồ sơ."),
    }
    return messages.get(reason, _("Thao tác không được phép (%(reason)s).") % {"reason": reason})
