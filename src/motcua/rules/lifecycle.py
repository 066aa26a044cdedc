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
  only at acceptance.
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
  03/2025/TT-VPCP Art. 7, [V]); the stop notice is issued by the head of the resolving agency.
- The regime (Decree 61/2018 or Decree 118/2025) follows the receipt date (RULES.md §0, [V]).

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
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any, TypeVar

from motcua.rules import payloads
from motcua.rules.actions import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    NATIONAL_STATUS_CODE,
    OPENING_ACTIONS,
    ActionType,
    Status,
)
from motcua.rules.roles import Role
from motcua.rules.workdays import VIETNAM_TZ, Unit, WorkCalendar

__all__ = [
    "ACTIVE_STATUSES",
    "FINAL_STATUSES",
    "NATIONAL_STATUS_CODE",
    "OPENING_ACTIONS",
    "ActionType",
    "Role",
    "Status",
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
    ActionType.RECORD_RESULT: _t({S.PROCESSING, S.AWAITING_PAYMENT}, None, *_STEP_ANY, _DESK),
    ActionType.MARK_RESULT_READY: _t({S.PROCESSING}, S.RESULT_READY, *_STEP_ANY),
    ActionType.RETURN_RESULT: _t({S.RESULT_READY}, S.RETURNED, (Role.COUNTER, Where.STEP), _DESK),
    ActionType.WITHDRAW: _t(set(ACTIVE_STATUSES - {S.RESULT_READY}), S.WITHDRAWN, _DESK, _APPLICANT),
    ActionType.STOP: _t(_RUNNING, S.STOPPED, _HEAD),
    ActionType.APOLOGISE: _t(_RUNNING, None, _HEAD, (Role.LEADER, Where.STEP)),
    ActionType.REQUEST_PAYMENT: _t({S.PROCESSING}, S.AWAITING_PAYMENT, *_STEP_ANY, _DESK),
    ActionType.RECORD_PAYMENT: _t({S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT, S.RESULT_READY}, None, _DESK, _SYSTEM),
    ActionType.RESCHEDULE: _t(_RUNNING, None, _SYSTEM),
}

#: Actions that end a dossier: the workbench asks for confirmation before it performs one.
ENDING_ACTIONS = frozenset(kind for kind, rule in TRANSITIONS.items() if rule.to_status in FINAL_STATUSES)
#: Actions only the system actor performs (no officer, no applicant): not offered in the API or the workbench.
SYSTEM_ONLY_ACTIONS = frozenset(kind for kind, rule in TRANSITIONS.items() if rule.who == {_SYSTEM})


class Outcome(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


def judge(finished: datetime, due: datetime, tz: tzinfo = VIETNAM_TZ) -> Outcome:
    """Early / on time / late of something finished at ``finished`` and due at ``due``.

    Late after the due moment; early when finished on a (local) day before the due day; on time
    otherwise. The "early = an earlier day" reading follows provincial dashboards ([R]); it is the
    only place that decides it.
    """
    if finished > due:
        return Outcome.LATE
    if finished.astimezone(tz).date() < due.astimezone(tz).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


class Regime(enum.StrEnum):
    DECREE_61_2018 = "2018"  # Decree 61/2018/NĐ-CP, Circular 01/2018/TT-VPCP
    DECREE_118_2025 = "2025"  # Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP


REGIME_2025_FROM = date(2025, 7, 1)


def regime_for(received: date) -> Regime:
    """The regime that governs a dossier, by its receipt date (RULES.md §0, [V])."""
    return Regime.DECREE_118_2025 if received >= REGIME_2025_FROM else Regime.DECREE_61_2018


#: An apology must come this many working seconds before the due moment. RULES.md §3 recalls one
#: working day [R]; the issue fixes "before the due moment": 0 by default, a setting may raise it.
DEFAULT_APOLOGY_MARGIN_SECONDS = 0


# --------------------------------------------------------------------------------------------------
# inputs of the reducer


@dataclass(frozen=True)
class StepPlan:
    """One step of the dossier's process, as snapshotted from the template at intake."""

    position: int
    name: str
    role: Role
    agency_id: int
    amount: Decimal
    unit: Unit

    def due(self, calendar: WorkCalendar, start: datetime) -> datetime:
        return calendar.due(start, self.amount, self.unit)


@dataclass(frozen=True)
class Plan:
    """What the reducer needs to know about the dossier besides its log."""

    calendar: WorkCalendar
    steps: tuple[StepPlan, ...]
    processing_amount: Decimal
    processing_unit: Unit
    desk_agency_id: int
    resolver_agency_id: int
    apology_margin_seconds: int = DEFAULT_APOLOGY_MARGIN_SECONDS


@dataclass(frozen=True)
class Actor:
    role: Role
    agency_id: int | None  # None for the applicant and the system actor


SYSTEM_ACTOR = Actor(Role.SYSTEM, None)


@dataclass(frozen=True)
class Facts:
    """The moments an action computed from the working calendar, as recorded in the log.

    ``None`` means "this action did not change it". Folding an action with its facts gives the state it
    gave when it was taken, whatever the calendar says today.
    """

    due_at: datetime | None = None
    appointment_at: datetime | None = None
    step_due_at: datetime | None = None
    paused_seconds: int | None = None

    @classmethod
    def between(cls, before: DossierState, after: DossierState) -> Facts:
        """What ``after`` computed that ``before`` did not have."""
        step_due = None
        current = after.current_step
        if current is not None and (
            before.current_step is None or len(before.steps) != len(after.steps) or before.steps[-1] != current
        ):
            step_due = current.due_at
        return cls(
            due_at=after.due_at if after.due_at != before.due_at else None,
            appointment_at=after.appointment_at if after.appointment_at != before.appointment_at else None,
            step_due_at=step_due,
            paused_seconds=after.paused_seconds if after.paused_seconds != before.paused_seconds else None,
        )

    def onto(self, state: DossierState) -> DossierState:
        steps = state.steps
        if self.step_due_at is not None and state.current_step is not None:
            steps = (*steps[:-1], replace(steps[-1], due_at=self.step_due_at))
        return replace(
            state,
            due_at=self.due_at if self.due_at is not None else state.due_at,
            appointment_at=self.appointment_at if self.appointment_at is not None else state.appointment_at,
            paused_seconds=self.paused_seconds if self.paused_seconds is not None else state.paused_seconds,
            steps=steps,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in vars(self).items()
            if value is not None
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facts:
        moments = {
            name: datetime.fromisoformat(data[name])
            for name in ("due_at", "appointment_at", "step_due_at")
            if name in data
        }
        return cls(**moments, paused_seconds=data.get("paused_seconds"))


_NO_PAYLOAD = payloads.PlainPayload()


@dataclass(frozen=True)
class Action:
    type: ActionType
    at: datetime
    actor: Actor
    payload: payloads.Payload = _NO_PAYLOAD
    #: ``None`` for an action being taken now; what it computed, for an action read from the log.
    facts: Facts | None = None
    #: Read from the log: it was accepted when it was taken, so checks that depend on the working
    #: calendar (which may have changed since) are not made again.
    logged: bool = False


# --------------------------------------------------------------------------------------------------
# state


@dataclass(frozen=True)
class StepRecord:
    """A row of the control sheet: one passage through one step."""

    position: int
    role: Role
    agency_id: int
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None = None
    outcome: Outcome | None = None
    ended_by: ActionType | None = None


@dataclass(frozen=True)
class DossierState:
    status: Status | None = None
    submitted_at: datetime | None = None
    received_at: datetime | None = None
    due_at: datetime | None = None  # the legal due moment, shifted by pauses; decides statistics
    appointment_at: datetime | None = None  # what the applicant was told (changes on apology)
    step_index: int | None = None
    paused_since: datetime | None = None
    paused_seconds: int = 0
    resume_status: Status | None = None  # the status to go back to after a supplement or a payment
    supplement_requests: int = 0  # requests during processing (those before acceptance do not count)
    approved: bool = False
    result_recorded: bool = False
    apologised: bool = False
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    outcome: Outcome | None = None
    steps: tuple[StepRecord, ...] = ()
    last_action_at: datetime | None = None

    @property
    def current_step(self) -> StepRecord | None:
        if self.step_index is None or not self.steps:
            return None
        last = self.steps[-1]
        return last if last.ended_at is None else None

    @property
    def national_status(self) -> int | None:
        return NATIONAL_STATUS_CODE[self.status] if self.status else None

    @property
    def late_by_rule(self) -> bool:
        """Late in the service index whatever the clock says: a second supplement request, or an
        apology (RULES.md §3 and §7)."""
        return self.supplement_requests > 1 or self.apologised


class Refused(Exception):
    """The action is not allowed now; ``reason`` is a stable code, ``params`` fill the message."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason, params)
        self.reason = reason
        self.params = params


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
    not started, and the request does not count towards "more than one supplement request"."""
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
