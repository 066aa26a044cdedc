"""The figures of the workbench's dashboards (issue 13) as plain rows, shared by the pages, their Excel exports,
their charts and the monthly PDF report: the programme's five targets (``rules.programme``; the two reform
figures from ``reform.figures``, the three others from the counters, ``metrics.dashboards``) and the
operations dashboard. Reads only; the caller has checked the scope (``metrics.schemas.resolve_query``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.models import Agency
from motcua.metrics.dashboards import OPERATIONS_INDICATORS, OperationsRow, counter_targets, operations
from motcua.metrics.selectors import Scope
from motcua.reform.figures import province_figures
from motcua.rules.compliance_cost import reduction_rate, share
from motcua.rules.programme import AGE_BANDS, TARGETS, Source, Value, from_percent


def target_names() -> dict[str, str]:
    return {
        "regulations_simplified": _("Quy định thủ tục hành chính được cắt giảm, đơn giản hóa"),
        "compliance_cost_cut": _("Chi phí tuân thủ thủ tục hành chính được cắt giảm"),
        "routed_electronically": _("Hồ sơ luân chuyển điện tử giữa các cơ quan"),
        "procedures_paid_online": _("Thủ tục có phí, lệ phí được thanh toán trực tuyến"),
        "reuse": _("Hồ sơ không phải cung cấp lại thông tin, giấy tờ đã được chấp nhận"),
    }


def column_names() -> dict[str, str]:
    return {
        "on_time": _("Đúng hạn"),
        "online": _("Trực tuyến"),
        "paid_online": _("Thanh toán trực tuyến"),
        "reuse": _("Tái sử dụng dữ liệu"),
        "satisfaction": _("Hài lòng"),
        "synchronised": _("Đồng bộ Cổng quốc gia"),
    }


def percent(value: Value | Decimal | None) -> float | None:
    ratio = value.ratio if isinstance(value, Value) else value
    return None if ratio is None else float(ratio * 100)


#: Seconds the reform figures are kept: they change only when a plan is implemented or a cost assessed, and
#: computing them reads the whole in-scope catalogue (about a second at 100 agencies).
REFORM_CACHE_SECONDS = 300


def _reform_figures() -> dict[str, dict[str, tuple[int, int]]]:
    """The province's and each agency's (regulations simplified, regulations) and (cost after, cost before),
    from one ``province_figures()``: an agency's are the rows of the procedures it offers, as
    ``province_figures(agency_id=…)`` counts them."""
    cached = cache.get("motcua:dashboards:reform")
    if cached is not None:
        return cached
    figures = province_figures()
    found: dict[str, dict[str, tuple[int, int]]] = {
        "": {
            "regulations": (figures.simplified, figures.regulations),
            "cost": (figures.cost_after_vnd, figures.cost_before_vnd),
        }
    }
    for row in figures.rows:
        for name in row.agencies:
            mine = found.setdefault(name, {"regulations": (0, 0), "cost": (0, 0)})
            simplified, regulations = mine["regulations"]
            mine["regulations"] = (simplified + row.simplified, regulations + row.regulations)
            if row.cost_before_vnd is not None:
                after, before = mine["cost"]
                mine["cost"] = (after + (row.cost_after_vnd or 0), before + row.cost_before_vnd)
    cache.set("motcua:dashboards:reform", found, REFORM_CACHE_SECONDS)
    return found


def _reform_value(key: str, agency: Agency | None, figures: dict[str, dict[str, tuple[int, int]]]) -> Value:
    target = next(t for t in TARGETS if t.key == key)
    mine = figures.get(agency.name if agency else "", {"regulations": (0, 0), "cost": (0, 0)})
    if key == "regulations_simplified":
        return from_percent(target, share(*mine["regulations"]))
    after, before = mine["cost"]
    return from_percent(target, reduction_rate(before, after) if before else None)


def targets_data(scope: Scope, first: date, last: date) -> list[dict[str, Any]]:
    """Each of the five targets: its value over the period, the target, by month, by agency.

    The two reform figures are the catalogue's present state (implemented plans), not a sum over days: their
    trend by month is not kept (n/a before the last month), and by agency they are the procedures each agency
    offers."""
    names = target_names()
    measured = {figures.target.key: figures for figures in counter_targets(scope, first, last)}
    months = [m for m, _v in next(iter(measured.values())).by_month] if measured else []
    agencies = [a for a, _v in next(iter(measured.values())).by_agency] if measured else []
    if scope.agency is not None and scope.agency not in agencies:
        agencies = [scope.agency]
    reform = _reform_figures()
    rows = []
    for target in TARGETS:
        row: dict[str, Any] = {"key": target.key, "name": names[target.key], "target": float(target.target * 100)}
        if target.source is Source.REFORM:
            value = _reform_value(target.key, scope.agency, reform)
            row["value"] = value
            row["by_month"] = [(m, value if i == len(months) - 1 else None) for i, m in enumerate(months)]
            row["by_agency"] = [(a, _reform_value(target.key, a, reform)) for a in agencies]
            row["snapshot"] = True
        else:
            figures = measured[target.key]
            row["value"] = figures.value
            row["by_month"] = figures.by_month
            row["by_agency"] = figures.by_agency
            row["snapshot"] = False
        rows.append(row)
    return rows


def operations_data(scope: Scope, first: date, last: date, *, by_procedure: bool = True) -> dict[str, Any]:
    today = timezone.localdate()
    total, rows = operations(scope, first, last, today, get_work_calendar(), by_procedure=by_procedure)
    return {
        "total": total,
        "rows": rows,
        "bands": [label for label, _upper in AGE_BANDS],
        "columns": column_names(),
        "today": today,
    }


def operations_cells(row: OperationsRow) -> dict[str, float | None]:
    """The row's rates in percent (None: n/a), by column."""
    return {column: percent(row.figures[column].ratio) for column in OPERATIONS_INDICATORS}
