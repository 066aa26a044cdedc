"""Writes of the personal data store, each inside the caller's transaction (the action that causes it).

The dossiers app calls these from its projection of the log (``dossiers.wallet``): a document enters the store in
the transaction of the action that accepted it, and a choice of stored documents is written with the dossier it
was made for. Nothing here opens a transaction of its own, so a refused action leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.datastore.errors import StoreRefused
from motcua.datastore.models import DocumentType, SignatureStatus, StoredDocument, StoreUse
from motcua.datastore.selectors import owned_by
from motcua.rules.document_kinds import DEFAULT_KINDS, is_valid
from motcua.rules.identity import normalise_identifier


@dataclass(frozen=True)
class Entry:
    """A dossier's file entering its owner's store."""

    owner_number: str
    kind: str
    name: str
    source: str
    dossier_id: int
    document_id: int
    agency_id: int
    entered_at: datetime
    sha256: str
    valid_until: date | None = None
    owner_user_id: int | None = None


def enter(entries: Iterable[Entry]) -> int:
    """Write the entries not in the store yet (a file enters once: ``document`` is unique); returns how many."""
    rows = [
        StoredDocument(
            owner_number=normalise_identifier(e.owner_number),
            owner_user_id=e.owner_user_id,
            kind=e.kind,
            name=e.name,
            source=e.source,
            dossier_id=e.dossier_id,
            document_id=e.document_id,
            agency_id=e.agency_id,
            entered_at=e.entered_at,
            sha256=e.sha256,
            valid_until=e.valid_until,
        )
        for e in entries
        if normalise_identifier(e.owner_number)
    ]
    if not rows:
        return 0
    return len(StoredDocument.objects.bulk_create(rows, ignore_conflicts=True))


def check_choices(
    choices: Mapping[int, int],
    *,
    applicant_number: str,
    kinds: Mapping[int, str],
    user: User | None,
    today: date,
) -> dict[int, StoredDocument]:
    """The stored documents chosen (requirement id → stored document id), each checked: it exists, belongs to
    the applicant (and, for a citizen applying, to ``user``: :func:`selectors.owned_by` — a citizen names only
    their own), is of the requirement's kind and still valid. :class:`StoreRefused` otherwise."""
    if not choices:
        return {}
    number = normalise_identifier(applicant_number)
    scope = StoredDocument.objects.filter(owner_number=number) if user is None else owned_by(user)
    found = {d.pk: d for d in scope.filter(pk__in=set(choices.values()))}
    chosen = {}
    for requirement_id, stored_id in choices.items():
        document = found.get(stored_id)
        if document is None or document.owner_number != number:
            raise StoreRefused(
                _("Giấy tờ số %(id)s không có trong kho dữ liệu của chủ hồ sơ.") % {"id": stored_id}, forbidden=True
            )
        if kinds.get(requirement_id) != document.kind or not document.kind:
            raise StoreRefused(_("Giấy tờ số %(id)s không thay thế được thành phần hồ sơ này.") % {"id": stored_id})
        if not is_valid(document.valid_until, today):
            raise StoreRefused(_("Giấy tờ số %(id)s đã hết thời hạn sử dụng.") % {"id": stored_id})
        chosen[requirement_id] = document
    return chosen


def record_uses(
    dossier_id: int, choices: Sequence[tuple[int, int, datetime]], *, user_id: int | None, channel: str
) -> None:
    """The stored documents taken for a dossier (requirement id, stored document id, consent moment)."""
    StoreUse.objects.bulk_create(
        [
            StoreUse(
                dossier_id=dossier_id,
                required_document_id=requirement,
                stored_document_id=stored,
                consented_at=at,
                consented_by_id=user_id,
                consent_channel=channel,
            )
            for requirement, stored, at in choices
        ],
        ignore_conflicts=True,
    )


def set_signature_status(document_id: int, status: str) -> int:
    """The signature status of the stored copy of a dossier's file (``DossierDocument`` id), once the signing
    component (issue 12) has verified it; returns the rows changed (0: the file is not in a store)."""
    if status not in SignatureStatus.values:
        raise ValueError(status)
    return StoredDocument.objects.filter(document_id=document_id).update(signature_status=status)


def seed_default_kinds() -> int:
    """Put the starting kinds (``rules.document_kinds.DEFAULT_KINDS``) in an empty kinds table, as the
    migration ``0002_seed_document_types`` does; returns how many were added (0 when the table has rows).

    For a database emptied after its migrations (a test's flush): the province's own edits are never
    overwritten, since nothing is added to a table that has any row."""
    if DocumentType.objects.exists():
        return 0
    DocumentType.objects.bulk_create(
        DocumentType(
            slug=kind.slug,
            name=kind.name,
            phrases=list(kind.phrases),
            validity_months=kind.validity_months,
            position=position * 10,
        )
        for position, kind in enumerate(DEFAULT_KINDS)
    )
    return len(DEFAULT_KINDS)
