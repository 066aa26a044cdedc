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

A history is either the passages' durations one by one, or a **summary** — duration → how many passages
(``Histogram``), the form the database keeps per agency × procedure × step × month so that a request reads a
few hundred rows instead of scanning the control sheets (decision 53). Summarised durations are rounded **up**
by :func:`bucket_of` (to 15 working minutes below 5 working days, to the working hour below 40, then to the working
day): a median of rounded durations is the rounded median, never shorter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from motcua.rules.dossier_state import StepRecord
from motcua.rules.workdays import WorkCalendar

#: Fewer passages than this in a step's history: its allotted time is the expectation.
MIN_HISTORY = 5

#: Durations of one passage each, or a summary: duration (working seconds) → number of passages.
History = Sequence[int] | Mapping[int, int]

#: (up to working seconds, bucket width) — the rounding of a summarised duration (see the module's docstring).
BUCKETS = ((5 * 8 * 3600, 900), (40 * 8 * 3600, 3600))
LONG_BUCKET = 8 * 3600


def bucket_of(seconds: int) -> int:
    """A passage's duration rounded up to its bucket's upper bound (0 stays 0)."""
    seconds = max(0, seconds)
    for limit, width in BUCKETS:
        if seconds <= limit:
            return -(-seconds // width) * width
    return -(-seconds // LONG_BUCKET) * LONG_BUCKET


def _pairs(history: History) -> list[tuple[int, int]]:
    """(duration, passages) sorted by duration."""
    if isinstance(history, Mapping):
        return sorted((d, n) for d, n in history.items() if n > 0)
    counted: dict[int, int] = {}
    for d in history:
        counted[d] = counted.get(d, 0) + 1
    return sorted(counted.items())


def _median_low(pairs: Iterable[tuple[int, int]], size: int) -> int:
    """``statistics.median_low`` of the weighted values: the ((size − 1) // 2)-th, counting from 0."""
    wanted = (size - 1) // 2
    for value, n in pairs:
        if wanted < n:
            return value
        wanted -= n
    raise ValueError("empty history")


def passages(history: History) -> int:
    return sum(history.values()) if isinstance(history, Mapping) else len(history)


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


def expected_seconds(history: History, allotted: int) -> int:
    """A step's expected duration: the median of its history, its allotted time without enough history."""
    size = passages(history)
    if size < MIN_HISTORY:
        return allotted
    return _median_low(_pairs(history), size)


def remaining_seconds(history: History, elapsed: int, allotted: int) -> int:
    """What the current step is expected still to take, having lasted ``elapsed`` working seconds."""
    if passages(history) < MIN_HISTORY:
        return max(0, allotted - elapsed)
    longer = [(d - elapsed, n) for d, n in _pairs(history) if d > elapsed]
    size = sum(n for _d, n in longer)
    return _median_low(longer, size) if size else 0


def forecast(
    calendar: WorkCalendar,
    now: datetime,
    due_at: datetime,
    current: StepAhead,
    current_started_at: datetime,
    ahead: Sequence[StepAhead],
    history: Mapping[int, History],
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


def newly_ended(before: Sequence[StepRecord], after: Sequence[StepRecord]) -> list[StepRecord]:
    """The control-sheet passages an action ended: ended in ``after``, running (or absent) in ``before`` — what
    the duration summary adds to, in the action's transaction."""
    return [
        step
        for index, step in enumerate(after)
        if step.ended_at is not None and (index >= len(before) or before[index].ended_at is None)
    ]


def summarised(step: StepRecord, calendar: WorkCalendar) -> tuple[int, date, int]:
    """An ended passage as the duration summary counts it: (its step position, the first day of the month it
    ended in, its working seconds rounded up by :func:`bucket_of`)."""
    assert step.ended_at is not None
    month = step.ended_at.astimezone(calendar.tz).date().replace(day=1)
    return step.position, month, bucket_of(calendar.elapsed(step.started_at, step.ended_at))
