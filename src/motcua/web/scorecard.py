"""The service-index dashboard of the workbench (issue 13): Decision 766 by group and indicator, for the
province's monitoring officer, reform officers and agency leaders, with the dossiers behind each number and
an Excel export of the table.

The page reads what the API reads (``metrics.schemas.resolve_query``, ``metrics.selectors.service_index``,
``dossiers.drilldown``): the same authorisation, the same figures. No charts yet: the table is the data.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import HttpError
from openpyxl import Workbook
from openpyxl.styles import Font

from motcua.dossiers.drilldown import dossiers_behind, has_drilldown
from motcua.downloads import download
from motcua.metrics.schemas import INDICATOR_NAMES, IndexQuery, index_data, resolve_query
from motcua.metrics.selectors import Scope, index_agencies, reads_every_index
from motcua.metrics.selectors import service_index as compute_index
from motcua.rules.service_index import month, quarter, version_for, year

PAGE_SIZE = 100
PARTS = {"numerator": gettext_lazy("tử số"), "denominator": gettext_lazy("mẫu số")}


class ScorecardForm(forms.Form):
    #: a text with a list to pick from: an agency outside the list is refused by ``resolve_query`` (403)
    agency = forms.CharField(label=gettext_lazy("Cơ quan"), required=False, max_length=40, widget=forms.Select)
    start = forms.DateField(label=gettext_lazy("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        agencies = index_agencies(user)
        choices = [(a.identifier, a.name) for a in agencies]
        if reads_every_index(user):
            choices.insert(0, ("", _("Toàn tỉnh")))
        self.fields["agency"].widget.choices = choices


def _params(request: HttpRequest, months: int = 1) -> dict[str, str]:
    """The page's query with its defaults: this month (``months`` > 1: that many months up to this one); the
    province for who may read it, else the first agency the user leads."""
    today = timezone.localdate()
    first, last = month(today.year, today.month)
    for _step in range(months - 1):
        previous = date.fromordinal(first.toordinal() - 1)
        first = month(previous.year, previous.month)[0]
    params = {"start": first.isoformat(), "end": last.isoformat(), "agency": ""}
    if not reads_every_index(request.user):
        agencies = index_agencies(request.user)
        params["agency"] = agencies[0].identifier if agencies else ""
    params.update({k: v for k, v in request.GET.items() if k in params})
    return params


Resolved = tuple[Scope, date, date]


def _resolve(request: HttpRequest, months: int = 1) -> tuple[ScorecardForm, Resolved | None, str]:
    """The form, and the checked scope and period or what is wrong with them (in Vietnamese)."""
    params = _params(request, months)
    form = ScorecardForm(params, user=request.user)
    if not form.is_valid():
        return form, None, _("Kỳ báo cáo không hợp lệ: chọn ngày đầu và ngày cuối kỳ.")
    query = IndexQuery.model_validate(
        {
            "agency": form.cleaned_data["agency"] or None,
            "from": form.cleaned_data["start"],
            "to": form.cleaned_data["end"],
        }
    )
    try:
        resolved = resolve_query(request.user, query)
    except HttpError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        return form, None, exc.message
    return form, resolved, ""


def _shortcuts(params: dict[str, str]) -> list[tuple[str, str]]:
    """Links to the usual periods, keeping the agency."""
    today = timezone.localdate()
    previous = month(today.year, today.month)[0].toordinal() - 1
    last_month = date.fromordinal(previous)
    periods = [
        (_("Tháng này"), month(today.year, today.month)),
        (_("Tháng trước"), month(last_month.year, last_month.month)),
        (_("Quý này"), quarter(today.year, (today.month - 1) // 3 + 1)),
        (_("Năm nay"), year(today.year)),
        (_("Năm trước"), year(today.year - 1)),
    ]
    agency = {"agency": params["agency"]} if params.get("agency") else {}
    return [
        (label, urlencode({**agency, "start": first.isoformat(), "end": last.isoformat()}))
        for label, (first, last) in periods
    ]


def officer_only(request: HttpRequest) -> None:
    if not index_agencies(request.user):
        raise Http404(_("Trang này dành cho cán bộ giám sát, cán bộ cải cách hành chính và lãnh đạo cơ quan."))


#: For the other dashboards of the workbench (``web.dashboards``): the same form, defaults and checks.
page_params = _params
resolve_page = _resolve
shortcuts = _shortcuts


@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    officer_only(request)
    form, resolved, problem = _resolve(request)
    params = _params(request)
    context: dict[str, Any] = {"form": form, "shortcuts": _shortcuts(params), "query": urlencode(params)}
    if resolved is None:
        context["problem"] = problem
        return render(request, "workbench/scorecard.html", context, status=422)
    scope, first, last = resolved
    result = compute_index(scope, first, last)
    data = index_data(result, scope, first, last)
    today = timezone.localdate()
    version = result.version
    for group in data["groups"]:
        for row in group["indicators"]:
            indicator = version.indicator(row["id"])
            row["links"] = {
                part: has_drilldown(indicator, part, first, last, today) and row[part] is not None for part in PARTS
            }
    context.update({"data": data, "scope": scope, "first": first, "last": last})
    return render(request, "workbench/scorecard.html", context)


@login_required
def scorecard_dossiers(request: HttpRequest, indicator: str, part: str) -> HttpResponse:
    """The dossiers behind one number of the table, within what the user may see."""
    officer_only(request)
    if part not in PARTS:
        raise Http404(_("Không có số liệu này."))
    _form, resolved, problem = _resolve(request)
    if resolved is None:
        raise Http404(problem)
    scope, first, last = resolved
    try:
        row = version_for(first).indicator(indicator)
    except KeyError:
        raise Http404(_("Không có chỉ tiêu này trong bộ chỉ số.")) from None
    dossiers = dossiers_behind(request.user, row, part, scope, first, last, timezone.localdate())
    if dossiers is None:
        raise Http404(_("Chỉ tiêu này chưa có danh sách hồ sơ chi tiết."))
    listing = dossiers.select_related("procedure", "resolving_agency").order_by("-pk")
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    params = _params(request)
    return render(
        request,
        "workbench/scorecard_dossiers.html",
        {
            "indicator": row,
            "name": INDICATOR_NAMES.get(row.id, row.name),
            "part": PARTS[part],
            "page": page,
            "scope": scope,
            "first": first,
            "last": last,
            "query": urlencode(params),
        },
    )


@login_required
def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    """The table of the page as an Excel workbook (one row per indicator)."""
    officer_only(request)
    _form, resolved, problem = _resolve(request)
    if resolved is None:
        raise Http404(problem)
    scope, first, last = resolved
    data = index_data(compute_index(scope, first, last), scope, first, last)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Chỉ số phục vụ")
    where = scope.agency.name if scope.agency else _("Toàn tỉnh")
    sheet.append([_("Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)")])
    sheet.append([where, _("Từ %(first)s đến %(last)s") % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}])
    sheet.append([_("Phiên bản"), data["version"], _("Tổng điểm"), data["total"], _("Tối đa"), data["max"]])
    sheet.append([])
    headers = [
        _("Nhóm"),
        _("Chỉ tiêu"),
        _("Tên chỉ tiêu"),
        _("Tử số"),
        _("Mẫu số"),
        _("Tỷ lệ"),
        _("Điểm"),
        _("Điểm tối đa"),
    ]
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for group in data["groups"]:
        for row in group["indicators"]:
            sheet.append(
                [
                    group["name"],
                    row["id"],
                    row["name"],
                    row["numerator"],
                    row["denominator"],
                    row["ratio"],
                    row["points"] if row["points"] is not None else _("không áp dụng"),
                    row["max_points"],
                ]
            )
        sheet.append([group["name"], "", _("Cộng nhóm"), None, None, None, group["points"], group["max_points"]])
    for column, width in zip("ABCDEFGH", (28, 8, 60, 10, 10, 10, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    name = scope.agency.identifier if scope.agency else "toan-tinh"
    return download(
        out.getvalue(),
        f"chi-so-phuc-vu-{name}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
