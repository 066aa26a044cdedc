"""The workbench's dashboards (issue 13): the programme's targets, operations, early warning, and the monthly
report as PDF — for the province's monitoring officer, reform officers and agency leaders (their agency).

Same form, defaults and checks as the service-index page (``web.scorecard``: ``resolve_query``, so a leader
asking for another agency or the province is refused, 403). Each chart is its own SVG response
(``web.charts``) shown with its data table beside it and a text alternative; each table exports to Excel.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from motcua.calendars.selectors import get_work_calendar
from motcua.documents.pdf import SANS_FONTS, render_pdf
from motcua.dossiers.drilldown import OPEN_KINDS, open_dossiers
from motcua.dossiers.early_warning import likely_late
from motcua.downloads import download
from motcua.metrics.dashboards import OPERATIONS_INDICATORS
from motcua.metrics.selectors import Scope
from motcua.rules.service_index import month
from motcua.web import charts
from motcua.web.dashboard_data import operations_cells, operations_data, percent, targets_data
from motcua.web.scorecard import officer_only, page_params, resolve_page, shortcuts

TREND_MONTHS = 12
MAX_ROWS = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _checked(request: HttpRequest, months: int) -> tuple[Any, tuple[Scope, Any, Any] | None, str, dict[str, str]]:
    officer_only(request)
    form, resolved, problem = resolve_page(request, months)
    return form, resolved, problem, page_params(request, months)


def _where(scope: Scope) -> str:
    return scope.agency.name if scope.agency else _("Toàn tỉnh")


def _fmt(value: float | None) -> str:
    """A percentage as the page shows it, in the active language's number format (Vietnamese: 33,3 %)."""
    return "n/a" if value is None else f"{number_format(value, 1)} %"


# --------------------------------------------------------------------------------------------------
# programme targets


def _target_rows(scope: Scope, first: Any, last: Any) -> list[dict[str, Any]]:
    rows = targets_data(scope, first, last)
    for row in rows:
        value = row["value"]
        row["percent"] = percent(value)
        row["shown"] = _fmt(row["percent"])
        row["met"] = value.met
        row["months"] = [
            {
                "label": f"{m:%m/%Y}",
                "value": v,
                "shown": _fmt(percent(v)),
                "numerator": getattr(v, "numerator", None),
                "denominator": getattr(v, "denominator", None),
            }
            for m, v in row["by_month"]
        ]
        row["agencies"] = [
            {"agency": a, "value": v, "shown": _fmt(percent(v)), "numerator": v.numerator, "denominator": v.denominator}
            for a, v in row["by_agency"]
        ]
        row["alt"] = _("%(name)s: %(value)s (chỉ tiêu %(target)s %%); số liệu chi tiết ở bảng bên cạnh.") % {
            "name": row["name"],
            "value": row["shown"],
            "target": f"{row['target']:.0f}",
        }
    return rows


@login_required
def targets_page(request: HttpRequest) -> HttpResponse:
    form, resolved, problem, params = _checked(request, TREND_MONTHS)
    context: dict[str, Any] = {"form": form, "shortcuts": shortcuts(params), "query": urlencode(params)}
    if resolved is None:
        context["problem"] = problem
        return render(request, "workbench/dashboard_targets.html", context, status=422)
    scope, first, last = resolved
    context.update({"rows": _target_rows(scope, first, last), "scope": scope, "first": first, "last": last})
    context["report_month"] = f"{last:%Y-%m}"
    return render(request, "workbench/dashboard_targets.html", context)


def _target_chart(row: dict[str, Any], kind: str) -> str:
    if kind == "month":
        return charts.percent_trend(
            [m["label"] for m in row["months"]], [percent(m["value"]) for m in row["months"]], target=row["target"]
        )
    return charts.percent_bars(
        [a["agency"].name for a in row["agencies"]],
        [percent(a["value"]) for a in row["agencies"]],
        target=row["target"],
    )


def _svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response


@login_required
def targets_chart(request: HttpRequest, key: str, kind: str) -> HttpResponse:
    _form, resolved, problem, _params = _checked(request, TREND_MONTHS)
    if resolved is None or kind not in {"month", "agency"}:
        raise Http404(problem or _("Không có biểu đồ này."))
    row = next((r for r in _target_rows(*resolved) if r["key"] == key), None)
    if row is None:
        raise Http404(_("Không có chỉ tiêu này."))
    return _svg_response(_target_chart(row, kind))


def _book() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def _sheet(
    book: Workbook, title: str, heading: Sequence[Any], headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(list(heading))
    sheet.append([])
    sheet.append(list(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 48


def _xlsx(book: Workbook, name: str) -> HttpResponse:
    out = io.BytesIO()
    book.save(out)
    return download(out.getvalue(), f"{name}.xlsx", XLSX)


def _ratio_cell(value: float | None) -> Any:
    return _("không áp dụng") if value is None else round(value / 100, 4)


@login_required
def targets_xlsx(request: HttpRequest) -> HttpResponse:
    """Every table of the targets page: the five targets, then each one by month and by agency."""
    _form, resolved, problem, _params = _checked(request, TREND_MONTHS)
    if resolved is None:
        raise Http404(problem)
    scope, first, last = resolved
    rows = _target_rows(scope, first, last)
    heading = [_where(scope), f"{first:%d/%m/%Y} – {last:%d/%m/%Y}"]
    book = _book()
    _sheet(
        book,
        _("Mục tiêu"),
        heading,
        [_("Mục tiêu"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ"), _("Chỉ tiêu"), _("Đạt")],
        [
            [
                r["name"],
                r["value"].numerator,
                r["value"].denominator,
                _ratio_cell(r["percent"]),
                r["target"] / 100,
                "" if r["met"] is None else (_("Đạt") if r["met"] else _("Chưa đạt")),
            ]
            for r in rows
        ],
    )
    for index, r in enumerate(rows, start=1):
        _sheet(
            book,
            f"{index}. {_('Theo tháng')}",
            [r["name"], *heading],
            [_("Tháng"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ")],
            [[m["label"], m["numerator"], m["denominator"], _ratio_cell(percent(m["value"]))] for m in r["months"]],
        )
        _sheet(
            book,
            f"{index}. {_('Theo cơ quan')}",
            [r["name"], *heading],
            [_("Cơ quan"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ")],
            [
                [a["agency"].name, a["numerator"], a["denominator"], _ratio_cell(percent(a["value"]))]
                for a in r["agencies"]
            ],
        )
    name = scope.agency.identifier if scope.agency else "toan-tinh"
    return _xlsx(book, f"muc-tieu-{name}-{first:%Y%m%d}-{last:%Y%m%d}")


# --------------------------------------------------------------------------------------------------
# operations


def _operation_rows(scope: Scope, first: Any, last: Any, by_procedure: bool) -> dict[str, Any]:
    data = operations_data(scope, first, last, by_procedure=by_procedure)
    scope_agency = {"agency": scope.agency.identifier} if scope.agency else {}

    def shown(row: Any) -> dict[str, Any]:
        cells = operations_cells(row)
        return {
            "agency": row.agency,
            "procedure": row.procedure,
            "link": urlencode(
                {
                    "start": first.isoformat(),
                    "end": last.isoformat(),
                    **({"agency": row.agency.identifier} if row.agency else scope_agency),
                    **({"procedure": row.procedure.pk} if row.procedure else {}),
                }
            ),
            "backlog": [row.backlog[b] for b in data["bands"]],
            "backlog_total": row.backlog_total,
            "late": row.late,
            "soon_late": row.soon_late,
            "cells": [(column, cells[column], _fmt(cells[column])) for column in OPERATIONS_INDICATORS],
        }

    data["total_row"] = shown(data["total"])
    data["shown_rows"] = [shown(row) for row in data["rows"][:MAX_ROWS]]
    data["more"] = max(0, len(data["rows"]) - MAX_ROWS)
    return data


@login_required
def operations_page(request: HttpRequest) -> HttpResponse:
    form, resolved, problem, params = _checked(request, 1)
    by_procedure = request.GET.get("by") != "agency"
    context: dict[str, Any] = {"form": form, "shortcuts": shortcuts(params), "query": urlencode(params)}
    if resolved is None:
        context["problem"] = problem
        return render(request, "workbench/dashboard_operations.html", context, status=422)
    scope, first, last = resolved
    data = _operation_rows(scope, first, last, by_procedure)
    total = data["total_row"]
    alt = _("Hồ sơ tồn theo số ngày làm việc kể từ khi tiếp nhận: %(bands)s; số liệu ở bảng bên cạnh.") % {
        "bands": ", ".join(f"{b}: {n}" for b, n in zip(data["bands"], total["backlog"], strict=True))
    }
    context.update(
        {
            "data": data,
            "scope": scope,
            "first": first,
            "last": last,
            "by_procedure": by_procedure,
            "alt": alt,
            "report_month": f"{last:%Y-%m}",
        }
    )
    return render(request, "workbench/dashboard_operations.html", context)


@login_required
def operations_chart(request: HttpRequest) -> HttpResponse:
    _form, resolved, problem, _params = _checked(request, 1)
    if resolved is None:
        raise Http404(problem)
    data = _operation_rows(*resolved, by_procedure=False)
    return _svg_response(charts.count_bars(data["bands"], data["total_row"]["backlog"]))


def _operations_table(data: dict[str, Any], by_procedure: bool) -> tuple[list[str], list[list[Any]]]:
    columns = data["columns"]
    headers = [_("Cơ quan")] + ([_("Thủ tục")] if by_procedure else [])
    headers += [_("Tồn %(band)s ngày") % {"band": b} for b in data["bands"]]
    headers += [_("Tồn"), _("Quá hạn"), _("Sắp quá hạn")] + [str(columns[c]) for c in OPERATIONS_INDICATORS]
    rows = []
    for row in [data["total_row"], *data["shown_rows"]]:
        line: list[Any] = [row["agency"].name if row["agency"] else _("Tổng")]
        if by_procedure:
            line.append(f"{row['procedure'].code} {row['procedure'].name}" if row["procedure"] else "")
        line += row["backlog"] + [row["backlog_total"], row["late"], row["soon_late"]]
        line += [_ratio_cell(value) for _c, value, _s in row["cells"]]
        rows.append(line)
    return headers, rows


@login_required
def operations_xlsx(request: HttpRequest) -> HttpResponse:
    _form, resolved, problem, _params = _checked(request, 1)
    if resolved is None:
        raise Http404(problem)
    scope, first, last = resolved
    by_procedure = request.GET.get("by") != "agency"
    data = _operation_rows(scope, first, last, by_procedure)
    headers, rows = _operations_table(data, by_procedure)
    book = _book()
    _sheet(book, _("Vận hành"), [_where(scope), f"{first:%d/%m/%Y} – {last:%d/%m/%Y}"], headers, rows)
    name = scope.agency.identifier if scope.agency else "toan-tinh"
    return _xlsx(book, f"van-hanh-{name}-{first:%Y%m%d}-{last:%Y%m%d}")


@login_required
def operations_dossiers(request: HttpRequest, kind: str) -> HttpResponse:
    """The dossiers behind a late, soon-late or backlog number of the operations table (``?procedure=<id>``
    for one row), within what the user may see."""
    _form, resolved, problem, params = _checked(request, 1)
    if resolved is None or kind not in OPEN_KINDS:
        raise Http404(problem or _("Không có số liệu này."))
    scope = resolved[0]
    procedure = request.GET.get("procedure", "")
    procedure_id = int(procedure) if procedure.isdigit() else None
    today = timezone.localdate()
    calendar = get_work_calendar()
    dossiers = open_dossiers(request.user, kind, scope, today, calendar.next_working_day(today), procedure_id)
    listing = dossiers.select_related("procedure", "resolving_agency").order_by("due_at", "pk")
    page = Paginator(listing, 100).get_page(request.GET.get("page"))
    names = {"late": _("Hồ sơ quá hạn"), "soon_late": _("Hồ sơ sắp quá hạn"), "backlog": _("Hồ sơ tồn")}
    query = urlencode({**params, **({"procedure": procedure_id} if procedure_id else {})})
    return render(
        request,
        "workbench/operations_dossiers.html",
        {"title": names[kind], "page": page, "scope": scope, "query": query, "back": urlencode(params)},
    )


# --------------------------------------------------------------------------------------------------
# early warning


def _warnings(request: HttpRequest, scope: Scope) -> list[dict[str, Any]]:
    calendar = get_work_calendar()
    found = []
    for warning in likely_late(request.user, scope, timezone.now(), calendar):
        f = warning.forecast
        found.append(
            {
                "dossier": warning.dossier,
                "expected": timezone.localtime(f.expected_finish),
                "due": timezone.localtime(f.due_at),
                "step": f.slipping_name,
                "slip_hours": round(f.slip_seconds / 3600, 1),
            }
        )
    return found


@login_required
def warning_page(request: HttpRequest) -> HttpResponse:
    form, resolved, problem, params = _checked(request, 1)
    context: dict[str, Any] = {"form": form, "query": urlencode(params)}
    if resolved is None:
        context["problem"] = problem
        return render(request, "workbench/dashboard_warning.html", context, status=422)
    context.update({"warnings": _warnings(request, resolved[0]), "scope": resolved[0]})
    return render(request, "workbench/dashboard_warning.html", context)


@login_required
def warning_xlsx(request: HttpRequest) -> HttpResponse:
    _form, resolved, problem, _params = _checked(request, 1)
    if resolved is None:
        raise Http404(problem)
    book = _book()
    _sheet(
        book,
        _("Cảnh báo sớm"),
        [_where(resolved[0]), f"{timezone.localtime():%d/%m/%Y %H:%M}"],
        [_("Mã hồ sơ"), _("Thủ tục"), _("Hạn giải quyết"), _("Dự kiến hoàn thành"), _("Bước chậm"), _("Chậm (giờ)")],
        [
            [
                w["dossier"].code,
                w["dossier"].procedure.name,
                f"{w['due']:%d/%m/%Y %H:%M}",
                f"{w['expected']:%d/%m/%Y %H:%M}",
                w["step"],
                w["slip_hours"],
            ]
            for w in _warnings(request, resolved[0])
        ],
    )
    return _xlsx(book, "canh-bao-som")


# --------------------------------------------------------------------------------------------------
# the monthly report


def report_html(scope: Scope, year: int, number: int) -> str:
    """The monthly report of ``scope``: the targets over the twelve months up to that month (trend), the
    operations of that month, with their charts as ``data:`` URIs (the PDF renderer fetches nothing else)."""
    first, last = month(year, number)
    start = first
    for _step in range(TREND_MONTHS - 1):
        previous = date.fromordinal(start.toordinal() - 1)
        start = month(previous.year, previous.month)[0]
    targets = _target_rows(scope, start, last)
    for row in targets:
        row["chart"] = charts.data_uri(_target_chart(row, "month"))
    data = _operation_rows(scope, first, last, by_procedure=False)
    backlog = charts.data_uri(charts.count_bars(data["bands"], data["total_row"]["backlog"]))
    return render_to_string(
        "workbench/report_monthly.html",
        {
            "where": _where(scope),
            "first": first,
            "last": last,
            "trend_first": start,
            "targets": targets,
            "data": data,
            "backlog_chart": backlog,
            "fonts": SANS_FONTS,
            "printed": timezone.localdate(),
        },
    )


@login_required
def report_pdf(request: HttpRequest, year: int, number: int) -> HttpResponse:
    officer_only(request)
    if not 1 <= number <= 12 or not 2000 <= year <= 2100:
        raise Http404(_("Không có kỳ báo cáo này."))
    first, last = month(year, number)
    query = request.GET.copy()
    query["start"], query["end"] = first.isoformat(), last.isoformat()
    request.GET = query
    _form, resolved, problem = resolve_page(request)
    if resolved is None:
        raise Http404(problem)
    pdf = render_pdf(report_html(resolved[0], year, number))
    name = resolved[0].agency.identifier if resolved[0].agency else "toan-tinh"
    return download(pdf, f"bao-cao-{name}-{year}-{number:02d}.pdf", "application/pdf")
