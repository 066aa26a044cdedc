"""Reads of certified e-copies; authorisation inside the query (DESIGN.md principle 6).

An officer sees the copies of the agencies where they hold the counter role, nothing else; the list carries the
outbox row's state and last error, so a copy still waiting for a remote official's confirmation says so.
"""

from __future__ import annotations

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.datastore.models import DocumentType
from motcua.ecopies.models import CertifiedCopy
from motcua.integrations.models import OutboxMessage
from motcua.rules.roles import Role


def counter_agencies(user: User) -> QuerySet[Agency]:
    """The agencies where ``user`` receives at the counter."""
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user, memberships__role=Role.COUNTER.value).distinct()


def visible_copies(user: User) -> QuerySet[CertifiedCopy]:
    """The copies of ``user``'s counter agencies, newest first, with the signing's progress (``outbox_*``)."""
    if not user.is_authenticated:
        return CertifiedCopy.objects.none()
    outbox = OutboxMessage.objects.filter(
        idempotency_key=Concat(Value("ecopy:"), OuterRef("pk"), output_field=CharField())
    )
    return (
        CertifiedCopy.objects.filter(agency__in=counter_agencies(user).values("pk"))
        .select_related("agency", "signed")
        .annotate(
            outbox_state=Subquery(outbox.values("state")[:1]),
            outbox_error=Subquery(outbox.values("last_error")[:1]),
            outbox_attempts=Subquery(outbox.values("attempts")[:1]),
        )
        .order_by("-requested_at", "-pk")
    )


def document_kinds() -> list[tuple[str, str]]:
    return list(DocumentType.objects.order_by("position", "slug").values_list("slug", "name"))
