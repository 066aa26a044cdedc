"""The early-warning list (issue 13): active dossiers expected to finish after their due moment, before they are
late, with the step that slips — ``rules.early_warning`` fed with the step durations of the same procedure at
the same agency (the control sheet, ``DossierStep``), within what the user may see (in the query).

Which dossiers: in processing (received, not finished, not waiting for a supplement — a paused clock cannot
slip), not yet past due, due within :data:`HORIZON_WORKING_DAYS` working days (reading: further ahead the
estimate says little, and the list must stay one screen). History: the step passages of the last
:data:`HISTORY_DOSSIERS` dossiers with a result of the procedure at the resolving agency, received within
:data:`HISTORY_DAYS` days (reading: a finished dossier's sheet is complete; a running one's would bias to
short passages).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.plans import plan_from
from motcua.dossiers.selectors import visible_dossiers
from motcua.metrics.selectors import Scope
from motcua.rules.early_warning import Forecast, StepAhead, forecast
from motcua.rules.workdays import WorkCalendar

HORIZON_WORKING_DAYS = 5
HISTORY_DAYS = 365
HISTORY_DOSSIERS = 200
MAX_DOSSIERS = 500


@dataclass(frozen=True)
class Warning:
    dossier: Dossier
    forecast: Forecast


def candidates(user: User, scope: Scope, now: datetime, calendar: WorkCalendar) -> QuerySet[Dossier]:
    """Active dossiers in processing, not yet past due, due within the horizon, in ``scope``, visible to ``user``."""
    horizon = calendar.add_working_seconds(now, HORIZON_WORKING_DAYS * 8 * 3600)
    dossiers = visible_dossiers(user).filter(
        received_at__isnull=False,
        finished_at__isnull=True,
        paused_since__isnull=True,
        current_position__isnull=False,
        due_at__gte=now,
        due_at__lte=horizon,
    )
    if scope.agency is not None:
        dossiers = dossiers.filter(resolving_agency_id=scope.agency.pk)
    elif scope.level is not None:
        dossiers = dossiers.filter(resolving_agency__level=scope.level)
    return dossiers


def step_history(
    keys: set[tuple[int, int]], now: datetime, calendar: WorkCalendar
) -> dict[tuple[int, int], dict[int, list[int]]]:
    """Working-second durations of step passages, by (procedure, resolving agency) and step position: the steps
    of the last :data:`HISTORY_DOSSIERS` dossiers of the procedure at the agency that have a result, received
    within :data:`HISTORY_DAYS` days — two indexed queries per key (the newest dossiers along the resolver's
    (agency, id) index, then their control-sheet rows by dossier)."""
    found: dict[tuple[int, int], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    since = now - timedelta(days=HISTORY_DAYS)
    for procedure_id, agency_id in keys:
        recent = list(
            Dossier.objects.filter(
                resolving_agency_id=agency_id,
                procedure_id=procedure_id,
                finished_at__isnull=False,
                received_at__gte=since,
            )
            .order_by("-pk")
            .values_list("pk", flat=True)[:HISTORY_DOSSIERS]
        )
        per_step = found[(procedure_id, agency_id)]
        rows = DossierStep.objects.filter(dossier_id__in=recent, ended_at__isnull=False).values_list(
            "position", "started_at", "ended_at"
        )
        for position, started, ended in rows:
            per_step[position].append(max(0, calendar.elapsed(started, ended)))
    return found


def likely_late(user: User, scope: Scope, now: datetime, calendar: WorkCalendar) -> list[Warning]:
    """The "likely late" list, the soonest due first."""
    dossiers = list(
        candidates(user, scope, now, calendar)
        .select_related("procedure", "resolving_agency", "terms")
        .order_by("due_at", "pk")[:MAX_DOSSIERS]
    )
    history = step_history({(d.procedure_id, d.resolving_agency_id) for d in dossiers}, now, calendar)
    warnings = []
    for dossier in dossiers:
        plan = plan_from(dossier.plan)
        positions = [step.position for step in plan.steps]
        if dossier.current_position not in positions or dossier.step_started_at is None:
            continue
        index = positions.index(dossier.current_position)

        def allotted(step: object, start: datetime) -> int:
            return calendar.elapsed(start, step.due(calendar, start))  # type: ignore[attr-defined]

        here = plan.steps[index]
        current = StepAhead(here.position, here.name, allotted(here, dossier.step_started_at))
        ahead = [StepAhead(s.position, s.name, allotted(s, now)) for s in plan.steps[index + 1 :]]
        result = forecast(
            calendar,
            now,
            dossier.due_at,
            current,
            dossier.step_started_at,
            ahead,
            history[(dossier.procedure_id, dossier.resolving_agency_id)],
        )
        if result.likely_late:
            warnings.append(Warning(dossier, result))
    return warnings
