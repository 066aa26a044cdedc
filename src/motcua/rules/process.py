"""Process templates: the internal steps of a procedure add up to its processing time.

Each step of a procedure's internal process has its own allotted working time, and the steps add up
to the procedure's total processing time (RULES.md §3, [V]; control sheet of Circular 01/2018/TT-VPCP
and Circular 03/2025/TT-VPCP). Step times and totals are compared in one measure:

- working days and working hours convert into each other (8 working hours = 1 working day);
- a same-day procedure is at most one working day (8 working hours);
- calendar days only add up with calendar days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from motcua.rules.workdays import HOURS_PER_WORKING_DAY, Unit


@dataclass(frozen=True)
class Duration:
    amount: Decimal
    unit: Unit


def _measure(duration: Duration) -> tuple[str, Decimal]:
    """(family, amount in that family's base unit)."""
    if duration.unit is Unit.WORKING_DAYS:
        return "working", duration.amount * HOURS_PER_WORKING_DAY
    if duration.unit is Unit.WORKING_HOURS:
        return "working", duration.amount
    if duration.unit is Unit.SAME_DAY:
        return "working", Decimal(HOURS_PER_WORKING_DAY)
    return "calendar", duration.amount


class TemplateMismatch(ValueError):
    """The steps of a process template do not add up to the processing time.

    ``reason`` is ``"units"`` (a step is counted in a unit that cannot add up to the total) or
    ``"sum"`` (the steps add up to ``steps_total`` instead of ``expected``, both in ``measure``:
    ``"working_hours"`` or ``"calendar_days"``). Callers word the message for their users.
    """

    def __init__(
        self, reason: str, *, steps_total: Decimal | None = None, expected: Decimal | None = None, measure: str = ""
    ) -> None:
        super().__init__(reason, steps_total, expected, measure)
        self.reason = reason
        self.steps_total = steps_total
        self.expected = expected
        self.measure = measure


def check_steps_total(steps: Iterable[Duration], total: Duration) -> None:
    """Raise :class:`TemplateMismatch` unless the step durations add up exactly to ``total``."""
    family, expected = _measure(total)
    measure = "working_hours" if family == "working" else "calendar_days"
    summed = Decimal(0)
    for step in steps:
        step_family, amount = _measure(step)
        if step.unit is Unit.SAME_DAY or step_family != family:
            raise TemplateMismatch("units", measure=measure)
        summed += amount
    if summed != expected:
        raise TemplateMismatch("sum", steps_total=summed, expected=expected, measure=measure)
