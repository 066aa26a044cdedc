"""Reads of the live counters for the workbench's dashboards (issue 13): the programme's targets that the
counters measure, and the operations dashboard per agency and procedure — from the counters only, never the
dossiers (DESIGN.md principle 5), a handful of grouped aggregate queries each, whole months read from the
monthly roll-up (``metrics.rollup``).

Authorisation is the index's (``metrics.selectors.may_read_index``), applied by the callers to the scope
before anything is read; a scope is one agency, a level, or the province, and the rows grouped by agency are
those of the scope only.

The formulas are one implementation each: the targets are ``rules.programme``'s, the operations figures are
the service index's own indicators evaluated on the group's sums (``rules.service_index``): on time = 2.1,
online = 3.3, paid online = 3.6, reuse = 4.4, satisfaction = 5.3, synchronised = 1.4 — so they are n/a exactly
where the index is (3.6 until payments count dossiers with fees, 5.3 until ratings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from motcua.catalog.models import Agency, Procedure
from motcua.metrics import rollup
from motcua.metrics.selectors import Scope
from motcua.rules.counters import METRICS
from motcua.rules.programme import (
    TARGETS,
    Source,
    Target,
    Value,
    ages_in_working_days,
    backlog_by_age,
    from_counters,
    from_procedures,
)
from motcua.rules.service_index import (
    IndicatorResult,
    Term,
    Window,
    evaluate_indicator,
    month,
    values_from,
    version_for,
)
from motcua.rules.workdays import WorkCalendar

Sums = dict[str, int]


def grouped(scope: Scope, metrics: Iterable[str], first: date, last: date, by: tuple[str, ...]) -> dict[tuple, Sums]:
    """Counter sums over the days ``first``…``last`` grouped by the fields ``by`` (``"month"``: the month's
    first day): whole months from the roll-up, partial ones by day (``metrics.rollup``)."""
    return rollup.sums(scope, metrics, first, last, by)


def months_between(first: date, last: date) -> list[tuple[date, date]]:
    """The calendar months that meet ``first``…``last``, each cut to the range."""
    found = []
    start = date(first.year, first.month, 1)
    while start <= last:
        m_first, m_last = month(start.year, start.month)
        found.append((max(m_first, first), min(m_last, last)))
        start = m_last + timedelta(days=1)
    return found


# --------------------------------------------------------------------------------------------------
# programme targets


@dataclass
class TargetFigures:
    """One counter-measured target: the value over the period, by month, by agency of the scope."""

    target: Target
    value: Value
    by_month: list[tuple[date, Value]] = field(default_factory=list)
    by_agency: list[tuple[Agency, Value]] = field(default_factory=list)


def _value(target: Target, sums: Sums, per_procedure: dict[int, Sums]) -> Value:
    if target.source is Source.PROCEDURES:
        return from_procedures(target, per_procedure)
    return from_counters(target, sums)


def counter_targets(scope: Scope, first: date, last: date) -> list[TargetFigures]:
    """The targets the counters measure (routed electronically, paid online, reuse) for ``scope``: two
    grouped queries (agency × month, and agency × month × procedure for the procedure-counted one), folded
    into the period's, each month's and each agency's figures."""
    targets = [t for t in TARGETS if t.source is not Source.REFORM]
    metrics = {m for t in targets for m in (*t.numerator, *t.denominator, *t.subtract)}
    total: Sums = defaultdict(int)
    month_sums: dict[date, Sums] = defaultdict(lambda: defaultdict(int))
    by_agency: dict[int, Sums] = defaultdict(lambda: defaultdict(int))
    for (agency_id, month_start), sums in grouped(scope, metrics, first, last, ("agency_id", "month")).items():
        for metric, value in sums.items():
            total[metric] += value
            month_sums[_day(month_start)][metric] += value
            by_agency[agency_id][metric] += value
    paid = {m for t in targets if t.source is Source.PROCEDURES for m in (*t.numerator, *t.denominator)}
    detail = grouped(scope, paid, first, last, ("agency_id", "month", "procedure_id"))

    # the procedure-counted target's sums by procedure: over the period, per month, per agency (one pass)
    overall: dict[int, Sums] = defaultdict(lambda: defaultdict(int))
    per_month: dict[date, dict[int, Sums]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    per_agency: dict[int, dict[int, Sums]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for (agency_id, month_start, procedure_id), sums in detail.items():
        for metric, value in sums.items():
            overall[procedure_id][metric] += value
            per_month[_day(month_start)][procedure_id][metric] += value
            per_agency[agency_id][procedure_id][metric] += value

    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=list(by_agency))}
    found = []
    for target in targets:
        figures = TargetFigures(target, _value(target, total, overall))
        for m_first, _m_last in months_between(first, last):
            start = date(m_first.year, m_first.month, 1)
            sums = month_sums.get(start, {})
            figures.by_month.append((start, _value(target, sums, per_month.get(start, {}))))
        for agency_id, agency in sorted(agencies.items(), key=lambda item: item[1].name):
            value = _value(target, by_agency.get(agency_id, {}), per_agency.get(agency_id, {}))
            figures.by_agency.append((agency, value))
        found.append(figures)
    return found


def _day(value: object) -> date:
    """TruncMonth gives a date on PostgreSQL and SQLite alike for a DateField; a datetime is cut to its date."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------------
# operations

#: The service index's indicators the operations dashboard shows, by column.
OPERATIONS_INDICATORS = {
    "on_time": "2.1",
    "online": "3.3",
    "paid_online": "3.6",
    "reuse": "4.4",
    "satisfaction": "5.3",
    "synchronised": "1.4",
}


@dataclass
class OperationsRow:
    """One agency × procedure (or one agency, or the scope's total) of the operations dashboard."""

    agency: Agency | None
    procedure: Procedure | None
    backlog: dict[str, int]
    late: int
    soon_late: int
    figures: dict[str, IndicatorResult]

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog.values())

    def ratio(self, column: str) -> object:
        return self.figures[column].ratio


def _indicator_terms(first: date) -> tuple[set[str], set[str], dict[str, object]]:
    version = version_for(first)
    indicators = {column: version.indicator(id) for column, id in OPERATIONS_INDICATORS.items()}
    terms = {term for indicator in indicators.values() for term in indicator.inputs()}
    period = {t.metric for t in terms if t.window is Window.PERIOD and t.metric in METRICS}
    return period, {t.metric for t in terms if t.window is Window.OVERDUE_AT_END}, indicators


def _open_grouped(scope: Scope, metric: str, before: date, by: tuple[str, ...]) -> dict[tuple, int]:
    """``metric`` (a by-day counter) summed over its days ``< before``, grouped by ``by``."""
    found = rollup.sums(scope, [metric], None, before - timedelta(days=1), by)
    return {key: values.get(metric, 0) for key, values in found.items() if values.get(metric, 0)}


def operations(
    scope: Scope, first: date, last: date, today: date, calendar: WorkCalendar, *, by_procedure: bool = True
) -> tuple[OperationsRow, list[OperationsRow]]:
    """The scope's total row and its rows per agency × procedure (or per agency), worst first: the lowest
    on-time rate (n/a last), then the most late dossiers, then the largest backlog.

    The backlog (by age), late and soon-late dossiers are the present (the counters keep open dossiers by
    their receipt and due days); the rates are over the period. Late: due before today; soon late: due today
    or on the next working day (the queue's amber, ≤ one working day left, ``rules.queue``)."""
    period, _overdue, indicators = _indicator_terms(first)
    keys = ("agency_id", "procedure_id") if by_procedure else ("agency_id",)
    sums = grouped(scope, period, first, last, keys)
    cutoff = min(last + timedelta(days=1), today)
    overdue_at_end = _open_grouped(scope, "open_by_due_day", cutoff, keys)
    late = _open_grouped(scope, "open_by_due_day", today, keys)
    soon_end = calendar.next_working_day(today) + timedelta(days=1)
    soon = {
        key: value - late.get(key, 0) for key, value in _open_grouped(scope, "open_by_due_day", soon_end, keys).items()
    }
    backlog_days = rollup.open_days(scope, "open_by_received_day", keys)

    ages = ages_in_working_days(calendar, {day for days in backlog_days.values() for day, _n in days}, today)
    all_keys = set(sums) | set(late) | set(soon) | set(backlog_days) | set(overdue_at_end)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={k[0] for k in all_keys})}
    procedures = (
        {p.pk: p for p in Procedure.objects.filter(pk__in={k[1] for k in all_keys}).only("code", "name")}
        if by_procedure
        else {}
    )

    def row_for(
        key: tuple | None, group_sums: Sums, overdue: int, late_n: int, soon_n: int, days: list
    ) -> OperationsRow:
        found = {Term(m, Window.PERIOD): v for m, v in group_sums.items()}
        found[Term("open_by_due_day", Window.OVERDUE_AT_END)] = overdue
        values = values_from(found, METRICS)
        figures = {column: evaluate_indicator(indicator, values) for column, indicator in indicators.items()}
        agency = agencies.get(key[0]) if key else None
        procedure = procedures.get(key[1]) if key and by_procedure else None
        return OperationsRow(agency, procedure, backlog_by_age(calendar, days, today, ages), late_n, soon_n, figures)

    rows = [
        row_for(
            key,
            sums.get(key, {}),
            overdue_at_end.get(key, 0),
            late.get(key, 0),
            soon.get(key, 0),
            backlog_days.get(key, []),
        )
        for key in all_keys
    ]
    rows.sort(key=worst_first)
    total_sums: Sums = defaultdict(int)
    for group_sums in sums.values():
        for metric, value in group_sums.items():
            total_sums[metric] += value
    all_days = [pair for days in backlog_days.values() for pair in days]
    total = row_for(
        None,
        dict(total_sums),
        sum(overdue_at_end.values()),
        sum(late.values()),
        sum(soon.values()),
        all_days,
    )
    return total, rows


def worst_first(row: OperationsRow) -> tuple:
    ratio = row.figures["on_time"].ratio
    return (
        ratio is None,
        ratio if ratio is not None else 0,
        -row.late,
        -row.backlog_total,
        row.agency.name if row.agency else "",
    )
