"""The service index's query and answer, shared by the API, the drill-down and the workbench page (issue 13).

(No ``from __future__ import annotations`` here: django-ninja reads the schemas' annotations at import.)
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.errors import HttpError

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.metrics.selectors import Scope, may_read_index
from motcua.rules.service_index import IndexResult, IndicatorResult

#: The days a period may span: the service index exists since 2022; the bounds keep date arithmetic defined.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
LevelCode = Literal["province", "district", "commune"]
#: Vietnamese names of the groups and indicators (``rules.service_index`` keeps English identifiers).
GROUP_NAMES = {
    "transparency": gettext_lazy("Công khai, minh bạch"),
    "progress": gettext_lazy("Tiến độ, kết quả giải quyết"),
    "online": gettext_lazy("Dịch vụ công trực tuyến"),
    "online_service": gettext_lazy("Cung cấp dịch vụ trực tuyến"),
    "online_payment": gettext_lazy("Thanh toán trực tuyến"),
    "digitisation": gettext_lazy("Số hóa hồ sơ"),
    "satisfaction": gettext_lazy("Mức độ hài lòng"),
}
INDICATOR_NAMES = {
    "1.1": gettext_lazy("Thủ tục được công bố đúng hạn"),
    "1.2": gettext_lazy("Thủ tục được cập nhật lên Cơ sở dữ liệu quốc gia đúng hạn"),
    "1.3": gettext_lazy("Thủ tục được công khai đầy đủ các bộ phận"),
    "1.4": gettext_lazy("Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia"),
    "2.1": gettext_lazy("Hồ sơ giải quyết trước hạn, đúng hạn"),
    "2.2": gettext_lazy("Thời gian giải quyết trung bình (không tính điểm)"),
    "3.1": gettext_lazy("Thủ tục cung cấp dịch vụ công trực tuyến"),
    "3.2": gettext_lazy("Thủ tục trực tuyến có phát sinh hồ sơ trực tuyến"),
    "3.3": gettext_lazy("Hồ sơ nộp trực tuyến"),
    "3.4": gettext_lazy("Thủ tục có phí được tích hợp thanh toán trực tuyến"),
    "3.5": gettext_lazy("Thủ tục có phát sinh thanh toán trực tuyến"),
    "3.6": gettext_lazy("Hồ sơ thanh toán trực tuyến"),
    "4.1": gettext_lazy("Hồ sơ có kết quả điện tử"),
    "4.2": gettext_lazy("Hồ sơ được số hóa"),
    "4.3": gettext_lazy("Bản sao điện tử được chứng thực từ bản chính"),
    "4.4": gettext_lazy("Hồ sơ tái sử dụng dữ liệu đã số hóa"),
    "4.5": gettext_lazy("Hồ sơ kết nối kho dữ liệu điện tử của tổ chức, cá nhân"),
    "4.6a": gettext_lazy("Thủ tục khai thác Cơ sở dữ liệu quốc gia về dân cư"),
    "4.6b": gettext_lazy("Hồ sơ khai thác Cơ sở dữ liệu quốc gia về dân cư"),
    "5.1": gettext_lazy("Phản ánh, kiến nghị được xử lý đúng hạn"),
    "5.2": gettext_lazy("Hài lòng với việc xử lý phản ánh, kiến nghị"),
    "5.3": gettext_lazy("Hài lòng với việc giải quyết thủ tục hành chính"),
}


class IndexQuery(Schema):
    agency: str | None = Field(
        None, max_length=40, description="Mã định danh của cơ quan giải quyết; bỏ trống: toàn tỉnh."
    )
    level: LevelCode | None = Field(None, description="Mọi cơ quan của một cấp (thay cho agency).")
    from_: date = Field(..., alias="from", ge=FIRST_DAY, le=LAST_DAY, description="Ngày đầu kỳ (YYYY-MM-DD).")
    to: date = Field(..., ge=FIRST_DAY, le=LAST_DAY, description="Ngày cuối kỳ, tính cả ngày này (YYYY-MM-DD).")


class IndicatorOut(Schema):
    id: str = Field(..., description="Mã chỉ tiêu theo Quyết định 766/QĐ-TTg, ví dụ 2.1.")
    name: str
    display_group: str
    numerator: int | None
    denominator: int | None
    ratio: float | None = Field(..., description="Tử số ÷ mẫu số (4 chữ số thập phân); null: không áp dụng.")
    threshold: float
    points: float | None = Field(..., description="Điểm (2 chữ số thập phân); null: không áp dụng (n/a).")
    max_points: float
    scored: bool


class GroupOut(Schema):
    key: str
    name: str
    points: float
    max_points: float = Field(..., description="Điểm tối đa của các chỉ tiêu tính được (không gồm n/a).")
    nominal_max: float
    indicators: list[IndicatorOut]


class DisplayGroupOut(Schema):
    key: str
    name: str
    points: float
    max_points: float
    nominal_max: float


class ServiceIndexOut(Schema):
    version: str = Field(..., description="Phiên bản bộ chỉ số áp dụng cho kỳ (theo ngày đầu kỳ).")
    agency: str | None
    level: str | None
    from_: date = Field(..., alias="from")
    to: date
    total: float
    max: float = Field(..., description="Tổng điểm tối đa của các chỉ tiêu tính được.")
    nominal_max: float = Field(..., description="Tổng điểm tối đa của bộ chỉ số (100).")
    groups: list[GroupOut]
    display_groups: list[DisplayGroupOut]


def _number(value: Decimal | None, places: str) -> float | None:
    return None if value is None else float(value.quantize(Decimal(places), ROUND_HALF_UP))


def indicator_data(result: IndicatorResult) -> dict[str, Any]:
    indicator = result.indicator
    return {
        "id": indicator.id,
        "name": str(INDICATOR_NAMES.get(indicator.id, indicator.name)),
        "display_group": str(indicator.display_group),
        "numerator": result.numerator,
        "denominator": result.denominator,
        "ratio": _number(result.ratio, "0.0001"),
        "threshold": float(indicator.threshold),
        "points": _number(result.points, "0.01"),
        "max_points": float(result.max_points),
        "scored": indicator.scored,
    }


def index_data(result: IndexResult, scope: Scope, first: date, last: date) -> dict[str, Any]:
    """The answer of ``GET /api/v1/metrics/service-index`` (and what the workbench page shows)."""

    def group(g: Any, with_indicators: bool) -> dict[str, Any]:
        data = {
            "key": g.key,
            "name": str(GROUP_NAMES.get(g.key, g.key)),
            "points": float(g.points),
            "max_points": float(g.max_points),
            "nominal_max": float(g.nominal_max),
        }
        if with_indicators:
            data["indicators"] = [indicator_data(r) for r in g.indicators]
        return data

    return {
        "version": result.version.key,
        "agency": scope.agency.identifier if scope.agency else None,
        "level": scope.level,
        "from": first,
        "to": last,
        "total": float(result.total),
        "max": float(result.max),
        "nominal_max": float(result.nominal_max),
        "groups": [group(g, True) for g in result.groups],
        "display_groups": [group(g, False) for g in result.display_groups],
    }


def resolve_query(user: User, query: IndexQuery) -> tuple[Scope, date, date]:
    """The scope and period a query names, checked: 422 for a period that ends before it starts, an agency
    that does not exist, or both an agency and a level; 403 when ``user`` may not read that scope."""
    if query.from_ > query.to:
        raise HttpError(422, _("Kỳ báo cáo không hợp lệ: ngày đầu kỳ (from) sau ngày cuối kỳ (to)."))
    if query.agency and query.level:
        raise HttpError(422, _("Chọn một cơ quan hoặc một cấp, không chọn cả hai."))
    scope = Scope(level=query.level)
    if query.agency:
        agency = Agency.objects.filter(identifier=query.agency).first()
        if agency is None:
            raise HttpError(422, _("Không có cơ quan mang mã định danh %(id)s.") % {"id": query.agency})
        scope = Scope(agency=agency)
    if not may_read_index(user, scope):
        if scope.agency is None:
            message = _(
                "Chỉ số phục vụ toàn tỉnh dành cho cán bộ giám sát của tỉnh và cán bộ cải cách hành chính; "
                "lãnh đạo cơ quan xem chỉ số của cơ quan mình (tham số agency)."
            )
        else:
            message = _("Bạn không có quyền xem chỉ số phục vụ của cơ quan này.")
        raise HttpError(403, message)
    return scope, query.from_, query.to
