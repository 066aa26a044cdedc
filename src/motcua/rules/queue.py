"""How an officer's queue shows a dossier's deadline: the colour of working time left.

The same engine that decides due moments (``rules.workdays``) measures what is left, so the queue, the
dossier page and the reports cannot disagree about what is late (DESIGN.md principle 1).
"""

from __future__ import annotations

import enum
from datetime import datetime

from motcua.rules.actions import FINAL_STATUSES, Status
from motcua.rules.workdays import Unit, WorkCalendar, duration_seconds


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
