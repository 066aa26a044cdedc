"""The Decision 766 table and its scoring, against independent statements: RULES.md §7's points per group,
exact rational arithmetic for the score, hand-worked figures, and the calendar for the period helpers."""

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.counters import METRICS
from motcua.rules.service_index import (
    DECISION_766_2022,
    VERSIONS,
    DisplayGroup,
    Group,
    IndexResult,
    IndexVersion,
    IndicatorResult,
    Term,
    Window,
    evaluate,
    month,
    overdue_cutoff,
    quarter,
    ratio_of,
    score,
    values_from,
    version_for,
    year,
)

V = DECISION_766_2022


def _all(result: IndexResult) -> list[IndicatorResult]:
    return [r for g in result.groups for r in g.indicators]


def test_five_legal_groups_of_100_points_and_the_payment_tree() -> None:
    """RULES.md §7: 1 transparency 18, 2 progress 20, 3 online 22 (= 12 + 10 payment), 4 digitisation 22,
    5 satisfaction 18."""
    by_group = {g: sum(i.max_points for i in V.indicators if i.group is g) for g in Group}
    assert by_group == {
        Group.TRANSPARENCY: 18,
        Group.PROGRESS: 20,
        Group.ONLINE: 22,
        Group.DIGITISATION: 22,
        Group.SATISFACTION: 18,
    }
    by_display = {g: sum(i.max_points for i in V.indicators if i.display_group is g) for g in DisplayGroup}
    assert by_display[DisplayGroup.ONLINE_SERVICE] == 12
    assert by_display[DisplayGroup.ONLINE_PAYMENT] == 10
    assert {i.id for i in V.indicators if i.display_group is DisplayGroup.ONLINE_PAYMENT} == {"3.4", "3.5", "3.6"}
    ids = [i.id for i in V.indicators]
    assert len(ids) == len(set(ids))
    assert not V.indicator("2.2").scored


def test_thresholds_of_rules_table() -> None:
    thresholds = {i.id: i.threshold for i in V.indicators if i.threshold != 1}
    assert thresholds == {
        "3.1": Decimal("0.8"),
        "3.3": Decimal("0.5"),
        "3.4": Decimal("0.8"),
        "3.5": Decimal("0.8"),
        "3.6": Decimal("0.3"),
        "4.2": Decimal("0.8"),
        "4.4": Decimal("0.8"),
        "5.3": Decimal("0.9"),
    }


def test_which_indicators_are_live_with_todays_counters() -> None:
    """What the module's docstring promises: with the metrics that exist, 1.4, 2.1, 3.3, 3.6, 4.2, 4.3, 4.4, 4.5 and
    4.6b evaluate and the rest are n/a; 1.4 fills in as soon as ``synchronised`` exists."""
    result = evaluate(V, values_from({}, METRICS))
    live = {r.indicator.id for r in _all(result) if r.numerator is not None and r.denominator is not None}
    assert live == {"1.4", "2.1", "3.3", "3.6", "4.2", "4.3", "4.4", "4.5", "4.6b"}
    # 4.3 (2 points, no threshold): 3 e-copies certified of 4 requested = 3/4 × 2 = 1.50; none requested = n/a
    ecopies = evaluate(V, values_from({Term("ecopies_requested"): 4, Term("ecopies_certified"): 3}, METRICS))
    assert ecopies.indicator("4.3").points == Decimal("1.50")
    assert evaluate(V, values_from({}, METRICS)).indicator("4.3").points is None
    with_sync = evaluate(V, values_from({Term("received"): 4, Term("synchronised"): 3}, {*METRICS, "synchronised"}))
    assert with_sync.indicator("1.4").points == Decimal("4.50")  # 3/4 × 6


def test_hand_worked_index() -> None:
    """Six results (3 early, 2 on time, 1 late) and 2 dossiers past due: 2.1 = 5/8 × 20 = 12.50. 10 received,
    3 online: 3.3 = (0.3 / 0.5) × 6 = 3.60. 8 digitised: 4.2 = full 4. 1 reused: 4.4 = (0.1 / 0.8) × 2 = 0.25.
    7 synchronised: 1.4 = 7/10 × 6 = 4.20 (no threshold). 5 received with fees, 1 paid online: 3.6 = (0.2 / 0.3)
    × 6 = 4.00. 3 connected to the data store: 4.5 = 3/10 × 4 = 1.20; 2 with the population database consulted:
    4.6b = 2/10 × 2 = 0.40 (neither has a threshold). Total 24.55 + 4.00 + 1.20 + 0.40 = 30.15 of 50."""
    found = {
        Term("finished_early"): 3,
        Term("finished_on_time"): 2,
        Term("finished_late"): 1,
        Term("open_by_due_day", Window.OVERDUE_AT_END): 2,
        Term("received"): 10,
        Term("received_online"): 3,
        Term("digitised"): 8,
        Term("reused"): 1,
        Term("synchronised"): 7,
        Term("data_store_connected"): 3,
        Term("population_checked"): 2,
        Term("received_with_fees"): 5,
        Term("paid_online"): 1,
    }
    result = evaluate(V, values_from(found, METRICS))
    on_time = result.indicator("2.1")
    assert (on_time.numerator, on_time.denominator, on_time.ratio, on_time.points) == (
        5,
        8,
        Decimal("0.625"),
        Decimal("12.50"),
    )
    assert result.indicator("3.3").points == Decimal("3.60")
    assert result.indicator("4.2").points == Decimal("4.00")
    assert result.indicator("4.4").points == Decimal("0.25")
    assert result.indicator("1.4").points == Decimal("4.20")
    assert result.indicator("3.6").points == Decimal("4.00")
    assert result.indicator("4.5").points == Decimal("1.20")
    assert result.indicator("4.6b").points == Decimal("0.40")
    assert result.total == Decimal("30.15")
    assert result.max == 6 + 20 + 6 + 6 + 4 + 2 + 4 + 2  # only what could be evaluated
    assert result.nominal_max == 100


def test_zero_denominator_is_na_not_zero() -> None:
    result = evaluate(V, values_from({Term("received_online"): 0}, METRICS))
    assert result.indicator("3.3").ratio is None
    assert result.indicator("3.3").points is None
    assert result.indicator("2.1").points is None
    assert result.total == 0
    assert result.max == 0


# --------------------------------------------------------------------------------------------------
# the score against exact rational arithmetic


def _reference(points: int, numerator: int, denominator: int, threshold: Fraction) -> Fraction:
    exact = Fraction(points) * min(Fraction(1), Fraction(numerator, denominator) / threshold)
    cents = exact * 100
    rounded = int(cents) + (1 if cents - int(cents) >= Fraction(1, 2) else 0)  # half up, non-negative
    return Fraction(rounded, 100)


thresholds = st.sampled_from([Fraction(1), Fraction(4, 5), Fraction(1, 2), Fraction(3, 10), Fraction(9, 10)])


@given(
    points=st.sampled_from([2, 4, 6, 20]),
    denominator=st.integers(1, 10**7),
    share=st.fractions(0, 1),
    threshold=thresholds,
)
def test_score_is_points_times_capped_ratio_rounded(
    points: int, denominator: int, share: Fraction, threshold: Fraction
) -> None:
    numerator = int(share * denominator)
    got = score(Decimal(points), ratio_of(numerator, denominator), Decimal(threshold.numerator) / threshold.denominator)
    assert got is not None
    assert Fraction(got) == _reference(points, numerator, denominator, threshold)
    assert 0 <= got <= points
    if Fraction(numerator, denominator) >= threshold:
        assert got == points


@given(denominator=st.integers(1, 10**6), a=st.integers(0, 10**6), b=st.integers(0, 10**6), threshold=thresholds)
def test_score_grows_with_the_numerator(denominator: int, a: int, b: int, threshold: Fraction) -> None:
    low, high = sorted((min(a, denominator), min(b, denominator)))
    t = Decimal(threshold.numerator) / threshold.denominator
    assert score(Decimal(6), ratio_of(low, denominator), t) <= score(Decimal(6), ratio_of(high, denominator), t)  # type: ignore[operator]


def test_score_of_na_is_na() -> None:
    assert ratio_of(5, 0) is None
    assert score(Decimal(6), None) is None


# --------------------------------------------------------------------------------------------------
# versions


days = st.dates(date(2020, 1, 1), date(2035, 12, 31))


@given(froms=st.lists(days, min_size=1, max_size=5, unique=True), day=days, later=days)
def test_a_new_version_leaves_older_periods_alone(froms: list[date], day: date, later: date) -> None:
    versions = [IndexVersion(f"v{n}", start, "test", V.indicators) for n, start in enumerate(froms)]
    chosen = version_for(day, versions)
    in_force = [v for v in versions if v.valid_from <= day]
    if in_force:
        assert chosen.valid_from == max(v.valid_from for v in in_force)
    else:
        assert chosen.valid_from == min(froms)
    if later > max(froms) and later > day:
        changed = replace(versions[0], key="new", valid_from=later)
        assert version_for(day, [*versions, changed]) == chosen


def test_the_first_version_applies_from_the_decision() -> None:
    assert VERSIONS[0].valid_from == date(2022, 6, 23)
    assert version_for(date(2026, 1, 1)) is DECISION_766_2022


# --------------------------------------------------------------------------------------------------
# periods


@given(y=st.integers(2000, 2100))
def test_months_and_quarters_tile_the_year(y: int) -> None:
    months = [month(y, m) for m in range(1, 13)]
    quarters = [quarter(y, q) for q in range(1, 5)]
    for ranges in (months, quarters):
        assert ranges[0][0] == year(y)[0]
        assert ranges[-1][1] == year(y)[1]
        for (_, end), (start, _) in itertools.pairwise(ranges):
            assert start == end + timedelta(days=1)
    assert month(y, 2)[1].day in (28, 29)
    with pytest.raises(ValueError, match="no quarter"):
        quarter(y, 5)


def test_overdue_cutoff() -> None:
    today = date(2026, 3, 10)
    assert overdue_cutoff(date(2026, 2, 28), today) == date(2026, 3, 1)  # due on the last day counts
    assert overdue_cutoff(date(2026, 3, 31), today) == today  # running period: due before today
    assert overdue_cutoff(today, today) == today
