"""Reads of the outbox: what is due, and the conditions shared by the worker's claim and its sweep."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django_tasks_db.models import DBTaskResult

from motcua.integrations.models import OutboxMessage, OutboxState


def lease_is_free(now: datetime) -> Q:
    """Nobody holds the row, or whoever held it let its lease expire (a worker that died)."""
    return Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)


def is_first_in_line() -> Exists:
    """No earlier row of the same destination and ordering key is still undelivered (pending, or dead).

    This is the ordering rule: a dossier's later event never reaches a receiver before an earlier one, and a
    dead event holds back the dossier's later ones until it is re-driven and delivered.
    """
    earlier = OutboxMessage.objects.filter(
        destination=OuterRef("destination"), ordering_key=OuterRef("ordering_key"), pk__lt=OuterRef("pk")
    ).exclude(state=OutboxState.DELIVERED)
    return ~Exists(earlier)


def due_messages(now: datetime) -> QuerySet[OutboxMessage]:
    """Pending rows whose turn it is (leased or not)."""
    return OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now).filter(is_first_in_line())


def work_is_due(now: datetime) -> bool:
    """Whether ``worker --until-idle`` must go on: a message is due, or a background task is ready."""
    return due_messages(now).exists() or DBTaskResult.objects.ready().exists()


def state_counts() -> dict[tuple[str, str], int]:
    """Rows per (destination, state), for listings."""
    rows = OutboxMessage.objects.values_list("destination", "state").annotate(n=Count("id")).order_by()
    return {(destination, state): n for destination, state, n in rows}


def signing_progress(dossier_id: int) -> OutboxMessage | None:
    """The dossier's latest result signing in the worker (outbox destination ``signing``), for its officers' page:
    waiting for a remote official says so in ``last_error``, a rejection or a timeout in a dead row's."""
    return (
        OutboxMessage.objects.filter(destination="signing", dossier_id=dossier_id)
        .only("state", "last_error", "attempts", "created_at")
        .order_by("-id")
        .first()
    )
