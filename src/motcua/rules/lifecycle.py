"""The lifecycle of a dossier: statuses, the one table of allowed actions, and the reducer.

A dossier's state is derived from its append-only action log (DESIGN.md principle 2). :func:`apply`
takes a state and one action and returns the next state, or raises :class:`Refused` with the reason;
the services call it for every new action and the rebuild command folds it over the whole log, so the
stored state and the rebuilt state come from the same code.

Rules implemented:

- Statuses and their national codes (``TrangThaiHoSo``, RULES.md §4, [V]).
- Steps of the mechanism: intake → transfer to the resolving unit → resolution (appraisal, coordination
  with other agencies, approval) → financial obligations → return of the result (RULES.md §4, [V]);
  intake ends in a receipt, a request to supplement listing everything missing, or a refusal with
  reasons (Decree 61/2018/NĐ-CP Art. 17 as kept by Decree 118/2025/NĐ-CP, [R]).
- Deadlines counted in working time by ``rules.workdays``; the clock is paused while a supplement is
  awaited and the due moment moves by the paused working time (RULES.md §3, [V]).
- Each step of the process template has its own due moment from its allotted time, and its outcome
  (early / on time / late) is judged when it ends (control sheet, RULES.md §3–4, [V]).
- A second supplement request is allowed but makes the dossier late in the service index
  (Decision 766/QĐ-TTg indicators, RULES.md §7, [S]).
- Apology and new appointment only before the due moment; the dossier stays late in statistics
  (RULES.md §3, [R]: "no later than one working day before" — the margin is a parameter,
  :data:`DEFAULT_APOLOGY_MARGIN_SECONDS`).
- Stop at the applicant's request while no decision has been taken (Circular 03/2025/TT-VPCP Art. 7, [V]).
- The regime (Decree 61/2018 or Decree 118/2025) follows the receipt date (RULES.md §0, [V]).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from motcua.rules.workdays import VIETNAM_TZ, Unit, WorkCalendar, duration_seconds


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    RECEIVED = "received"
    REFUSED = "refused"
    PROCESSING = "processing"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    AWAITING_PAYMENT = "awaiting_payment"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    RESULT_READY = "result_ready"
    RETURNED = "returned"


#: ``TrangThaiHoSo`` codes shared with the National Public Service Portal (RULES.md §4, [V]).
NATIONAL_STATUS_CODE: Mapping[Status, int] = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}

FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
#: Statuses in which a dossier sits in somebody's queue.
ACTIVE_STATUSES = frozenset(Status) - FINAL_STATUSES


class ActionType(enum.StrEnum):
    SUBMIT = "submit"  # filed online by the applicant, not yet accepted
    RECEIVE = "receive"  # received complete at the counter: receipt and appointment
    ACCEPT = "accept"  # an online submission accepted
    REFUSE = "refuse"  # not accepted, with reasons
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"  # the complete supplement arrived
    FORWARD = "forward"  # to the next step of the template, same agency
    TRANSFER_TO_AGENCY = "transfer_to_agency"  # to the next step, at another agency (liên thông)
    AGENCY_ANSWER = "agency_answer"  # the other agency's step is done; back to the resolving agency
    SEND_BACK = "send_back"  # to an earlier step, with a reason
    APPROVE = "approve"  # the leader's decision; ends the leader's step
    RECORD_RESULT = "record_result"  # the signed result document is attached
    MARK_RESULT_READY = "mark_result_ready"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"  # at the applicant's request
    STOP = "stop"  # processing stopped, with a stop notice
    APOLOGISE = "apologise"  # apology and new appointment
    REQUEST_PAYMENT = "request_payment"
    RECORD_PAYMENT = "record_payment"  # a fee paid at the counter


class Role(enum.StrEnum):
    """Who acts. Officers' roles match ``accounts.Role``; the applicant acts for themself."""

    COUNTER = "counter"
    SPECIALIST = "specialist"
    LEADER = "leader"
    APPLICANT = "applicant"


class Where(enum.Enum):
    """Which agency an officer must act for."""

    STEP = "step"  # the agency and role of the dossier's current step
    DESK = "desk"  # the one-stop desk that received the dossier
    RESOLVER = "resolver"  # the agency that resolves the dossier
    APPLICANT = "applicant"  # the applicant themself


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
_IN_PROCESS = {S.RECEIVED, S.PROCESSING}

#: The one table of allowed actions: from which statuses, to which status, by whom (Signalen-style).
TRANSITIONS: Mapping[ActionType, Transition] = {
    ActionType.SUBMIT: _t(set(), S.SUBMITTED, _APPLICANT),
    ActionType.RECEIVE: _t(set(), S.RECEIVED, _DESK),
    ActionType.ACCEPT: _t({S.SUBMITTED}, S.RECEIVED, _DESK),
    ActionType.REFUSE: _t({S.SUBMITTED, S.RECEIVED}, S.REFUSED, _DESK, (Role.SPECIALIST, Where.STEP)),
    ActionType.REQUEST_SUPPLEMENT: _t(_IN_PROCESS, S.AWAITING_SUPPLEMENT, _DESK, *_STEP_ANY),
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
    ActionType.STOP: _t(
        {S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT},
        S.STOPPED,
        (Role.LEADER, Where.RESOLVER),
        _DESK,
    ),
    ActionType.APOLOGISE: _t(
        {S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT},
        None,
        (Role.LEADER, Where.RESOLVER),
        (Role.LEADER, Where.STEP),
    ),
    ActionType.REQUEST_PAYMENT: _t({S.PROCESSING}, S.AWAITING_PAYMENT, *_STEP_ANY, _DESK),
    ActionType.RECORD_PAYMENT: _t({S.RECEIVED, S.PROCESSING, S.AWAITING_PAYMENT, S.RESULT_READY}, None, _DESK),
}

#: Actions that start a dossier's log.
OPENING_ACTIONS = frozenset({ActionType.SUBMIT, ActionType.RECEIVE})


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
    agency_id: int | None  # None for the applicant


@dataclass(frozen=True)
class Action:
    type: ActionType
    at: datetime
    actor: Actor
    payload: Mapping[str, Any] = field(default_factory=dict)


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
    supplement_requests: int = 0
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
# the reducer


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
    elif kind is ActionType.STOP and state.approved:
        raise Refused("decided")


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
        if where is Where.APPLICANT:
            return rule
        if where is Where.DESK and action.actor.agency_id == plan.desk_agency_id:
            return rule
        if where is Where.RESOLVER and action.actor.agency_id == plan.resolver_agency_id:
            return rule
        if where is Where.STEP and step is not None and step.role is role and step.agency_id == action.actor.agency_id:
            return rule
    raise Refused("actor", action=action.type, role=action.actor.role)


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


def _receive(state: DossierState, plan: Plan, at: datetime) -> DossierState:
    if not plan.steps:
        raise Refused("no_process")
    due = plan.calendar.due(at, plan.processing_amount, plan.processing_unit)
    state = replace(state, received_at=at, due_at=due, appointment_at=due)
    return _start_step(state, plan, 0, at)


_HANDOFFS = frozenset({ActionType.FORWARD, ActionType.TRANSFER_TO_AGENCY, ActionType.AGENCY_ANSWER})


def apply(state: DossierState, plan: Plan, action: Action) -> DossierState:
    """The state after ``action``; raises :class:`Refused` when the table or the rules forbid it."""
    rule = _check(state, plan, action)
    at, kind, payload = action.at, action.type, action.payload
    _preconditions(state, plan, kind)
    if state.last_action_at is not None and at < state.last_action_at:
        raise Refused("before_last_action")
    new = state
    if kind is ActionType.SUBMIT:
        new = replace(state, submitted_at=at)
    elif kind in {ActionType.RECEIVE, ActionType.ACCEPT}:
        new = _receive(state, plan, at)
    elif kind is ActionType.REFUSE:
        if not payload.get("reasons"):
            raise Refused("reasons_required")
        new = replace(_end_step(state, plan, at, kind), finished_at=at)
    elif kind is ActionType.REQUEST_SUPPLEMENT:
        if not payload.get("missing"):
            raise Refused("missing_required")
        new = replace(
            state, paused_since=at, resume_status=state.status, supplement_requests=state.supplement_requests + 1
        )
    elif kind is ActionType.SUPPLEMENT:
        new = _resume(state, plan, at)
    elif kind in _HANDOFFS:
        new = _start_step(_end_step(state, plan, at, kind), plan, _next_step(state, plan, kind), at)
    elif kind is ActionType.APPROVE:
        index = state.step_index or 0
        new = replace(state, approved=True)
        if index + 1 < len(plan.steps):
            new = _start_step(_end_step(new, plan, at, kind), plan, index + 1, at)
    elif kind is ActionType.SEND_BACK:
        if not payload.get("reason"):
            raise Refused("reason_required")
        index = state.step_index or 0
        positions = [step.position for step in plan.steps[:index]]
        target = payload.get("to_position", positions[-1] if positions else None)
        if target not in positions:
            raise Refused("no_earlier_step")
        new = _start_step(_end_step(state, plan, at, kind), plan, positions.index(target), at)
        new = replace(new, approved=False)
    elif kind is ActionType.RECORD_RESULT:
        if not payload.get("documents"):
            raise Refused("documents_required")
        new = replace(state, result_recorded=True)
    elif kind is ActionType.MARK_RESULT_READY:
        assert state.due_at is not None
        outcome = Outcome.LATE if state.late_by_rule else judge(at, state.due_at, plan.calendar.tz)
        new = replace(state, finished_at=at, outcome=outcome)
    elif kind is ActionType.RETURN_RESULT:
        new = replace(_end_step(state, plan, at, kind), returned_at=at)
    elif kind in {ActionType.WITHDRAW, ActionType.STOP}:
        if not payload.get("reason"):
            raise Refused("reason_required")
        new = replace(_end_step(state, plan, at, kind), finished_at=at, paused_since=None)
    elif kind is ActionType.APOLOGISE:
        new = _apologise(state, plan, at, payload)
    elif kind is ActionType.REQUEST_PAYMENT:
        new = replace(state, resume_status=state.status)
    elif kind is ActionType.RECORD_PAYMENT:
        if not payload.get("amount_vnd"):
            raise Refused("amount_required")
        if state.status is Status.AWAITING_PAYMENT:
            new = replace(state, status=state.resume_status, resume_status=None)
    status = rule.to_status if rule.to_status is not None else new.status
    return replace(new, status=status, last_action_at=at)


def _resume(state: DossierState, plan: Plan, at: datetime) -> DossierState:
    """The supplement arrived: the due moments move by the paused working time (RULES.md §3, [V])."""
    assert state.paused_since is not None
    assert state.due_at is not None
    calendar = plan.calendar
    paused = max(0, calendar.elapsed(state.paused_since, at))
    steps = state.steps
    current = state.current_step
    if current is not None:
        shifted = replace(current, due_at=calendar.shift(current.due_at, state.paused_since, at))
        steps = (*steps[:-1], shifted)
    return replace(
        state,
        status=state.resume_status,
        resume_status=None,
        due_at=calendar.shift(state.due_at, state.paused_since, at),
        appointment_at=calendar.shift(state.appointment_at or state.due_at, state.paused_since, at),
        paused_since=None,
        paused_seconds=state.paused_seconds + paused,
        steps=steps,
    )


def _apologise(state: DossierState, plan: Plan, at: datetime, payload: Mapping[str, Any]) -> DossierState:
    """Apology and new appointment: before the due moment, with a reason and a later appointment."""
    assert state.due_at is not None
    if not payload.get("reason"):
        raise Refused("reason_required")
    if plan.calendar.elapsed(at, state.due_at) < plan.apology_margin_seconds or at >= state.due_at:
        raise Refused("apology_too_late", due=state.due_at)
    appointment = payload.get("new_appointment")
    if not isinstance(appointment, datetime) or appointment <= state.due_at:
        raise Refused("appointment_not_later", due=state.due_at)
    return replace(state, apologised=True, appointment_at=appointment)


def fold(plan: Plan, actions: list[Action]) -> DossierState:
    """Rebuild a dossier's state from its whole log."""
    state = DossierState()
    for action in actions:
        state = apply(state, plan, action)
    return state


def working_seconds_left(calendar: WorkCalendar, now: datetime, due: datetime) -> int:
    """Working time until ``due`` (negative when overdue): what colours an officer's queue."""
    return calendar.elapsed(now, due)


#: Colour thresholds of the queue: amber when at most one working day remains.
AMBER_SECONDS = duration_seconds(1, Unit.WORKING_DAYS)


class Colour(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    PAUSED = "paused"  # waiting for the applicant's supplement: the clock is stopped
    NONE = "none"  # not running: not yet received, or finished


def deadline_colour(calendar: WorkCalendar, now: datetime, due: datetime | None, status: Status | None) -> Colour:
    """How an officer's queue shows a dossier: green, amber when ≤ 1 working day remains, red overdue."""
    if due is None or status is None or status in FINAL_STATUSES or status is Status.RESULT_READY:
        return Colour.NONE
    if status is Status.AWAITING_SUPPLEMENT:
        return Colour.PAUSED
    left = working_seconds_left(calendar, now, due)
    if left < 0 or now > due:
        return Colour.RED
    return Colour.AMBER if left <= AMBER_SECONDS else Colour.GREEN
