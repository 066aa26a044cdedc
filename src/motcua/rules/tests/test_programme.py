"""The programme's targets and the backlog by age on hand-worked figures."""

from datetime import date
from decimal import Decimal

from motcua.rules.programme import TARGETS, backlog_by_age, from_counters, from_procedures, working_days_since
from motcua.rules.workdays import WorkCalendar

CAL = WorkCalendar()
BY_KEY = {t.key: t for t in TARGETS}


def test_routed_electronically_is_the_hand_offs_not_on_paper() -> None:
    value = from_counters(BY_KEY["routed_electronically"], {"handoffs": 8, "handoffs_on_paper": 2})
    assert (value.numerator, value.denominator, value.ratio, value.met) == (6, 8, Decimal("0.75"), False)
    assert from_counters(BY_KEY["routed_electronically"], {"handoffs": 3}).met is True
    assert from_counters(BY_KEY["routed_electronically"], {}).ratio is None  # no hand-off: n/a, not 100 %


def test_procedures_paid_online() -> None:
    per_procedure = {1: {"paid_online": 2}, 2: {"paid_at_counter": 5}, 3: {"paid_online": 1, "paid_at_counter": 9}}
    value = from_procedures(BY_KEY["procedures_paid_online"], per_procedure)
    assert (value.numerator, value.denominator) == (2, 3)


def test_ages_in_working_days() -> None:
    """Fri 03/10/2025 → Mon 06/10: 1 working day; 29/08 (Fri) → Tue 02/09 (national day, off) and Mon 01/09
    (off in 2025): Wed 03/09 is 1 working day after Fri 29/08."""
    assert working_days_since(CAL, date(2025, 10, 3), date(2025, 10, 6)) == 1
    assert working_days_since(CAL, date(2025, 10, 6), date(2025, 10, 6)) == 0
    assert working_days_since(CAL, date(2025, 8, 29), date(2025, 9, 3)) == 1
    bands = backlog_by_age(
        CAL,
        [(date(2025, 10, 6), 2), (date(2025, 10, 3), 1), (date(2025, 9, 1), 4), (date(2025, 9, 2), 0)],
        date(2025, 10, 6),
    )
    # 01/09 → 06/10: September has 21 working days after the 2nd … 22 working days in all → "> 20"
    assert bands == {"0–2": 3, "3–5": 0, "6–10": 0, "11–20": 0, "> 20": 4}
