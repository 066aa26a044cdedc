"""The working calendar of this installation: built once per process, refreshed when overrides change.

Building a calendar computes per-day tables for two decades (about 0.2 s), so it is cached. Overrides
edited in this process clear the cache at once (signals in ``apps.py``); other processes notice the
change at most ``MOTCUA_CALENDAR_CACHE_SECONDS`` later, by comparing a cheap fingerprint of the table.
"""

from __future__ import annotations

import threading
import time as clock
from datetime import time

from django.conf import settings
from django.db.models import Count, Max, Sum

from motcua.calendars.models import CalendarOverride, OverrideKind
from motcua.rules.workdays import Overrides, WorkCalendar, parse_periods

_lock = threading.Lock()
_cached: WorkCalendar | None = None
_fingerprint: tuple[object, ...] | None = None
_checked_at = 0.0


def _current_fingerprint() -> tuple[object, ...]:
    row = CalendarOverride.objects.aggregate(n=Count("id"), ids=Sum("id"), changed=Max("updated_at"))
    return (row["n"], row["ids"], row["changed"])


def _build() -> WorkCalendar:
    overrides = Overrides(
        days_off={o.day: o.reason for o in CalendarOverride.objects.filter(kind=OverrideKind.DAY_OFF)},
        working_days={o.day: o.reason for o in CalendarOverride.objects.filter(kind=OverrideKind.WORKING_DAY)},
    )
    return WorkCalendar(
        periods=parse_periods(settings.MOTCUA_WORKING_PERIODS),
        same_day_cutoff=time.fromisoformat(settings.MOTCUA_SAME_DAY_CUTOFF),
        calendar_days_move_to_working_day=settings.MOTCUA_CALENDAR_DAYS_MOVE_TO_WORKING_DAY,
        overrides=overrides,
    )


def get_work_calendar() -> WorkCalendar:
    """The calendar every deadline of this installation is computed with."""
    global _cached, _fingerprint, _checked_at
    now = clock.monotonic()
    calendar = _cached
    if calendar is not None and now - _checked_at < settings.MOTCUA_CALENDAR_CACHE_SECONDS:
        return calendar
    with _lock:
        fingerprint = _current_fingerprint()
        if _cached is None or fingerprint != _fingerprint:
            _cached = _build()
            _fingerprint = fingerprint
        _checked_at = now
        return _cached


def forget_work_calendar(**_: object) -> None:
    """Drop the cached calendar (connected to override saves and deletes)."""
    global _cached, _fingerprint
    with _lock:
        _cached = None
        _fingerprint = None
