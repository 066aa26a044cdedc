"""The health of the installation: database, workers, outbox — cheap reads, safe to poll every few seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.utils import timezone

from motcua.integrations.models import OutboxMessage, OutboxState, WorkerHeartbeat


@dataclass(frozen=True)
class Health:
    database: bool
    worker_seen_at: datetime | None
    worker_age_seconds: float | None
    outbox_pending: int
    outbox_dead: int
    outbox_lag_seconds: float  # how long the oldest due pending message has waited past its due moment

    @property
    def worker_ok(self) -> bool:
        return (
            self.worker_age_seconds is not None
            and self.worker_age_seconds <= settings.MOTCUA_HEALTH_WORKER_STALE_SECONDS
        )

    @property
    def outbox_ok(self) -> bool:
        return self.outbox_lag_seconds <= settings.MOTCUA_HEALTH_OUTBOX_LAG_SECONDS

    @property
    def ok(self) -> bool:
        return self.database and self.worker_ok and self.outbox_ok


def health(now: datetime | None = None) -> Health:
    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        seen = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
        pending = OutboxMessage.objects.filter(state=OutboxState.PENDING)
        oldest_due = pending.filter(next_attempt_at__lte=now).aggregate(first=Min("next_attempt_at"))["first"]
        counts = {
            "pending": pending.count(),
            "dead": OutboxMessage.objects.filter(state=OutboxState.DEAD).count(),
        }
    except DatabaseError:
        return Health(False, None, None, 0, 0, 0.0)
    return Health(
        database=True,
        worker_seen_at=seen,
        worker_age_seconds=(now - seen).total_seconds() if seen else None,
        outbox_pending=counts["pending"],
        outbox_dead=counts["dead"],
        outbox_lag_seconds=max(0.0, (now - oldest_due).total_seconds()) if oldest_due else 0.0,
    )
