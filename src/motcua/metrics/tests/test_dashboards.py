"""The dashboards' numbers (issue 13) on small hand-worked scenarios, through the services (so the counters are
those real actions write).

**Programme targets**, October 2025 at the demo ward, procedure 1.013978 (land registration: desk → specialist
→ the land registration office's specialist (liên thông) → leader → desk) and 2.001035 (all at the ward):

| dossier | what happens | hand-offs between agencies | payment |
|---|---|---|---|
| P | 1.013978 received 06/10, forwarded, transferred in the system, answered **on paper** | 2, 1 on paper | counter |
| Q | 1.013978 received 06/10 08:00, forwarded, transferred **on paper** | 1, 1 on paper | online (gateway) |
| R | 2.001035 received 06/10 08:00, forwarded within the ward | 0 (same agency) | at the counter |

By hand: routed electronically = (3 − 2) ÷ 3 = 33.3 % (target 100 %: not met); procedures with fees paid online =
{1.013978} ÷ {1.013978, 2.001035} = 50 % (target 80 %); reuse = 0 ÷ 3 = 0 %; November: nothing → all n/a.

**Operations**, on the service-index scenario (``test_service_index``: dossiers A–J) asked on Thu 20/11/2025:
the backlog is D (received 06/10: 33 working days), F (27/10: 18) and I (31/10: 14) → bands 11–20: 2, > 20: 1;
late now: D (due 08/10) and I (due 04/11), F is paused (not late); soon late: none; October's on-time rate is
2.1's 4 ÷ 7, online 3.3's 1 ÷ 9, paid online 3.6's 0 ÷ 9 (the procedure has a fee, nobody paid online: the
service-index scenario's docstring), satisfaction n/a (nobody rated).
"""

from datetime import date
from decimal import Decimal

import pytest

from motcua.accounts.models import User
from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.projections import counters_from_log, stored_counters
from motcua.dossiers.services import open_dossier, perform, perform_as_system
from motcua.dossiers.tests.fixtures import counter_intake, offering_of, officer
from motcua.metrics.dashboards import counter_targets, operations
from motcua.metrics.selectors import Scope
from motcua.metrics.tests.test_service_index import OCTOBER, TODAY, at, scenario  # noqa: F401 (a fixture)
from motcua.rules.lifecycle import ActionType
from motcua.rules.service_index import month

LAND_OFFICE = "999.00.13.H55"  # Văn phòng đăng ký đất đai


@pytest.fixture
def handoffs(commune: Agency, staff: dict[str, User]) -> dict[str, Dossier]:
    partner = officer("partner", Agency.objects.get(identifier=LAND_OFFICE), "specialist")
    people = staff | {"partner": partner}
    land, plain = offering_of("1.013978", commune), offering_of("2.001035", commune)
    monday = at(2025, 10, 6, 8, 0)

    def do(d: Dossier, kind: ActionType, who: str, hour: int, **payload: object) -> Dossier:
        return perform(d, kind, user=people[who], payload=payload, at=at(2025, 10, 6, hour, 0))

    p = open_dossier(counter_intake(land), user=staff["counter"], at=monday)
    p = do(p, ActionType.FORWARD, "counter", 9)
    p = do(p, ActionType.TRANSFER_TO_AGENCY, "specialist", 10)
    p = do(p, ActionType.AGENCY_ANSWER, "partner", 14, on_paper=True)
    p = do(p, ActionType.RECORD_PAYMENT, "counter", 15, amount_vnd=100000)
    q = open_dossier(counter_intake(land), user=staff["counter"], at=monday)
    q = do(q, ActionType.FORWARD, "counter", 9)
    q = do(q, ActionType.TRANSFER_TO_AGENCY, "specialist", 10, on_paper=True)
    q = perform_as_system(
        q, ActionType.RECORD_PAYMENT, component="payment:test", payload={"amount_vnd": 100000}, at=at(2025, 10, 6, 15)
    )
    r = open_dossier(counter_intake(plain), user=staff["counter"], at=monday)
    r = do(r, ActionType.FORWARD, "counter", 9)
    r = do(r, ActionType.RECORD_PAYMENT, "counter", 15, amount_vnd=20000)
    return {"P": p, "Q": q, "R": r}


def test_the_programme_targets_of_october(handoffs: dict[str, Dossier], commune: Agency) -> None:
    assert counters_from_log() == stored_counters()  # rebuild == incremental, the new counters included
    for scope in (Scope(agency=commune), Scope()):
        found = {f.target.key: f for f in counter_targets(scope, *OCTOBER)}
        routed = found["routed_electronically"].value
        assert (routed.numerator, routed.denominator, routed.met) == (1, 3, False)
        paid = found["procedures_paid_online"].value
        assert (paid.numerator, paid.denominator, paid.ratio) == (1, 2, Decimal("0.5"))
        reuse = found["reuse"].value
        assert (reuse.numerator, reuse.denominator, reuse.ratio) == (0, 3, Decimal(0))
        assert [m for m, _v in found["routed_electronically"].by_month] == [date(2025, 10, 1)]
        assert [(a, v.numerator, v.denominator) for a, v in found["routed_electronically"].by_agency] == [
            (commune, 1, 3)
        ]
    november = {f.target.key: f.value for f in counter_targets(Scope(agency=commune), *month(2025, 11))}
    assert all(v.ratio is None and v.met is None for v in november.values())


def test_the_trend_by_month_splits_the_period(handoffs: dict[str, Dossier], commune: Agency) -> None:
    found = {f.target.key: f for f in counter_targets(Scope(agency=commune), date(2025, 9, 1), date(2025, 11, 30))}
    trend = [(m, v.numerator, v.denominator) for m, v in found["routed_electronically"].by_month]
    assert trend == [(date(2025, 9, 1), 0, 0), (date(2025, 10, 1), 1, 3), (date(2025, 11, 1), 0, 0)]
    assert [v.ratio for _m, v in found["procedures_paid_online"].by_month] == [None, Decimal("0.5"), None]


def test_the_operations_of_the_scenario(scenario: dict[str, Dossier], commune: Agency) -> None:  # noqa: F811
    total, rows = operations(Scope(agency=commune), *OCTOBER, TODAY, get_work_calendar())
    assert total.backlog == {"0–2": 0, "3–5": 0, "6–10": 0, "11–20": 2, "> 20": 1}
    assert (total.late, total.soon_late) == (2, 0)
    on_time = total.figures["on_time"]
    assert (on_time.numerator, on_time.denominator) == (4, 7)
    online = total.figures["online"]
    assert (online.numerator, online.denominator) == (1, 9)
    paid = total.figures["paid_online"]
    assert (paid.numerator, paid.denominator, paid.ratio) == (0, 9, Decimal("0"))
    assert total.figures["satisfaction"].ratio is None
    assert [(r.agency, r.procedure.code) for r in rows] == [(commune, "2.001035")]
    # the late number is the dossiers the index's drill-down lists as unfinished past due today
    late = Dossier.objects.filter(
        received_at__isnull=False, finished_at__isnull=True, paused_since__isnull=True, due_at__lt=at(2025, 11, 20, 0)
    )
    assert set(late.values_list("code", flat=True)) == {scenario["D"].code, scenario["I"].code}
    assert late.count() == total.late
    assert counters_from_log() == stored_counters()


def test_soon_late_is_due_today_or_the_next_working_day(scenario: dict[str, Dossier], commune: Agency) -> None:  # noqa: F811
    """On Mon 03/11, I (due Tue 04/11 14:00) is soon late; D is late; on Fri 31/10, I is due after Monday."""
    total, _rows = operations(Scope(agency=commune), *month(2025, 11), date(2025, 11, 3), get_work_calendar())
    assert (total.late, total.soon_late) == (1, 1)
    total, _rows = operations(Scope(agency=commune), *month(2025, 10), date(2025, 10, 31), get_work_calendar())
    assert (total.late, total.soon_late) == (1, 0)


def test_the_worst_comes_first(scenario: dict[str, Dossier], handoffs: dict[str, Dossier], commune: Agency) -> None:  # noqa: F811
    """October: 2.001035 has A–J and R (past due since 08/10): 4 ÷ 8 on time; 1.013978 (P and Q, due on
    12/11, after the month's end) has nothing finished or past due in October: n/a, last."""
    _total, rows = operations(Scope(), *OCTOBER, TODAY, get_work_calendar())
    assert [(r.procedure.code, r.figures["on_time"].numerator, r.figures["on_time"].denominator) for r in rows] == [
        ("2.001035", 4, 8),
        ("1.013978", 0, 0),
    ]
    assert rows[0].late == 2 + 1  # D, I and R are past due on 20/11
    assert rows[1].late == 2  # P and Q are, by then
