"""Compliance cost of a procedure by the Standard Cost Model (RULES.md §8; Decree 63/2010/NĐ-CP, Circular
07/2014/TT-BTP, Circular 02/2017/TT-VPCP). Pure arithmetic, in exact decimals.

RULES.md §8 **[R]** (recalled, not yet checked against the Circular's annex):

- cost of one execution = Σ over activities (hours × times × average hourly income) + fees and charges
  + other costs (consulting, travel, copies, postage);
- annual cost = cost of one execution × executions per year × number of subjects;
- hourly income = average monthly income ÷ working days per month ÷ 8;
- reduction rate = (before − after) / before.

**[V]** consistent with a published figure: 1,024,000 → 231,000 VND per dossier is a 77.44 % cut.

Rounding rule (ours, documented in docs/decisions.md): every step is computed in exact ``Decimal``
arithmetic (hourly income derived from a monthly figure is *not* rounded); the **cost of one execution is
rounded once, half up, to whole VND**; the annual cost is that whole number × executions × subjects (both
whole numbers: the Circular's forms ask for counts), so it is exact and linear in each of them. A rate is a
percentage rounded half up to 2 decimals (77.44), ``None`` when the cost before is 0 (no rate, not 0 %).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

#: Hours in a working day (RULES.md §8 [R]: monthly income ÷ working days ÷ 8).
HOURS_PER_DAY = Decimal(8)
_PRECISION = 40  # digits kept while computing: far beyond any VND figure, so no step rounds by accident


@dataclass(frozen=True)
class Activity:
    """One thing a subject does to comply (prepare a document, travel, wait, submit, receive the result)."""

    name: str
    hours: Decimal
    times: int


@dataclass(frozen=True)
class CostResult:
    cost_per_execution_vnd: int
    annual_cost_vnd: int
    time_cost_vnd: Decimal  # the activities' part, exact (shown beside the whole-VND totals)


class CostInputError(ValueError):
    """An input the formula cannot take (negative amounts, zero working days)."""


def hourly_income(monthly_income_vnd: Decimal, working_days_per_month: Decimal) -> Decimal:
    """Average hourly income = monthly income ÷ working days per month ÷ 8 (RULES.md §8 [R]), exact."""
    if working_days_per_month <= 0:
        raise CostInputError("working_days_per_month must be positive")
    if monthly_income_vnd < 0:
        raise CostInputError("monthly_income_vnd must not be negative")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return Decimal(monthly_income_vnd) / Decimal(working_days_per_month) / HOURS_PER_DAY


def to_vnd(value: Decimal) -> int:
    """Whole VND, half up (the one rounding of the formula)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def compliance_cost(
    activities: Iterable[Activity],
    *,
    hourly_income_vnd: Decimal,
    fees_vnd: Decimal,
    other_costs_vnd: Decimal,
    executions_per_year: int,
    subjects: int,
) -> CostResult:
    """Cost of one execution and annual cost (RULES.md §8 [R], Circular 02/2017/TT-VPCP)."""
    activities = list(activities)
    numbers = [hourly_income_vnd, fees_vnd, other_costs_vnd, *(a.hours for a in activities)]
    if any(Decimal(n) < 0 for n in numbers) or executions_per_year < 0 or subjects < 0:
        raise CostInputError("amounts, hours and counts must not be negative")
    if any(a.times < 0 for a in activities):
        raise CostInputError("times must not be negative")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        time_cost = sum((Decimal(a.hours) * a.times * Decimal(hourly_income_vnd) for a in activities), Decimal(0))
        per_execution = to_vnd(time_cost + Decimal(fees_vnd) + Decimal(other_costs_vnd))
    return CostResult(
        cost_per_execution_vnd=per_execution,
        annual_cost_vnd=per_execution * executions_per_year * subjects,
        time_cost_vnd=time_cost,
    )


def reduction_rate(before_vnd: Decimal | int, after_vnd: Decimal | int) -> Decimal | None:
    """(before − after) / before as a percentage, 2 decimals half up; ``None`` when before is 0 (RULES.md §8)."""
    before, after = Decimal(before_vnd), Decimal(after_vnd)
    if before == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return ((before - after) / before * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` ÷ ``whole`` as a percentage with 2 decimals half up; ``None`` for an empty whole."""
    if Decimal(whole) == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
