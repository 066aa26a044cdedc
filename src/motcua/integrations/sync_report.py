"""Reads of the unsynchronised-dossier report: every dossier whose latest state the national portal has not
acknowledged, and why (issue 9; it feeds indicator 1.4 of Decision 766, RULES.md §7).

The outbox is the truth of synchronisation. Every action the portal must know about writes one row of the
``national_portal`` destination in the action's own transaction, and the rows of a dossier are delivered in
order; so a dossier is synchronised exactly when it has rows and all of them are delivered. The report asks
only about the undelivered rows (few in normal operation, found through the ``outbox_state`` index), plus the
dossiers that have no row at all (acted on while the destination was not configured).

The reason is read from the dossier's *first* undelivered row, the one that holds the others back:

- ``not_queued``: no row (the portal was not configured when the dossier was acted on);
- ``waiting``: the row has not been tried yet (the portal is behind, or no worker runs);
- ``retrying``: tried and failed for a temporary reason; retried with backoff since the row was written;
- ``refused``: the portal refused the record (a permanent failure, dead before its tries ran out) — with the
  portal's message; trying again cannot help until someone corrects the dossier or the mapping;
- ``dead``: every try failed (the portal was down longer than the backoff lasts).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, QuerySet, When
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.dossiers.selectors import visible_dossiers
from motcua.integrations.destinations import destinations
from motcua.integrations.models import OutboxMessage, OutboxState

#: The destination whose acknowledgement the report reads (the national portal's outbox destination).
NATIONAL_PORTAL = "national_portal"


class Reason(enum.StrEnum):
    NOT_QUEUED = "not_queued"
    WAITING = "waiting"
    RETRYING = "retrying"
    REFUSED = "refused"
    DEAD = "dead"

    @property
    def label(self) -> str:
        """The reason in a few Vietnamese words, for the page, the API and the command."""
        return str(_REASON_TEXTS[self])


_REASON_TEXTS = {
    Reason.NOT_QUEUED: gettext_lazy("Chưa đưa vào hàng gửi (kết nối chưa được cấu hình khi xử lý hồ sơ)"),
    Reason.WAITING: gettext_lazy("Đang chờ gửi"),
    Reason.RETRYING: gettext_lazy("Gửi lỗi, đang thử lại"),
    Reason.REFUSED: gettext_lazy("Cổng từ chối"),
    Reason.DEAD: gettext_lazy("Đã thử hết số lần, không gửi được"),
}


@dataclass(frozen=True)
class SyncStatus:
    configured: bool
    problem: str | None


def sync_status(destination: str = NATIONAL_PORTAL) -> SyncStatus:
    """Whether the destination is installed and configured, and why not (Vietnamese)."""
    plugin = destinations.get(destination)
    if plugin is None:
        return SyncStatus(False, str(gettext_lazy("Chưa cài đặt kết nối với Cổng Dịch vụ công quốc gia.")))
    problem = plugin.problem()
    return SyncStatus(problem is None, None if problem is None else str(problem))


def is_officer(user: User) -> bool:
    """Who may read the report: a member of an agency (its scope is then ``visible_dossiers``) or staff."""
    return user.is_authenticated and (user.is_staff or user.memberships.exists())


@dataclass(frozen=True)
class UnsyncedDossier:
    code: str
    procedure: str
    agency: str
    status: str
    reason: Reason
    #: when the problem began: the blocking row's creation (waiting, retrying), its last try (refused, dead),
    #: or the dossier's last action (not queued)
    since: datetime | None
    #: the portal's or the transport's last message (empty while waiting)
    message: str
    attempts: int
    #: the outbox row that holds the dossier back (``None`` when not queued)
    message_id: int | None
    #: undelivered rows of the dossier (the blocking one and those waiting behind it)
    undelivered: int

    @property
    def status_label(self) -> str:
        return str(DossierStatus(self.status).label)


@dataclass(frozen=True)
class SyncReport:
    destination: str
    total: int
    by_reason: dict[Reason, int]
    items: list[UnsyncedDossier]


def reason_of(row: OutboxMessage) -> Reason:
    """The reason an undelivered row gives (the module's docstring says what each means)."""
    if row.state == OutboxState.DEAD:
        return Reason.REFUSED if row.attempts < settings.MOTCUA_OUTBOX_MAX_ATTEMPTS else Reason.DEAD
    return Reason.RETRYING if row.attempts else Reason.WAITING


def not_queued(dossiers: QuerySet[Dossier], destination: str = NATIONAL_PORTAL) -> QuerySet[Dossier]:
    """The dossiers of ``dossiers`` that never had a row of ``destination``."""
    rows = OutboxMessage.objects.filter(destination=destination, dossier=OuterRef("pk"))
    return dossiers.filter(~Exists(rows))


def unsynced_report(
    user: User | None, *, destination: str = NATIONAL_PORTAL, limit: int = 100, codes: list[str] | None = None
) -> SyncReport:
    """The report as ``user`` may see it (``None``: every dossier, for the command line), oldest problem first.

    ``codes`` narrows it to those dossiers (the page's re-drive). ``total`` and ``by_reason`` count every
    unsynchronised dossier in scope, in the database; ``items`` holds the first ``limit`` of them, so the
    report stays one page of rows during an outage of a hundred thousand dossiers.
    """
    scope = Dossier.objects.all() if user is None else visible_dossiers(user)
    if codes is not None:
        scope = scope.filter(code__in=codes)
    undelivered = OutboxMessage.objects.filter(destination=destination, dossier__isnull=False).exclude(
        state=OutboxState.DELIVERED
    )
    if user is not None or codes is not None:
        undelivered = undelivered.filter(dossier__in=scope.values("pk"))
    blocking = OutboxMessage.objects.filter(
        pk__in=undelivered.values("dossier_id").annotate(first=Min("pk")).values("first")
    )
    most = settings.MOTCUA_OUTBOX_MAX_ATTEMPTS
    dead = Q(state=OutboxState.DEAD)
    pending = Q(state=OutboxState.PENDING)
    counted = blocking.aggregate(
        waiting=Count("pk", filter=pending & Q(attempts=0)),
        retrying=Count("pk", filter=pending & Q(attempts__gt=0)),
        refused=Count("pk", filter=dead & Q(attempts__lt=most)),
        dead=Count("pk", filter=dead & Q(attempts__gte=most)),
    )
    missing = not_queued(scope, destination)
    by_reason = {Reason(name): n for name, n in counted.items()}
    by_reason[Reason.NOT_QUEUED] = missing.count()

    first_rows = list(
        blocking.annotate(since=Case(When(dead, then=F("last_attempt_at")), default=F("created_at")))
        .select_related("dossier__procedure", "dossier__resolving_agency")
        .order_by("since", "pk")[:limit]
    )
    behind = dict(
        undelivered.filter(dossier_id__in=[row.dossier_id for row in first_rows])
        .values("dossier_id")
        .annotate(n=Count("pk"))
        .values_list("dossier_id", "n")
    )
    items = [
        UnsyncedDossier(
            code=row.dossier.code,
            procedure=row.dossier.procedure.code,
            agency=row.dossier.resolving_agency.identifier,
            status=row.dossier.status,
            reason=reason_of(row),
            since=row.since,
            message=row.last_error,
            attempts=row.attempts,
            message_id=row.pk,
            undelivered=behind.get(row.dossier_id, 1),
        )
        for row in first_rows
    ]
    items += [
        UnsyncedDossier(
            code=d.code,
            procedure=d.procedure.code,
            agency=d.resolving_agency.identifier,
            status=d.status,
            reason=Reason.NOT_QUEUED,
            since=d.last_action_at,
            message="",
            attempts=0,
            message_id=None,
            undelivered=0,
        )
        for d in missing.select_related("procedure", "resolving_agency").order_by("last_action_at", "pk")[:limit]
    ]
    items.sort(key=lambda item: (item.since is None, item.since.timestamp() if item.since else 0.0, item.code))
    return SyncReport(destination=destination, total=sum(by_reason.values()), by_reason=by_reason, items=items[:limit])
