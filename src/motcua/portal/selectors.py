"""Reads of the citizens' portal. A citizen reads only their own dossiers: the scope is in the query
(``applicant_user``, served by the ``dossier_applicant`` index), never a filter after fetching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from motcua.accounts.models import User
from motcua.dossiers.models import ActionKind, DocumentKind, Dossier, DossierDocument, DossierStatus
from motcua.rules.actions import ActionType, Status

LIST_COLUMNS = ("code", "status", "appointment_at", "submitted_at", "received_at", "procedure__name", "procedure__code")


def own_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers ``user`` filed online themself (their portal's "Hồ sơ của tôi")."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant_user=user)


def own_dossier_list(user: User) -> QuerySet[Dossier]:
    return own_dossiers(user).select_related("procedure").only(*LIST_COLUMNS).order_by("-pk")


def own_dossier(user: User, code: str) -> Dossier | None:
    return (
        own_dossiers(user).select_related("procedure", "receiving_agency", "resolving_agency").filter(code=code).first()
    )


@dataclass(frozen=True)
class Event:
    at: datetime
    label: str
    status: str
    details: list[str]


def history(dossier: Dossier, *, public: bool) -> list[Event]:
    """The dossier's log as the applicant sees it: each action with its date and the status it led to; with
    ``public`` (the tracking page) only what is missing for a supplement is told, never notes or reasons that
    may name people."""
    labels = dict(ActionKind.choices)
    statuses = dict(DossierStatus.choices)
    events = []
    for action in dossier.actions.order_by("seq").only("at", "type", "to_status", "payload", "note"):
        details = list(action.payload.get("missing", []))
        if not public:
            details += [str(r) for r in action.payload.get("reasons", [])]
            details += [str(action.payload[k]) for k in ("reason",) if action.payload.get(k)]
        events.append(
            Event(action.at, labels.get(action.type, action.type), statuses.get(action.to_status, ""), details)
        )
    return events


def missing_for_supplement(dossier: Dossier) -> list[str]:
    """What the open request to supplement asks for (empty when none is open)."""
    if dossier.status != Status.AWAITING_SUPPLEMENT:
        return []
    request = dossier.actions.filter(type=ActionType.REQUEST_SUPPLEMENT).order_by("-seq").only("payload").first()
    return list(request.payload.get("missing", [])) if request else []


def result_documents(dossier: Dossier) -> list[DossierDocument]:
    """The result's files, once the result is ready (not while it is being prepared)."""
    if dossier.status not in (Status.RESULT_READY, Status.RETURNED):
        return []
    return list(dossier.documents.filter(kind=DocumentKind.RESULT).order_by("pk"))


def own_document(user: User, code: str, document_id: int) -> DossierDocument | None:
    """A file of the user's own dossier that the applicant may download: what they submitted, and the result
    once it is ready."""
    document = (
        DossierDocument.objects.select_related("dossier")
        .filter(dossier__applicant_user=user, dossier__code=code, pk=document_id)
        .first()
    )
    if document is None:
        return None
    if document.kind == DocumentKind.RESULT and document.dossier.status not in (Status.RESULT_READY, Status.RETURNED):
        return None
    return document


def draft_data(user: User, offering_id: int) -> dict[str, Any]:
    from motcua.portal.models import Draft

    draft = Draft.objects.filter(user=user, offering_id=offering_id).only("data").first()
    return dict(draft.data) if draft else {}
