"""Rebuilding what is projected from the action log: dossier state, control sheet, live counters.

The log is the truth (DESIGN.md principle 2). Folding it with the same reducer the services use — and
the moments each action recorded (``rules.lifecycle.Facts``) — gives back each dossier's state whatever
the calendar says today; feeding every action to ``rules.counters.deltas`` gives back the counters.
``motcua rebuild-dossiers`` and ``motcua rebuild-metrics`` compare, or repair.

A changed working calendar (a day off declared in the admin) is not a difference: a dossier keeps the
deadlines it was given. ``motcua reschedule-dossiers`` lists the running dossiers whose deadlines the
calendar would now set otherwise and, with ``--apply``, gives each a ``reschedule`` action by the system
actor — the only way a new calendar reaches a running dossier, and it is in the log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierAction
from motcua.dossiers.plans import plan_from
from motcua.dossiers.recording import has_fees
from motcua.dossiers.services import perform_as_system
from motcua.dossiers.state import STEPS_IN_ORDER, rewrite, state_of
from motcua.metrics.models import DailyCount
from motcua.metrics.services import replace_all_counters
from motcua.rules import lifecycle, payloads
from motcua.rules.counters import LOG_METRICS, deltas
from motcua.rules.lifecycle import ACTIVE_STATUSES, Action, ActionType, Actor, DossierState, Facts, Status
from motcua.rules.roles import Role


def action_of(row: DossierAction) -> Action:
    """A logged action as the reducer takes it: its typed payload and the moments it recorded."""
    kind = ActionType(row.type)
    payload = payloads.parse(kind, {**row.payload, "note": row.note})
    facts = Facts.from_json(row.facts) if row.facts else Facts()
    return Action(kind, row.at, Actor(Role(row.actor_role), row.actor_agency_id), payload, facts, logged=True)


#: Prefetch the log in its order: the batch commands read thousands of dossiers, one query per chunk.
ACTIONS_IN_ORDER = Prefetch("actions", queryset=DossierAction.objects.order_by("seq"))


def _rows(dossier: Dossier) -> list[DossierAction]:
    """The dossier's log in order (from the prefetch when there is one)."""
    return sorted(dossier.actions.all(), key=lambda row: row.seq)


def replay(dossier: Dossier) -> Iterator[tuple[DossierAction, Action, DossierState]]:
    """Each logged action, as the reducer takes it, with the state it led to."""
    plan = plan_from(dossier.plan)
    state = DossierState()
    for row in _rows(dossier):
        action = action_of(row)
        state = lifecycle.apply(state, plan, action)
        yield row, action, state


def rebuild_state(dossier: Dossier) -> DossierState:
    """The dossier's state folded from its whole log."""
    return lifecycle.fold(plan_from(dossier.plan), [action_of(row) for row in _rows(dossier)])


def mismatched_dossiers(*, fix: bool = False, batch: int = 500) -> list[str]:
    """Codes of dossiers whose stored state (row or control sheet) differs from their log; with ``fix``,
    rewrite them from the log, each in its own transaction."""
    mismatched = []
    dossiers = Dossier.objects.order_by("pk").prefetch_related(STEPS_IN_ORDER, ACTIONS_IN_ORDER)
    for dossier in dossiers.iterator(chunk_size=batch):
        rebuilt = rebuild_state(dossier)
        if rebuilt == state_of(dossier):
            continue
        mismatched.append(dossier.code)
        if fix:
            with transaction.atomic():
                locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
                rewrite(locked, rebuild_state(locked), plan_from(locked.plan))
    return mismatched


# --------------------------------------------------------------------------------------------------
# counters

CounterKey = tuple[date, int, int, str, str]  # day, agency, procedure, channel, metric


def counters_from_log(batch: int = 500) -> dict[CounterKey, int]:
    """The live counters as the log says they should be (zero counters left out)."""
    totals: Counter[CounterKey] = Counter()
    dossiers = Dossier.objects.order_by("pk").prefetch_related(ACTIONS_IN_ORDER)
    for dossier in dossiers.iterator(chunk_size=batch):
        before = DossierState()
        opening: payloads.OpeningPayload | None = None
        fees = has_fees(dossier)
        paid_online = False  # a gateway's confirmation seen so far (paid at submission: counted at the receipt)
        for row, action, state in replay(dossier):
            if opening is None and isinstance(action.payload, payloads.OpeningPayload):
                opening = action.payload  # the first action's: what an acceptance counts
            changes = deltas(
                action.type,
                before,
                state,
                dossier.channel,
                action.payload,
                action.actor.role,
                row.at,
                opening=opening,
                has_fees=fees,
                paid_before_receipt=action.type is ActionType.ACCEPT and paid_online,
            )
            if action.type is ActionType.RECORD_PAYMENT and action.actor.role is Role.SYSTEM:
                paid_online = True
            for delta in changes:
                key = (delta.day, dossier.resolving_agency_id, dossier.procedure_id, dossier.channel, delta.metric)
                totals[key] += delta.value
            before = state
    return {key: value for key, value in totals.items() if value}


def stored_counters() -> dict[CounterKey, int]:
    """The live counters of the log's metrics as the projection holds them (zero counters left out)."""
    rows = (
        DailyCount.objects.filter(metric__in=LOG_METRICS)
        .exclude(value=0)
        .values_list("day", "agency_id", "procedure_id", "channel", "metric", "value")
    )
    return {(day, agency, procedure, channel, metric): value for day, agency, procedure, channel, metric, value in rows}


def differing_counters() -> set[CounterKey]:
    expected, stored = counters_from_log(), stored_counters()
    return {key for key in expected.keys() | stored.keys() if expected.get(key) != stored.get(key)}


@transaction.atomic
def rebuild_counters() -> int:
    """Replace the live counters of the log's metrics by the ones recomputed from the log; returns the rows
    written. Counters of other sources (``rules.counters.Metric.source``) are left as they are."""
    rows = [
        DailyCount(day=day, agency_id=agency, procedure_id=procedure, channel=channel, metric=metric, value=value)
        for (day, agency, procedure, channel, metric), value in counters_from_log().items()
    ]
    return replace_all_counters(rows, metrics=LOG_METRICS)


# --------------------------------------------------------------------------------------------------
# a changed calendar


@dataclass(frozen=True)
class NewDeadlines:
    """What the working calendar as it is now would make of a running dossier's deadlines."""

    code: str
    due_at: datetime
    appointment_at: datetime
    step_due_at: datetime | None
    old_due_at: datetime
    old_step_due_at: datetime | None


def new_deadlines(dossier: Dossier) -> NewDeadlines | None:
    """The deadlines the current calendar gives ``dossier``, when they differ from the ones it has."""
    if dossier.status not in {s.value for s in ACTIVE_STATUSES} or dossier.received_at is None:
        return None
    if Status(dossier.status) in {Status.RESULT_READY, Status.SUBMITTED}:
        return None
    actions = [action_of(row) for row in _rows(dossier)]
    plan = plan_from(dossier.plan)
    now, fresh = lifecycle.fold(plan, actions), lifecycle.recompute(plan, actions)
    step_now = now.current_step.due_at if now.current_step else None
    step_fresh = fresh.current_step.due_at if fresh.current_step else None
    if fresh.due_at is None or (fresh.due_at, fresh.appointment_at, step_fresh) == (
        now.due_at,
        now.appointment_at,
        step_now,
    ):
        return None
    assert now.due_at is not None
    assert fresh.appointment_at is not None
    return NewDeadlines(dossier.code, fresh.due_at, fresh.appointment_at, step_fresh, now.due_at, step_now)


def reschedule(*, apply: bool = False, batch: int = 500) -> list[NewDeadlines]:
    """Running dossiers whose deadlines the current calendar would set otherwise; with ``apply``, a
    ``reschedule`` action by the system actor for each (one transaction each)."""
    found = []
    running = (
        Dossier.objects.filter(status__in=[s.value for s in ACTIVE_STATUSES])
        .order_by("pk")
        .prefetch_related(ACTIONS_IN_ORDER)
    )
    for dossier in running.iterator(chunk_size=batch):
        change = new_deadlines(dossier)
        if change is None:
            continue
        if apply:
            with transaction.atomic():  # decided on the locked row: no action slips in between
                locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
                change = new_deadlines(locked)
                if change is not None:
                    payload = payloads.ReschedulePayload(
                        reason=_("Lịch làm việc thay đổi"),
                        due_at=change.due_at,
                        appointment_at=change.appointment_at,
                        step_due_at=change.step_due_at,
                    )
                    perform_as_system(locked, ActionType.RESCHEDULE, component="scheduler", payload=payload)
        if change is not None:
            found.append(change)
    return found
