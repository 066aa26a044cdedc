"""The reform officer's pages: the province-wide figures, plans with their before/after, a version's cost,
the PAR Index. Thin: reads from ``reform.selectors``/``figures``/``par``, writes from ``reform.services``;
a refusal comes back as a message on the page. Only reform officers see the reform pages (404 for others,
like the workbench for citizens); the PAR page is also an agency's, for its own items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.catalog.models import Agency, Field, Procedure
from motcua.downloads import download, file_download
from motcua.reform import figures as province
from motcua.reform import par, services, spreadsheets
from motcua.reform.errors import ReformError
from motcua.reform.models import ParCriterion, ParEvidence, PlanState
from motcua.reform.printing import plan_pdf
from motcua.reform.selectors import (
    is_reform_officer,
    latest_assessment,
    par_years,
    plan_with_items,
    plans,
    scoring_agencies,
)
from motcua.reform.versions import catalogue_fees_vnd, reference_offering, regulations_of
from motcua.rules.regulations import KINDS
from motcua.web.reform_forms import CostForm, ItemForm, PlanForm, ScoreForm, UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {
    "document": gettext_lazy("Thành phần hồ sơ"),
    "form": gettext_lazy("Mẫu đơn, tờ khai"),
    "step": gettext_lazy("Bước thực hiện"),
    "time": gettext_lazy("Thời hạn giải quyết"),
    "fee": gettext_lazy("Phí, lệ phí"),
    "result": gettext_lazy("Kết quả"),
    "online": gettext_lazy("Mức độ trực tuyến"),
}


def _reform(request: HttpRequest) -> None:
    if not is_reform_officer(request.user):
        raise Http404(_("Trang này dành cho cán bộ cải cách hành chính."))


def _download(content: bytes, name: str, kind: str) -> HttpResponse:
    return download(content, name, kind)


def _filters(request: HttpRequest) -> dict[str, object]:
    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and len(value) < 16 else None

    return {"plan_id": number("plan"), "field_code": request.GET.get("field", "")[:80], "agency_id": number("agency")}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _reform(request)
    filters = _filters(request)
    return render(
        request,
        "workbench/reform/home.html",
        {
            "figures": province.province_figures(**filters),  # type: ignore[arg-type]
            "target": province.TARGET_PERCENT,
            "plans": plans(),
            "plan_form": PlanForm(),
            "fields": Field.objects.filter(procedures__business_related=True).distinct(),
            "agencies": Agency.objects.filter(offerings__procedure__business_related=True).distinct(),
            "selected": filters,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    _reform(request)
    figures = province.province_figures(**_filters(request))  # type: ignore[arg-type]
    return _download(spreadsheets.summary_sheet(figures, _("Toàn tỉnh")), "tong-hop-cchc.xlsx", XLSX)


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    _reform(request)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phương án chưa đủ thông tin: số, ngày quyết định và trích yếu."))
        return redirect("web:reform")
    try:
        plan = services.create_plan(request.user, **form.cleaned_data)
    except ReformError as error:
        messages.error(request, error.message)
        return redirect("web:reform")
    return redirect("web:reform-plan", plan.pk)


def _plan(plan_id: int):  # type: ignore[no-untyped-def]
    plan = plan_with_items(plan_id)
    if plan is None:
        raise Http404(_("Không có phương án này."))
    return plan


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    _reform(request)
    plan = _plan(plan_id)
    return render(
        request,
        "workbench/reform/plan.html",
        {
            "plan": plan,
            "figures": province.province_figures(plan_id=plan.pk),
            "item_form": ItemForm(),
            "editable": plan.state == PlanState.PROPOSED,
            "today": timezone.localdate(),
            "kind_labels": KIND_LABELS,
        },
    )


@login_required
@require_POST
def plan_item(request: HttpRequest, plan_id: int) -> HttpResponse:
    _reform(request)
    plan = _plan(plan_id)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nội dung thay đổi chưa hợp lệ."))
        return redirect("web:reform-plan", plan.pk)
    before = Procedure.objects.filter(code=form.cleaned_data["procedure"].strip()).first()
    if before is None:
        messages.error(request, _("Không có thủ tục mã này."))
        return redirect("web:reform-plan", plan.pk)
    try:
        services.add_item(
            request.user,
            plan,
            before,
            form.changes(),
            description=form.cleaned_data["description"],
            new_code=form.cleaned_data["new_code"],
        )
    except ReformError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã thêm thủ tục và dự thảo phiên bản mới."))
    return redirect("web:reform-plan", plan.pk)


@login_required
@require_POST
def plan_transition(request: HttpRequest, plan_id: int, step: str) -> HttpResponse:
    _reform(request)
    plan = _plan(plan_id)
    try:
        if step == "approve":
            services.approve_plan(request.user, plan)
        elif step == "implement":
            try:
                day = date.fromisoformat(request.POST.get("day", ""))
            except ValueError:
                raise ReformError(_("Cần ngày thực thi hợp lệ.")) from None
            services.implement_plan(request.user, plan, day)
        else:
            raise Http404
    except ReformError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã cập nhật trạng thái phương án."))
    return redirect("web:reform-plan", plan.pk)


@login_required
def plan_report(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    _reform(request)
    plan = _plan(plan_id)
    name = f"phuong-an-{plan.pk}"
    if kind == "pdf":
        return _download(plan_pdf(plan), f"{name}.pdf", "application/pdf")
    figures = province.province_figures(plan_id=plan.pk)
    return _download(
        spreadsheets.summary_sheet(figures, f"{plan.decision_number} — {plan.title}"), f"{name}.xlsx", XLSX
    )


@login_required
def cost_page(request: HttpRequest, code: str) -> HttpResponse:
    _reform(request)
    procedure = get_object_or_404(Procedure, code=code)
    offering = reference_offering(procedure)
    latest = latest_assessment(procedure)
    if request.method == "POST":
        form = CostForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            inputs = services.CostInputs(
                activities=data["activities"],
                fees_vnd=data["fees_vnd"],
                other_costs_vnd=data["other_costs_vnd"] or Decimal(0),
                executions_per_year=data["executions_per_year"],
                subjects=data["subjects"],
                year=data["year"],
                hourly_income_vnd=data["hourly_income_vnd"],
                income_source=data["income_source"],
            )
            try:
                services.assess_cost(request.user, procedure, inputs)
            except ReformError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Đã lưu chi phí tuân thủ."))
                return redirect("web:reform-cost", procedure.code)
    else:
        initial = {"year": timezone.localdate().year, "fees_vnd": catalogue_fees_vnd(offering), "other_costs_vnd": 0}
        if latest is not None:
            initial.update(
                year=latest.year,
                hourly_income_vnd=latest.hourly_income_vnd,
                income_source=latest.income_source,
                fees_vnd=latest.fees_vnd,
                other_costs_vnd=latest.other_costs_vnd,
                executions_per_year=latest.executions_per_year,
                subjects=latest.subjects,
                activities="\n".join(f"{a['name']} | {a['hours']} | {a['times']}" for a in latest.activities),
            )
        form = CostForm(initial=initial)
    regulations = regulations_of(procedure, offering)
    counts = [(KIND_LABELS[k], sum(1 for r in regulations if r.kind == k)) for k in KINDS]
    return render(
        request,
        "workbench/reform/cost.html",
        {
            "procedure": procedure,
            "form": form,
            "upload": UploadForm(),
            "latest": latest,
            "history": procedure.cost_assessments.select_related("entered_by")[:10],
            "counts": counts,
            "total": len(regulations),
        },
    )


@login_required
def cost_sheet(request: HttpRequest, code: str) -> HttpResponse:
    _reform(request)
    procedure = get_object_or_404(Procedure, code=code)
    return _download(spreadsheets.cost_sheet(procedure, latest_assessment(procedure)), f"chi-phi-{code}.xlsx", XLSX)


@login_required
@require_POST
def cost_upload(request: HttpRequest, code: str) -> HttpResponse:
    _reform(request)
    procedure = get_object_or_404(Procedure, code=code)
    form = UploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise spreadsheets.SheetError(_("Chọn một tệp Excel."))
        data = spreadsheets.read_cost_sheet(form.cleaned_data["file"].read())
        services.assess_cost(request.user, procedure, services.CostInputs(**data))  # type: ignore[arg-type]
    except spreadsheets.SheetError as error:
        messages.error(request, str(error))
    except ReformError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã nhập chi phí tuân thủ từ tệp Excel."))
    return redirect("web:reform-cost", procedure.code)


# --------------------------------------------------------------------------------------------------
# PAR Index


@login_required
def par_page(request: HttpRequest, year: int) -> HttpResponse:
    reformer = is_reform_officer(request.user)
    own = list(scoring_agencies(request.user))
    if not reformer and not own:
        raise Http404(_("Trang này dành cho cơ quan được đánh giá và cán bộ cải cách hành chính."))
    agency_id = request.GET.get("agency", "")
    agencies = list(Agency.objects.order_by("name")) if reformer else own
    chosen = next((a for a in agencies if str(a.pk) == agency_id), agencies[0] if agencies else None)
    if request.method == "POST" and chosen is not None:
        _score(request, chosen, reformer)
        return redirect(f"{request.path}?agency={chosen.pk}")
    result = par.assessment(year, chosen) if chosen else None
    if request.GET.get("format") == "xlsx" and result is not None:
        return _download(spreadsheets.par_sheet(result), f"chi-so-cchc-{year}-{chosen.pk}.xlsx", XLSX)
    return render(
        request,
        "workbench/reform/par.html",
        {
            "year": year,
            "years": par_years(),
            "result": result,
            "agencies": agencies,
            "chosen": chosen,
            "may_score": chosen is not None and chosen in own,
            "reformer": reformer,
            "ranking": par.ranking(year) if reformer else [],
        },
    )


def _score(request: HttpRequest, agency: Agency, reformer: bool) -> None:
    form = ScoreForm(request.POST, request.FILES)
    if not form.is_valid() or form.cleaned_data["agency"] != agency.pk:
        messages.error(request, _("Điểm chưa hợp lệ."))
        return
    criterion = ParCriterion.objects.filter(pk=form.cleaned_data["criterion"]).first()
    if criterion is None:
        messages.error(request, _("Không có tiêu chí này."))
        return
    data = form.cleaned_data
    try:
        if request.POST.get("as") == "appraise" and reformer:
            services.appraise(request.user, criterion, agency, data["score"], data["comment"])
        else:
            row = services.self_score(request.user, criterion, agency, data["score"], data["comment"])
            if data["evidence"]:  # a refused file is said after the score is kept (two writes, each whole)
                services.add_evidence(request.user, row, data["evidence"])
    except ReformError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã lưu điểm tiêu chí %(code)s.") % {"code": criterion.code})


@login_required
def par_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = get_object_or_404(ParEvidence.objects.select_related("score"), pk=evidence_id)
    allowed = (
        is_reform_officer(request.user) or scoring_agencies(request.user).filter(pk=evidence.score.agency_id).exists()
    )
    if not allowed:
        raise Http404
    return file_download(evidence.file.open("rb"), evidence.name)
