"""Random action sequences: the stored projection always equals the one rebuilt from the log,
and the live counters always equal the counters recomputed from the log."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.projections import counters_from_log, rebuild_counters, rebuild_state, stored_counters
from motcua.dossiers.services import DossierError, open_dossier, perform
from motcua.dossiers.state import state_of
from motcua.dossiers.tests.fixtures import counter_intake, offering_of, officer
from motcua.metrics.models import DailyCount, MonthlyCount
from motcua.metrics.rollup import folded, stored_months
from motcua.rules.counters import LOG_METRICS
from motcua.rules.lifecycle import ActionType, allowed_actions
from motcua.rules.workdays import VIETNAM_TZ

PDF = b"%PDF-1.4\n%%EOF\n"
KINDS = [k for k in ActionType if k not in {ActionType.SUBMIT, ActionType.RECEIVE}]
ENDINGS = {ActionType.REFUSE, ActionType.WITHDRAW, ActionType.STOP}
PROGRESS = [
    ActionType.SUPPLEMENT,
    ActionType.RETURN_RESULT,
    ActionType.MARK_RESULT_READY,
    ActionType.RECORD_RESULT,
    ActionType.APPROVE,
    ActionType.AGENCY_ANSWER,
    ActionType.TRANSFER_TO_AGENCY,
    ActionType.FORWARD,
    ActionType.RECORD_PAYMENT,
]


def rotate(items: list, by: int) -> list:
    by = by % len(items) if items else 0
    return items[by:] + items[:by]


def payload_for(kind: ActionType, dossier: Any) -> dict[str, Any]:
    if kind is ActionType.REFUSE:
        return {"reasons": ["Không thuộc thẩm quyền"]}
    if kind is ActionType.REQUEST_SUPPLEMENT:
        return {"missing": ["Bản sao giấy tờ"]}
    if kind in {ActionType.SEND_BACK, ActionType.WITHDRAW, ActionType.STOP}:
        return {"reason": "Theo yêu cầu"}
    if kind is ActionType.APOLOGISE:
        due = dossier.due_at or datetime(2030, 1, 1, tzinfo=VIETNAM_TZ)
        return {"reason": "Chậm do liên thông", "new_appointment": due + timedelta(days=3)}
    if kind is ActionType.RECORD_PAYMENT:
        return {"amount_vnd": 50000}
    if kind in {ActionType.FORWARD, ActionType.TRANSFER_TO_AGENCY, ActionType.AGENCY_ANSWER}:
        return {"on_paper": dossier.action_count % 2 == 0}  # some hand-offs on paper (issue 13's counter)
    return {}


PEOPLE = ["counter", "specialist", "leader", "partner"]
# (follow the table?, which action, who first, minutes later): following the table reaches deep states
steps = st.lists(
    st.tuples(st.booleans(), st.integers(0, 50), st.integers(0, 3), st.integers(1, 2400)),
    min_size=1,
    max_size=20,
)


@pytest.fixture
def people(commune: Agency, staff: dict[str, User]) -> dict[str, User]:
    partner_agency = Agency.objects.get(identifier="999.00.13.H55")  # Văn phòng đăng ký đất đai
    return staff | {"partner": officer("partner", partner_agency, "specialist")}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=steps, code=st.sampled_from(["2.001035", "1.013978", "1.001193"]))
def test_rebuild_equals_stored(commune: Agency, people: dict[str, User], steps: list, code: str) -> None:
    offering = offering_of(code, commune)
    moment = datetime(2025, 10, 6, 8, 0, tzinfo=VIETNAM_TZ)
    dossier = open_dossier(counter_intake(offering), user=people["counter"], at=moment)
    assert dossier.written_state == state_of(Dossier.objects.get(pk=dossier.pk))
    for follow, which, first, minutes in steps:
        moment += timedelta(minutes=minutes)
        if follow:  # a valid random walk: the first allowed action someone may perform
            kinds = [k for k in allowed_actions(state_of(dossier)) if which % 10 == 0 or k not in ENDINGS]
            kinds = rotate(kinds, which)
            if which % 3:  # mostly move the dossier forward
                kinds.sort(key=lambda k: PROGRESS.index(k) if k in PROGRESS else len(PROGRESS))
            attempts = [(k, w) for k in kinds for w in rotate(PEOPLE, first)]
        else:  # anything, by anyone: mostly refused
            attempts = [(KINDS[which % len(KINDS)], PEOPLE[first])]
        for kind, who in attempts:
            files = [SimpleUploadedFile("kq.pdf", PDF)] if kind is ActionType.RECORD_RESULT else []
            try:
                payload = payload_for(kind, dossier)
                done = perform(dossier, kind, user=people[who], payload=payload, files=files, at=moment)
            except DossierError:
                continue  # refused or not permitted: nothing written
            # the state the service keeps on the instance it returns is the one stored
            assert done.written_state == state_of(Dossier.objects.get(pk=done.pk))
            break
        dossier.refresh_from_db()
        assert rebuild_state(dossier) == state_of(dossier)
        event(f"reached {dossier.status}")
    assert counters_from_log() == stored_counters()
    # and the monthly roll-up, kept in the same transactions, is the log's counters folded by month
    assert stored_months(LOG_METRICS) == folded(counters_from_log())
    # the time-based counter against an independent statement: the dossiers open on their rows and due
    # before a day are exactly the sum of ``open_by_due_day`` over the days before it
    for days in (0, 1, 3, 10):
        day = (moment + timedelta(days=days)).astimezone(VIETNAM_TZ).date()
        scanned = Dossier.objects.filter(
            received_at__isnull=False, finished_at__isnull=True, paused_since__isnull=True, due_at__isnull=False
        )
        overdue = sum(1 for d in scanned if d.due_at.astimezone(VIETNAM_TZ).date() < day)
        counted = sum(v for k, v in stored_counters().items() if k[4] == "open_by_due_day" and k[0] < day)
        assert counted == overdue


@pytest.mark.django_db
def test_rebuild_metrics_restores_the_counters(commune: Agency, staff: dict[str, User]) -> None:
    offering = offering_of("2.001035", commune)
    for day in range(6, 9):
        open_dossier(counter_intake(offering), user=staff["counter"], at=datetime(2025, 10, day, 9, tzinfo=VIETNAM_TZ))
    expected = stored_counters()
    assert sum(value for key, value in expected.items() if key[4] == "received") == 3
    DailyCount.objects.filter(metric="received").update(value=0)
    assert stored_counters() != expected
    months = stored_months(LOG_METRICS)
    MonthlyCount.objects.filter(metric="received").update(value=5)
    rebuild_counters()
    assert stored_counters() == expected
    assert stored_months(LOG_METRICS) == months == folded(expected)
