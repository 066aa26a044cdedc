"""The early warning's per-step duration summary (``metrics.StepDurationCount``, decision 53): what the control
sheets say it should be (the rebuild's source and the rebuild == incremental check), and the rebuild.

The actions add to it as they end passages (``dossiers.recording.log_action``); the durations are working
seconds by the calendar as it is (``calendars``), so after a changed calendar, or a rebuild of the control sheets
(``motcua rebuild-dossiers``), ``motcua rebuild-metrics`` recomputes it with the counters.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from motcua.calendars.selectors import get_work_calendar
from motcua.dossiers.models import DossierStep
from motcua.metrics.models import StepDurationCount
from motcua.metrics.services import replace_step_durations
from motcua.rules.dossier_state import StepRecord
from motcua.rules.early_warning import summarised
from motcua.rules.roles import Role

#: (agency, procedure, position, month, seconds)
SummaryKey = tuple[int, int, int, object, int]


def durations_from_sheets(chunk: int = 5000) -> dict[SummaryKey, int]:
    """The summary as the ended control-sheet rows say, keyed by the dossier's resolving agency and procedure."""
    calendar = get_work_calendar()
    found: Counter[SummaryKey] = Counter()
    rows = (
        DossierStep.objects.filter(ended_at__isnull=False)
        .values_list("dossier__resolving_agency_id", "dossier__procedure_id", "position", "started_at", "ended_at")
        .order_by()
        .iterator(chunk_size=chunk)
    )
    for agency, procedure, position, started, ended in rows:
        record = StepRecord(position, Role.COUNTER, agency, started, ended, ended)
        pos, month, seconds = summarised(record, calendar)
        found[(agency, procedure, pos, month, seconds)] += 1
    return dict(found)


def stored_durations() -> dict[SummaryKey, int]:
    rows = StepDurationCount.objects.exclude(passages=0).values_list(
        "agency_id", "procedure_id", "position", "month", "seconds", "passages"
    )
    return {tuple(row[:5]): row[5] for row in rows}  # type: ignore[misc]


@transaction.atomic
def rebuild_step_durations() -> int:
    """Replace the summary by the control sheets'; returns the rows written."""
    return replace_step_durations(
        StepDurationCount(agency_id=a, procedure_id=p, position=pos, month=m, seconds=s, passages=n)
        for (a, p, pos, m, s), n in durations_from_sheets().items()
    )
