"""Reading the access log: the monitoring officer's search (province-wide readers only, in the query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from motcua.accesslog.models import AccessEvent
from motcua.catalog.selectors import reads_province_wide


@dataclass(frozen=True)
class AccessFilter:
    username: str = ""
    kind: str = ""
    dossier_code: str = ""
    address: str = ""
    first: date | None = None
    last: date | None = None


def may_read_access_log(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False)) or reads_province_wide(user)  # type: ignore[arg-type]


def search(user: object, wanted: AccessFilter) -> QuerySet[AccessEvent]:
    """The events ``wanted`` selects, newest first; none for a user who may not read the log."""
    events = AccessEvent.objects.all() if may_read_access_log(user) else AccessEvent.objects.none()
    if wanted.username:
        events = events.filter(username__iexact=wanted.username)
    if wanted.kind:
        events = events.filter(kind=wanted.kind)
    if wanted.dossier_code:
        events = events.filter(dossier_code=wanted.dossier_code)
    if wanted.address:
        events = events.filter(address=wanted.address)
    zone = timezone.get_current_timezone()
    if wanted.first:
        events = events.filter(at__gte=datetime.combine(wanted.first, time.min, zone))
    if wanted.last:
        events = events.filter(at__lt=datetime.combine(wanted.last + timedelta(days=1), time.min, zone))
    return events.order_by("-at", "-pk")
