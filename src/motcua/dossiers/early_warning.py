"""The early-warning list (issue 13): active dossiers expected to finish after their due moment, before they are
late, with the step that slips — ``rules.early_warning`` fed with the step durations of the same procedure at
the same agency (the control sheet, ``DossierStep``), within what the user may see (in the query).

Which dossiers: in processing (received, not finished, not waiting for a supplement — a paused clock cannot
slip), not yet past due, due within :data:`HORIZON_WORKING_DAYS` working days (reading: further ahead the
estimate says little, and the list must stay one screen). History: the step passages of the procedure at the
resolving agency that ended in the last :data:`HISTORY_MONTHS` calendar months (this one included), from the
per-step duration summary kept with the counters (``metrics.StepDurationCount``, decision 53: a passage counts
when it ends — a running one is not in it, so the history is not biased to short passages).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet, Sum
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.plans import plan_from
from motcua.dossiers.selectors import visible_dossiers
from motcua.metrics.models import StepDurationCount
from motcua.metrics.selectors import Scope
from motcua.rules.early_warning import Forecast, StepAhead, forecast
from motcua.rules.lifecycle import Plan
from motcua.rules.workdays import WorkCalendar

HORIZON_WORKING_DAYS = 5
HISTORY_MONTHS = 12
MAX_DOSSIERS = 500
#: What the list and the forecast read of a dossier: not its JSON columns, and not the terms row by a join — the
#: terms are read through the process's cache (``Dossier.terms_data``), once per terms row, not once per dossier.
LISTED_FIELDS = (
    "code",
    "terms_id",
    "procedure_id",
    "resolving_agency_id",
    "current_position",
    "step_started_at",
    "due_at",
    "procedure__name",
)


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


def step_history(keys: set[tuple[int, int]], now: datetime) -> dict[tuple[int, int], dict[int, dict[int, int]]]:
    """The duration summaries (working seconds → passages) by (procedure, resolving agency) and step position:
    the passages that ended in the :data:`HISTORY_MONTHS` months up to ``now``'s (``metrics.StepDurationCount``)
    — one indexed query for every key of the list, a few hundred rows per step."""
    found: dict[tuple[int, int], dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    if not keys:
        return found
    this_month = timezone.localdate(now).replace(day=1)
    since = (this_month - timedelta(days=31 * (HISTORY_MONTHS - 1))).replace(day=1)
    rows = (
        StepDurationCount.objects.filter(
            agency_id__in={agency for _procedure, agency in keys},
            procedure_id__in={procedure for procedure, _agency in keys},
            month__gte=since,
        )
        .values_list("procedure_id", "agency_id", "position", "seconds")
        .annotate(total=Sum("passages"))
        .order_by()
    )
    for procedure, agency, position, seconds, total in rows:
        if (procedure, agency) in keys and total:
            found[(procedure, agency)][position][seconds] = total
    return found


def likely_late(user: User, scope: Scope, now: datetime, calendar: WorkCalendar) -> list[Warning]:
    """The "likely late" list, the soonest due first."""
    dossiers = list(
        candidates(user, scope, now, calendar)
        .select_related("procedure")
        .only(*LISTED_FIELDS)
        .order_by("due_at", "pk")[:MAX_DOSSIERS]
    )
    history = step_history({(d.procedure_id, d.resolving_agency_id) for d in dossiers}, now)
    warnings = []
    plans: dict[int, Plan] = {}  # the listed dossiers share a few terms rows: each plan is parsed once
    for dossier in dossiers:
        plan = plans.get(dossier.terms_id) or plans.setdefault(dossier.terms_id, plan_from(dossier.plan))
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
