"""The early-warning estimator against hand-worked histories (office hours 07:00–11:30, 13:30–17:00: 8 working
hours a day; October 2025 has no public holiday)."""

from collections import Counter
from datetime import datetime
from statistics import median_low

from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.dossier_state import StepRecord
from motcua.rules.early_warning import (
    MIN_HISTORY,
    StepAhead,
    bucket_of,
    expected_seconds,
    forecast,
    newly_ended,
    remaining_seconds,
)
from motcua.rules.roles import Role
from motcua.rules.workdays import VIETNAM_TZ, WorkCalendar

CAL = WorkCalendar()
H = 3600


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


APPRAISAL = StepAhead(2, "Thẩm định", 16 * H)
APPROVAL = StepAhead(3, "Phê duyệt", 8 * H)


def test_a_slow_appraisal_makes_the_dossier_likely_late() -> None:
    """Appraisal started Mon 06/10 07:00, now Mon 09:00 (2 h spent). Its past passages took 16, 20, 24, 28,
    32 h: those that lasted more than 2 h had 14, 18, 22, 26, 30 h left → 22 h (median). Approval took 2–6 h
    → 4 h. 26 h from Mon 09:00: Mon 6 h, Tue 8, Wed 8, Thu 4 → Thu 09/10 11:00, after the due Wed 08/10 09:00.
    The appraisal is expected to take 2 + 22 = 24 h of its 16: it slips by 8 h."""
    history = {2: [h * H for h in (16, 20, 24, 28, 32)], 3: [h * H for h in (2, 3, 4, 5, 6)]}
    result = forecast(CAL, at(2025, 10, 6, 9), at(2025, 10, 8, 9), APPRAISAL, at(2025, 10, 6, 7), [APPROVAL], history)
    assert result.expected_finish == at(2025, 10, 9, 11)
    assert result.likely_late
    assert (result.slipping_position, result.slipping_name, result.slip_seconds) == (2, "Thẩm định", 8 * H)


def test_without_enough_history_the_allotted_times_are_expected() -> None:
    """Four passages only: 16 − 2 = 14 h left, then 8 h → 22 h → Wed 08/10 17:00, before the due Thu 09/10."""
    history = {2: [40 * H] * 4}
    result = forecast(CAL, at(2025, 10, 6, 9), at(2025, 10, 9, 9), APPRAISAL, at(2025, 10, 6, 7), [APPROVAL], history)
    assert result.expected_finish == at(2025, 10, 8, 17)
    assert not result.likely_late
    assert result.slipping_position is None


def test_a_step_longer_than_every_passage_is_expected_to_end_now() -> None:
    assert remaining_seconds([H, 2 * H, 3 * H, 4 * H, 5 * H], 6 * H, 8 * H) == 0
    assert remaining_seconds([H] * 5, 0, 8 * H) == H
    assert expected_seconds([5, 1, 4, 2, 3], 99) == 3
    assert expected_seconds([5, 1], 99) == 99


@given(
    current=st.lists(st.integers(0, 200 * H), min_size=0, max_size=30),
    ahead=st.lists(st.integers(0, 200 * H), min_size=0, max_size=30),
    extra=st.lists(st.integers(0, 50 * H), min_size=30, max_size=30),
)
def test_slower_steps_ahead_never_bring_the_finish_forward(
    current: list[int], ahead: list[int], extra: list[int]
) -> None:
    """Lengthening past passages of the steps still ahead (each by its own amount) cannot make the expected finish
    earlier: a median does not fall when no value falls. (The current step's remaining time is a median *of the
    passages that lasted longer than this one has*, which is not monotone in the history: a passage pushed past
    the time spent so far joins the set with a short remainder — so the property is stated for the steps ahead.)"""
    now, started = at(2025, 10, 13, 9), at(2025, 10, 6, 7)
    due = at(2025, 10, 20, 9)
    slower = [d + e for d, e in zip(ahead, extra, strict=False)]
    a = forecast(CAL, now, due, APPRAISAL, started, [APPROVAL], {2: current, 3: ahead})
    b = forecast(CAL, now, due, APPRAISAL, started, [APPROVAL], {2: current, 3: slower})
    assert b.expected_finish >= a.expected_finish
    assert a.likely_late <= b.likely_late


def test_the_current_step_is_expected_to_last_at_least_what_it_has() -> None:
    """The counter-example that rules out a monotone current step: 1 h spent, passages of 59 min and 11 h → 10 h
    left; each 2 min longer (61 min, 11 h 02) → both lasted longer, remainders 1 min and 10 h 02 → 1 min."""
    assert remaining_seconds([59 * 60, 11 * H] * 3, H, 8 * H) == 10 * H
    assert remaining_seconds([61 * 60, 11 * H + 120] * 3, H, 8 * H) == 60


@given(
    durations=st.lists(st.integers(0, 60 * 8 * H), min_size=0, max_size=40),
    elapsed=st.integers(0, 30 * 8 * H),
)
def test_a_summary_answers_as_the_passages_it_counts(durations: list[int], elapsed: int) -> None:
    """The histogram (duration → passages) is the same history as the list of passages: same median, same
    remaining time — checked against ``statistics.median_low`` on the list itself."""
    summary = dict(Counter(durations))
    assert expected_seconds(summary, 7) == expected_seconds(durations, 7)
    assert remaining_seconds(summary, elapsed, 7) == remaining_seconds(durations, elapsed, 7)
    if len(durations) >= MIN_HISTORY:
        assert expected_seconds(durations, 7) == median_low(durations)
        longer = [d - elapsed for d in durations if d > elapsed]
        assert remaining_seconds(durations, elapsed, 7) == (median_low(longer) if longer else 0)


@given(st.integers(0, 100 * 8 * H))
def test_a_bucket_rounds_up_by_less_than_its_width(seconds: int) -> None:
    rounded = bucket_of(seconds)
    width = 900 if seconds <= 5 * 8 * H else H if seconds <= 40 * 8 * H else 8 * H
    assert seconds <= rounded < seconds + width
    assert rounded % width == 0
    assert bucket_of(rounded) == rounded


def test_the_passages_an_action_ended() -> None:
    running = StepRecord(1, Role.COUNTER, 1, at(2025, 10, 6, 8), at(2025, 10, 6, 16))
    ended = StepRecord(1, Role.COUNTER, 1, at(2025, 10, 6, 8), at(2025, 10, 6, 16), at(2025, 10, 6, 9))
    nxt = StepRecord(2, Role.SPECIALIST, 1, at(2025, 10, 6, 9), at(2025, 10, 7, 9))
    assert newly_ended((running,), (ended, nxt)) == [ended]
    assert newly_ended((ended, nxt), (ended, nxt)) == []
    assert newly_ended((), (ended,)) == [ended]
