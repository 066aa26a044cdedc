"""The province's reform programme: its five targets, and the operations dashboard's backlog by age (issue 13).

The programme (the province's plan, issue 13) sets five targets; each is one row of :data:`TARGETS` with the
figure it reads and the level to reach. Readings (ours; RULES.md names the targets only through the issue):

1. **≥ 20 % of regulations simplified** and 2. **≥ 20 % of the compliance cost cut** — the reform app's live
   figures (``reform.figures``: implemented simplification plans, Circular 02/2017/TT-VPCP, RULES.md §8), the
   province's competence; per agency, the procedures it offers.
3. **100 % of dossiers routed electronically between agencies** = hand-offs made in the system ÷ all hand-offs
   between agencies (``rules.counters``: ``handoffs`` − ``handoffs_on_paper`` over ``handoffs``), counted on
   the day of the hand-off.
4. **≥ 80 % of procedures with fees paid online** = procedures with at least one payment confirmed by a
   payment gateway in the period ÷ procedures with at least one payment in the period (``paid_online``,
   ``paid_at_counter``): a procedure with fees is, in the counters, one whose dossiers were asked to pay.
   Decision 766 indicator 3.5 reads the catalogue instead (fees integrated with the payment platform), which
   has no data yet.
5. **≥ 80 % of applicants not providing again what was already accepted** = dossiers received with at least
   one document reused ÷ dossiers received (Decision 766 indicator 4.4's formula, RULES.md §6–§7).

A zero denominator is n/a (``None``), never 0 or 100 % (RULES.md §7's rule for the index, kept here).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from motcua.rules.service_index import ratio_of
from motcua.rules.workdays import WorkCalendar


class Source(enum.StrEnum):
    REFORM = "reform"  # the reform app's figures (a percentage already)
    COUNTERS = "counters"  # sums of live counter metrics
    PROCEDURES = "procedures"  # distinct procedures of the counters


@dataclass(frozen=True)
class Target:
    key: str
    name: str
    target: Decimal  # the level to reach, as a ratio (0.2 = 20 %)
    source: Source
    #: for ``COUNTERS``: numerator metrics minus ``subtract``, over the denominator metrics
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    subtract: tuple[str, ...] = ()


TARGETS: tuple[Target, ...] = (
    Target("regulations_simplified", "regulations simplified", Decimal("0.2"), Source.REFORM),
    Target("compliance_cost_cut", "compliance cost cut", Decimal("0.2"), Source.REFORM),
    Target(
        "routed_electronically",
        "dossiers routed electronically between agencies",
        Decimal(1),
        Source.COUNTERS,
        numerator=("handoffs",),
        subtract=("handoffs_on_paper",),
        denominator=("handoffs",),
    ),
    Target(
        "procedures_paid_online",
        "procedures with fees paid online",
        Decimal("0.8"),
        Source.PROCEDURES,
        numerator=("paid_online",),
        denominator=("paid_online", "paid_at_counter"),
    ),
    Target(
        "reuse",
        "applicants not providing again what was already accepted",
        Decimal("0.8"),
        Source.COUNTERS,
        numerator=("reused",),
        denominator=("received",),
    ),
)

#: Every counter metric a target reads.
TARGET_METRICS = frozenset(m for t in TARGETS for m in (*t.numerator, *t.denominator, *t.subtract))


@dataclass(frozen=True)
class Value:
    """A target's figure: numerator and denominator (None for a reform figure given as a rate), the ratio
    (None: n/a) and whether it reaches the target."""

    numerator: int | None
    denominator: int | None
    ratio: Decimal | None
    target: Decimal

    @property
    def met(self) -> bool | None:
        return None if self.ratio is None else self.ratio >= self.target


def from_counters(target: Target, sums: Mapping[str, int]) -> Value:
    """A ``COUNTERS`` target from the summed metrics of one agency (or the province) and period."""
    numerator = sum(sums.get(m, 0) for m in target.numerator) - sum(sums.get(m, 0) for m in target.subtract)
    denominator = sum(sums.get(m, 0) for m in target.denominator)
    return Value(numerator, denominator, ratio_of(numerator, denominator), target.target)


def from_procedures(target: Target, per_procedure: Mapping[int, Mapping[str, int]]) -> Value:
    """A ``PROCEDURES`` target: the procedures whose numerator metrics are positive over those whose
    denominator metrics are."""
    numerator = sum(1 for sums in per_procedure.values() if sum(sums.get(m, 0) for m in target.numerator) > 0)
    denominator = sum(1 for sums in per_procedure.values() if sum(sums.get(m, 0) for m in target.denominator) > 0)
    return Value(numerator, denominator, ratio_of(numerator, denominator), target.target)


def from_percent(target: Target, percent: Decimal | None) -> Value:
    """A ``REFORM`` target from the reform app's percentage (None: nothing assessed)."""
    return Value(None, None, None if percent is None else percent / 100, target.target)


# --------------------------------------------------------------------------------------------------
# backlog by age


#: Age bands of the backlog in working days since receipt (upper bounds, inclusive; the last is open).
#: Reading: bands chosen for the dashboard (most procedures take 1–15 working days), not from a regulation.
AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("0–2", 2),
    ("3–5", 5),
    ("6–10", 10),
    ("11–20", 20),
    ("> 20", None),
)


def working_days_since(calendar: WorkCalendar, day: date, today: date) -> int:
    """Working days from ``day`` to ``today``: the working days after ``day`` up to and including ``today``
    (a dossier received today is 0 days old; received on Friday, it is 1 on Monday) — ``rules.workdays``'s
    calendar, so the province's days off count as they do for deadlines."""
    if day >= today:
        return 0
    count = 0
    ordinal = day.toordinal() + 1
    while ordinal <= today.toordinal():
        if calendar.is_working_day(date.fromordinal(ordinal)):
            count += 1
        ordinal += 1
    return count


def age_band(age: int) -> str:
    for label, upper in AGE_BANDS:
        if upper is None or age <= upper:
            return label
    raise AssertionError("the last band is open")


def ages_in_working_days(calendar: WorkCalendar, days: Iterable[date], today: date) -> dict[date, int]:
    """:func:`working_days_since` of each of ``days``, counted once over the days from the oldest to today."""
    wanted = set(days)
    if not wanted:
        return {}
    first = min(wanted).toordinal()
    # working[i]: working days among first+1 … first+i
    working = [0]
    for ordinal in range(first + 1, today.toordinal() + 1):
        working.append(working[-1] + calendar.is_working_day(date.fromordinal(ordinal)))
    end = len(working) - 1
    return {
        day: 0 if day.toordinal() - first >= end else working[end] - working[day.toordinal() - first] for day in wanted
    }


def backlog_by_age(
    calendar: WorkCalendar, by_day: Iterable[tuple[date, int]], today: date, ages: Mapping[date, int] | None = None
) -> dict[str, int]:
    """The backlog (``open_by_received_day`` summed by receipt day) in :data:`AGE_BANDS`, every band present;
    ``ages``: the days' ages when already computed (:func:`ages_in_working_days`)."""
    bands = {label: 0 for label, _upper in AGE_BANDS}
    rows = [(day, count) for day, count in by_day if count]
    if ages is None:
        ages = ages_in_working_days(calendar, (day for day, _count in rows), today)
    for day, count in rows:
        bands[age_band(ages[day])] += count
    return bands
