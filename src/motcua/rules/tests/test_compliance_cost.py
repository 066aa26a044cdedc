"""The Standard Cost Model formula (RULES.md §8) on hand-computed cases, and its properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.compliance_cost import (
    Activity,
    CostInputError,
    compliance_cost,
    hourly_income,
    reduction_rate,
    to_vnd,
)


def test_published_figure_1024000_to_231000_is_a_7744_percent_cut() -> None:
    # RULES.md §8 [V]: one procedure cut from 1,024,000 to 231,000 VND per dossier is a 77.44 % cut
    assert reduction_rate(1_024_000, 231_000) == Decimal("77.44")


def test_hanoi_restructuring_figure() -> None:
    # RULES.md §8 [V]: 2,306 → 654 billion VND/year is 71.64 %
    assert reduction_rate(2_306, 654) == Decimal("71.64")


def test_hourly_income_by_hand() -> None:
    # 5,280,000 đ/month ÷ 22 days ÷ 8 hours = 30,000 đ/hour exactly
    assert hourly_income(Decimal(5_280_000), Decimal(22)) == Decimal(30_000)


def test_a_procedure_by_hand() -> None:
    # 5,000,000 đ/month, 22 days: 5,000,000 / 176 đ/hour. Activities: prepare 4 h × 1, travel 1 h × 2,
    # submit 0.5 h × 1 = 6.5 h → 6.5 × 5,000,000 / 176 = 184,659.0909… đ; + fees 150,000 + other 50,000
    # = 384,659.09… → 384,659 đ per execution; × 12 executions × 100 subjects = 461,590,800 đ a year.
    activities = [
        Activity("Chuẩn bị hồ sơ", Decimal(4), 1),
        Activity("Đi lại", Decimal(1), 2),
        Activity("Nộp hồ sơ", Decimal("0.5"), 1),
    ]
    result = compliance_cost(
        activities,
        hourly_income_vnd=hourly_income(Decimal(5_000_000), Decimal(22)),
        fees_vnd=Decimal(150_000),
        other_costs_vnd=Decimal(50_000),
        executions_per_year=12,
        subjects=100,
    )
    assert result.cost_per_execution_vnd == 384_659
    assert result.annual_cost_vnd == 461_590_800


def test_rounding_is_half_up_once() -> None:
    # 0.5 h × 1 × 1,001 đ = 500.5 đ → 501 (half up), not 500 (banker's)
    result = compliance_cost(
        [Activity("x", Decimal("0.5"), 1)],
        hourly_income_vnd=Decimal(1001),
        fees_vnd=Decimal(0),
        other_costs_vnd=Decimal(0),
        executions_per_year=3,
        subjects=1,
    )
    assert (result.cost_per_execution_vnd, result.annual_cost_vnd) == (501, 1503)


def test_no_activity_costs_the_fees() -> None:
    result = compliance_cost(
        [],
        hourly_income_vnd=Decimal(0),
        fees_vnd=Decimal(231_000),
        other_costs_vnd=Decimal(0),
        executions_per_year=1,
        subjects=1,
    )
    assert result.cost_per_execution_vnd == 231_000


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(CostInputError):
        compliance_cost(
            [Activity("x", Decimal(-1), 1)],
            hourly_income_vnd=Decimal(1),
            fees_vnd=Decimal(0),
            other_costs_vnd=Decimal(0),
            executions_per_year=1,
            subjects=1,
        )
    with pytest.raises(CostInputError):
        hourly_income(Decimal(1), Decimal(0))


def test_no_rate_without_a_cost_before() -> None:
    assert reduction_rate(0, 0) is None


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
hours = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
activities = st.lists(st.builds(Activity, st.just("a"), hours, st.integers(0, 20)), max_size=6)


def _fraction_reference(acts: list[Activity], hourly: Decimal, fees: Decimal, other: Decimal) -> int:
    """The formula in exact fractions, rounded half up by hand: an independent statement of it."""
    total = sum((Fraction(a.hours) * a.times * Fraction(hourly) for a in acts), Fraction(0))
    total += Fraction(fees) + Fraction(other)
    floor = total.numerator // total.denominator
    return floor + (1 if total - floor >= Fraction(1, 2) else 0)


@given(activities, amounts, amounts, amounts, st.integers(0, 1000), st.integers(0, 10_000))
def test_matches_a_fraction_reference(acts, hourly, fees, other, executions, subjects) -> None:  # type: ignore[no-untyped-def]
    result = compliance_cost(
        acts,
        hourly_income_vnd=hourly,
        fees_vnd=fees,
        other_costs_vnd=other,
        executions_per_year=executions,
        subjects=subjects,
    )
    expected = _fraction_reference(acts, hourly, fees, other)
    assert result.cost_per_execution_vnd == expected
    assert result.annual_cost_vnd == expected * executions * subjects


@given(activities, amounts, amounts, st.integers(0, 1000), st.integers(0, 10_000), st.integers(1, 50))
def test_linear_in_executions_and_subjects(acts, hourly, fees, executions, subjects, k) -> None:  # type: ignore[no-untyped-def]
    def annual(e: int, s: int) -> int:
        return compliance_cost(
            acts, hourly_income_vnd=hourly, fees_vnd=fees, other_costs_vnd=Decimal(0), executions_per_year=e, subjects=s
        ).annual_cost_vnd

    base = annual(executions, subjects)
    assert annual(k * executions, subjects) == k * base
    assert annual(executions, k * subjects) == k * base
    assert annual(executions + 1, subjects) - annual(executions, subjects) == annual(1, subjects)


@given(st.integers(1, 10**12), st.integers(0, 10**12))
def test_a_cut_is_never_negative_when_costs_fall(before: int, cut: int) -> None:
    after = max(0, before - cut)
    rate = reduction_rate(before, after)
    assert rate is not None
    assert Decimal(0) <= rate <= Decimal(100)
    # against the plain ratio (independent: Fraction), to the 2-decimal rounding
    assert abs(Fraction(rate) - Fraction(before - after, before) * 100) <= Fraction(1, 200)


@given(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_to_vnd_half_up(value: Decimal) -> None:
    assert abs(Decimal(to_vnd(value)) - value) <= Decimal("0.5")
