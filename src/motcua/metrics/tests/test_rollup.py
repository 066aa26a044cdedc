"""The monthly roll-up against its slow reference: for any range of days, the sums read as whole months from
``MonthlyCount`` + partial months from ``DailyCount`` equal the sums of the daily rows alone; and the roll-up kept
by the actions' transactions equals the log's counters folded by month (rebuild == incremental)."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.projections import counters_from_log, rebuild_counters
from motcua.metrics import rollup
from motcua.metrics.models import DailyCount, MonthlyCount
from motcua.metrics.selectors import Scope
from motcua.metrics.tests.test_service_index import scenario  # noqa: F401 (a fixture)
from motcua.rules.counters import LOG_METRICS


def test_split_cuts_a_range_into_partial_days_and_whole_months() -> None:
    assert rollup.split(date(2025, 9, 15), date(2025, 12, 3)) == (
        [(date(2025, 9, 15), date(2025, 9, 30)), (date(2025, 12, 1), date(2025, 12, 3))],
        (date(2025, 10, 1), date(2025, 12, 1)),
    )
    assert rollup.split(date(2025, 10, 1), date(2025, 10, 31)) == ([], (date(2025, 10, 1), date(2025, 11, 1)))
    assert rollup.split(date(2025, 10, 2), date(2025, 10, 30)) == ([(date(2025, 10, 2), date(2025, 10, 30))], None)
    october = [(date(2025, 10, 1), date(2025, 10, 7))]
    assert rollup.split(None, date(2025, 10, 7)) == (october, (None, date(2025, 10, 1)))


def by_day(scope: Scope, first: date | None, last: date, by: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    """The slow reference: the daily rows alone."""
    rows = scope.filter(DailyCount.objects.filter(day__lte=last))
    if first is not None:
        rows = rows.filter(day__gte=first)
    found: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows.values("day", *[b for b in by if b != "month"], "metric").annotate(total=Sum("value")):
        key = tuple(row["day"].replace(day=1) if b == "month" else row[b] for b in by)
        found[key][row["metric"]] += row["total"]
    return {k: {m: v for m, v in values.items()} for k, values in found.items()}


days = st.integers(0, 90).map(lambda n: date(2025, 9, 1) + timedelta(days=n))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.one_of(st.none(), days),
    length=st.integers(0, 80),
    by=st.sampled_from([(), ("agency_id",), ("month",), ("agency_id", "month", "procedure_id"), ("channel",)]),
    province=st.booleans(),
)
def test_any_range_sums_as_the_daily_rows(
    scenario: dict[str, Dossier],  # noqa: F811
    commune: Agency,
    first: date | None,
    length: int,
    by: tuple[str, ...],
    province: bool,
) -> None:
    last = (first or date(2025, 9, 1)) + timedelta(days=length)
    scope = Scope() if province else Scope(agency=commune)
    metrics = set(DailyCount.objects.values_list("metric", flat=True))
    assert metrics  # the scenario wrote counters
    assert rollup.sums(scope, metrics, first, last, by) == by_day(scope, first, last, by)


@pytest.mark.django_db
def test_the_roll_up_is_the_log_folded_and_survives_a_rebuild(scenario: dict[str, Dossier]) -> None:  # noqa: F811
    incremental = rollup.stored_months(LOG_METRICS)
    assert incremental == rollup.folded(counters_from_log())
    assert {key[0] for key in incremental} == {date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)}
    MonthlyCount.objects.all().delete()
    rebuild_counters()
    assert rollup.stored_months(LOG_METRICS) == incremental


@pytest.mark.django_db
def test_open_days_reads_only_the_open_months(scenario: dict[str, Dossier], commune: Agency) -> None:  # noqa: F811
    """D (06/10), F (27/10) and I (31/10) are open; every other receipt day has been closed."""
    found = rollup.open_days(Scope(agency=commune), "open_by_received_day", ())
    assert sorted(found[()]) == [(date(2025, 10, 6), 1), (date(2025, 10, 27), 1), (date(2025, 10, 31), 1)]
