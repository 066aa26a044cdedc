"""The personal data store as a projection of the action log (RULES.md §6; ``datastore``).

What enters an owner's store, decided from one logged action and the dossier's files — the same function
(:func:`entries_for`) for the incremental projection (``recording.log_action``, in the action's transaction) and
for the rebuild from the log (``dossiers.wallet_rebuild``, ``motcua rebuild-datastore``):

- the action that receives the dossier (``receive``, or ``accept`` of a registered one): every file submitted
  with it — the documents *accepted* in the dossier, each with the kind of the requirement it was given for;
- a ``supplement`` of a received dossier: the files it brought;
- ``record_result``: the result files, *issued* to the applicant, with the kind of the procedure's result
  (``Procedure.results`` names, matched by ``rules.document_kinds.first_kind``); the signature status is left
  unknown until the signing component (issue 12) sets it (``datastore.services.set_signature_status``).

The owner is the dossier's applicant (``applicant_id_number``: a personal identification number or a tax code).
A document's validity runs from the day it entered (``rules.document_kinds.valid_until``; a reading).

The kind of a requirement is decided when the document enters, with the province's kind table of that moment; a
rebuild decides it with today's table, so a kind corrected since then shows as a difference (``--fix`` applies
the correction to the store).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from motcua.datastore.kinds import kind_table, requirement_kinds
from motcua.datastore.models import StoredDocument, StoreSource
from motcua.datastore.services import Entry, enter, record_uses
from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument
from motcua.rules import payloads
from motcua.rules.actions import ActionType
from motcua.rules.document_kinds import Kind, first_kind, valid_until
from motcua.rules.dossier_state import DossierState
from motcua.rules.workdays import VIETNAM_TZ


def entries_for(
    dossier: Dossier,
    kind: ActionType,
    before: DossierState,
    after: DossierState,
    payload: payloads.Payload,
    at: datetime,
    agency_id: int | None,
    files: Sequence[DossierDocument],
    kinds: Sequence[Kind],
) -> list[Entry]:
    """The store entries one action makes (``files``: the dossier's files, as they are after the action)."""
    if kind in {ActionType.RECEIVE, ActionType.ACCEPT} and before.received_at is None and after.received_at:
        chosen = [f for f in files if f.kind != DocumentKind.RESULT]
        source = StoreSource.ACCEPTED
    elif kind is ActionType.SUPPLEMENT and after.received_at and isinstance(payload, payloads.SupplementPayload):
        wanted = set(payload.documents)
        chosen = [f for f in files if f.pk in wanted]
        source = StoreSource.ACCEPTED
    elif kind is ActionType.RECORD_RESULT and isinstance(payload, payloads.RecordResultPayload):
        wanted = set(payload.documents)
        chosen = [f for f in files if f.pk in wanted]
        source = StoreSource.RESULT
    else:
        return []
    if not chosen:
        return []
    validity = {k.slug: k.validity_months for k in kinds}
    if source == StoreSource.RESULT:
        names = [str(r.get("name", "")) for r in dossier.procedure.results or [] if isinstance(r, dict)]
        result_kind = first_kind(names, kinds) or ""
        by_requirement: dict[int, str] = {}
    else:
        result_kind = ""
        by_requirement = requirement_kinds(dossier.terms_data.get("documents", []), kinds)
    day = at.astimezone(VIETNAM_TZ).date()
    entries = []
    for file in chosen:
        kind_of = (
            result_kind if source == StoreSource.RESULT else by_requirement.get(file.required_document_id or 0, "")
        )
        entries.append(
            Entry(
                owner_number=dossier.applicant_id_number,
                owner_user_id=dossier.applicant_user_id,
                kind=kind_of,
                name=file.name,
                source=source,
                dossier_id=dossier.pk,
                document_id=file.pk,
                agency_id=agency_id
                or (dossier.resolving_agency_id if source == StoreSource.RESULT else dossier.receiving_agency_id),
                entered_at=at,
                sha256=file.sha256,
                valid_until=valid_until(day, validity.get(kind_of)) if kind_of else None,
            )
        )
    return entries


#: The actions that may put a file in a store (any other costs the projection nothing).
STORING_ACTIONS = frozenset({ActionType.RECEIVE, ActionType.ACCEPT, ActionType.SUPPLEMENT, ActionType.RECORD_RESULT})


def project_action(
    dossier: Dossier,
    kind: ActionType,
    before: DossierState,
    after: DossierState,
    payload: payloads.Payload,
    at: datetime,
    agency_id: int | None,
) -> int:
    """Enter what one action puts in the applicant's store (called inside the action's transaction)."""
    if kind not in STORING_ACTIONS:
        return 0
    if kind in {ActionType.RECEIVE, ActionType.ACCEPT} and (before.received_at is not None or not after.received_at):
        return 0
    files = list(DossierDocument.objects.filter(dossier=dossier))
    if not files:
        return 0
    return enter(entries_for(dossier, kind, before, after, payload, at, agency_id, files, kind_table()))


def record_choices(dossier: Dossier, opening: payloads.OpeningPayload, user_id: int | None, channel: str) -> None:
    """The stored documents the opening action took for the dossier (with the consent it carries)."""
    if opening.store_documents:
        record_uses(
            dossier.pk,
            [(c.document_id, c.stored_document, c.consented_at) for c in opening.store_documents],
            user_id=user_id,
            channel=channel,
        )


def entered_for(files: Iterable[int]) -> dict[int, int]:
    """The store row of each dossier file that is in a store (file id → stored document id)."""
    return dict(StoredDocument.objects.filter(document_id__in=list(files)).values_list("document_id", "pk"))
