"""Rebuilding what is projected from the action log: dossier state, control sheet, live counters.

The log is the truth (DESIGN.md principle 2). Folding it with the same reducer the services use gives
back each dossier's state; feeding every action to ``rules.counters.increments`` gives back the
counters. ``motcua rebuild_dossiers`` and ``motcua rebuild_metrics`` compare or replace.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierAction
from motcua.dossiers.services import plan_from, project, state_of
from motcua.metrics.models import DailyCounter
from motcua.metrics.services import replace_all_counters
from motcua.rules import lifecycle
from motcua.rules.counters import COUNTERS, increments
from motcua.rules.lifecycle import Action, ActionType, Actor, DossierState, Role


def action_of(row: DossierAction) -> Action:
    """A logged action as the reducer takes it (JSON payload values turned back into moments)."""
    payload = dict(row.payload)
    if isinstance(payload.get("new_appointment"), str):
        payload["new_appointment"] = datetime.fromisoformat(payload["new_appointment"])
    return Action(ActionType(row.type), row.at, Actor(Role(row.actor_role), row.actor_agency_id), payload)


def replay(dossier: Dossier, rows: list[DossierAction] | None = None) -> Iterator[tuple[DossierAction, DossierState]]:
    """Each logged action with the state it led to."""
    plan = plan_from(dossier.plan)
    state = DossierState()
    for row in rows if rows is not None else dossier.actions.order_by("seq"):
        state = lifecycle.apply(state, plan, action_of(row))
        yield row, state


def rebuild_state(dossier: Dossier) -> DossierState:
    """The dossier's state folded from its whole log."""
    return lifecycle.fold(plan_from(dossier.plan), [action_of(row) for row in dossier.actions.order_by("seq")])


def mismatched_dossiers(*, fix: bool = False, batch: int = 500) -> list[str]:
    """Codes of dossiers whose stored state differs from their log; with ``fix``, rewrite them."""
    mismatched = []
    for dossier in Dossier.objects.order_by("pk").prefetch_related("steps").iterator(chunk_size=batch):
        rebuilt = rebuild_state(dossier)
        if rebuilt == state_of(dossier):
            continue
        mismatched.append(dossier.code)
        if fix:
            with transaction.atomic():
                project(dossier, rebuilt, plan_from(dossier.plan))
                dossier.save()
    return mismatched


CounterKey = tuple[date, int, int, str]


def counters_from_log(batch: int = 500) -> dict[CounterKey, Counter[str]]:
    """The live counters as the log says they should be."""
    totals: dict[CounterKey, Counter[str]] = defaultdict(Counter)
    dossiers = Dossier.objects.order_by("pk")
    for dossier in dossiers.iterator(chunk_size=batch):
        rows = list(dossier.actions.order_by("seq"))
        for row, state in replay(dossier, rows):
            deltas = increments(ActionType(row.type), state, dossier.channel)
            if deltas:
                key = (timezone.localdate(row.at), dossier.resolving_agency_id, dossier.procedure_id, dossier.channel)
                totals[key].update(deltas)
    return totals


def stored_counters() -> dict[CounterKey, Counter[str]]:
    """The live counters as the projection holds them (zero counters left out)."""
    stored: dict[CounterKey, Counter[str]] = {}
    for row in DailyCounter.objects.all():
        values = Counter({name: getattr(row, name) for name in COUNTERS if getattr(row, name)})
        if values:
            stored[(row.day, row.agency_id, row.procedure_id, row.channel)] = values
    return stored


@transaction.atomic
def rebuild_counters() -> int:
    """Replace the live counters by the ones recomputed from the log; returns the rows written."""
    rows = [
        DailyCounter(day=day, agency_id=agency, procedure_id=procedure, channel=channel, **values)
        for (day, agency, procedure, channel), values in counters_from_log().items()
    ]
    return replace_all_counters(rows)
