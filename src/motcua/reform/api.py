"""Reform API: the compliance-cost calculator, a procedure version's assessment and regulation count,
the province-wide figures and the simplification plans.

Who may call (docs/decisions.md): every route needs an authenticated caller (token or session,
``API_AUTH``). The calculator saves and reads nothing, so any officer may use it; saving an assessment is the
reform officer's (``Role.REFORM``), checked inside the service (403 otherwise). The figures and plans are
the province's published reform results: every authenticated caller may read them.

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import PlainSerializer

from motcua.accounts.auth import API_AUTH
from motcua.catalog.models import Procedure
from motcua.reform import figures as province
from motcua.reform.selectors import latest_assessment, plan_with_items
from motcua.reform.services import CostInputs, assess_cost
from motcua.reform.versions import catalogue_fees_vnd, reference_offering, regulations_of
from motcua.rules import payloads
from motcua.rules.compliance_cost import Activity, compliance_cost, hourly_income
from motcua.rules.regulations import KINDS
from motcua.validation import ErrorOut

router = Router(tags=["reform"], auth=API_AUTH)
ERRORS = {401: ErrorOut, 422: ErrorOut}

Percent = Annotated[
    Decimal | None, PlainSerializer(lambda v: float(v) if v is not None else None, return_type=float | None)
]
Vnd = Annotated[Decimal, Field(ge=0, le=10**13)]


class ActivityIn(Schema):
    name: payloads.text(500, required=True)  # type: ignore[valid-type]
    hours: Annotated[Decimal, Field(ge=0, le=10_000, description="Số giờ cho một lần làm việc này.")]
    times: Annotated[int, Field(ge=0, le=10_000, description="Số lần làm việc này trong một lần thực hiện TTHC.")]


class ComplianceCostIn(Schema):
    """Either ``hourly_income_vnd``, or ``monthly_income_vnd`` with ``working_days_per_month`` (exactly one)."""

    activities: Annotated[list[ActivityIn], Field(max_length=200)]
    hourly_income_vnd: Annotated[Decimal | None, Field(ge=0, le=10**9)] = None
    monthly_income_vnd: Annotated[Decimal | None, Field(ge=0, le=10**12)] = None
    working_days_per_month: Annotated[Decimal | None, Field(gt=0, le=31)] = None
    fees_vnd: Vnd = Decimal(0)
    other_costs_vnd: Vnd = Decimal(0)
    executions_per_year: Annotated[int, Field(ge=0, le=10**6, description="Số lần một đối tượng thực hiện/năm.")]
    subjects: Annotated[int, Field(ge=0, le=10**8, description="Số đối tượng thực hiện/năm.")]


class ComplianceCostOut(Schema):
    cost_per_execution_vnd: int
    annual_cost_vnd: int


def _hourly(payload: ComplianceCostIn) -> Decimal:
    """The hourly income of the payload; a 422 naming the fields when not exactly one form is given."""
    monthly = payload.monthly_income_vnd is not None or payload.working_days_per_month is not None
    hourly = payload.hourly_income_vnd is not None
    if hourly and not monthly:
        return payload.hourly_income_vnd  # type: ignore[return-value]
    if monthly and not hourly and payload.monthly_income_vnd is not None and payload.working_days_per_month:
        return hourly_income(payload.monthly_income_vnd, payload.working_days_per_month)
    message = "Cần đúng một cách cho thu nhập: hourly_income_vnd, hoặc monthly_income_vnd cùng working_days_per_month."
    fields = ["hourly_income_vnd", "monthly_income_vnd", "working_days_per_month"]
    raise NinjaValidationError(
        [{"loc": ["body", "payload", name], "msg": message, "type": "income_form"} for name in fields]
    )


def _activities(payload: ComplianceCostIn) -> list[Activity]:
    return [Activity(a.name, a.hours, a.times) for a in payload.activities]


@router.post(
    "/reform/compliance-cost",
    response={200: ComplianceCostOut, **ERRORS, 400: ErrorOut},
    summary="Tính chi phí tuân thủ (không lưu)",
)
def compute_compliance_cost(request: HttpRequest, payload: ComplianceCostIn) -> ComplianceCostOut:
    """Standard Cost Model (RULES.md §8, Circular 02/2017/TT-VPCP): cost of one execution = Σ(hours × times ×
    hourly income) + fees + other costs, rounded half up to whole VND; annual = that × executions × subjects."""
    result = compliance_cost(
        _activities(payload),
        hourly_income_vnd=_hourly(payload),
        fees_vnd=payload.fees_vnd,
        other_costs_vnd=payload.other_costs_vnd,
        executions_per_year=payload.executions_per_year,
        subjects=payload.subjects,
    )
    return ComplianceCostOut(
        cost_per_execution_vnd=result.cost_per_execution_vnd, annual_cost_vnd=result.annual_cost_vnd
    )


class AssessmentIn(ComplianceCostIn):
    """The calculator's fields, saved for the version; without an income figure, the year's income setting."""

    year: Annotated[int, Field(ge=2000, le=2100)]
    income_source: payloads.text(500) = ""  # type: ignore[valid-type]


class AssessmentOut(Schema):
    year: int
    activities: list[dict[str, object]]
    hourly_income_vnd: Decimal
    income_source: str
    fees_vnd: int
    other_costs_vnd: int
    executions_per_year: int
    subjects: int
    cost_per_execution_vnd: int
    annual_cost_vnd: int
    entered_by: str
    entered_at: str


class RegulationCountOut(Schema):
    kind: str
    count: int


class VersionCostOut(Schema):
    procedure: str
    regulations: int
    regulations_by_kind: list[RegulationCountOut]
    catalogue_fees_vnd: int
    assessment: AssessmentOut | None


def _assessment(row: object) -> AssessmentOut | None:
    if row is None:
        return None
    return AssessmentOut(
        year=row.year,
        activities=row.activities,
        hourly_income_vnd=row.hourly_income_vnd,
        income_source=row.income_source,
        fees_vnd=int(row.fees_vnd),
        other_costs_vnd=int(row.other_costs_vnd),
        executions_per_year=row.executions_per_year,
        subjects=row.subjects,
        cost_per_execution_vnd=row.cost_per_execution_vnd,
        annual_cost_vnd=row.annual_cost_vnd,
        entered_by=str(row.entered_by),
        entered_at=row.entered_at.isoformat(),
    )


Code = Annotated[str, Path(..., max_length=40, description="Mã thủ tục (phiên bản).")]


@router.get(
    "/procedures/{code}/compliance-cost",
    response={200: VersionCostOut, 404: ErrorOut, **ERRORS},
    summary="Chi phí tuân thủ và số quy định của một phiên bản thủ tục",
)
def version_cost(request: HttpRequest, code: Code) -> VersionCostOut:
    procedure = get_object_or_404(Procedure, code=code)
    offering = reference_offering(procedure)
    regulations = regulations_of(procedure, offering)
    counts = [RegulationCountOut(kind=k, count=sum(1 for r in regulations if r.kind == k)) for k in KINDS]
    return VersionCostOut(
        procedure=procedure.code,
        regulations=len(regulations),
        regulations_by_kind=counts,
        catalogue_fees_vnd=int(catalogue_fees_vnd(offering)),
        assessment=_assessment(latest_assessment(procedure)),
    )


@router.post(
    "/procedures/{code}/compliance-cost",
    response={201: AssessmentOut, 403: ErrorOut, 404: ErrorOut, **ERRORS, 400: ErrorOut},
    summary="Lưu chi phí tuân thủ của một phiên bản thủ tục (cán bộ CCHC)",
)
def save_version_cost(request: HttpRequest, code: Code, payload: AssessmentIn) -> Reply[AssessmentOut]:
    procedure = get_object_or_404(Procedure, code=code)
    monthly = payload.monthly_income_vnd is not None or payload.working_days_per_month is not None
    hourly = None if not monthly and payload.hourly_income_vnd is None else _hourly(payload)
    inputs = CostInputs(
        activities=_activities(payload),
        fees_vnd=payload.fees_vnd,
        other_costs_vnd=payload.other_costs_vnd,
        executions_per_year=payload.executions_per_year,
        subjects=payload.subjects,
        year=payload.year,
        hourly_income_vnd=hourly,
        income_source=payload.income_source,
    )
    return Reply(201, _assessment(assess_cost(request.auth, procedure, inputs)))


class FigureRowOut(Schema):
    procedure: str
    name: str
    field: str
    agencies: list[str]
    regulations: int
    simplified: int
    plan: str | None
    new_version: str | None
    annual_cost_before_vnd: int | None
    annual_cost_after_vnd: int | None


class FiguresOut(Schema):
    regulations: int
    regulations_simplified: int
    regulations_simplified_percent: Percent
    annual_cost_before_vnd: int
    annual_cost_after_vnd: int
    cost_cut_percent: Percent
    target_percent: Percent
    unassessed: list[str]
    rows: list[FigureRowOut]


class FiguresFilter(Schema):
    plan: payloads.Id | None = Field(None, description="Chỉ các thủ tục của một phương án.")  # type: ignore[valid-type]
    field: payloads.text(80) = Field("", description="Mã lĩnh vực.")  # type: ignore[valid-type]
    agency: payloads.Id | None = Field(None, description="Cơ quan giải quyết (id).")  # type: ignore[valid-type]


def figures_out(result: province.Figures) -> FiguresOut:
    return FiguresOut(
        regulations=result.regulations,
        regulations_simplified=result.simplified,
        regulations_simplified_percent=result.regulation_rate,
        annual_cost_before_vnd=result.cost_before_vnd,
        annual_cost_after_vnd=result.cost_after_vnd,
        cost_cut_percent=result.cost_rate,
        target_percent=province.TARGET_PERCENT,
        unassessed=[p.code for p in result.unassessed],
        rows=[
            FigureRowOut(
                procedure=row.procedure.code,
                name=row.procedure.name,
                field=row.procedure.field.name if row.procedure.field_id else "",
                agencies=row.agencies,
                regulations=row.regulations,
                simplified=row.simplified,
                plan=row.item.plan.decision_number if row.item else None,
                new_version=row.item.after.code if row.item and row.item.after else None,
                annual_cost_before_vnd=row.cost_before_vnd,
                annual_cost_after_vnd=row.cost_after_vnd,
            )
            for row in result.rows
        ],
    )


@router.get("/reform/figures", response={200: FiguresOut, **ERRORS}, summary="Số liệu cắt giảm, đơn giản hóa toàn tỉnh")
def reform_figures(request: HttpRequest, filters: Query[FiguresFilter]) -> FiguresOut:
    """Business-related procedures in the province's competence (``reform.figures``, its readings)."""
    return figures_out(
        province.province_figures(plan_id=filters.plan, field_code=filters.field, agency_id=filters.agency)
    )


class PlanItemOut(Schema):
    procedure: str
    new_version: str | None
    changes: list[dict[str, object]]
    description: str


class PlanOut(Schema):
    id: int
    decision_number: str
    decision_date: date
    title: str
    state: str
    implemented_on: date | None
    items: list[PlanItemOut]
    figures: FiguresOut


@router.get(
    "/reform/plans/{plan_id}", response={200: PlanOut, 404: ErrorOut, **ERRORS}, summary="Một phương án đơn giản hóa"
)
def plan_detail(request: HttpRequest, plan_id: Annotated[int, Path(..., ge=1, le=2**53 - 1)]) -> PlanOut:
    plan = plan_with_items(plan_id)
    if plan is None:
        raise Http404  # answered by the API's handler: 404 with a Vietnamese detail
    return PlanOut(
        id=plan.pk,
        decision_number=plan.decision_number,
        decision_date=plan.decision_date,
        title=plan.title,
        state=plan.state,
        implemented_on=plan.implemented_on,
        items=[
            PlanItemOut(
                procedure=item.before.code,
                new_version=item.after.code if item.after else None,
                changes=item.changes,
                description=item.description,
            )
            for item in plan.items.all()
        ],
        figures=figures_out(province.province_figures(plan_id=plan.pk)),
    )
