"""What a notice may say: the variables a template is rendered with, built from the dossier and the action.

Only plain values (texts, lists of texts, booleans) go into a template's context, never a model instance, so
a template edited in the admin can reach nothing but what is listed here (``VARIABLES``). Moments are local
time (Asia/Ho_Chi_Minh), amounts in đồng with dots between thousands, as Vietnamese writes them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierAction
from motcua.rules.notices import Notice

#: Every variable a template may use, with what it holds (shown in the admin beside the template).
VARIABLES: dict[str, Any] = {
    "code": _("mã hồ sơ"),
    "procedure": _("tên thủ tục hành chính (như khi tiếp nhận)"),
    "applicant": _("tên người nộp (chủ hồ sơ)"),
    "agency": _("cơ quan giải quyết"),
    "desk": _("nơi tiếp nhận và trả kết quả"),
    "desk_address": _("địa chỉ nơi tiếp nhận và trả kết quả (có thể trống)"),
    "tracking_url": _("địa chỉ tra cứu hồ sơ: MOTCUA_PUBLIC_URL/track/<mã hồ sơ>/"),
    "received_at": _("thời điểm tiếp nhận, “HH:MM ngày dd/mm/yyyy”"),
    "appointment": _("ngày hẹn trả kết quả, “HH:MM ngày dd/mm/yyyy”"),
    "online": _("hồ sơ nộp trực tuyến (đúng/sai)"),
    "download_url": _("trang “Hồ sơ của tôi”, nơi người nộp trực tuyến xem hồ sơ và kết quả (nộp tại quầy: trống)"),
    "missing": _("danh sách giấy tờ cần bổ sung (yêu cầu bổ sung)"),
    "reasons": _("danh sách lý do từ chối (từ chối tiếp nhận)"),
    "reason": _("lý do (xin lỗi, dừng xử lý)"),
    "new_appointment": _("ngày hẹn trả mới (thư xin lỗi)"),
    "amount": _("tổng số tiền phí, lệ phí, “50.000 đồng” (trống nếu chưa xác định)"),
    "fees": _("danh sách khoản phí, lệ phí với mức thu"),
    "note": _("ghi chú của cán bộ khi thao tác (có thể trống)"),
}


def moment(value: datetime | None) -> str:
    """``16:30 ngày 05/12/2026`` in local time; empty when there is none."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def money(amount: Decimal | int) -> str:
    """``1.250.000 đồng``."""
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except (InvalidOperation, TypeError):
        return None


def fee_lines(terms: dict[str, Any]) -> tuple[list[str], str]:
    """The fee lines of the dossier's terms as texts (with their conditions), and their total — empty when an
    amount is unknown or a line has a condition (an exemption may apply: the desk tells the amount)."""
    lines, total, certain = [], Decimal(0), True
    for fee in terms.get("fees", []):
        amount = _amount(fee.get("amount_vnd"))
        condition = " ".join(str(fee.get("condition") or "").split())
        line = str(fee.get("name", ""))
        if amount is None:
            certain = False
        else:
            total += amount
            line += f": {money(amount)}"
        if condition:
            certain = False
            line += f" ({condition})"
        lines.append(line)
    return lines, money(total) if certain and lines else ""


def context_for(notice: Notice, dossier: Dossier, action: DossierAction) -> dict[str, Any]:
    """The values of ``VARIABLES`` for this action (every key present, empty when it does not apply)."""
    terms = dossier.terms_data
    desk = dossier.receiving_agency
    payload = action.payload or {}
    fees, amount = fee_lines(terms) if notice == Notice.PAYMENT_REQUESTED else ([], "")
    online = dossier.channel == "online"
    public = settings.MOTCUA_PUBLIC_URL
    new_appointment = payload.get("new_appointment")
    return {
        "code": dossier.code,
        "procedure": terms.get("procedure", {}).get("name") or dossier.procedure.name,
        "applicant": dossier.applicant_name,
        "agency": dossier.resolving_agency.name,
        "desk": desk.name,
        "desk_address": " ".join(desk.address.split()),
        "tracking_url": f"{public}/track/{dossier.code}/",
        "received_at": moment(dossier.received_at),
        "appointment": moment(dossier.appointment_at),
        "online": online,
        "download_url": f"{public}/my/" if online else "",
        "missing": list(payload.get("missing", [])),
        "reasons": list(payload.get("reasons", [])),
        "reason": str(payload.get("reason", "")),
        "new_appointment": moment(datetime.fromisoformat(new_appointment)) if new_appointment else "",
        "amount": amount,
        "fees": fees,
        "note": action.note,
    }


def sample_context() -> dict[str, Any]:
    """A context with every variable filled, for checking and previewing a template in the admin."""
    return {
        "code": "000.00.12.H55-261201-0007",
        "procedure": "Đăng ký khai sinh",
        "applicant": "Nguyễn Văn An",
        "agency": "UBND phường Phan Đình Phùng",
        "desk": "Bộ phận Một cửa UBND phường Phan Đình Phùng",
        "desk_address": "Số 1 đường Hoàng Văn Thụ, phường Phan Đình Phùng",
        "tracking_url": f"{settings.MOTCUA_PUBLIC_URL}/track/000.00.12.H55-261201-0007/",
        "received_at": "09:15 ngày 01/12/2026",
        "appointment": "16:30 ngày 03/12/2026",
        "online": True,
        "download_url": f"{settings.MOTCUA_PUBLIC_URL}/my/",
        "missing": ["Bản sao giấy chứng nhận kết hôn", "Giấy chứng sinh"],
        "reasons": ["Hồ sơ không thuộc thẩm quyền giải quyết"],
        "reason": "Cần xác minh thêm với cơ quan phối hợp",
        "new_appointment": "16:30 ngày 08/12/2026",
        "amount": "50.000 đồng",
        "fees": ["Lệ phí: 50.000 đồng"],
        "note": "",
    }
