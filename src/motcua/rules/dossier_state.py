"""The state of a dossier and what the reducer takes in: its plan, the actors, the actions and their facts.

``rules.lifecycle`` folds actions over these; the services map them to and from rows (``dossiers.state``).
Judgements the regulations leave open — early, on time, late — are decided here, in :func:`judge` alone.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from motcua.rules import payloads
from motcua.rules.actions import NATIONAL_STATUS_CODE, ActionType, Status
from motcua.rules.roles import Role
from motcua.rules.workdays import VIETNAM_TZ, Unit, WorkCalendar


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
