"""Early warning: when an active dossier is expected to finish, from how long each step of its procedure has
taken at its agency, against its due moment (issue 13) — a "likely late" list before it is late, naming the
step that slips.

A pure estimator: it takes the history of step durations (working seconds, ``rules.workdays``, so nights,
weekends and days off do not count) and the dossier's position in its process, and answers a
:class:`Forecast`. Readings (ours; RULES.md has no such rule):

- a step's **expected duration** is the median of its history (the same procedure, agency and step position),
  or its allotted time in the process template when it has fewer than :data:`MIN_HISTORY` passages;
- the **current step's remaining time** is the median of what remained, in the history, for the passages
  that had already lasted as long as this one (a step already long is expected to last longer), or what its
  expected duration leaves; 0 when no passage ever lasted that long;
- the dossier is **likely late** when now + the current step's remaining time + the expected durations of the
  steps still ahead falls after its due moment;
- the **slipping step** is the step (current or ahead) whose expected duration exceeds its allotted time by the
  most; for the current step, the time spent so far counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median_low

from motcua.rules.workdays import WorkCalendar

#: Fewer passages than this in a step's history: its allotted time is the expectation.
MIN_HISTORY = 5


@dataclass(frozen=True)
class StepAhead:
    """A step of the dossier's plan: its position in the template, its name, its allotted working seconds."""

    position: int
    name: str
    allotted_seconds: int


@dataclass(frozen=True)
class Forecast:
    expected_finish: datetime
    due_at: datetime
    likely_late: bool
    #: the step that slips most (its position and name), None when every step is within its allotted time
    slipping_position: int | None
    slipping_name: str
    #: by how many working seconds the slipping step is expected to exceed its allotted time
    slip_seconds: int


def expected_seconds(history: Sequence[int], allotted: int) -> int:
    """A step's expected duration: the median of its history, its allotted time without enough history."""
    if len(history) < MIN_HISTORY:
        return allotted
    return median_low(sorted(history))


def remaining_seconds(history: Sequence[int], elapsed: int, allotted: int) -> int:
    """What the current step is expected still to take, having lasted ``elapsed`` working seconds."""
    if len(history) < MIN_HISTORY:
        return max(0, allotted - elapsed)
    longer = sorted(d - elapsed for d in history if d > elapsed)
    return median_low(longer) if longer else 0


def forecast(
    calendar: WorkCalendar,
    now: datetime,
    due_at: datetime,
    current: StepAhead,
    current_started_at: datetime,
    ahead: Sequence[StepAhead],
    history: Mapping[int, Sequence[int]],
) -> Forecast:
    """The forecast of a dossier at ``current`` (started at ``current_started_at``) with ``ahead`` still to
    come; ``history``: the working-second durations of past passages, by step position."""
    elapsed = max(0, calendar.elapsed(current_started_at, now))
    left = remaining_seconds(history.get(current.position, ()), elapsed, current.allotted_seconds)
    expectations = [(current, elapsed + left)]
    expectations += [(step, expected_seconds(history.get(step.position, ()), step.allotted_seconds)) for step in ahead]
    total_left = left + sum(seconds for _step, seconds in expectations[1:])
    finish = calendar.add_working_seconds(now, total_left) if total_left > 0 else now
    worst, slip = None, 0
    for step, seconds in expectations:
        excess = seconds - step.allotted_seconds
        if excess > slip:
            worst, slip = step, excess
    return Forecast(
        expected_finish=finish,
        due_at=due_at,
        likely_late=finish > due_at,
        slipping_position=worst.position if worst else None,
        slipping_name=worst.name if worst else "",
        slip_seconds=slip,
    )
