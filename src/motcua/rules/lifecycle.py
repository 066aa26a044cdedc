"""The lifecycle of a dossier: the one table of allowed actions, and the reducer.

A dossier's state is derived from its append-only action log (DESIGN.md principle 2). :func:`apply`
takes a state and one action and returns the next state, or raises :class:`Refused` with the reason;
the services call it for every new action and the rebuild folds it over the whole log, so the stored
state and the rebuilt state come from the same code. Each action type has one handler; each carries one
typed payload (``rules.payloads``).

Rules implemented:

- Statuses and their national codes (``TrangThaiHoSo``, RULES.md §4, [V]; ``rules.actions``).
- Steps of the mechanism: intake → transfer to the resolving unit → resolution (appraisal, coordination
  with other agencies, approval) → financial obligations → return of the result (RULES.md §4, [V]);
  intake ends in a receipt, a request to supplement listing everything missing, or a refusal with
  reasons (Decree 61/2018/NĐ-CP Art. 17 as kept by Decree 118/2025/NĐ-CP, [R]). An incomplete dossier
  is registered (``submit``) and gets the request to supplement before it is accepted: its clock starts
  only at acceptance (RULES.md §3: the due moment counts from receipt). That such a request does not
  count towards "more than one supplement request" (RULES.md §4, §7) is our reading, not stated there: the
  rule judges processing, and nothing is processed before acceptance.
- Deadlines counted in working time by ``rules.workdays``; the clock is paused while a supplement is
  awaited and the due moment moves by the paused working time (RULES.md §3, [V]).
- Each step of the process template has its own due moment from its allotted time, and its outcome
  (early / on time / late) is judged when it ends (control sheet, RULES.md §3–4, [V]).
- A second supplement request during processing is allowed but makes the dossier late in the service
  index (Decision 766/QĐ-TTg indicators, RULES.md §7, [S]).
- Apology and new appointment only before the due moment; the dossier stays late in statistics
  (RULES.md §3, [R]: "no later than one working day before" — the margin is a parameter,
  :data:`DEFAULT_APOLOGY_MARGIN_SECONDS`).
- Stop, and withdrawal at the applicant's request, only while no decision has been taken (Circular
  03/2025/TT-VPCP Art. 7, [V]). Who may stop is not stated in RULES.md: the stop notice (form 05) is
  signed by the head of the agency ("Thủ trưởng cơ quan, đơn vị", [S] numbering of Appendix I), so the
  table lets the head of the resolving agency stop — our reading of the form, kept in this one table.
- The regime (Decree 61/2018 or Decree 118/2025) follows the receipt date (RULES.md §0, [V]).
- Financial obligations come after resolution in the mechanism (RULES.md §4), where the process asks for them
  (``request_payment`` → ``awaiting_payment``); a fee may also be paid before, from submission on — a procedure
  whose fees are all priced collects them up front (``rules.payments``; issue 11). Reading: RULES.md names the
  step, not the moment the money may arrive; a payment does not change the status except to end the wait.

**A dossier keeps the deadlines it was given.** Every moment the reducer computes from the working
calendar (the due moment at receipt, each step's due, the shift after a supplement) is recorded with the
action that computed it (:class:`Facts`), and a fold of the log uses the recorded moments, so a day off
declared later does not rewrite a running dossier's history. A changed calendar reaches a running dossier
only through an explicit ``reschedule`` action by the system actor, itself in the log.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from motcua.rules import payloads
from motcua.rules.actions import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    NATIONAL_STATUS_CODE,
    OPENING_ACTIONS,
    ActionType,
    Status,
)
from motcua.rules.dossier_state import (
    DEFAULT_APOLOGY_MARGIN_SECONDS,
    SYSTEM_ACTOR,
    Action,
    Actor,
    DossierState,
    Facts,
    Outcome,
    Plan,
    Refused,
    Regime,
    StepPlan,
    StepRecord,
    judge,
    regime_for,
)
from motcua.rules.roles import Role

#: Names of the dossier's vocabulary and state, importable from here with the reducer that uses them.
__all__ = [
    "ACTIVE_STATUSES",
    "DEFAULT_APOLOGY_MARGIN_SECONDS",
    "FINAL_STATUSES",
    "NATIONAL_STATUS_CODE",
    "OPENING_ACTIONS",
    "SYSTEM_ACTOR",
    "Action",
    "ActionType",
    "Actor",
    "DossierState",
    "Facts",
    "Outcome",
    "Plan",
    "Refused",
    "Regime",
    "Role",
    "Status",
    "StepPlan",
    "StepRecord",
    "judge",
    "regime_for",
]


class Where(enum.Enum):
    """Which agency an officer must act for."""

    STEP = "step"  # the agency and role of the dossier's current step
    DESK = "desk"  # the one-stop desk that received the dossier
    RESOLVER = "resolver"  # the agency that resolves the dossier
    APPLICANT = "applicant"  # the applicant themself
    SYSTEM = "system"  # a callback or a job


@dataclass(frozen=True)
class Transition:
    from_statuses: frozenset[Status]
    to_status: Status | None  # None: unchanged, or restored (supplement, payment)
    who: frozenset[tuple[Role, Where]]


def _t(sources: set[Status], target: Status | None, *who: tuple[Role, Where]) -> Transition:
    return Transition(frozenset(sources), target, frozenset(who))


S = Status
_DESK = (Role.COUNTER, Where.DESK)
_STEP_ANY = (
    (Role.COUNTER, Where.STEP),
    (Role.SPECIALIST, Where.STEP),
    (Role.LEADER, Where.STEP),
)
_APPLICANT = (Role.APPLICANT, Where.APPLICANT)
_SYSTEM = (Role.SYSTEM, Where.SYSTEM)
_HEAD = (Role.LEADER, Where.RESOLVER)
_IN_PROCESS = {S.RECEIVED, S.PROCESSING}
_RUNNING = {S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}

#: The one table of allowed actions: from which statuses, to which status, by whom (Signalen-style).
TRANSITIONS: Mapping[ActionType, Transition] = {
    ActionType.SUBMIT: _t(set(), S.SUBMITTED, _APPLICANT, _DESK),
    ActionType.RECEIVE: _t(set(), S.RECEIVED, _DESK),
    ActionType.ACCEPT: _t({S.SUBMITTED}, S.RECEIVED, _DESK),
    ActionType.REFUSE: _t({S.SUBMITTED, S.RECEIVED}, S.REFUSED, _DESK, (Role.SPECIALIST, Where.STEP)),
    ActionType.REQUEST_SUPPLEMENT: _t({S.SUBMITTED, *_IN_PROCESS}, S.AWAITING_SUPPLEMENT, _DESK, *_STEP_ANY),
    ActionType.SUPPLEMENT: _t({S.AWAITING_SUPPLEMENT}, None, _DESK, _APPLICANT),
    ActionType.FORWARD: _t(_IN_PROCESS, S.PROCESSING, *_STEP_ANY),
    ActionType.TRANSFER_TO_AGENCY: _t(_IN_PROCESS, S.PROCESSING, *_STEP_ANY),
    ActionType.AGENCY_ANSWER: _t({S.PROCESSING}, S.PROCESSING, *_STEP_ANY),
    ActionType.SEND_BACK: _t({S.PROCESSING}, S.PROCESSING, *_STEP_ANY),
    ActionType.APPROVE: _t({S.PROCESSING}, S.PROCESSING, (Role.LEADER, Where.STEP)),
    # the system actor: the worker records the result it has just signed (issue 12, docs/decisions.md)
    ActionType.RECORD_RESULT: _t({S.PROCESSING, S.AWAITING_PAYMENT}, None, *_STEP_ANY, _DESK, _SYSTEM),
    ActionType.MARK_RESULT_READY: _t({S.PROCESSING}, S.RESULT_READY, *_STEP_ANY),
    ActionType.RETURN_RESULT: _t({S.RESULT_READY}, S.RETURNED, (Role.COUNTER, Where.STEP), _DESK),
    ActionType.WITHDRAW: _t(set(ACTIVE_STATUSES - {S.RESULT_READY}), S.WITHDRAWN, _DESK, _APPLICANT),
    ActionType.STOP: _t(_RUNNING, S.STOPPED, _HEAD),
    ActionType.APOLOGISE: _t(_RUNNING, None, _HEAD, (Role.LEADER, Where.STEP)),
    ActionType.REQUEST_PAYMENT: _t({S.PROCESSING}, S.AWAITING_PAYMENT, *_STEP_ANY, _DESK),
    # from ``submitted`` too: a procedure that collects its fees up front is paid right after an online submission
    # (rules.payments.collected_at_submission; issue 11)
    ActionType.RECORD_PAYMENT: _t(
        {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT, S.RESULT_READY}, None, _DESK, _SYSTEM
    ),
    ActionType.RESCHEDULE: _t(_RUNNING, None, _SYSTEM),
}

#: Actions that end a dossier: the workbench asks for confirmation before it performs one.
ENDING_ACTIONS = frozenset(kind for kind, rule in TRANSITIONS.items() if rule.to_status in FINAL_STATUSES)
#: Actions only the system actor performs (no officer, no applicant): not offered in the API or the workbench.
SYSTEM_ONLY_ACTIONS = frozenset(kind for kind, rule in TRANSITIONS.items() if rule.who == {_SYSTEM})


# --------------------------------------------------------------------------------------------------
# checks


def allowed_actions(state: DossierState) -> list[ActionType]:
    """Actions the table allows from the current status (before role and step checks)."""
    if state.status is None:
        return sorted(OPENING_ACTIONS)
    return [action for action, rule in TRANSITIONS.items() if state.status in rule.from_statuses]


def may_act(state: DossierState, plan: Plan, action: ActionType, actor: Actor) -> bool:
    """Whether ``actor`` may perform ``action`` now: the table (status, role, agency, step) and the
    preconditions that do not depend on what the actor will write (reasons, documents, dates)."""
    try:
        _check(state, plan, Action(action, state.received_at or datetime.max, actor))
        _preconditions(state, plan, action)
    except Refused:
        return False
    return True


def _preconditions(state: DossierState, plan: Plan, kind: ActionType) -> None:
    """Rules about where the dossier is in its process, shared by :func:`apply` and :func:`may_act`."""
    index = state.step_index or 0
    if kind in _HANDOFFS:
        _next_step(state, plan, kind)
    elif kind is ActionType.APPROVE and plan.steps[index].role is not Role.LEADER:
        raise Refused("not_leader_step")
    elif kind is ActionType.SEND_BACK and index == 0:
        raise Refused("no_earlier_step")
    elif kind is ActionType.RECORD_RESULT and not state.approved:
        raise Refused("not_approved")
    elif kind is ActionType.MARK_RESULT_READY:
        if not state.result_recorded:
            raise Refused("no_result")
        if index != len(plan.steps) - 1:
            raise Refused("not_last_step")
    elif kind in {ActionType.STOP, ActionType.WITHDRAW} and state.approved:
        raise Refused("decided", action=kind)


def _check(state: DossierState, plan: Plan, action: Action) -> Transition:
    rule = TRANSITIONS[action.type]
    if state.status is None:
        if action.type not in OPENING_ACTIONS:
            raise Refused("not_started")
    elif state.status not in rule.from_statuses:
        raise Refused("status", status=state.status, action=action.type)
    step = plan.steps[state.step_index] if state.step_index is not None else None
    for role, where in rule.who:
        if role is not action.actor.role:
            continue
        if where in (Where.APPLICANT, Where.SYSTEM):
            return rule
        if where is Where.DESK and action.actor.agency_id == plan.desk_agency_id:
            return rule
        if where is Where.RESOLVER and action.actor.agency_id == plan.resolver_agency_id:
            return rule
        if where is Where.STEP and step is not None and step.role is role and step.agency_id == action.actor.agency_id:
            return rule
    raise Refused("actor", action=action.type, role=action.actor.role)


# --------------------------------------------------------------------------------------------------
# steps


def _start_step(state: DossierState, plan: Plan, index: int, at: datetime) -> DossierState:
    step = plan.steps[index]
    record = StepRecord(step.position, step.role, step.agency_id, at, step.due(plan.calendar, at))
    return replace(state, step_index=index, steps=(*state.steps, record))


def _end_step(state: DossierState, plan: Plan, at: datetime, by: ActionType) -> DossierState:
    current = state.current_step
    if current is None:
        return state
    ended = replace(current, ended_at=at, outcome=judge(at, current.due_at, plan.calendar.tz), ended_by=by)
    return replace(state, steps=(*state.steps[:-1], ended))


def handoff_kind(plan: Plan, index: int) -> ActionType:
    """How the dossier leaves step ``index`` for the next one (RULES.md §4).

    Within the resolving agency, and between the one-stop desk and the resolving agency, it is a
    plain forward. Towards a coordinating agency (neither desk nor resolver) it is an inter-agency
    transfer (liên thông); coming back from one, that agency's answer.
    """
    here, there = plan.steps[index], plan.steps[index + 1]
    own = {plan.desk_agency_id, plan.resolver_agency_id}
    if here.agency_id != there.agency_id and there.agency_id not in own:
        return ActionType.TRANSFER_TO_AGENCY
    if here.agency_id != there.agency_id and here.agency_id not in own:
        return ActionType.AGENCY_ANSWER
    return ActionType.FORWARD


def _next_step(state: DossierState, plan: Plan, action: ActionType) -> int:
    """Index of the step after the current one, checking the kind of hand-off."""
    index = state.step_index if state.step_index is not None else -1
    if index + 1 >= len(plan.steps):
        raise Refused("last_step")
    if action is ActionType.FORWARD and plan.steps[index].role is Role.LEADER:
        raise Refused("leader_approves")
    expected = handoff_kind(plan, index)
    if action is not expected:
        raise Refused("handoff_kind", expected=expected)
    return index + 1


_HANDOFFS = frozenset({ActionType.FORWARD, ActionType.TRANSFER_TO_AGENCY, ActionType.AGENCY_ANSWER})


# --------------------------------------------------------------------------------------------------
# one handler per action type

P = TypeVar("P", bound=payloads.Payload)
Handler = Callable[[DossierState, Plan, Action], DossierState]


def _payload(action: Action, kind: type[P]) -> P:
    if not isinstance(action.payload, kind):
        raise Refused("payload", action=action.type)
    return action.payload


def _submit(state: DossierState, plan: Plan, action: Action) -> DossierState:
    return replace(state, submitted_at=action.at)


def _receive(state: DossierState, plan: Plan, action: Action) -> DossierState:
    if not plan.steps:
        raise Refused("no_process")
    due = plan.calendar.due(action.at, plan.processing_amount, plan.processing_unit)
    state = replace(state, received_at=action.at, due_at=due, appointment_at=due)
    return _start_step(state, plan, 0, action.at)


def _refuse(state: DossierState, plan: Plan, action: Action) -> DossierState:
    _payload(action, payloads.RefusePayload)
    return replace(_end_step(state, plan, action.at, action.type), finished_at=action.at)


def _request_supplement(state: DossierState, plan: Plan, action: Action) -> DossierState:
    """Everything missing, in one request (form 02). Before acceptance nothing is paused: the clock has
    not started, and the request does not count towards "more than one supplement request" (our reading:
    see the module's docstring)."""
    _payload(action, payloads.RequestSupplementPayload)
    if state.received_at is None:
        return replace(state, resume_status=state.status)
    return replace(
        state,
        paused_since=action.at,
        resume_status=state.status,
        supplement_requests=state.supplement_requests + 1,
    )


def _supplement(state: DossierState, plan: Plan, action: Action) -> DossierState:
    """The supplement arrived: the due moments move by the paused working time (RULES.md §3, [V])."""
    if state.paused_since is None:  # asked before acceptance: back to the desk, nothing to shift
        return replace(state, status=state.resume_status, resume_status=None)
    assert state.due_at is not None
    calendar, since, at = plan.calendar, state.paused_since, action.at
    steps = state.steps
    current = state.current_step
    if current is not None:
        steps = (*steps[:-1], replace(current, due_at=calendar.shift(current.due_at, since, at)))
    return replace(
        state,
        status=state.resume_status,
        resume_status=None,
        due_at=calendar.shift(state.due_at, since, at),
        appointment_at=calendar.shift(state.appointment_at or state.due_at, since, at),
        paused_since=None,
        paused_seconds=state.paused_seconds + max(0, calendar.elapsed(since, at)),
        steps=steps,
    )


def _handoff(state: DossierState, plan: Plan, action: Action) -> DossierState:
    index = _next_step(state, plan, action.type)
    return _start_step(_end_step(state, plan, action.at, action.type), plan, index, action.at)


def _approve(state: DossierState, plan: Plan, action: Action) -> DossierState:
    index = state.step_index or 0
    new = replace(state, approved=True)
    if index + 1 < len(plan.steps):
        new = _start_step(_end_step(new, plan, action.at, action.type), plan, index + 1, action.at)
    return new


def _send_back(state: DossierState, plan: Plan, action: Action) -> DossierState:
    payload = _payload(action, payloads.SendBackPayload)
    index = state.step_index or 0
    positions = [step.position for step in plan.steps[:index]]
    target = payload.to_position if payload.to_position is not None else positions[-1]
    if target not in positions:
        raise Refused("no_earlier_step")
    new = _start_step(_end_step(state, plan, action.at, action.type), plan, positions.index(target), action.at)
    return replace(new, approved=False)


def _record_result(state: DossierState, plan: Plan, action: Action) -> DossierState:
    _payload(action, payloads.RecordResultPayload)
    return replace(state, result_recorded=True)


def _mark_result_ready(state: DossierState, plan: Plan, action: Action) -> DossierState:
    assert state.due_at is not None
    outcome = Outcome.LATE if state.late_by_rule else judge(action.at, state.due_at, plan.calendar.tz)
    return replace(state, finished_at=action.at, outcome=outcome)


def _return_result(state: DossierState, plan: Plan, action: Action) -> DossierState:
    return replace(_end_step(state, plan, action.at, action.type), returned_at=action.at)


def _end(state: DossierState, plan: Plan, action: Action) -> DossierState:
    _payload(action, payloads.ReasonedPayload)
    return replace(_end_step(state, plan, action.at, action.type), finished_at=action.at, paused_since=None)


def _apologise(state: DossierState, plan: Plan, action: Action) -> DossierState:
    """Apology and new appointment: before the due moment, with a reason and a later appointment.

    Both checks compare with the due moment, which the working calendar decides: they were made when the
    action was taken, and a logged apology is not checked again (a later calendar must not refuse it).
    """
    payload = _payload(action, payloads.ApologisePayload)
    assert state.due_at is not None
    if not action.logged:
        margin = plan.calendar.elapsed(action.at, state.due_at)
        if action.at >= state.due_at or margin < plan.apology_margin_seconds:
            raise Refused("apology_too_late", due=state.due_at)
        if payload.new_appointment <= state.due_at:
            raise Refused("appointment_not_later", due=state.due_at)
    return replace(state, apologised=True, appointment_at=payload.new_appointment)


def _request_payment(state: DossierState, plan: Plan, action: Action) -> DossierState:
    return replace(state, resume_status=state.status)


def _record_payment(state: DossierState, plan: Plan, action: Action) -> DossierState:
    _payload(action, payloads.RecordPaymentPayload)
    if state.status is Status.AWAITING_PAYMENT:
        return replace(state, status=state.resume_status, resume_status=None)
    return state


def _reschedule(state: DossierState, plan: Plan, action: Action) -> DossierState:
    """New deadlines from the calendar as it is now (computed by the caller from the whole log)."""
    payload = _payload(action, payloads.ReschedulePayload)
    steps = state.steps
    if payload.step_due_at is not None and state.current_step is not None:
        steps = (*steps[:-1], replace(steps[-1], due_at=payload.step_due_at))
    return replace(state, due_at=payload.due_at, appointment_at=payload.appointment_at, steps=steps)


HANDLERS: Mapping[ActionType, Handler] = {
    ActionType.SUBMIT: _submit,
    ActionType.RECEIVE: _receive,
    ActionType.ACCEPT: _receive,
    ActionType.REFUSE: _refuse,
    ActionType.REQUEST_SUPPLEMENT: _request_supplement,
    ActionType.SUPPLEMENT: _supplement,
    ActionType.FORWARD: _handoff,
    ActionType.TRANSFER_TO_AGENCY: _handoff,
    ActionType.AGENCY_ANSWER: _handoff,
    ActionType.SEND_BACK: _send_back,
    ActionType.APPROVE: _approve,
    ActionType.RECORD_RESULT: _record_result,
    ActionType.MARK_RESULT_READY: _mark_result_ready,
    ActionType.RETURN_RESULT: _return_result,
    ActionType.WITHDRAW: _end,
    ActionType.STOP: _end,
    ActionType.APOLOGISE: _apologise,
    ActionType.REQUEST_PAYMENT: _request_payment,
    ActionType.RECORD_PAYMENT: _record_payment,
    ActionType.RESCHEDULE: _reschedule,
}


# --------------------------------------------------------------------------------------------------
# the reducer


def apply(state: DossierState, plan: Plan, action: Action) -> DossierState:
    """The state after ``action``; raises :class:`Refused` when the table or the rules forbid it."""
    rule = _check(state, plan, action)
    _preconditions(state, plan, action.type)
    if state.last_action_at is not None and action.at < state.last_action_at:
        raise Refused("before_last_action")
    new = HANDLERS[action.type](state, plan, action)
    if action.facts is not None:
        new = action.facts.onto(new)
    status = rule.to_status if rule.to_status is not None else new.status
    return replace(new, status=status, last_action_at=action.at)


def fold(plan: Plan, actions: Iterable[Action]) -> DossierState:
    """Rebuild a dossier's state from its whole log, with the moments each action recorded."""
    state = DossierState()
    for action in actions:
        state = apply(state, plan, action)
    return state


def recompute(plan: Plan, actions: Iterable[Action]) -> DossierState:
    """The state the log would give with ``plan``'s calendar as it is now: recorded moments ignored and
    earlier reschedules skipped (what a ``reschedule`` action adopts)."""
    state = DossierState()
    for action in actions:
        if action.type is ActionType.RESCHEDULE:
            continue
        state = apply(state, plan, replace(action, facts=None))
    return state
