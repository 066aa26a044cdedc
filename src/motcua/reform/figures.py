"""The province-wide figures against the programme's targets (simplify ≥ 20 % of regulations, cut ≥ 20 % of
the compliance cost of business-related procedures in the province's competence), live, with the list
behind each number. These feed the scorecard's first programme target (``programme_figures``).

Readings (ours, RULES.md has no detail):

- *business-related*: the catalogue's ``Procedure.business_related`` flag, set by the province (the national
  file does not carry it; the importer leaves it alone);
- *in the province's competence*: carried out at a local level (province, district — kept for history —
  or commune, ``ProcedureLevel``), i.e. resolved by the province's own agencies;
- the **baseline** is every published procedure in scope that is not itself a plan's new version; a version
  an implemented plan replaced stays in the baseline (it is "the cost before"), its new version is counted
  against it, never on its own;
- *regulations simplified* counts what implemented plans simplified (``rules.regulations``); the view of one
  plan counts its items in whatever state the plan is (what the plan would achieve);
- *cost before* is the annual cost of the baseline versions that have an assessment; a replaced version's
  *cost after* is its new version's annual cost when assessed, else it counts as unchanged; procedures with
  no assessment are listed apart, outside the denominator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from motcua.catalog.models import Level, Procedure, ProcedureStatus
from motcua.reform.models import PlanItem, PlanState
from motcua.reform.selectors import latest_assessments
from motcua.reform.versions import VERSION_PREFETCH, reference_offering, regulations_of
from motcua.rules.compliance_cost import reduction_rate, share
from motcua.rules.regulations import Comparison, compare

LOCAL_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
#: The programme's targets (the province's plan: at least 20 % of each).
TARGET_PERCENT = Decimal(20)


@dataclass
class Row:
    """One baseline procedure, with what a plan did to it (or nothing)."""

    procedure: Procedure
    agencies: list[str]
    regulations: int
    simplified: int = 0
    item: PlanItem | None = None
    cost_before_vnd: int | None = None
    cost_after_vnd: int | None = None
    per_execution_before_vnd: int | None = None
    per_execution_after_vnd: int | None = None
    comparison: Comparison | None = None


@dataclass
class Figures:
    rows: list[Row] = field(default_factory=list)
    regulations: int = 0
    simplified: int = 0
    cost_before_vnd: int = 0
    cost_after_vnd: int = 0
    unassessed: list[Procedure] = field(default_factory=list)

    @property
    def regulation_rate(self) -> Decimal | None:
        return share(self.simplified, self.regulations)

    @property
    def cost_rate(self) -> Decimal | None:
        return reduction_rate(self.cost_before_vnd, self.cost_after_vnd) if self.cost_before_vnd else None

    @property
    def cost_cut_vnd(self) -> int:
        return self.cost_before_vnd - self.cost_after_vnd


def in_scope() -> QuerySet[Procedure]:
    """Business-related procedures in the province's competence, published, not a plan's new version."""
    return (
        Procedure.objects.filter(
            business_related=True, status=ProcedureStatus.PUBLISHED, levels__level__in=LOCAL_LEVELS
        )
        .filter(simplified_from__isnull=True)
        .select_related("field")
        .prefetch_related(*VERSION_PREFETCH)
        .distinct()
        .order_by("code")
    )


def province_figures(*, plan_id: int | None = None, field_code: str = "", agency_id: int | None = None) -> Figures:
    """The figures, province-wide or for one plan, one field, one resolving agency (each with its rows)."""
    procedures = in_scope()
    if field_code:
        procedures = procedures.filter(field__code=field_code)
    if agency_id:
        procedures = procedures.filter(offerings__agency_id=agency_id)
    items = PlanItem.objects.select_related("plan", "after").filter(before__in=procedures)
    if plan_id is not None:
        items = items.filter(plan_id=plan_id)
        procedures = procedures.filter(pk__in=items.values("before_id"))
    else:
        items = items.filter(plan__state=PlanState.IMPLEMENTED)
    by_before = {item.before_id: item for item in items.order_by("plan__implemented_on", "id")}
    after_ids = [item.after_id for item in by_before.values() if item.after_id]
    versions = {p.pk: p for p in Procedure.objects.filter(pk__in=after_ids).prefetch_related(*VERSION_PREFETCH)}
    procedures = list(procedures)
    ids = [p.pk for p in procedures] + [i.after_id for i in by_before.values() if i.after_id]
    assessed = latest_assessments(ids)
    figures = Figures()
    for procedure in procedures:
        offering = reference_offering(procedure)
        before = regulations_of(procedure, offering)
        row = Row(procedure, sorted({o.agency.name for o in procedure.offerings.all()}), len(before))
        item = by_before.get(procedure.pk)
        if item is not None and item.after is not None:
            row.item = item
            row.comparison = compare(before, regulations_of(versions[item.after_id]))
            row.simplified = len(row.comparison.simplified)
        cost = assessed.get(procedure.pk)
        if cost is None:
            figures.unassessed.append(procedure)
        else:
            row.cost_before_vnd, row.per_execution_before_vnd = cost.annual_cost_vnd, cost.cost_per_execution_vnd
            new_cost = assessed.get(item.after_id) if item is not None and item.after_id else None
            row.cost_after_vnd = new_cost.annual_cost_vnd if new_cost else cost.annual_cost_vnd
            row.per_execution_after_vnd = (new_cost or cost).cost_per_execution_vnd
            figures.cost_before_vnd += row.cost_before_vnd
            figures.cost_after_vnd += row.cost_after_vnd
        figures.regulations += row.regulations
        figures.simplified += row.simplified
        figures.rows.append(row)
    return figures


def programme_figures() -> dict[str, Decimal | None]:
    """The province's two rates for the scorecard's first programme target."""
    figures = province_figures()
    return {
        "regulations_simplified_percent": figures.regulation_rate,
        "compliance_cost_cut_percent": figures.cost_rate,
        "target_percent": TARGET_PERCENT,
    }
