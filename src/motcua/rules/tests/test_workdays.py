"""The deadline engine against the real calendars of 2024–2026 and against its own laws.

Expected moments in the tables were worked out by hand from the office hours (07:00–11:30,
13:30–17:00) and the days off of the ``holidays`` package (pinned in constraints.txt), which follows
the Prime Minister's yearly decisions: Tết 2025 (27 Jan – 1 Feb), Tết 2026 (16–20 Feb), the 30 April
swaps (2024: Saturday 4 May worked, Monday 29 April off; 2025: Saturday 26 April worked, Friday 2 May
off — RULES.md §3) and National Day (2025: 1–2 Sep; 2026: Monday 31 Aug off for Saturday 22 Aug
worked, 1–2 Sep).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.workdays import (
    VIETNAM_TZ,
    AdjustmentKind,
    CalendarRangeError,
    Overrides,
    WorkCalendar,
    duration_seconds,
)

CAL = WorkCalendar()
HOUR = 3600
DAY = 8 * HOUR


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


# --------------------------------------------------------------------------------------------------
# table tests on real calendars

WORKING_DAYS_TABLE = [
    # (received, working days, due) — Tết 2025: Fri 24 Jan → Mon 3 Feb
    (vn(2025, 1, 24, 10, 0), 1, vn(2025, 2, 3, 10, 0)),
    (vn(2025, 1, 24, 16, 0), 2, vn(2025, 2, 4, 16, 0)),
    # Tết 2026: Fri 13 Feb → Mon 23 Feb
    (vn(2026, 2, 13, 9, 0), 1, vn(2026, 2, 23, 9, 0)),
    (vn(2026, 2, 12, 9, 0), 3, vn(2026, 2, 24, 9, 0)),
    # 30 April 2024: Mon 29 Apr off (swap), Tue 30 Apr, Wed 1 May off, Sat 4 May worked
    (vn(2024, 4, 26, 9, 0), 1, vn(2024, 5, 2, 9, 0)),
    (vn(2024, 4, 26, 9, 0), 2, vn(2024, 5, 3, 9, 0)),
    (vn(2024, 4, 26, 9, 0), 3, vn(2024, 5, 4, 9, 0)),
    (vn(2024, 4, 26, 9, 0), 4, vn(2024, 5, 6, 9, 0)),
    # 30 April 2025: Sat 26 Apr worked; Wed 30 Apr, Thu 1 May, Fri 2 May off
    (vn(2025, 4, 25, 9, 0), 1, vn(2025, 4, 26, 9, 0)),
    (vn(2025, 4, 25, 9, 0), 2, vn(2025, 4, 28, 9, 0)),
    (vn(2025, 4, 25, 9, 0), 4, vn(2025, 5, 5, 9, 0)),
    # National Day 2025: Mon 1 and Tue 2 Sep off
    (vn(2025, 8, 29, 10, 0), 1, vn(2025, 9, 3, 10, 0)),
    # National Day 2026: Sat 22 Aug worked; Mon 31 Aug, Tue 1, Wed 2 Sep off
    (vn(2026, 8, 21, 10, 0), 1, vn(2026, 8, 22, 10, 0)),
    (vn(2026, 8, 28, 10, 0), 1, vn(2026, 9, 3, 10, 0)),
    # office hours: a duration ending at a closing time is due at that closing
    (vn(2025, 3, 10, 7, 0), 1, vn(2025, 3, 10, 17, 0)),
    (vn(2025, 3, 10, 9, 0), 1, vn(2025, 3, 11, 9, 0)),
    (vn(2025, 3, 10, 17, 30), 1, vn(2025, 3, 11, 17, 0)),  # after hours: next morning
    (vn(2025, 3, 10, 6, 0), 1, vn(2025, 3, 10, 17, 0)),  # before hours: from 07:00
    (vn(2025, 3, 10, 12, 15), 1, vn(2025, 3, 11, 11, 30)),  # lunch: from 13:30, 3.5 h + 4.5 h
    (vn(2025, 3, 15, 9, 0), 1, vn(2025, 3, 17, 17, 0)),  # received on a Saturday
]


@pytest.mark.parametrize(("received", "days", "due"), WORKING_DAYS_TABLE)
def test_working_days_on_real_calendars(received: datetime, days: int, due: datetime) -> None:
    assert CAL.due(received, days, "working_days") == due


WORKING_HOURS_TABLE = [
    (vn(2025, 3, 10, 7, 0), 4.5, vn(2025, 3, 10, 11, 30)),  # ends at the lunch closing, not 13:30
    (vn(2025, 3, 10, 7, 0), 5, vn(2025, 3, 10, 14, 0)),
    (vn(2025, 3, 10, 12, 0), 4, vn(2025, 3, 11, 7, 30)),  # 13:30–17:00 is 3.5 h, then 0.5 h next day
    (vn(2025, 3, 14, 16, 0), 2, vn(2025, 3, 17, 8, 0)),  # Friday → Monday
    (vn(2025, 3, 10, 9, 0), 0.5, vn(2025, 3, 10, 9, 30)),
]


@pytest.mark.parametrize(("received", "hours", "due"), WORKING_HOURS_TABLE)
def test_working_hours(received: datetime, hours: float, due: datetime) -> None:
    assert CAL.due(received, hours, "working_hours") == due


SAME_DAY_TABLE = [
    (vn(2025, 3, 10, 14, 59), vn(2025, 3, 10, 17, 0)),
    (vn(2025, 3, 10, 6, 30), vn(2025, 3, 10, 17, 0)),
    (vn(2025, 3, 10, 15, 0), vn(2025, 3, 11, 17, 0)),  # from 15:00: the next working day
    (vn(2025, 3, 14, 16, 0), vn(2025, 3, 17, 17, 0)),  # Friday afternoon → Monday
    (vn(2025, 3, 15, 9, 0), vn(2025, 3, 17, 17, 0)),  # Saturday → Monday
    (vn(2025, 1, 24, 15, 30), vn(2025, 2, 3, 17, 0)),  # before Tết 2025
    (vn(2025, 4, 25, 15, 30), vn(2025, 4, 26, 17, 0)),  # the swapped Saturday is a working day
]


@pytest.mark.parametrize(("received", "due"), SAME_DAY_TABLE)
def test_same_day(received: datetime, due: datetime) -> None:
    assert CAL.due(received, 1, "same_day") == due


def test_calendar_days_move_to_the_next_working_day() -> None:
    received = vn(2025, 3, 10, 9, 0)
    assert CAL.due(received, 4, "calendar_days") == vn(2025, 3, 14, 9, 0)
    assert CAL.due(received, 5, "calendar_days") == vn(2025, 3, 17, 9, 0)  # Saturday → Monday
    strict = WorkCalendar(calendar_days_move_to_working_day=False)
    assert strict.due(received, 5, "calendar_days") == vn(2025, 3, 15, 9, 0)
    # counted from the start of work: received after hours on Friday 14 March
    assert CAL.due(vn(2025, 3, 14, 18, 0), 1, "calendar_days") == vn(2025, 3, 18, 7, 0)


def test_overrides_win_over_the_package() -> None:
    overrides = Overrides(
        days_off={date(2025, 3, 11): "Nghỉ bầu cử (giả định trong kiểm thử)"},
        working_days={date(2025, 3, 15): "Làm bù", date(2025, 1, 29): "Trực Tết"},
    )
    cal = WorkCalendar(overrides=overrides)
    assert cal.due(vn(2025, 3, 10, 9, 0), 1, "working_days") == vn(2025, 3, 12, 9, 0)
    assert cal.due(vn(2025, 3, 14, 9, 0), 1, "working_days") == vn(2025, 3, 15, 9, 0)
    assert cal.is_working_day(date(2025, 1, 29))  # a national holiday made a working day
    assert not CAL.is_working_day(date(2025, 1, 29))


def test_year_listing() -> None:
    days_off, working = CAL.year_listing(2025)
    off = {info.day for info in days_off}
    assert {date(2025, 1, 1), date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2), date(2025, 9, 2)} <= off
    assert {date(2025, 1, d) for d in range(27, 32)} | {date(2025, 2, 1)} <= off
    assert [info.day for info in working] == [date(2025, 4, 26)]


def test_explanation_names_each_rule() -> None:
    kinds = [a.kind for a in CAL.explain(vn(2025, 4, 25, 18, 0), 4, "working_days")]
    assert kinds[0] is AdjustmentKind.AFTER_HOURS
    assert AdjustmentKind.SWAPPED_WORKDAY in kinds
    assert AdjustmentKind.HOLIDAY in kinds
    assert AdjustmentKind.WEEKEND in kinds
    assert AdjustmentKind.BREAKS_SKIPPED in kinds
    lunch = CAL.explain(vn(2025, 3, 10, 12, 0), 1, "working_hours")
    assert lunch[0].kind is AdjustmentKind.LUNCH_BREAK
    assert lunch[0].end == vn(2025, 3, 10, 13, 30)
    assert [a.kind for a in CAL.explain(vn(2025, 3, 10, 9, 0), 5, "calendar_days")] == [
        AdjustmentKind.WEEKEND,
        AdjustmentKind.MOVED_TO_WORKING_DAY,
    ]
    assert [a.kind for a in CAL.explain(vn(2025, 3, 10, 15, 30), 1, "same_day")] == [
        AdjustmentKind.SAME_DAY_AFTER_CUTOFF
    ]
    assert CAL.explain(vn(2025, 3, 10, 9, 0), 1, "working_hours") == []


def test_time_zones_and_naive_moments() -> None:
    received = vn(2025, 3, 10, 9, 0)
    in_utc = received.astimezone(UTC)
    assert CAL.due(in_utc, 1, "working_days") == CAL.due(received, 1, "working_days")
    assert CAL.due(datetime(2025, 3, 10, 9, 0), 1, "working_days") == CAL.due(received, 1, "working_days")


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.due(vn(2025, 3, 10, 9, 0), -1, "working_days")
    with pytest.raises(ValueError, match="weeks"):
        CAL.due(vn(2025, 3, 10, 9, 0), 1, "weeks")
    with pytest.raises(CalendarRangeError):
        CAL.due(vn(2101, 1, 1, 9, 0), 1, "working_days")
    with pytest.raises(ValueError, match="overlap"):
        WorkCalendar(periods=[(time(7), time(12)), (time(11), time(17))])


def test_grows_backwards_and_forwards() -> None:
    cal = WorkCalendar(years=(2025, 2025))
    due = cal.due(vn(2025, 12, 31, 9, 0), 1, "working_days")  # 1 Jan 2026 is a holiday
    assert due == vn(2026, 1, 2, 9, 0)
    assert cal.elapsed(vn(2024, 12, 31, 9, 0), vn(2025, 1, 2, 9, 0)) == DAY  # 1 Jan 2025 is a holiday
    assert cal.due(vn(2025, 12, 31, 9, 0), 1, "working_days") == due  # positions survive the growth


# --------------------------------------------------------------------------------------------------
# properties

moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31, 23, 59, 59), timezones=st.just(VIETNAM_TZ)
).map(lambda m: m.replace(microsecond=0))
durations = st.integers(min_value=1, max_value=40 * DAY)


@given(moments, durations)
def test_due_is_a_working_moment_after_the_start(start: datetime, seconds: int) -> None:
    due = CAL.add_working_seconds(start, seconds)
    assert CAL.is_working_moment(due)
    assert due > start


@given(moments)
def test_zero_duration_is_the_start_of_work(start: datetime) -> None:
    begin = CAL.add_working_seconds(start, 0)
    assert CAL.is_working_moment(begin)
    assert begin >= start
    assert CAL.elapsed(start, begin) == 0


@given(moments, durations, durations)
def test_adding_is_associative(start: datetime, a: int, b: int) -> None:
    assert CAL.add_working_seconds(CAL.add_working_seconds(start, a), b) == CAL.add_working_seconds(start, a + b)


@given(moments, st.integers(min_value=0, max_value=40 * DAY))
def test_elapsed_inverts_due(start: datetime, seconds: int) -> None:
    assert CAL.elapsed(start, CAL.add_working_seconds(start, seconds)) == seconds


@given(moments, moments, durations)
def test_monotone_in_start(s1: datetime, s2: datetime, seconds: int) -> None:
    early, late = sorted((s1, s2))
    assert CAL.add_working_seconds(early, seconds) <= CAL.add_working_seconds(late, seconds)


@given(moments, durations, durations)
def test_monotone_in_duration(start: datetime, d1: int, d2: int) -> None:
    short, long = sorted((d1, d2))
    assert CAL.add_working_seconds(start, short) <= CAL.add_working_seconds(start, long)


@given(moments, st.integers(min_value=0, max_value=60), st.sampled_from(["working_days", "working_hours"]))
def test_unit_due_equals_seconds(start: datetime, amount: int, unit: str) -> None:
    assert CAL.due(start, amount, unit) == CAL.add_working_seconds(start, duration_seconds(amount, unit))


@given(moments, durations, moments, st.integers(min_value=0, max_value=10 * DAY))
def test_shift_adds_the_paused_working_time(start: datetime, seconds: int, paused_from: datetime, pause: int) -> None:
    due = CAL.add_working_seconds(start, seconds)
    paused_until = CAL.add_working_seconds(paused_from, pause)
    shifted = CAL.shift(due, paused_from, paused_until)
    assert CAL.elapsed(due, shifted) == pause
    assert shifted >= due


@given(moments)
def test_same_day_is_closing_of_a_working_day(received: datetime) -> None:
    due = CAL.due(received, 1, "same_day")
    assert due.time() == time(17, 0)
    assert CAL.is_working_day(due.date())
    same = CAL.is_working_day(received.date()) and received.time() < time(15, 0)
    assert (due.date() == received.date()) is same
    if not same:
        assert due.date() == CAL.next_working_day(received.date())


def _reference_due(start: datetime, seconds: int) -> datetime:
    """An independent, slow reading of the rule: walk the working periods one by one."""
    national = holidays.country_holidays("VN", years=range(2023, 2029))
    swapped = set(national.weekend_workdays)
    day = start.date()
    remaining = seconds
    while True:
        working = (day in swapped) or (day.weekday() < 5 and day not in national)
        if working:
            for opening, closing in ((time(7), time(11, 30)), (time(13, 30), time(17))):
                period_start = datetime.combine(day, opening, VIETNAM_TZ)
                period_end = datetime.combine(day, closing, VIETNAM_TZ)
                begin = max(period_start, start)
                if begin < period_end:
                    available = int((period_end - begin).total_seconds())
                    if remaining <= available:
                        return begin + timedelta(seconds=remaining)
                    remaining -= available
        day += timedelta(days=1)


@given(moments, durations)
def test_agrees_with_a_reference_walk(start: datetime, seconds: int) -> None:
    assert CAL.add_working_seconds(start, seconds) == _reference_due(start, seconds)
