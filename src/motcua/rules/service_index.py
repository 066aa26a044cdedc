"""The service index of Decision 766/QĐ-TTg (23 June 2022): its indicator table, one versioned definition, and
the scoring (RULES.md §7, [S]).

**One table, versioned.** Every indicator — id, legal group, display group, points, numerator, denominator,
threshold, period rule — is a row of :data:`VERSIONS`. The annex itself was not found (RULES.md §7 takes the
formulas from a third-party dashboard's formula document, corroborated by a provincial system's scoring code):
a changed annex is **one new** :class:`IndexVersion` with its ``valid_from`` date, and a period is scored by
the version in force on its first day (:func:`version_for`), so old periods keep theirs. Reading: "in force on
the first day" — an assessment period is judged by the rules it began under; RULES.md does not say.

**Groups.** Legally five groups (1 transparency 18, 2 progress 20, 3 online service 22, 4 digitisation 22,
5 satisfaction 18 — 100 points); the national dashboard shows online payment (3.4–3.6) as a sixth tree, so each
indicator has a legal ``group`` and a ``display_group`` (RULES.md §7).

**Formulas** are written in the names of the live counters (``rules.counters.METRICS``): a :class:`Term` is a
metric summed over a :class:`Window` of the period — the days of the period for event counters, or the
dossiers *unfinished past due at the period's end* (from ``open_by_due_day``). An indicator whose inputs do not
exist yet names the metric it will read; it evaluates to n/a (``None``) until that metric exists, and fills in
when it lands. Today that is:

- 1.1, 1.2, 1.3 — publication of procedures (catalogue decision and publication dates, parts published):
  ``procedures_published_on_time`` …, no such data yet;
- 2.2 — average resolution time, shown, not scored: ``resolution_seconds`` not counted yet;
- 3.1, 3.2, 3.4, 3.5 — per-procedure facts (offered online, fees integrated with online payment, …), not
  counted;
- 4.1 (electronic signed results), 4.6a (procedures using the population database), 5.1, 5.2 (feedback).

Live now: **1.4** (synchronised: ``synchronised``, received dossiers the national portal acknowledged, counted on
their received day), **2.1** (on time), **3.3** (filed online), **3.6** (paid online: ``paid_online`` over
``received_with_fees``, both by the receipt day — issue 11), **4.2** (digitised), **4.4** (reuse), **4.5**
(connected to the personal data store: ``data_store_connected``, a document taken from the store or the result
entered in the applicant's store, by the received day), **4.3** (certified e-copies: ``ecopies_certified`` over
``ecopies_requested``, both by the day the officer certified at the counter — ``ecopies.counting``; n/a while none
was requested), **4.6b** (``population_checked``: a connected database
consulted at intake, or the dossier filed by its applicant's own VNeID-authenticated account, RULES §7),
**5.3** (satisfaction: ``finished_late`` over the finished, plus ``rated_dissatisfied`` over ``rated`` — the
applicants' evaluations of RULES §5, ``rules.rating``, counted on their day; n/a while nobody has rated in the
period).

**Scoring** (RULES.md §7): ``points × min(1, ratio / threshold)``, a zero denominator is n/a, not 0; rounded to
2 decimals (half up). An indicator without a threshold scores ``ratio × points`` (threshold 1).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


class Window(enum.StrEnum):
    """Which counter rows a term sums."""

    #: the metric's rows whose day lies in the period (events counted on the day they happened, or for the
    #: received-day counters on the dossier's receipt day)
    PERIOD = "period"
    #: ``open_by_due_day`` summed over the due days before the period's end: dossiers unfinished past due
    #: then (see :func:`overdue_cutoff`)
    OVERDUE_AT_END = "overdue_at_end"


class Period(enum.StrEnum):
    """The period rule of an indicator: which day places a fact in a period (RULES.md §7: the receipt date
    unless the row says otherwise)."""

    RECEIPT = "receipt"  # the dossier's receipt day
    END = "end"  # the day the dossier's processing ended (result ready), and unfinished past due at the end
    PROCESSING_START = "processing_start"  # 3.6: by start of processing (= receipt in motcua)
    SNAPSHOT = "snapshot"  # the catalogue as it stands at the period's end
    FEEDBACK = "feedback"  # the day a feedback (PAKN) was received


class Group(enum.StrEnum):
    """The five legal groups of Decision 766 (RULES.md §7, [S])."""

    TRANSPARENCY = "transparency"  # 1. công khai, minh bạch — 18
    PROGRESS = "progress"  # 2. tiến độ, kết quả giải quyết — 20
    ONLINE = "online"  # 3. dịch vụ công trực tuyến (incl. online payment) — 22
    DIGITISATION = "digitisation"  # 4. số hóa hồ sơ — 22
    SATISFACTION = "satisfaction"  # 5. mức độ hài lòng — 18


class DisplayGroup(enum.StrEnum):
    """The national dashboard's six trees: group 3 shown as online service (12) and online payment (10)."""

    TRANSPARENCY = "transparency"
    PROGRESS = "progress"
    ONLINE_SERVICE = "online_service"
    ONLINE_PAYMENT = "online_payment"
    DIGITISATION = "digitisation"
    SATISFACTION = "satisfaction"


@dataclass(frozen=True)
class Term:
    metric: str
    window: Window = Window.PERIOD


Expression = tuple[Term, ...]  # a sum of terms


def terms(*metrics: str, window: Window = Window.PERIOD) -> Expression:
    return tuple(Term(metric, window) for metric in metrics)


@dataclass(frozen=True)
class Indicator:
    """One row of the annex. ``complement_of`` (5.3): the ratio is ``1 − Σ numerator_i ÷ denominator_i`` over
    its pairs instead of ``numerator ÷ denominator``."""

    id: str
    name: str
    group: Group
    display_group: DisplayGroup
    points: Decimal
    numerator: Expression
    denominator: Expression
    period: Period
    threshold: Decimal = Decimal(1)
    scored: bool = True
    complement_of: tuple[tuple[Expression, Expression], ...] = ()
    note: str = ""

    @property
    def max_points(self) -> Decimal:
        return self.points if self.scored else Decimal(0)

    def inputs(self) -> set[Term]:
        found = set(self.numerator) | set(self.denominator)
        for numerator, denominator in self.complement_of:
            found |= set(numerator) | set(denominator)
        return found


@dataclass(frozen=True)
class IndexVersion:
    key: str
    valid_from: date
    source: str
    indicators: tuple[Indicator, ...]

    def indicator(self, id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == id:
                return indicator
        raise KeyError(id)


# --------------------------------------------------------------------------------------------------
# the table

G, D = Group, DisplayGroup
_FINISHED = terms("finished_early", "finished_on_time", "finished_late")
_OVERDUE = terms("open_by_due_day", window=Window.OVERDUE_AT_END)


def _i(
    id: str,
    name: str,
    group: Group,
    display: DisplayGroup,
    points: str,
    numerator: Expression,
    denominator: Expression,
    period: Period = Period.RECEIPT,
    threshold: str = "1",
    **extra: object,
) -> Indicator:
    return Indicator(
        id, name, group, display, Decimal(points), numerator, denominator, period, Decimal(threshold), **extra
    )  # type: ignore[arg-type]


#: Decision 766/QĐ-TTg as RULES.md §7 condenses it ([S]); thresholds marked "one implementation" there are
#: readings, kept here so that a corrected annex is one new version.
DECISION_766_2022 = IndexVersion(
    key="766/2022",
    valid_from=date(2022, 6, 23),
    source="Decision 766/QĐ-TTg of 23 June 2022, annex (RULES.md §7, [S])",
    indicators=(
        _i("1.1", "procedures published on time", G.TRANSPARENCY, D.TRANSPARENCY, "6",
           terms("procedures_published_on_time"), terms("procedures_due_publication"), Period.SNAPSHOT),
        _i("1.2", "procedures updated on the national database on time", G.TRANSPARENCY, D.TRANSPARENCY, "4",
           terms("procedures_updated_on_time"), terms("procedures_due_update"), Period.SNAPSHOT),
        _i("1.3", "procedures published with all their parts", G.TRANSPARENCY, D.TRANSPARENCY, "2",
           terms("procedures_published_complete"), terms("procedures_published"), Period.SNAPSHOT),
        _i("1.4", "dossiers synchronised with the national portal", G.TRANSPARENCY, D.TRANSPARENCY, "6",
           terms("synchronised"), terms("received")),
        _i("2.1", "dossiers resolved early or on time", G.PROGRESS, D.PROGRESS, "20",
           terms("finished_early", "finished_on_time"), _FINISHED + _OVERDUE, Period.END,
           note="unfinished past due at the period's end counts late; a second supplement request makes the "
           "result late (rules.lifecycle); a pending supplement request ends processing (not overdue)"),
        _i("2.2", "average resolution time per procedure", G.PROGRESS, D.PROGRESS, "0",
           terms("resolution_seconds"), _FINISHED, Period.END, scored=False),
        _i("3.1", "procedures offered online", G.ONLINE, D.ONLINE_SERVICE, "2",
           terms("procedures_online"), terms("procedures_offered"), Period.SNAPSHOT, "0.8"),
        _i("3.2", "online procedures with at least one online dossier", G.ONLINE, D.ONLINE_SERVICE, "4",
           terms("procedures_online_used"), terms("procedures_online"), Period.SNAPSHOT),
        _i("3.3", "dossiers filed online", G.ONLINE, D.ONLINE_SERVICE, "6",
           terms("received_online"), terms("received"), Period.RECEIPT, "0.5"),
        _i("3.4", "procedures with fees integrated with online payment", G.ONLINE, D.ONLINE_PAYMENT, "2",
           terms("procedures_fees_payable_online"), terms("procedures_with_fees"), Period.SNAPSHOT, "0.8"),
        _i("3.5", "procedures with at least one online payment", G.ONLINE, D.ONLINE_PAYMENT, "2",
           terms("procedures_paid_online"), terms("procedures_fees_payable_online"), Period.SNAPSHOT, "0.8"),
        _i("3.6", "dossiers paid online", G.ONLINE, D.ONLINE_PAYMENT, "6",
           terms("paid_online"), terms("received_with_fees"), Period.PROCESSING_START, "0.3"),
        _i("4.1", "dossiers with an electronic result", G.DIGITISATION, D.DIGITISATION, "6",
           terms("result_signed"), _FINISHED, Period.END),
        _i("4.2", "dossiers digitised", G.DIGITISATION, D.DIGITISATION, "4",
           terms("digitised"), terms("received"), Period.RECEIPT, "0.8"),
        _i("4.3", "e-copies certified from originals", G.DIGITISATION, D.DIGITISATION, "2",
           terms("ecopies_certified"), terms("ecopies_requested")),
        _i("4.4", "dossiers reusing digitised data", G.DIGITISATION, D.DIGITISATION, "2",
           terms("reused"), terms("received"), Period.RECEIPT, "0.8"),
        _i("4.5", "dossiers connected to the personal data store", G.DIGITISATION, D.DIGITISATION, "4",
           terms("data_store_connected"), terms("received")),
        _i("4.6a", "procedures using the population database", G.DIGITISATION, D.DIGITISATION, "2",
           terms("procedures_population_db"), terms("procedures_offered"), Period.SNAPSHOT),
        _i("4.6b", "dossiers using the population database", G.DIGITISATION, D.DIGITISATION, "2",
           terms("population_checked"), terms("received")),
        _i("5.1", "feedback handled on time", G.SATISFACTION, D.SATISFACTION, "6",
           terms("feedback_on_time"), terms("feedback_due"), Period.FEEDBACK),
        _i("5.2", "satisfaction with feedback handling", G.SATISFACTION, D.SATISFACTION, "6",
           terms("feedback_satisfied"), terms("feedback_rated"), Period.FEEDBACK),
        _i("5.3", "satisfaction with procedures", G.SATISFACTION, D.SATISFACTION, "6", (), (), Period.END, "0.9",
           complement_of=((terms("finished_late"), _FINISHED), (terms("rated_dissatisfied"), terms("rated")))),
    ),
)  # fmt: skip

#: Every version, oldest first. A changed annex: append one, with the date it applies from.
VERSIONS: tuple[IndexVersion, ...] = (DECISION_766_2022,)


def version_for(first_day: date, versions: Iterable[IndexVersion] = VERSIONS) -> IndexVersion:
    """The version that scores a period starting on ``first_day``: the latest in force that day (the first
    version for a period before every version)."""
    ordered = sorted(versions, key=lambda v: v.valid_from)
    chosen = ordered[0]
    for version in ordered:
        if version.valid_from <= first_day:
            chosen = version
    return chosen


# --------------------------------------------------------------------------------------------------
# periods


def overdue_cutoff(last_day: date, today: date) -> date:
    """The due days that count as past due at the end of a period ending ``last_day``: those **before** the
    returned day.

    ``open_by_due_day`` holds the dossiers open *now* by their due day (``rules.counters``): for a period
    that has ended, the dossiers still unfinished whose due day is ``last_day`` or earlier (they were past due
    at its end and are still); for the running period, the due days before today (day granularity: a dossier
    due later today is not yet past due). Reading: a dossier that was past due at an old period's end and has
    been finished since counts late in the period it finished in, not in the old one — the counters keep the
    present, not every past day's backlog.
    """
    return min(date.fromordinal(last_day.toordinal() + 1), today)


def month(year: int, number: int) -> tuple[date, date]:
    start = date(year, number, 1)
    end = date(year + number // 12, number % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter(year: int, number: int) -> tuple[date, date]:
    if not 1 <= number <= 4:
        raise ValueError(f"no quarter {number}")
    return month(year, 3 * number - 2)[0], month(year, 3 * number)[1]


def year(number: int) -> tuple[date, date]:
    return date(number, 1, 1), date(number, 12, 31)


# --------------------------------------------------------------------------------------------------
# scoring


def score(points: Decimal, ratio: Decimal | None, threshold: Decimal = Decimal(1)) -> Decimal | None:
    """``points × min(1, ratio / threshold)`` rounded to 2 decimals (half up); n/a stays n/a (RULES.md §7)."""
    if ratio is None:
        return None
    return (points * min(Decimal(1), max(Decimal(0), ratio) / threshold)).quantize(CENT, ROUND_HALF_UP)


def ratio_of(numerator: int, denominator: int) -> Decimal | None:
    """``numerator ÷ denominator``; a zero denominator is n/a (RULES.md §7)."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    ratio: Decimal | None  # exact; the points are computed from it, the interfaces round it for display
    points: Decimal | None  # None: n/a

    @property
    def max_points(self) -> Decimal:
        return self.indicator.max_points


@dataclass(frozen=True)
class GroupResult:
    key: str
    indicators: tuple[IndicatorResult, ...]

    @property
    def points(self) -> Decimal:
        return sum((r.points for r in self.indicators if r.points is not None), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        """What the indicators that could be evaluated can give (n/a ones are left out of the maximum)."""
        return sum((r.max_points for r in self.indicators if r.points is not None), Decimal(0))

    @property
    def nominal_max(self) -> Decimal:
        return sum((r.max_points for r in self.indicators), Decimal(0))


@dataclass(frozen=True)
class IndexResult:
    version: IndexVersion
    groups: tuple[GroupResult, ...]
    display_groups: tuple[GroupResult, ...]

    @property
    def total(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def max(self) -> Decimal:
        return sum((g.max_points for g in self.groups), Decimal(0))

    @property
    def nominal_max(self) -> Decimal:
        return sum((g.nominal_max for g in self.groups), Decimal(0))

    def indicator(self, id: str) -> IndicatorResult:
        for group in self.groups:
            for result in group.indicators:
                if result.indicator.id == id:
                    return result
        raise KeyError(id)


Values = Callable[[Term], int | None]  # a term's value, None when its metric does not exist


def _sum(expression: Expression, values: Values) -> int | None:
    total = 0
    for term in expression:
        value = values(term)
        if value is None:
            return None
        total += value
    return total


def evaluate_indicator(indicator: Indicator, values: Values) -> IndicatorResult:
    if indicator.complement_of:
        parts = [(_sum(n, values), _sum(d, values)) for n, d in indicator.complement_of]
        ratios = [None if n is None or d is None else ratio_of(n, d) for n, d in parts]
        ratio = None if any(r is None for r in ratios) else Decimal(1) - sum(ratios, Decimal(0))  # type: ignore[arg-type]
        numerator = denominator = None
    else:
        numerator, denominator = _sum(indicator.numerator, values), _sum(indicator.denominator, values)
        ratio = None if numerator is None or denominator is None else ratio_of(numerator, denominator)
    points = score(indicator.points, ratio, indicator.threshold) if indicator.scored else None
    return IndicatorResult(indicator, numerator, denominator, ratio, points)


def evaluate(version: IndexVersion, values: Values) -> IndexResult:
    """The index of one agency (or the province) over one period, from the values of its terms."""
    results = [evaluate_indicator(indicator, values) for indicator in version.indicators]

    def grouped(key: Callable[[Indicator], str]) -> tuple[GroupResult, ...]:
        keys = list(dict.fromkeys(key(r.indicator) for r in results))
        return tuple(GroupResult(k, tuple(r for r in results if key(r.indicator) == k)) for k in keys)

    return IndexResult(version, grouped(lambda i: str(i.group)), grouped(lambda i: str(i.display_group)))


def values_from(found: Mapping[Term, int], available: Iterable[str]) -> Values:
    """A :data:`Values` over summed counters: a term of an existing metric without rows is 0, a term of a
    metric that does not exist yet is None (n/a)."""
    known = set(available)
    return lambda term: found.get(term, 0) if term.metric in known else None
