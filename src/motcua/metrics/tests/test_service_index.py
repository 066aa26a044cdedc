"""The service index on a hand-worked scenario: dossiers taken through ``dossiers.services`` (so the counters are
the ones real actions write), the expected figures worked by hand below, and the drill-down listing exactly the
dossiers each number counts.

Procedure 2.001035 (chứng thực hợp đồng, giao dịch) at the demo ward: 2 working days = 16 working hours;
working hours 07:00–11:30 and 13:30–17:00 (8 a day). October 2025 has no public holiday.

| dossier | what happens | October 2.1 |
|---|---|---|
| A | received Mon 06/10 08:00 (due Wed 08/10 08:00), result ready Tue 07/10 10:00 | early |
| B | received Mon 06/10 08:00, result ready Wed 08/10 07:30 (the due day, before 08:00) | on time |
| C | received Mon 06/10 08:00, a supplement asked and given twice, result ready Tue 07/10 09:00 | late (2nd request) |
| D | received Mon 06/10 08:00, forwarded, nothing more: unfinished, past due since Wed 08/10 08:00 | late (overdue) |
| E | received 06/10 08:00, supplement asked 09:00, given Thu 09/10 09:00, ready Fri 10/10 10:00 | early (pause) |
| F | received Mon 27/10 08:00, supplement asked 09:00, never given: past its due, but paused | not counted |
| G | received Mon 06/10 08:00, result ready Thu 09/10 10:00 | late |
| H | received Mon 06/10 08:00, refused 09:00 | not counted |
| I | filed online, accepted Fri 31/10 14:00 (due Tue 04/11): not yet due at the month's end | not counted |
| J | received Tue 30/09 08:00, result ready Wed 01/10 10:00 (period by the end for 2.1) | early |

E was paused 24 working hours (Mon 09:00 → Thu 09:00): its due moves to Mon 13/10 08:00.

October, by hand: 2.1 = (A, B, E, J) 4 ÷ (A, B, C, E, G, J finished + D overdue) 7 = 0.5714…, × 20 = 11.43.
Received in October: A–I = 9 (J was received in September); online: I = 1 → 3.3 = (1/9 ÷ 0.5) × 6 = 1.33;
digitised (uploaded e-copies: the online one) 1 → 4.2 = (1/9 ÷ 0.8) × 4 = 0.56; reused 0 → 4.4 = 0.00 (not
n/a); synchronised 0 (no portal is configured in this test) → 1.4 = 0/9 × 6 = 0.00; the procedure has a fee
(50.000 đ) and nobody paid online → 3.6 = 0/9 = 0.00 (not n/a); connected to the personal data store (the result
of A, B, C, E, G entered the applicant's store; nothing taken from it) 5 → 4.5 = 5/9 × 4 = 2.22; no database
consulted → 4.6b = 0/9 × 2 = 0.00.
The catalogue's 3.4 (procedures whose fees are integrated with online payment, RULES §7, a snapshot of the
catalogue): the ward offers 19 procedures; 1.011607 (its one line 0 đ) and 2.002481 (no fee line) charge nothing,
the other 17 charge a fee; no payment gateway is configured in this test, so none is integrated → 3.4 = 0/17 ×
2 = 0.00 (live, not n/a); 3.5 (of those integrated, the ones paid online) = 0/0 → n/a. The province: 29
procedures of the demo catalogue charge a fee → 3.4 = 0/29. Total 15.54 of 52 points that could be evaluated
(the 50 of the counters' indicators above, and 3.4's 2). With a gateway: ``test_payment_indicators``.
August 2025: no dossier at all → every indicator n/a but the catalogue's 3.4 (0/29, 0.00 of 2).
"""

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.drilldown import dossiers_behind
from motcua.dossiers.models import Dossier
from motcua.dossiers.projections import counters_from_log, stored_counters
from motcua.dossiers.services import Applicant, Intake, open_dossier, perform
from motcua.dossiers.tests.fixtures import counter_intake, offering_of, officer
from motcua.metrics.selectors import Scope, may_read_index, service_index
from motcua.rules.lifecycle import ActionType
from motcua.rules.service_index import DECISION_766_2022, IndexResult, IndicatorResult, month
from motcua.rules.workdays import VIETNAM_TZ

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROVINCE_OFFICE = "Văn phòng UBND tỉnh Thái Nguyên"
OCTOBER = month(2025, 10)
TODAY = date(2025, 11, 20)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


class World:
    def __init__(self, commune: Agency, staff: dict[str, User]) -> None:
        self.offering = offering_of("2.001035", commune)
        self.staff = staff

    def receive(self, moment: datetime) -> Dossier:
        return open_dossier(counter_intake(self.offering), user=self.staff["counter"], at=moment)

    def do(self, dossier: Dossier, kind: ActionType, who: str, moment: datetime, **payload: Any) -> Dossier:
        files = [SimpleUploadedFile("kq.pdf", PDF, content_type="application/pdf")] if payload.pop("file", 0) else []
        return perform(dossier, kind, user=self.staff[who], payload=payload, files=files, at=moment)

    def supplement(self, dossier: Dossier, asked: datetime, given: datetime | None) -> Dossier:
        dossier = self.do(dossier, ActionType.REQUEST_SUPPLEMENT, "counter", asked, missing=["Bản sao CCCD"])
        if given is not None:
            dossier = self.do(dossier, ActionType.SUPPLEMENT, "counter", given)
        return dossier

    def finish(self, dossier: Dossier, start: datetime, ready: datetime) -> Dossier:
        """The demo template's walk: desk → specialist → leader (approves) → desk records and marks ready."""
        minute = (ready - start) / 5
        dossier = self.do(dossier, ActionType.FORWARD, "counter", start + minute)
        dossier = self.do(dossier, ActionType.FORWARD, "specialist", start + 2 * minute)
        dossier = self.do(dossier, ActionType.APPROVE, "leader", start + 3 * minute)
        dossier = self.do(dossier, ActionType.RECORD_RESULT, "counter", start + 4 * minute, file=1)
        return self.do(dossier, ActionType.MARK_RESULT_READY, "counter", ready)


@pytest.fixture
def scenario(commune: Agency, staff: dict[str, User]) -> dict[str, Dossier]:
    w = World(commune, staff)
    monday = at(2025, 10, 6, 8, 0)
    d: dict[str, Dossier] = {}
    d["A"] = w.finish(w.receive(monday), monday, at(2025, 10, 7, 10, 0))
    d["B"] = w.finish(w.receive(monday), monday, at(2025, 10, 8, 7, 30))
    c = w.supplement(w.receive(monday), at(2025, 10, 6, 9, 0), at(2025, 10, 6, 10, 0))
    c = w.supplement(c, at(2025, 10, 6, 11, 0), at(2025, 10, 6, 14, 0))
    d["C"] = w.finish(c, at(2025, 10, 6, 14, 0), at(2025, 10, 7, 9, 0))
    d["D"] = w.do(w.receive(monday), ActionType.FORWARD, "counter", at(2025, 10, 6, 9, 0))
    e = w.supplement(w.receive(monday), at(2025, 10, 6, 9, 0), at(2025, 10, 9, 9, 0))
    d["E"] = w.finish(e, at(2025, 10, 9, 9, 0), at(2025, 10, 10, 10, 0))
    d["F"] = w.supplement(w.receive(at(2025, 10, 27, 8, 0)), at(2025, 10, 27, 9, 0), None)
    d["G"] = w.finish(w.receive(monday), monday, at(2025, 10, 9, 10, 0))
    d["H"] = w.do(
        w.receive(monday), ActionType.REFUSE, "counter", at(2025, 10, 6, 9, 0), reasons=["Không đủ điều kiện"]
    )
    citizen = User.objects.create_user("congdan-test", password="x")
    documents = [
        doc for doc in w.offering.procedure.documents.all() if not doc.condition and doc.form != "present_only"
    ]
    files = {doc.pk: [SimpleUploadedFile(f"{doc.pk}.pdf", PDF, content_type="application/pdf")] for doc in documents}
    applicant = Applicant(type="citizen", name="Trần Thị Bình", id_number="019199012345")
    online = open_dossier(
        Intake(w.offering, "online", applicant, files=files), user=citizen, at=at(2025, 10, 31, 13, 0)
    )
    d["I"] = w.do(online, ActionType.ACCEPT, "counter", at(2025, 10, 31, 14, 0))
    september = at(2025, 9, 30, 8, 0)
    d["J"] = w.finish(w.receive(september), september, at(2025, 10, 1, 10, 0))
    for dossier in d.values():
        dossier.refresh_from_db()
    return d


def test_the_scenario_is_as_worked_by_hand(scenario: dict[str, Dossier]) -> None:
    """The premises of the table above, on the dossier rows (what the services made of the actions)."""
    assert scenario["A"].due_at == at(2025, 10, 8, 8, 0)
    assert scenario["E"].due_at == at(2025, 10, 13, 8, 0)
    assert scenario["I"].due_at == at(2025, 11, 4, 14, 0)
    outcomes = {name: dossier.outcome for name, dossier in scenario.items()}
    assert outcomes == {
        "A": "early",
        "B": "on_time",
        "C": "late",
        "D": "",
        "E": "early",
        "F": "",
        "G": "late",
        "H": "",
        "I": "",
        "J": "early",
    }
    assert scenario["F"].status == "awaiting_supplement"
    assert scenario["I"].channel == "online"
    assert counters_from_log() == stored_counters()  # rebuild == incremental for every counter the index reads


def test_the_index_of_october(scenario: dict[str, Dossier], commune: Agency) -> None:
    result = service_index(Scope(agency=commune), *OCTOBER, today=TODAY)
    assert result.version is DECISION_766_2022
    on_time = result.indicator("2.1")
    assert (on_time.numerator, on_time.denominator, on_time.points) == (4, 7, Decimal("11.43"))
    online = result.indicator("3.3")
    assert (online.numerator, online.denominator, online.points) == (1, 9, Decimal("1.33"))
    reused = result.indicator("4.4")
    assert (reused.numerator, reused.denominator, reused.points) == (0, 9, Decimal("0.00"))
    synced = result.indicator("1.4")  # nothing reached a portal: none is configured here
    assert (synced.numerator, synced.denominator, synced.points) == (0, 9, Decimal("0.00"))
    paid = result.indicator("3.6")  # all nine owe the procedure's fee; none was paid through a gateway
    assert (paid.numerator, paid.denominator, paid.points) == (0, 9, Decimal("0.00"))
    integrated = result.indicator("3.4")  # 17 procedures of the ward charge a fee; no gateway is configured
    assert (integrated.numerator, integrated.denominator, integrated.points) == (0, 17, Decimal("0.00"))
    assert result.indicator("3.5").points is None  # 0 of 0 integrated procedures: n/a
    # the province is the same for the counters (one agency has dossiers); its catalogue has 29 with a fee
    province = service_index(Scope(), *OCTOBER, today=TODAY)
    assert [(r.indicator.id, r.numerator, r.denominator) for r in _live(province) if r.indicator.id != "3.4"] == [
        (r.indicator.id, r.numerator, r.denominator) for r in _live(result) if r.indicator.id != "3.4"
    ]
    assert (province.indicator("3.4").numerator, province.indicator("3.4").denominator) == (0, 29)


def test_an_accepted_online_dossier_is_digitised(scenario: dict[str, Dossier], commune: Agency) -> None:
    result = service_index(Scope(agency=commune), *OCTOBER, today=TODAY)
    digitised = result.indicator("4.2")
    assert (digitised.numerator, digitised.denominator, digitised.points) == (1, 9, Decimal("0.56"))
    connected = result.indicator("4.5")
    assert (connected.numerator, connected.denominator, connected.points) == (5, 9, Decimal("2.22"))
    population = result.indicator("4.6b")
    assert (population.numerator, population.denominator, population.points) == (0, 9, Decimal("0.00"))
    assert result.total == Decimal("15.54")
    assert result.max == 52  # 1.4 6, 2.1 20, 3.3 6, 3.4 2 (the catalogue's), 3.6 6, 4.2 4, 4.4 2, 4.5 4, 4.6b 2


def test_ratings_make_the_satisfaction_indicator_live(scenario: dict[str, Dossier], commune: Agency) -> None:
    """5.3 = 100 % − (late rate + dissatisfied rate), full at 90 % (RULES §7). By hand: finished in October
    A, B, C, E, G, J = 6, late C, G = 2 → 1/3; A, B and G rated on 15/10, G "not satisfied" → 1/3;
    ratio 1 − 2/3 = 0.3333…, points 6 × 0.3333… / 0.9 = 2.22; the total, with the data store's 4.5 and 4.6b
    (module docstring: 15.54 of 52), 15.54 + 2.22 = 17.76 of 52 + 6."""
    from motcua.portal.services import rate_dossier
    from motcua.rules.rating import CRITERIA

    citizen = User.objects.create_user("nguoi-danh-gia", password="x")
    rated = [scenario[name].pk for name in ("A", "B", "G")]
    Dossier.objects.filter(pk__in=rated).update(applicant_user=citizen)  # as if each had been filed by them
    scores = {key: 2 for key, _label in CRITERIA}
    for name, level in (("A", "very_satisfied"), ("B", "satisfied"), ("G", "not_satisfied")):
        rate_dossier(scenario[name], user=citizen, scores=scores, satisfaction=level, at=at(2025, 10, 15, 9, 0))
    result = service_index(Scope(agency=commune), *OCTOBER, today=TODAY)
    satisfaction = result.indicator("5.3")
    assert satisfaction.points == Decimal("2.22")
    assert result.total == Decimal("17.76")
    assert result.max == 58
    # without ratings in the period it stays n/a (September: nothing rated)
    assert service_index(Scope(agency=commune), *month(2025, 9), today=TODAY).indicator("5.3").points is None


def test_rebuild_metrics_gives_the_rating_counters_the_ratings_gave(
    scenario: dict[str, Dossier], commune: Agency
) -> None:
    """``motcua rebuild-metrics`` recomputes ``rated`` / ``rated_dissatisfied`` from the ``Rating`` rows: the same
    counters as the ratings' own transactions wrote (by hand: 3 rated on 15/10 and 1 on 16/10, 2 not satisfied),
    restored after they were damaged or deleted, and ``--check`` sees the damage."""
    from django.core.management import call_command

    from motcua.metrics.models import DailyCount
    from motcua.portal.services import rate_dossier
    from motcua.rules.rating import CRITERIA

    citizen = User.objects.create_user("nguoi-danh-gia-2", password="x")
    names = ("A", "B", "G", "J")
    Dossier.objects.filter(pk__in=[scenario[n].pk for n in names]).update(applicant_user=citizen)
    scores = {key: 1 for key, _label in CRITERIA}
    levels = {"A": "very_satisfied", "B": "not_satisfied", "G": "satisfied", "J": "not_satisfied"}
    for name in names:
        moment = at(2025, 10, 16, 8, 0) if name == "J" else at(2025, 10, 15, 9, 0)
        rate_dossier(scenario[name], user=citizen, scores=scores, satisfaction=levels[name], at=moment)

    def rating_rows() -> dict[tuple[date, str], int]:
        rows = DailyCount.objects.filter(metric__in=["rated", "rated_dissatisfied"]).exclude(value=0)
        totals: dict[tuple[date, str], int] = {}
        for day, metric, value in rows.values_list("day", "metric", "value"):
            totals[(day, metric)] = totals.get((day, metric), 0) + value
        return totals

    incremental = rating_rows()
    assert incremental == {
        (date(2025, 10, 15), "rated"): 3,
        (date(2025, 10, 15), "rated_dissatisfied"): 1,
        (date(2025, 10, 16), "rated"): 1,
        (date(2025, 10, 16), "rated_dissatisfied"): 1,
    }
    call_command("rebuild_metrics", "--check", stdout=io.StringIO())  # incremental == rebuilt: exits normally
    before = set(DailyCount.objects.filter(metric__startswith="rated").values_list(
        "day", "agency_id", "procedure_id", "channel", "metric", "value"))  # fmt: skip
    DailyCount.objects.filter(metric="rated_dissatisfied").delete()
    DailyCount.objects.filter(metric="rated").update(value=9)
    with pytest.raises(SystemExit) as damaged:
        call_command("rebuild_metrics", "--check", stdout=io.StringIO())
    assert damaged.value.code == 1
    call_command("rebuild_metrics", stdout=io.StringIO())
    assert rating_rows() == incremental
    after = set(DailyCount.objects.filter(metric__startswith="rated").values_list(
        "day", "agency_id", "procedure_id", "channel", "metric", "value"))  # fmt: skip
    assert after == before
    call_command("rebuild_metrics", "--check", stdout=io.StringIO())


def _live(result: IndexResult) -> list[IndicatorResult]:
    return [r for g in result.groups for r in g.indicators if r.points is not None]


def test_a_period_without_anything_is_na_everywhere(scenario: dict[str, Dossier], other_commune: Agency) -> None:
    """…but the catalogue's 3.4, a snapshot of the procedures (module docstring): the province's 29 procedures
    with a fee, the other ward's 17 (it offers the same 19 as the ward of the scenario), none integrated."""
    for result, with_fees in (
        (service_index(Scope(), *month(2025, 8), today=TODAY), 29),
        (service_index(Scope(agency=other_commune), *OCTOBER, today=TODAY), 17),
    ):
        assert [r.indicator.id for r in _live(result)] == ["3.4"]
        assert (result.indicator("3.4").numerator, result.indicator("3.4").denominator) == (0, with_fees)
        assert result.total == 0
        assert result.max == 2


def test_unfinished_past_due_in_the_running_period(scenario: dict[str, Dossier], commune: Agency) -> None:
    """Asked on Tue 04/11 for November: D is overdue (due 08/10); I falls due today, not yet past due."""
    result = service_index(Scope(agency=commune), *month(2025, 11), today=date(2025, 11, 4))
    assert (result.indicator("2.1").numerator, result.indicator("2.1").denominator) == (0, 1)
    later = service_index(Scope(agency=commune), *month(2025, 11), today=date(2025, 11, 5))
    assert later.indicator("2.1").denominator == 2


def test_the_drilldown_lists_exactly_the_dossiers_counted(
    scenario: dict[str, Dossier], commune: Agency, other_commune: Agency
) -> None:
    monitor = officer("giamsat", Agency.objects.get(name=PROVINCE_OFFICE), "monitor")
    scope = Scope(agency=commune)
    result = service_index(scope, *OCTOBER, today=TODAY)

    def behind(user: User, id: str, part: str) -> set[str]:
        found = dossiers_behind(user, DECISION_766_2022.indicator(id), part, scope, *OCTOBER, TODAY)
        assert found is not None
        return set(found.values_list("code", flat=True))

    def codes(*names: str) -> set[str]:
        return {scenario[name].code for name in names}

    assert behind(monitor, "2.1", "numerator") == codes("A", "B", "E", "J")
    assert behind(monitor, "2.1", "denominator") == codes("A", "B", "C", "D", "E", "G", "J")
    assert behind(monitor, "3.3", "numerator") == codes("I")
    assert behind(monitor, "3.3", "denominator") == codes(*"ABCDEFGHI")
    assert behind(monitor, "4.5", "numerator") == codes(*"ABCEG")
    for id in ("2.1", "3.3", "4.5"):  # the lists are the numbers
        assert len(behind(monitor, id, "numerator")) == result.indicator(id).numerator
        assert len(behind(monitor, id, "denominator")) == result.indicator(id).denominator
    # authorised in the query: the commune's leader sees them; another commune's leader sees none of them
    leader = User.objects.get(username="leader")
    assert behind(leader, "2.1", "denominator") == codes("A", "B", "C", "D", "E", "G", "J")
    stranger = officer("ld-khac", other_commune, "leader")
    assert behind(stranger, "2.1", "denominator") == set()
    assert may_read_index(leader, scope)
    assert not may_read_index(stranger, scope)
    assert not may_read_index(leader, Scope())
    assert may_read_index(monitor, Scope())
    # a number without a drill-down yet (digitised is read from the opening action's payload)
    assert dossiers_behind(monitor, DECISION_766_2022.indicator("4.2"), "numerator", scope, *OCTOBER, TODAY) is None
