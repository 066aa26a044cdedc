from decimal import Decimal

import pytest

from motcua.rules.process import Duration, TemplateMismatch, check_steps_total
from motcua.rules.workdays import Unit

D = Decimal


def hours(n: str) -> Duration:
    return Duration(D(n), Unit.WORKING_HOURS)


def test_working_hours_add_up_to_working_days() -> None:
    check_steps_total([hours("4"), hours("16"), hours("4")], Duration(D(3), Unit.WORKING_DAYS))
    check_steps_total([Duration(D("0.5"), Unit.WORKING_DAYS), hours("4")], Duration(D(1), Unit.WORKING_DAYS))


def test_same_day_is_one_working_day() -> None:
    check_steps_total([hours("1"), hours("5"), hours("1"), hours("1")], Duration(D(1), Unit.SAME_DAY))


def test_sum_mismatch_reports_both_totals() -> None:
    with pytest.raises(TemplateMismatch) as caught:
        check_steps_total([hours("4"), hours("16")], Duration(D(3), Unit.WORKING_DAYS))
    assert (caught.value.reason, caught.value.steps_total, caught.value.expected) == ("sum", D(20), D(24))
    assert caught.value.measure == "working_hours"


def test_calendar_days_do_not_mix_with_working_time() -> None:
    with pytest.raises(TemplateMismatch) as caught:
        check_steps_total([hours("8")], Duration(D(1), Unit.CALENDAR_DAYS))
    assert caught.value.reason == "units"
    check_steps_total(
        [Duration(D("2.5"), Unit.CALENDAR_DAYS), Duration(D("7.5"), Unit.CALENDAR_DAYS)],
        Duration(D(10), Unit.CALENDAR_DAYS),
    )
