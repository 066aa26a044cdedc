"""State ⇄ row: the reducer's ``DossierState`` and the dossier row with its control sheet.

The dossier row and its ``DossierStep`` rows are a projection of the log (DESIGN.md principle 2): the
services write them from the state each action leads to, the rebuild compares them with the state folded
from the log and, when they differ, rewrites them from it. Both directions live here and nowhere else.
"""

from __future__ import annotations

from django.db.models import Prefetch

from motcua.dossiers.models import Dossier, DossierStep
from motcua.rules import lifecycle
from motcua.rules.lifecycle import ActionType, DossierState, Outcome, Plan, Status, StepRecord
from motcua.rules.roles import Role


def _record(step: DossierStep) -> StepRecord:
    return StepRecord(
        step.position,
        Role(step.role),
        step.agency_id,
        step.started_at,
        step.due_at,
        step.ended_at,
        Outcome(step.outcome) if step.outcome else None,
        ActionType(step.ended_by) if step.ended_by else None,
    )


#: Prefetch the control sheet in its order (``state_of`` reads ``dossier.steps.all()``).
STEPS_IN_ORDER = Prefetch("steps", queryset=DossierStep.objects.order_by("seq"))


def state_of(dossier: Dossier) -> DossierState:
    """The projected state kept on the row and its control sheet, as the reducer sees it."""
    steps = tuple(_record(s) for s in sorted(dossier.steps.all(), key=lambda s: s.seq))
    plan_steps = dossier.plan.get("steps", [])
    index = next((i for i, s in enumerate(plan_steps) if s["position"] == dossier.current_position), None)
    return DossierState(
        status=Status(dossier.status) if dossier.status else None,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        appointment_at=dossier.appointment_at,
        step_index=index,
        paused_since=dossier.paused_since,
        paused_seconds=dossier.paused_seconds,
        resume_status=Status(dossier.resume_status) if dossier.resume_status else None,
        supplement_requests=dossier.supplement_requests,
        approved=dossier.approved,
        result_recorded=dossier.result_recorded,
        apologised=dossier.apologised,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        outcome=Outcome(dossier.outcome) if dossier.outcome else None,
        steps=steps,
        last_action_at=dossier.last_action_at,
    )


def current_state(dossier: Dossier) -> DossierState:
    """The dossier's state: the one a service just wrote on this instance, or else read from the database."""
    return dossier.written_state if dossier.written_state is not None else state_of(dossier)


def project(dossier: Dossier, state: DossierState, plan: Plan) -> None:
    """Copy a state onto the row (not saved), and keep it on the instance (``Dossier.written_state``)."""
    step = plan.steps[state.step_index] if state.step_index is not None else None
    current = state.current_step
    dossier.status = state.status.value if state.status else ""
    dossier.submitted_at = state.submitted_at
    dossier.received_at = state.received_at
    dossier.due_at = state.due_at
    dossier.appointment_at = state.appointment_at
    dossier.current_position = step.position if step else None
    if state.status in lifecycle.FINAL_STATUSES:
        dossier.current_agency_id, dossier.current_role = None, ""
    elif step is not None:
        dossier.current_agency_id, dossier.current_role = step.agency_id, step.role.value
    else:  # registered, not yet accepted: waits at the desk
        dossier.current_agency_id, dossier.current_role = plan.desk_agency_id, Role.COUNTER.value
    dossier.step_started_at = current.started_at if current else None
    dossier.step_due_at = current.due_at if current else None
    dossier.paused_since = state.paused_since
    dossier.paused_seconds = state.paused_seconds
    dossier.resume_status = state.resume_status.value if state.resume_status else ""
    dossier.supplement_requests = state.supplement_requests
    dossier.approved = state.approved
    dossier.result_recorded = state.result_recorded
    dossier.apologised = state.apologised
    dossier.finished_at = state.finished_at
    dossier.returned_at = state.returned_at
    dossier.outcome = state.outcome.value if state.outcome else ""
    dossier.last_action_at = state.last_action_at
    dossier.written_state = state


def _step_values(record: StepRecord, names: dict[int, str]) -> dict[str, object]:
    return {
        "position": record.position,
        "name": names.get(record.position, ""),
        "role": record.role.value,
        "agency_id": record.agency_id,
        "started_at": record.started_at,
        "due_at": record.due_at,
        "ended_at": record.ended_at,
        "outcome": record.outcome.value if record.outcome else "",
        "ended_by": record.ended_by.value if record.ended_by else "",
    }


def sync_steps(dossier: Dossier, before: DossierState, after: DossierState, plan: Plan) -> None:
    """Write the control-sheet rows that an action changed: the step it ended, the step it started."""
    names = {s.position: s.name for s in plan.steps}
    first_changed = max(0, len(before.steps) - 1)
    new_rows = []
    for seq, record in enumerate(after.steps[first_changed:], start=first_changed + 1):
        if seq <= len(before.steps) and before.steps[seq - 1] == record:
            continue
        values = _step_values(record, names)
        if seq <= len(before.steps):
            DossierStep.objects.filter(dossier=dossier, seq=seq).update(**values)
        else:
            new_rows.append(DossierStep(dossier=dossier, seq=seq, **values))
    if new_rows:
        DossierStep.objects.bulk_create(new_rows)


def rewrite(dossier: Dossier, state: DossierState, plan: Plan) -> None:
    """Make the row and the whole control sheet say ``state`` (the rebuild's repair; in a transaction)."""
    project(dossier, state, plan)
    dossier.save()
    names = {s.position: s.name for s in plan.steps}
    DossierStep.objects.filter(dossier=dossier).delete()
    DossierStep.objects.bulk_create(
        DossierStep(dossier=dossier, seq=seq, **_step_values(record, names))
        for seq, record in enumerate(state.steps, start=1)
    )
