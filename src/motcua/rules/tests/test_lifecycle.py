"""The lifecycle rules on their own: the table, the judgements, the regime, the colours, the hand-offs."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.lifecycle import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    NATIONAL_STATUS_CODE,
    OPENING_ACTIONS,
    TRANSITIONS,
    Action,
    ActionType,
    Actor,
    DossierState,
    Outcome,
    Plan,
    Refused,
    Regime,
    Role,
    Status,
    StepPlan,
    apply,
    fold,
    handoff_kind,
    judge,
    regime_for,
)
from motcua.rules.payloads import ReasonedPayload, parse
from motcua.rules.queue import Colour, deadline_colour
from motcua.rules.workdays import VIETNAM_TZ, Unit, WorkCalendar

CAL = WorkCalendar()
DESK, RESOLVER, PARTNER = 1, 2, 3


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


def plan(*agencies_and_roles: tuple[int, Role]) -> Plan:
    steps = tuple(
        StepPlan(i + 1, f"bước {i + 1}", role, agency, Decimal(4), Unit.WORKING_HOURS)
        for i, (agency, role) in enumerate(agencies_and_roles)
    )
    return Plan(CAL, steps, Decimal(sum(s.amount for s in steps)), Unit.WORKING_HOURS, DESK, RESOLVER)


PLAN = plan(
    (DESK, Role.COUNTER),
    (RESOLVER, Role.SPECIALIST),
    (PARTNER, Role.SPECIALIST),
    (RESOLVER, Role.LEADER),
    (DESK, Role.COUNTER),
)


def test_the_table_is_consistent() -> None:
    assert set(NATIONAL_STATUS_CODE.values()) == set(range(1, 11))
    for action, rule in TRANSITIONS.items():
        assert not rule.from_statuses & FINAL_STATUSES, action  # nothing leaves a final status
        assert (action in OPENING_ACTIONS) == (not rule.from_statuses), action
        assert rule.who, action
    reachable = {rule.to_status for rule in TRANSITIONS.values() if rule.to_status}
    assert reachable == set(Status)


def test_judge() -> None:
    due = vn(2025, 3, 12, 10, 0)
    assert judge(vn(2025, 3, 11, 16, 0), due) is Outcome.EARLY
    assert judge(vn(2025, 3, 12, 9, 0), due) is Outcome.ON_TIME
    assert judge(due, due) is Outcome.ON_TIME
    assert judge(due + timedelta(seconds=1), due) is Outcome.LATE
    # the local day decides: 00:30 in Hà Nội is the previous day in UTC
    assert judge(vn(2025, 3, 12, 0, 30).astimezone(UTC), due) is Outcome.ON_TIME


def test_regime_by_receipt_date() -> None:
    assert regime_for(date(2025, 6, 30)) is Regime.DECREE_61_2018
    assert regime_for(date(2025, 7, 1)) is Regime.DECREE_118_2025


def test_colours() -> None:
    now = vn(2025, 3, 10, 9, 0)
    assert deadline_colour(CAL, now, vn(2025, 3, 14, 9, 0), Status.PROCESSING) is Colour.GREEN
    assert deadline_colour(CAL, now, vn(2025, 3, 11, 9, 0), Status.PROCESSING) is Colour.AMBER  # exactly one day
    assert deadline_colour(CAL, now, vn(2025, 3, 10, 8, 0), Status.PROCESSING) is Colour.RED
    assert deadline_colour(CAL, now, vn(2025, 3, 10, 8, 0), Status.AWAITING_SUPPLEMENT) is Colour.PAUSED
    assert deadline_colour(CAL, now, vn(2025, 3, 10, 8, 0), Status.RETURNED) is Colour.NONE


def test_handoffs() -> None:
    assert handoff_kind(PLAN, 0) is ActionType.FORWARD  # desk → resolver
    assert handoff_kind(PLAN, 1) is ActionType.TRANSFER_TO_AGENCY  # resolver → coordinating agency
    assert handoff_kind(PLAN, 2) is ActionType.AGENCY_ANSWER  # back
    assert handoff_kind(PLAN, 3) is ActionType.FORWARD


def act(
    state: DossierState, kind: ActionType, role: Role, agency: int | None, at: datetime, **payload: object
) -> DossierState:
    return apply(state, PLAN, Action(kind, at, Actor(role, agency), parse(kind, payload)))


def test_a_whole_inter_agency_path() -> None:
    t = vn(2025, 3, 10, 8, 0)
    s = act(DossierState(), ActionType.RECEIVE, Role.COUNTER, DESK, t)
    assert (s.status, s.due_at) == (Status.RECEIVED, vn(2025, 3, 12, 14, 0))  # 20 working hours
    s = act(s, ActionType.FORWARD, Role.COUNTER, DESK, t + timedelta(hours=1))
    with pytest.raises(Refused) as refused:
        act(s, ActionType.FORWARD, Role.SPECIALIST, RESOLVER, t + timedelta(hours=2))
    assert (refused.value.reason, refused.value.params["expected"]) == ("handoff_kind", ActionType.TRANSFER_TO_AGENCY)
    s = act(s, ActionType.TRANSFER_TO_AGENCY, Role.SPECIALIST, RESOLVER, t + timedelta(hours=2))
    with pytest.raises(Refused) as refused:
        act(s, ActionType.AGENCY_ANSWER, Role.SPECIALIST, RESOLVER, t + timedelta(hours=3))
    assert refused.value.reason == "actor"  # the step is the partner's
    s = act(s, ActionType.AGENCY_ANSWER, Role.SPECIALIST, PARTNER, t + timedelta(hours=3))
    s = act(s, ActionType.APPROVE, Role.LEADER, RESOLVER, t + timedelta(hours=5))
    s = act(s, ActionType.RECORD_RESULT, Role.COUNTER, DESK, t + timedelta(hours=6), documents=[1])
    s = act(s, ActionType.MARK_RESULT_READY, Role.COUNTER, DESK, t + timedelta(hours=6))
    s = act(s, ActionType.RETURN_RESULT, Role.COUNTER, DESK, t + timedelta(hours=7))
    assert s.status is Status.RETURNED
    assert s.outcome is Outcome.EARLY
    assert [r.ended_by for r in s.steps] == [
        ActionType.FORWARD,
        ActionType.TRANSFER_TO_AGENCY,
        ActionType.AGENCY_ANSWER,
        ActionType.APPROVE,
        ActionType.RETURN_RESULT,
    ]


def test_second_supplement_and_apology_make_a_dossier_late() -> None:
    t = vn(2025, 3, 10, 8, 0)
    s = act(DossierState(), ActionType.RECEIVE, Role.COUNTER, DESK, t)
    for hours in (1, 3):
        s = act(s, ActionType.REQUEST_SUPPLEMENT, Role.COUNTER, DESK, t + timedelta(hours=hours), missing=["x"])
        s = act(s, ActionType.SUPPLEMENT, Role.COUNTER, DESK, t + timedelta(hours=hours + 1))
    assert s.supplement_requests == 2
    assert s.late_by_rule
    # paused 09:00–10:00 (1 h) and 11:00–12:00 (0.5 h: the lunch break does not count)
    assert s.paused_seconds == 5400
    assert s.due_at == vn(2025, 3, 12, 15, 30)  # 14:00 + 1.5 working hours


@given(st.integers(1, 40))
def test_apology_only_before_the_due_moment(hours: int) -> None:
    t = vn(2025, 3, 10, 8, 0)
    s = act(DossierState(), ActionType.RECEIVE, Role.COUNTER, DESK, t)
    at = CAL.add_working_seconds(t, hours * 3600)
    new = s.due_at + timedelta(days=3)
    if at < s.due_at:
        after = act(s, ActionType.APOLOGISE, Role.LEADER, RESOLVER, at, reason="r", new_appointment=new)
        assert (after.apologised, after.appointment_at, after.due_at) == (True, new, s.due_at)
    else:
        with pytest.raises(Refused):
            act(s, ActionType.APOLOGISE, Role.LEADER, RESOLVER, at, reason="r", new_appointment=new)


def test_fold_equals_stepwise_apply() -> None:
    t = vn(2025, 3, 10, 8, 0)
    actions = [
        Action(ActionType.RECEIVE, t, Actor(Role.COUNTER, DESK)),
        Action(ActionType.FORWARD, t + timedelta(hours=1), Actor(Role.COUNTER, DESK)),
        Action(ActionType.WITHDRAW, t + timedelta(hours=2), Actor(Role.APPLICANT, None), ReasonedPayload(reason="x")),
    ]
    state = DossierState()
    for action in actions:
        state = apply(state, PLAN, action)
    assert fold(PLAN, actions) == state
    assert state.status is Status.WITHDRAWN
    assert state.status not in ACTIVE_STATUSES
