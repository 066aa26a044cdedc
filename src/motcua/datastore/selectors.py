"""Reads of the personal data store; authorisation inside the query (DESIGN.md principle 6).

Who may see a stored document: its owner — a citizen whose account an identity provider verified for that
personal identification number (``User.identity_verified`` and ``personal_id_number``, added by the accounts of
issue 10), or the account that filed the dossier the document came from — and, for a dossier it was taken for,
the officers who may see that dossier (``dossiers.selectors.visible_dossiers`` decides, in the workbench).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from motcua.accounts.models import User
from motcua.datastore.kinds import kind_table, requirement_kinds
from motcua.datastore.models import StoredDocument, StoreUse
from motcua.rules.identity import normalise_identifier


def verified_number(user: User) -> str:
    """The personal identification number (or tax code) an identity provider vouched for, or ""."""
    if not getattr(user, "identity_verified", False):
        return ""
    return normalise_identifier(getattr(user, "personal_id_number", "") or "")


def owned_by(user: User) -> QuerySet[StoredDocument]:
    """The stored documents ``user`` owns: of their verified number, or from the dossiers they filed (the
    dossier's ``applicant_user``, kept on the row as ``owner_user``)."""
    if not user.is_authenticated:
        return StoredDocument.objects.none()
    # two indexed branches (``store_owner_user``, ``store_owner_kind``), OR-ed: no join under the OR
    scope = Q(owner_user=user)
    number = verified_number(user)
    if number:
        scope |= Q(owner_number=number)
    return StoredDocument.objects.filter(scope)


def my_documents(user: User, *, limit: int = 500) -> list[StoredDocument]:
    """The citizen's store, newest first, with the provenance the API shows."""
    return list(
        owned_by(user)
        .select_related("dossier", "agency")
        .only(
            "id",
            "kind",
            "name",
            "source",
            "entered_at",
            "sha256",
            "signature_status",
            "valid_until",
            "dossier__code",
            "agency__identifier",
            "agency__name",
            "document_id",
            "owner_number",
            "certified_by",
        )
        .order_by("-entered_at", "-id")[:limit]
    )


#: At most this many stored documents are read for one lookup (all kinds together).
CAP = 200


@dataclass
class Offer:
    """A requirement of an offering and the stored documents of the applicant that satisfy it."""

    requirement_id: int
    requirement_name: str
    kind: str
    documents: list[StoredDocument] = field(default_factory=list)


def offers(
    owner_number: str,
    requirements: Sequence[Mapping[str, Any]],
    *,
    today: date,
    user: User | None = None,
    per_requirement: int = 5,
) -> list[Offer]:
    """Every requirement (``{"id", "name", "document_type"}``) that a valid stored document of ``owner_number``
    satisfies, with the newest such documents. ``user``: a citizen applying for themself — only their own
    documents (:func:`owned_by`); None at the counter, where the officer serves the applicant in person.

    One query for every kind present: an index range of ``store_owner_kind`` (owner, kind, newest first) per kind,
    cut at ``CAP`` rows in all — an owner holds a handful of papers of a kind, so the cost does not grow with the
    size of the store; the newest ``per_requirement`` of each kind are offered.
    """
    number = normalise_identifier(owner_number)
    kinds = requirement_kinds(requirements, kind_table())
    if not number or not kinds:
        return []
    valid = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    base = StoredDocument.objects.filter(valid, owner_number=number, kind__in=sorted(set(kinds.values())))
    if user is not None:
        base = base & owned_by(user)
    found: dict[str, list[StoredDocument]] = {}
    for document in base.select_related("dossier", "agency").order_by("kind", "-entered_at")[:CAP]:
        shown = found.setdefault(document.kind, [])
        if len(shown) < per_requirement:
            shown.append(document)
    result = []
    for requirement in requirements:
        kind = kinds.get(requirement["id"])
        if kind and found.get(kind):
            result.append(Offer(requirement["id"], requirement["name"], kind, found[kind]))
    return result


def offers_for_offering(owner_number: str, offering: Any, *, today: date, user: User | None = None) -> list[Offer]:
    """:func:`offers` for the required documents of an offering's procedure (the apply page, the counter)."""
    requirements = [
        {"id": d.pk, "name": d.name, "document_type": d.document_type}
        for d in offering.procedure.documents.all()
        if d.retired_at is None
    ]
    return offers(owner_number, requirements, today=today, user=user)


def uses_of(dossier_id: int) -> list[StoreUse]:
    """The stored documents taken for a dossier, with their provenance (the officer's dossier page)."""
    return list(
        StoreUse.objects.filter(dossier_id=dossier_id)
        .select_related("stored_document__dossier", "stored_document__agency", "required_document")
        .order_by("required_document__position", "id")
    )


def used_document(dossier_id: int, stored_id: int) -> StoredDocument | None:
    """A stored document taken for ``dossier_id`` (the officer opens it through that dossier), with its file."""
    use = (
        StoreUse.objects.filter(dossier_id=dossier_id, stored_document_id=stored_id)
        .select_related("stored_document__document")
        .first()
    )
    return use.stored_document if use else None


def own_document(user: User, stored_id: int) -> StoredDocument | None:
    """A stored document of ``user``'s (the preview on the apply page), with its file."""
    return owned_by(user).filter(pk=stored_id).select_related("document").first()


def applicant_document(owner_number: str, stored_id: int) -> StoredDocument | None:
    """A stored document of the applicant ``owner_number`` names (the counter's preview), with its file."""
    number = normalise_identifier(owner_number)
    if not number:
        return None
    return StoredDocument.objects.filter(pk=stored_id, owner_number=number).select_related("document").first()
