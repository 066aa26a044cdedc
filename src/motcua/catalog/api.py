"""Catalogue API: browse, search and read procedures.

django-ninja names each OpenAPI component after its schema class, and one class silently replaces
another of the same name: the catalogue's schemas therefore carry names of their own (``RequiredDocumentOut``,
``ProcessStepOut``, …), distinct from the dossiers' (``DocumentOut``, ``StepOut``); a test walks the live
OpenAPI document and fails on any shared name.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import PlainSerializer

from motcua.catalog.models import Level, Procedure
from motcua.catalog.selectors import procedure_detail, search_procedures
from motcua.ratelimits import hit
from motcua.rules import payloads
from motcua.validation import ErrorOut

router = Router(tags=["catalog"])

#: The public catalogue carries no personal data: shared caches may keep it five minutes (to an anonymous caller;
#: ``web.middleware.PrivateCacheMiddleware`` makes every other answer ``no-store``).
PUBLIC_CATALOGUE = cache_control(public=True, max_age=300)


def _json_number(value: Decimal) -> int | float:
    """Amounts and times as JSON numbers (20000000, 0.5), not strings: what clients compute with."""
    return int(value) if value == value.to_integral_value() else float(value)


#: A decimal stored exactly, answered as a number.
Number = Annotated[Decimal, PlainSerializer(_json_number, return_type=float, when_used="always")]


class ProcedureFilter(Schema):
    q: payloads.text(200) = Field(  # type: ignore[valid-type]
        "", description="Tìm theo mã, tên, lĩnh vực (không phân biệt dấu, hoa thường)."
    )
    level: Level | None = Field(None, description="Cấp thực hiện.")
    field: payloads.text(80) = Field("", description="Mã lĩnh vực, ví dụ ho-tich.")  # type: ignore[valid-type]
    agency: payloads.text(40) = Field(  # type: ignore[valid-type]
        "", description="Mã định danh điện tử của cơ quan giải quyết."
    )


class FieldOut(Schema):
    code: str
    name: str


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    field: FieldOut | None
    levels: list[str]
    online_level: str
    status: str

    @staticmethod
    def resolve_levels(obj: Procedure) -> list[str]:
        return sorted(level.level for level in obj.levels.all())


class AgencyRefOut(Schema):
    identifier: str
    identifier_is_placeholder: bool
    name: str
    level: str


class OfferingChannelOut(Schema):
    channel: str
    processing_amount: Number | None
    processing_unit: str
    processing_text: str


class OfferingFeeOut(Schema):
    kind: str
    name: str
    amount_vnd: Number | None
    condition: str
    channel: str


class ProcessStepOut(Schema):
    position: int
    name: str
    role: str
    executing_agency: AgencyRefOut | None
    allotted_amount: Number
    allotted_unit: str


class ProcessTemplateOut(Schema):
    channel: str
    name: str
    steps: list[ProcessStepOut]


class OfferingOut(Schema):
    agency: AgencyRefOut
    receiving_agency: AgencyRefOut | None
    channels: list[OfferingChannelOut]
    fees: list[OfferingFeeOut]
    templates: list[ProcessTemplateOut]


class RequiredDocumentOut(Schema):
    id: int = Field(..., description="Mã thành phần hồ sơ: dùng khi nộp hồ sơ (checklist, tệp doc_<id>).")
    name: str
    quantity: int | None
    form: str
    condition: str
    document_type: str
    templates: list[str]
    group: str


class LegalBasisOut(Schema):
    number: str = ""
    title: str = ""


class ResultOut(Schema):
    code: str = ""
    name: str = ""


class TimeOut(Schema):
    amount: Number | None = Field(None, description="Số (ngày, giờ…), rỗng nếu không phân tích được.")
    unit: str | None = Field(None, description="working_days, working_hours, calendar_days, months…")
    text: str = Field("", description="Nguyên văn.")


class FeeAmountOut(Schema):
    amount: Number | None = None
    currency: str | None = Field(None, description="VND, USD…; rỗng nếu miễn phí hoặc không rõ.")
    text: str = ""
    note: str = ""


class PortalTermOut(Schema):
    channel: str
    channel_text: str = ""
    times: list[TimeOut] = []
    fees: list[FeeAmountOut] = []
    description: str = ""
    text: str = ""


class ProblemOut(Schema):
    field: str
    text: str
    reason: str


class ProcedureOut(ProcedureSummaryOut):
    issuing_body: str
    decision_number: str
    valid_from: date | None
    valid_to: date | None
    procedure_type: str
    subjects: str
    competent_authority: str
    resolving_agencies: str
    coordinating_agencies: str
    portal_terms: list[PortalTermOut] = Field(..., description="Cách thức thực hiện theo Cổng DVCQG, đã phân tích.")
    import_problems: list[ProblemOut] = Field(..., description="Nội dung chưa phân tích được, theo trường.")
    legal_basis: list[LegalBasisOut]
    results: list[ResultOut]
    notes: str
    source_url: str
    documents: list[RequiredDocumentOut]
    offerings: list[OfferingOut]


#: A procedure's code in a path: at most what the column holds, and no character no database can compare
#: (a NUL was a 500 on PostgreSQL: schemathesis, issue 8).
ProcedureCode = payloads.text(40, required=True)

#: The largest page and the largest offset of the procedure list. The whole national catalogue holds a few
#: thousand procedures; an offset of 2^63 used to reach the database and fail there (500).
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class ProcedurePageIn(Schema):
    limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT, description=f"Số thủ tục một trang (1–{MAX_LIMIT}).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Bỏ qua bao nhiêu thủ tục đầu (0–{MAX_OFFSET}).")


class ProcedurePagination(LimitOffsetPagination):
    """ninja's limit/offset pagination, bounded: beyond the bounds the answer is 422, never a database error."""

    Input = ProcedurePageIn

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


@router.get(
    "/procedures",
    response={200: list[ProcedureSummaryOut], 422: ErrorOut, 429: ErrorOut},
    summary="Danh sách, tìm kiếm thủ tục",
)
@decorate_view(PUBLIC_CATALOGUE)
@paginate(ProcedurePagination)
def list_procedures(request: HttpRequest, filters: Query[ProcedureFilter]) -> Any:
    hit(request, "search")  # MOTCUA_RATE_LIMITS["search"], per client address
    return search_procedures(query=filters.q, level=filters.level or "", field=filters.field, agency=filters.agency)


@router.get(
    "/procedures/{code}",
    response={200: ProcedureOut, 404: ErrorOut, 422: ErrorOut},
    summary="Chi tiết thủ tục theo mã",
)
@decorate_view(PUBLIC_CATALOGUE)
def get_procedure(request: HttpRequest, code: Path[ProcedureCode]) -> Any:
    procedure = procedure_detail(code)
    if procedure is None:
        raise HttpError(404, _("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code})
    return procedure
