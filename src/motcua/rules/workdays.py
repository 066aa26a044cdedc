"""Working time and deadlines: the one engine that turns "N working days" into a due moment.

Rules implemented (RULES.md §3):

- Working hours of state agencies are 07:00–11:30 and 13:30–17:00, Monday to Friday; a province may
  configure other periods. 8 working hours make one working day. [V]
- Days off are the public holidays of Labour Code 2019 Art. 112 as fixed each year by the Prime
  Minister, including swaps that turn a Saturday into a working day. They come from the ``holidays``
  package (country VN, with ``weekend_workdays``); overrides stored by the province win over it. [V]
- Deadlines are counted in working hours: "N ngày làm việc" = N × 8 working hours, "N giờ" = N
  working hours, "N ngày" = N calendar days. Time outside working hours does not count. [V]
- A dossier received after closing time or on a day off starts at the next opening; before opening it
  starts at opening; during the lunch break it starts at 13:30 (the next opening). [V]
- Same-day procedures: received on a working day before 15:00, due at 17:00 that day; otherwise due at
  17:00 of the next working day. [V]
- While a supplement request is outstanding the clock is paused: the due moment moves by the working
  time between the request and the supplement. [V]

Design. A calendar maps every moment ``t`` to ``W(t)``, the working seconds elapsed since the start of
the calendar's first year. ``W`` is non-decreasing; the due moment of a duration ``d`` received at
``s`` is the *earliest* moment ``m`` with ``W(m) = W(s) + d`` — so a duration that ends exactly at a
closing time is due at that closing (17:00 or 11:30), not at the next opening. With a cumulative
table per day this is one array lookup for ``W`` and one binary search for its inverse, which keeps a
due-date computation to a few microseconds (see ``bench/workdays_bench.py``).

Moments are handled at one-second resolution: sub-second parts of a receipt time are dropped.
Naive datetimes are taken as local time of the calendar (Asia/Ho_Chi_Minh by default).
"""

from __future__ import annotations

import bisect
import enum
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays

#: Time zone of Vietnamese state agencies.
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: "8 working hours = 1 working day" (RULES.md §3, [V]).
HOURS_PER_WORKING_DAY = 8
SECONDS_PER_WORKING_DAY = HOURS_PER_WORKING_DAY * 3600

#: Default office hours (RULES.md §3, [V]).
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))

#: Same-day procedures received after this time are resolved the next working day (RULES.md §3, [V]).
DEFAULT_SAME_DAY_CUTOFF = time(15, 0)

#: Saturday and Sunday (Python weekday numbers).
DEFAULT_WEEKEND = frozenset({5, 6})

#: The calendar never grows beyond these years: a deadline further out is a data error.
MIN_YEAR = 1990
MAX_YEAR = 2100


class Unit(enum.StrEnum):
    """Units in which a processing time is expressed in the catalogue."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"


class CalendarRangeError(ValueError):
    """A moment lies outside the years a calendar can describe."""


class AdjustmentKind(enum.StrEnum):
    """Why a due moment is later than plain clock arithmetic would say."""

    BEFORE_HOURS = "before_hours"  # received before opening: counted from opening
    LUNCH_BREAK = "lunch_break"  # received during a break: counted from the next opening
    AFTER_HOURS = "after_hours"  # received after closing: counted from the next working day
    RECEIVED_ON_DAY_OFF = "received_on_day_off"
    WEEKEND = "weekend"  # a Saturday/Sunday inside the interval was skipped
    HOLIDAY = "holiday"  # a public holiday (or substituted day off) was skipped
    EXTRA_DAY_OFF = "extra_day_off"  # a day off added by the province was skipped
    SWAPPED_WORKDAY = "swapped_workday"  # a Saturday made a working day by a swap was counted
    EXTRA_WORKING_DAY = "extra_working_day"  # a working day added by the province was counted
    BREAKS_SKIPPED = "breaks_skipped"  # lunch breaks inside the interval were not counted
    SAME_DAY_BEFORE_CUTOFF = "same_day_before_cutoff"
    SAME_DAY_AFTER_CUTOFF = "same_day_after_cutoff"
    MOVED_TO_WORKING_DAY = "moved_to_working_day"  # a calendar-day deadline ended on a day off


@dataclass(frozen=True)
class Adjustment:
    """One rule that moved a due moment; rendered into a sentence by the caller."""

    kind: AdjustmentKind
    start: date | datetime
    end: date | datetime | None = None
    name: str = ""
    count: int = 0


@dataclass(frozen=True)
class DayInfo:
    """What the calendar knows about one date."""

    day: date
    working: bool
    reason: AdjustmentKind | None = None  # why it deviates from the weekday rule, if it does
    name: str = ""


@dataclass(frozen=True)
class Overrides:
    """Province-level exceptions that win over the national calendar (stored in the database)."""

    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, str] = field(default_factory=dict)


HolidaySource = Callable[[int], tuple[Mapping[date, str], Mapping[date, str]]]


def vietnam_holidays(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """Days off and swapped working days of ``year`` from the ``holidays`` package (country VN).

    The package follows the Labour Code 2019 Art. 112 and the Prime Minister's yearly decisions
    (lunar Tết, Hùng Kings' day, National Day, swaps approved for the civil service). Names are in
    Vietnamese.
    """
    national = holidays.country_holidays("VN", years=year, language="vi")
    days_off = {day: str(name) for day, name in national.items() if day.year == year}
    working = {day: "Ngày làm việc bù" for day in getattr(national, "weekend_workdays", ()) if day.year == year}
    return days_off, working


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class _Tables:
    """Immutable per-day tables of one calendar range; swapped atomically when the range grows."""

    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    working: bytes  # 1 if day index i is a working day
    # working seconds between the calendar's anchor day and the start of day index i (len = days + 1);
    # negative before the anchor, so that positions stay valid when the range grows backwards
    cum: list[int]
    midnights: list[datetime]  # aware local midnight of day index i
    days: dict[date, DayInfo]  # only the dates that deviate from the weekday rule


class WorkCalendar:
    """A working-time calendar for one set of office hours, days off and overrides.

    Build it once and reuse it: construction computes per-day tables; every query afterwards is
    arithmetic on them. The calendar grows by whole years when asked about a moment outside its
    range (thread-safe; the tables are replaced, never mutated).
    """

    def __init__(
        self,
        *,
        periods: Iterable[tuple[time, time]] = DEFAULT_PERIODS,
        same_day_cutoff: time = DEFAULT_SAME_DAY_CUTOFF,
        weekend: frozenset[int] = DEFAULT_WEEKEND,
        overrides: Overrides | None = None,
        holiday_source: HolidaySource = vietnam_holidays,
        calendar_days_move_to_working_day: bool = True,
        tz: ZoneInfo = VIETNAM_TZ,
        years: tuple[int, int] = (2015, 2035),
    ) -> None:
        self.periods = tuple(periods)
        self._check_periods(self.periods)
        self._period_secs = tuple((_seconds(a), _seconds(b)) for a, b in self.periods)
        self.day_seconds = sum(b - a for a, b in self._period_secs)
        self.opening = self.periods[0][0]
        self.closing = self.periods[-1][1]
        self.same_day_cutoff = same_day_cutoff
        self.weekend = weekend
        self.overrides = overrides or Overrides()
        self.holiday_source = holiday_source
        self.calendar_days_move_to_working_day = calendar_days_move_to_working_day
        self.tz = tz
        self._lock = threading.Lock()
        self._anchor = date(years[0], 1, 1).toordinal()
        self._tables = self._build(*years)

    # ---------------------------------------------------------------------------------------------
    # construction

    @staticmethod
    def _check_periods(periods: tuple[tuple[time, time], ...]) -> None:
        if not periods:
            raise ValueError("at least one working period is needed")
        previous_end: time | None = None
        for start, end in periods:
            if not start < end:
                raise ValueError(f"working period {start}–{end} ends before it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("working periods must be in order and must not overlap")
            previous_end = end

    def _classify(self, day: date, national_off: Mapping[date, str], national_work: Mapping[date, str]) -> DayInfo:
        if day in self.overrides.days_off:
            return DayInfo(day, False, AdjustmentKind.EXTRA_DAY_OFF, self.overrides.days_off[day])
        if day in self.overrides.working_days:
            return DayInfo(day, True, AdjustmentKind.EXTRA_WORKING_DAY, self.overrides.working_days[day])
        if day in national_off:
            return DayInfo(day, False, AdjustmentKind.HOLIDAY, national_off[day])
        if day in national_work:
            return DayInfo(day, True, AdjustmentKind.SWAPPED_WORKDAY, national_work[day])
        return DayInfo(day, day.weekday() not in self.weekend)

    def _build(self, first_year: int, last_year: int) -> _Tables:
        if first_year < MIN_YEAR or last_year > MAX_YEAR:
            raise CalendarRangeError(f"the calendar covers the years {MIN_YEAR}–{MAX_YEAR} only")
        national_off: dict[date, str] = {}
        national_work: dict[date, str] = {}
        for year in range(first_year, last_year + 1):
            off, work = self.holiday_source(year)
            national_off.update(off)
            national_work.update(work)
        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        working = bytearray()
        cum = [0]
        midnights = []
        days: dict[date, DayInfo] = {}
        for ordinal in range(base, end + 1):
            day = date.fromordinal(ordinal)
            info = self._classify(day, national_off, national_work)
            if info.reason is not None:
                days[day] = info
            working.append(1 if info.working else 0)
            cum.append(cum[-1] + (self.day_seconds if info.working else 0))
            midnights.append(datetime(day.year, day.month, day.day, tzinfo=self.tz))
        offset = cum[self._anchor - base]
        cum = [value - offset for value in cum]
        return _Tables(first_year, last_year, base, bytes(working), cum, midnights, days)

    def _tables_for_years(self, first: int, last: int) -> _Tables:
        tables = self._tables
        if tables.first_year <= first and last <= tables.last_year:
            return tables
        with self._lock:
            tables = self._tables
            if tables.first_year <= first and last <= tables.last_year:
                return tables
            tables = self._build(min(first, tables.first_year), max(last, tables.last_year))
            self._tables = tables
            return tables

    def _tables_for_index(self, ordinal: int) -> _Tables:
        tables = self._tables
        if 0 <= ordinal - tables.base < len(tables.working):
            return tables
        year = date.fromordinal(max(1, ordinal)).year
        return self._tables_for_years(year, year)

    # ---------------------------------------------------------------------------------------------
    # the two primitives: W(t) and its earliest inverse

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        if moment.tzinfo is self.tz:
            return moment
        return moment.astimezone(self.tz)

    def _position(self, moment: datetime) -> int:
        """W(moment): working seconds elapsed since the calendar's anchor day (the hot path)."""
        if moment.tzinfo is not self.tz:
            moment = self._local(moment)
        ordinal = moment.toordinal()
        tables = self._tables
        index = ordinal - tables.base
        if not 0 <= index < len(tables.working):
            tables = self._tables_for_index(ordinal)
            index = ordinal - tables.base
        if not tables.working[index]:
            return tables.cum[index]
        sod = moment.hour * 3600 + moment.minute * 60 + moment.second
        acc = tables.cum[index]
        for start, end in self._period_secs:
            if sod <= start:
                break
            acc += (sod if sod < end else end) - start
        return acc

    def _moment(self, position: int) -> datetime:
        """The earliest moment m with W(m) = position.

        ``position`` must be later than the first moment of the table, which holds for every
        ``W(start) + d`` with ``d > 0``."""
        tables = self._tables
        if position > tables.cum[-1]:
            # grow by the number of years the position may need, at worst 1 working day a week
            years = 1 + (position - tables.cum[-1]) // (self.day_seconds * 52) if self.day_seconds else 1
            tables = self._tables_for_years(tables.first_year, tables.last_year + years)
            while position > tables.cum[-1]:
                tables = self._tables_for_years(tables.first_year, tables.last_year + 1)
        index = bisect.bisect_left(tables.cum, position) - 1
        rest = position - tables.cum[index]
        for start, end in self._period_secs:
            length = end - start
            if rest <= length:
                return tables.midnights[index] + timedelta(seconds=start + rest)
            rest -= length
        raise AssertionError("unreachable: a working day holds day_seconds")  # pragma: no cover

    # ---------------------------------------------------------------------------------------------
    # public queries

    def day_info(self, day: date) -> DayInfo:
        tables = self._tables_for_index(day.toordinal())
        info = tables.days.get(day)
        if info is not None:
            return info
        return DayInfo(day, bool(tables.working[day.toordinal() - tables.base]))

    def is_working_day(self, day: date) -> bool:
        tables = self._tables_for_index(day.toordinal())
        return bool(tables.working[day.toordinal() - tables.base])

    def is_working_moment(self, moment: datetime) -> bool:
        """True when ``moment`` lies within a working period of a working day, ends included."""
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        sod = local.hour * 3600 + local.minute * 60 + local.second + (1 if local.microsecond else 0)
        return any(start <= sod <= end for start, end in self._period_secs)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def start_of_work(self, moment: datetime) -> datetime:
        """When the clock starts for something received at ``moment`` (RULES.md §3, [V]).

        Inside a working period: the moment itself. Before opening or in a break: the next opening
        of that day. At or after closing, or on a day off: the opening of the next working day.
        """
        local = self._local(moment).replace(microsecond=0)
        day = local.date()
        if self.is_working_day(day):
            sod = local.hour * 3600 + local.minute * 60 + local.second
            for start, end in self._period_secs:
                if sod < start:
                    return self._at(day, start)
                if sod < end:
                    return local
        return self._at(self.next_working_day(day), self._period_secs[0][0])

    def _at(self, day: date, sod: int) -> datetime:
        tables = self._tables_for_index(day.toordinal())
        return tables.midnights[day.toordinal() - tables.base] + timedelta(seconds=sod)

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """The earliest moment at which ``seconds`` of working time have elapsed since ``start``.

        With ``seconds == 0`` this is :meth:`start_of_work`.
        """
        if seconds < 0:
            raise ValueError("a duration cannot be negative")
        if seconds == 0:
            return self.start_of_work(start)
        return self._moment(self._position(start) + seconds)

    def elapsed(self, start: datetime, end: datetime) -> int:
        """Working seconds between two moments; negative when ``end`` is before ``start``."""
        return self._position(end) - self._position(start)

    def shift(self, due: datetime, paused_from: datetime, paused_until: datetime) -> datetime:
        """Move a due moment by the working time of a paused interval (supplement requests, §3 [V])."""
        paused = self.elapsed(paused_from, paused_until)
        if paused <= 0:
            return due
        return self._moment(self._position(due) + paused)

    def due(self, start: datetime, amount: int | Decimal | float, unit: Unit | str) -> datetime:
        """Due moment of a processing time of ``amount`` ``unit`` received at ``start``.

        - working days: ``amount × 8`` working hours; working hours: ``amount`` working hours;
        - calendar days: the same clock time ``amount`` days after the clock starts, moved to the
          next working day when it falls on a day off and the province's setting says so;
        - same day: ``amount`` is ignored; see :meth:`same_day_due`.
        """
        multiplier = _WORKING_SECONDS.get(unit)
        if multiplier is not None:
            if type(amount) is int and amount > 0:  # the common case, kept cheap
                return self._moment(self._position(start) + amount * multiplier)
            return self.add_working_seconds(start, duration_seconds(amount, unit))
        unit = Unit(unit)
        if unit is Unit.SAME_DAY:
            return self.same_day_due(start)
        return self._calendar_days_due(start, amount)[0]

    def same_day_due(self, received: datetime) -> datetime:
        """Same-day procedures (RULES.md §3, [V]): received on a working day before the cutoff
        (15:00), due at closing that day; otherwise due at closing of the next working day."""
        local = self._local(received)
        day = local.date()
        closing = _seconds(self.closing)
        if self.is_working_day(day) and local.time() < self.same_day_cutoff:
            return self._at(day, closing)
        return self._at(self.next_working_day(day), closing)

    def _calendar_days_due(self, start: datetime, amount: int | Decimal | float) -> tuple[datetime, datetime]:
        """(due moment, the moment before any move to a working day)."""
        days = Decimal(str(amount))
        if days < 0:
            raise ValueError("a duration cannot be negative")
        unmoved = self.start_of_work(start) + timedelta(seconds=int(days * 86400))
        due = unmoved
        if self.calendar_days_move_to_working_day:
            while not self.is_working_day(due.date()):
                due += timedelta(days=1)
        return due, unmoved

    # ---------------------------------------------------------------------------------------------
    # explanations and listings

    def explain(self, start: datetime, amount: int | Decimal | float, unit: Unit | str) -> list[Adjustment]:
        """The rules that moved the due moment of :meth:`due`, in the order they apply."""
        unit = Unit(unit)
        local = self._local(start).replace(microsecond=0)
        adjustments: list[Adjustment] = []
        if unit is Unit.SAME_DAY:
            due = self.same_day_due(local)
            if due.date() == local.date():
                adjustments.append(Adjustment(AdjustmentKind.SAME_DAY_BEFORE_CUTOFF, local))
            else:
                first = local.date()
                if self.is_working_day(first):
                    adjustments.append(Adjustment(AdjustmentKind.SAME_DAY_AFTER_CUTOFF, local))
                    first += timedelta(days=1)
                adjustments.extend(self._days_in(first, due.date()))
            return adjustments
        begin = self.start_of_work(local)
        if begin != local:
            adjustments.append(self._receipt_adjustment(local, begin))
        if unit is Unit.CALENDAR_DAYS:
            due, unmoved = self._calendar_days_due(local, amount)
            if due != unmoved:
                adjustments.extend(self._days_in(unmoved.date(), due.date() - timedelta(days=1)))
                adjustments.append(Adjustment(AdjustmentKind.MOVED_TO_WORKING_DAY, unmoved, due))
            return adjustments
        due = self.due(local, amount, unit)
        adjustments.extend(self._days_in(local.date() + timedelta(days=1), due.date()))
        breaks = self._breaks_between(begin, due)
        if breaks:
            adjustments.append(Adjustment(AdjustmentKind.BREAKS_SKIPPED, begin, due, count=breaks))
        return adjustments

    def _receipt_adjustment(self, received: datetime, begin: datetime) -> Adjustment:
        day = received.date()
        if not self.is_working_day(day):
            return Adjustment(AdjustmentKind.RECEIVED_ON_DAY_OFF, received, begin)
        sod = received.hour * 3600 + received.minute * 60 + received.second
        if sod < self._period_secs[0][0]:
            return Adjustment(AdjustmentKind.BEFORE_HOURS, received, begin)
        if sod >= self._period_secs[-1][1]:
            return Adjustment(AdjustmentKind.AFTER_HOURS, received, begin)
        return Adjustment(AdjustmentKind.LUNCH_BREAK, received, begin)

    def _breaks_between(self, begin: datetime, due: datetime) -> int:
        """Number of breaks between the working periods of a day (lunch) inside [begin, due]."""
        gaps = 0
        day = begin.date()
        while day <= due.date():
            if self.is_working_day(day):
                for (_, end), (next_start, _) in zip(self._period_secs, self._period_secs[1:], strict=False):
                    gap_start = self._at(day, end)
                    if begin <= gap_start and self._at(day, next_start) <= due:
                        gaps += 1
            day += timedelta(days=1)
        return gaps

    def _days_in(self, first: date, last: date) -> list[Adjustment]:
        """Days from ``first`` to ``last`` (both included) that deviate from a plain working day:
        consecutive weekend days in one entry, each holiday, swap or override on its own."""
        adjustments: list[Adjustment] = []
        day = first
        while day <= last:
            info = self.day_info(day)
            if info.reason is not None:
                adjustments.append(Adjustment(info.reason, day, name=info.name))
            elif not info.working:
                end = day
                while end < last:
                    following = self.day_info(end + timedelta(days=1))
                    if following.working or following.reason is not None:
                        break
                    end += timedelta(days=1)
                adjustments.append(Adjustment(AdjustmentKind.WEEKEND, day, end))
                day = end
            day += timedelta(days=1)
        return adjustments

    def year_listing(self, year: int) -> tuple[list[DayInfo], list[DayInfo]]:
        """Days off other than weekends, and days worked by exception (swaps, overrides), of a year."""
        tables = self._tables_for_years(year, year)
        infos = sorted((info for day, info in tables.days.items() if day.year == year), key=lambda i: i.day)
        return [i for i in infos if not i.working], [i for i in infos if i.working]


#: Working seconds per unit of the units counted in working time (RULES.md §3, [V]).
_WORKING_SECONDS: dict[str, int] = {Unit.WORKING_DAYS: SECONDS_PER_WORKING_DAY, Unit.WORKING_HOURS: 3600}


def duration_seconds(amount: int | Decimal | float, unit: Unit | str) -> int:
    """Working seconds of a processing time counted in working time (RULES.md §3, [V]).

    Fractions are rounded to the second (half to even), e.g. 0.5 working days = 4 working hours.
    """
    multiplier = _WORKING_SECONDS.get(unit)
    if multiplier is None:
        raise ValueError(f"{unit} is not counted in working time")
    value = Decimal(str(amount))
    if value < 0:
        raise ValueError("a duration cannot be negative")
    return int((value * multiplier).to_integral_value())


def parse_periods(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[time, time], ...]:
    """Office hours from settings, e.g. ``[("07:00", "11:30"), ("13:30", "17:00")]``."""
    return tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in pairs)
