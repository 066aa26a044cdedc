"""Writes of the reform module, one transaction each, authorised inside: the reform officer enters costs and
runs plans; an agency self-scores its own PAR items; the reform officer appraises them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Agency, Offering, Procedure, ProcedureStatus
from motcua.documents.uploads import UploadRejected, check_upload, safe_filename
from motcua.reform import drafting
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    CostAssessment,
    IncomeSetting,
    ParCriterion,
    ParEvidence,
    ParScore,
    PlanItem,
    PlanState,
    SimplificationPlan,
)
from motcua.reform.selectors import is_reform_officer, scoring_agencies
from motcua.rules.compliance_cost import Activity, CostInputError, compliance_cost


@dataclass(frozen=True)
class CostInputs:
    """What an officer enters for one version; ``hourly_income_vnd`` None: from the year's income setting."""

    activities: list[Activity]
    fees_vnd: Decimal
    other_costs_vnd: Decimal
    executions_per_year: int
    subjects: int
    year: int
    hourly_income_vnd: Decimal | None = None
    income_source: str = ""


#: Bounds of what an assessment keeps (the columns' sizes), checked before computing: a workbook or a form
#: past them gets a message, never a database error.
MAX_HOURLY_VND = Decimal(10**9)
MAX_AMOUNT_VND = Decimal(10**13)
MAX_COUNT = 2**31 - 1
MAX_ANNUAL_VND = 2**63 - 1


def _check_bounds(inputs: CostInputs) -> None:
    hourly = inputs.hourly_income_vnd
    if hourly is not None and not Decimal(0) <= hourly <= MAX_HOURLY_VND:
        raise ReformError(_("Thu nhập bình quân/giờ không hợp lệ."), field="hourly_income_vnd")
    for name in ("fees_vnd", "other_costs_vnd"):
        if not Decimal(0) <= getattr(inputs, name) <= MAX_AMOUNT_VND:
            raise ReformError(_("Số tiền không hợp lệ (từ 0 đến 10.000 tỷ đồng)."), field=name)
    for name in ("executions_per_year", "subjects"):
        if not 0 <= getattr(inputs, name) <= MAX_COUNT:
            raise ReformError(_("Số lần, số đối tượng không hợp lệ."), field=name)
    if not 2000 <= inputs.year <= 2100:
        raise ReformError(_("Năm số liệu không hợp lệ."), field="year")
    if len(inputs.activities) > 200 or any(
        not Decimal(0) <= a.hours <= 10_000 or not 0 <= a.times <= 10_000 for a in inputs.activities
    ):
        raise ReformError(_("Các công việc không hợp lệ (tối đa 200 dòng, số giờ, số lần từ 0 đến 10.000)."))


def _require_reform(user: Any) -> None:
    if not is_reform_officer(user):
        raise ReformError(_("Chỉ cán bộ cải cách hành chính được thực hiện thao tác này."), status_code=403)


@transaction.atomic
def assess_cost(user: Any, procedure: Procedure, inputs: CostInputs) -> CostAssessment:
    """Compute (``rules.compliance_cost``) and keep one assessment of ``procedure`` with who entered it."""
    _require_reform(user)
    _check_bounds(inputs)
    hourly, source = inputs.hourly_income_vnd, inputs.income_source
    if hourly is None:
        setting = IncomeSetting.objects.filter(year=inputs.year).first()
        if setting is None:
            raise ReformError(
                _("Chưa có số liệu thu nhập bình quân năm %(year)s: nhập thu nhập theo giờ hoặc khai báo năm đó.")
                % {"year": inputs.year},
                field="hourly_income_vnd",
            )
        hourly, source = setting.hourly_income_vnd, source or setting.source
    try:
        result = compliance_cost(
            inputs.activities,
            hourly_income_vnd=hourly,
            fees_vnd=inputs.fees_vnd,
            other_costs_vnd=inputs.other_costs_vnd,
            executions_per_year=inputs.executions_per_year,
            subjects=inputs.subjects,
        )
    except CostInputError:
        raise ReformError(_("Số liệu chi phí không được âm.")) from None
    if result.annual_cost_vnd > MAX_ANNUAL_VND:
        raise ReformError(_("Chi phí cả năm vượt quá giới hạn lưu trữ: kiểm tra số lần và số đối tượng."))
    return CostAssessment.objects.create(
        procedure=procedure,
        year=inputs.year,
        activities=[{"name": a.name, "hours": str(a.hours), "times": a.times} for a in inputs.activities],
        hourly_income_vnd=hourly.quantize(Decimal("0.000001")),
        income_source=source,
        fees_vnd=inputs.fees_vnd,
        other_costs_vnd=inputs.other_costs_vnd,
        executions_per_year=inputs.executions_per_year,
        subjects=inputs.subjects,
        cost_per_execution_vnd=result.cost_per_execution_vnd,
        annual_cost_vnd=result.annual_cost_vnd,
        entered_by=user,
    )


# --------------------------------------------------------------------------------------------------
# simplification plans


@transaction.atomic
def create_plan(user: Any, *, decision_number: str, decision_date: date, title: str) -> SimplificationPlan:
    _require_reform(user)
    if not decision_number.strip() or not title.strip():
        raise ReformError(_("Cần số quyết định và trích yếu."), field="decision_number")
    if SimplificationPlan.objects.filter(decision_number=decision_number.strip()).exists():
        raise ReformError(_("Đã có phương án theo quyết định này."), field="decision_number", status_code=409)
    return SimplificationPlan.objects.create(
        decision_number=decision_number.strip(), decision_date=decision_date, title=title.strip(), created_by=user
    )


def _editable(plan: SimplificationPlan) -> None:
    if plan.state != PlanState.PROPOSED:
        raise ReformError(_("Phương án đã phê duyệt: không sửa được nội dung."), status_code=409)


@transaction.atomic
def add_item(
    user: Any,
    plan: SimplificationPlan,
    before: Procedure,
    changes: list[dict[str, Any]],
    *,
    description: str = "",
    new_code: str = "",
) -> PlanItem:
    """Add a procedure to a proposed plan and draft its new version in the catalogue with ``changes``."""
    _require_reform(user)
    plan = SimplificationPlan.objects.select_for_update().get(pk=plan.pk)
    _editable(plan)
    if before.status != ProcedureStatus.PUBLISHED:
        raise ReformError(_("Chỉ đơn giản hóa thủ tục đã công bố."), field="procedure")
    if not changes:
        raise ReformError(_("Cần ít nhất một nội dung thay đổi."), field="changes")
    try:
        with transaction.atomic():
            item = PlanItem.objects.create(plan=plan, before=before, changes=changes, description=description)
    except IntegrityError:
        raise ReformError(_("Thủ tục này đã có trong phương án."), field="procedure", status_code=409) from None
    code = new_code.strip() or drafting.default_code(before, item.pk)
    note = _("Dự thảo phiên bản mới của thủ tục %(code)s theo phương án %(plan)s.") % {
        "code": before.code,
        "plan": plan.decision_number,
    }
    try:
        after = drafting.copy_procedure(before, code, note)
    except DjangoValidationError:  # full_clean: a code in use or malformed
        raise ReformError(_("Mã thủ tục của phiên bản mới không hợp lệ hoặc đã dùng."), field="new_code") from None
    drafting.apply_changes(after, changes)
    item.after = after
    item.save(update_fields=["after"])
    return item


@transaction.atomic
def approve_plan(user: Any, plan: SimplificationPlan) -> SimplificationPlan:
    _require_reform(user)
    plan = SimplificationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != PlanState.PROPOSED:
        raise ReformError(_("Chỉ phê duyệt được phương án đang đề xuất."), status_code=409)
    if not plan.items.exists():
        raise ReformError(_("Phương án chưa có thủ tục nào."), status_code=409)
    plan.state, plan.approved_by, plan.approved_at = PlanState.APPROVED, user, timezone.now()
    plan.save(update_fields=["state", "approved_by", "approved_at"])
    return plan


@transaction.atomic
def implement_plan(user: Any, plan: SimplificationPlan, day: date) -> SimplificationPlan:
    """Publish and offer each item's new version from ``day``; the version it replaces ends the day before.

    The catalogue's own mechanism: the draft becomes ``published`` with ``valid_from = day`` and its
    offerings active; the old version keeps its row (dossiers refer to it) with ``valid_to = day − 1``.
    """
    _require_reform(user)
    plan = SimplificationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != PlanState.APPROVED:
        raise ReformError(_("Chỉ thực thi được phương án đã phê duyệt."), status_code=409)
    for item in plan.items.select_related("before", "after"):
        after, before = item.after, item.before
        if after is None:
            raise ReformError(_("Thủ tục %(code)s chưa có phiên bản mới.") % {"code": before.code}, status_code=409)
        after.status, after.valid_from = ProcedureStatus.PUBLISHED, day
        after.save(update_fields=["status", "valid_from"])
        for offering in Offering.objects.filter(procedure=after, active=False):
            offering.active = True
            offering.save(update_fields=["active"])
        _end_version(before, day)
    plan.state, plan.implemented_by, plan.implemented_on = PlanState.IMPLEMENTED, user, day
    plan.save(update_fields=["state", "implemented_by", "implemented_on"])
    return plan


def _end_version(before: Procedure, day: date) -> bool:
    end = day - timedelta(days=1)
    if before.valid_to is not None and before.valid_to <= end:
        return False
    before.valid_to = max(end, before.valid_from) if before.valid_from else end
    before.save(update_fields=["valid_to"])
    return True


@transaction.atomic
def end_replaced_versions(plan: SimplificationPlan) -> int:
    """End again the versions an implemented plan replaced, when a catalogue file loaded since (which knows
    nothing of the plan) put them back in force; the number of versions ended."""
    if plan.state != PlanState.IMPLEMENTED or plan.implemented_on is None:
        return 0
    return sum(_end_version(item.before, plan.implemented_on) for item in plan.items.select_related("before"))


# --------------------------------------------------------------------------------------------------
# PAR Index


@transaction.atomic
def load_par_tree(user: Any, year: int, areas: Iterable[dict[str, Any]]) -> int:
    """Replace the year's criteria tree with ``areas`` (area → criterion → sub-criterion, ``children``).

    Refused once any agency has scored that year: the tree a score was given against must not change."""
    _require_reform(user)
    if ParScore.objects.filter(criterion__year=year).exists():
        raise ReformError(
            _("Đã có cơ quan chấm điểm năm %(year)s: không thay bộ tiêu chí.") % {"year": year}, status_code=409
        )
    ParCriterion.objects.filter(year=year).delete()
    counter = [0]

    def add(node: dict[str, Any], parent: ParCriterion | None, where: str) -> None:
        try:
            criterion = ParCriterion(
                year=year,
                parent=parent,
                code=str(node["code"]),
                title=str(node["title"]),
                max_points=Decimal(str(node["max_points"])),
                evidence_required=str(node.get("evidence_required", "") or ""),
                measure=str(node.get("measure", "") or ""),
                position=counter[0],
            )
            criterion.full_clean(exclude=["parent"])
        except (KeyError, TypeError, ArithmeticError, DjangoValidationError):
            message = _("Tiêu chí %(where)s thiếu hoặc sai mã, tên, điểm tối đa.") % {"where": where}
            raise ReformError(message) from None
        criterion.save()
        counter[0] += 1
        for index, child in enumerate(node.get("children", []) or []):
            add(child, criterion, f"{where}.{index + 1}")

    for index, area in enumerate(areas):
        add(area, None, str(index + 1))
    return counter[0]


def _leaf(criterion: ParCriterion) -> None:
    if criterion.children.exists():
        raise ReformError(_("Chỉ chấm điểm tiêu chí thành phần (không có tiêu chí con)."), field="criterion")


def _points(value: Decimal, criterion: ParCriterion, field: str) -> Decimal:
    if value < 0 or value > criterion.max_points:
        raise ReformError(_("Điểm phải từ 0 đến %(max)s.") % {"max": criterion.max_points}, field=field)
    return value


@transaction.atomic
def self_score(user: Any, criterion: ParCriterion, agency: Agency, score: Decimal, comment: str = "") -> ParScore:
    """An agency's leader or reform officer scores one of its own leaf items (never another agency's)."""
    if not scoring_agencies(user).filter(pk=agency.pk).exists():
        raise ReformError(_("Chỉ cơ quan được đánh giá tự chấm điểm của mình."), status_code=403)
    _leaf(criterion)
    row, _created = ParScore.objects.select_for_update().get_or_create(criterion=criterion, agency=agency)
    if row.appraised_score is not None:
        raise ReformError(_("Tiêu chí đã được thẩm định: không sửa điểm tự chấm."), status_code=409)
    row.self_score, row.self_comment, row.scored_by = _points(score, criterion, "self_score"), comment, user
    row.save()
    return row


@transaction.atomic
def add_evidence(user: Any, score: ParScore, upload: Any) -> ParEvidence:
    if not scoring_agencies(user).filter(pk=score.agency_id).exists():
        raise ReformError(_("Chỉ cơ quan được đánh giá nộp tài liệu kiểm chứng."), status_code=403)
    try:
        check_upload(upload)  # the dossiers' rule: PDF, JPEG or PNG by content, within the size limit
    except UploadRejected as error:
        raise ReformError(str(error), field="evidence") from None
    name = safe_filename(str(upload.name or ""))
    return ParEvidence.objects.create(score=score, file=upload, name=name, uploaded_by=user)


@transaction.atomic
def appraise(user: Any, criterion: ParCriterion, agency: Agency, score: Decimal, comment: str = "") -> ParScore:
    """The reform officer's appraisal of an item (score and comment)."""
    _require_reform(user)
    _leaf(criterion)
    row, _created = ParScore.objects.select_for_update().get_or_create(criterion=criterion, agency=agency)
    row.appraised_score = _points(score, criterion, "appraised_score")
    row.appraisal_comment, row.appraised_by = comment, user
    row.save()
    return row
