"""The personal data store rebuilt from the action log (DESIGN.md principle 2): what ``dossiers.wallet`` would
have entered for every logged action, compared with what the store holds (``motcua rebuild-datastore``)."""

from __future__ import annotations

from django.db import transaction

from motcua.datastore.kinds import kind_table
from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.services import Entry, enter
from motcua.dossiers.models import Dossier
from motcua.dossiers.projections import ACTIONS_IN_ORDER, replay
from motcua.dossiers.wallet import STORING_ACTIONS, entries_for
from motcua.rules.dossier_state import DossierState

#: How the store's rows are compared with the log: what an entry says, by the dossier file it is.
Row = tuple[str, str, str, str, int, int, str, int | None]


def _row(entry: Entry) -> Row:
    return (
        entry.owner_number,
        entry.kind,
        entry.source,
        entry.sha256,
        entry.dossier_id,
        entry.agency_id,
        str(entry.valid_until or ""),
        entry.owner_user_id,
    )


def expected_entries(batch: int = 500) -> dict[int, Entry]:
    """What the store should hold, folded from the whole log: by dossier file id."""
    kinds = kind_table()
    expected: dict[int, Entry] = {}
    dossiers = (
        Dossier.objects.order_by("pk").select_related("procedure").prefetch_related(ACTIONS_IN_ORDER, "documents")
    )
    for dossier in dossiers.iterator(chunk_size=batch):
        files = list(dossier.documents.all())
        if not files:
            continue
        before = DossierState()
        for row, action, state in replay(dossier):
            if action.type in STORING_ACTIONS:
                for entry in entries_for(
                    dossier, action.type, before, state, action.payload, row.at, row.actor_agency_id, files, kinds
                ):
                    expected.setdefault(entry.document_id, entry)
            before = state
    return expected


def stored_rows() -> dict[int, Row]:
    """The store's rows of dossier files (a certified e-copy is no dossier's file: the ``ecopies`` app's own)."""
    rows = StoredDocument.objects.filter(document__isnull=False).values_list(
        "document_id",
        "owner_number",
        "kind",
        "source",
        "sha256",
        "dossier_id",
        "agency_id",
        "valid_until",
        "owner_user_id",
    )
    return {
        doc: (owner, kind, source, sha, dossier, agency, str(until or ""), user)
        for doc, owner, kind, source, sha, dossier, agency, until, user in rows
    }


def differing_store() -> tuple[dict[int, Entry], set[int]]:
    """The entries the store lacks or holds otherwise than the log says (by file id), and the files it holds
    that the log does not put there."""
    expected, stored = expected_entries(), stored_rows()
    wrong = {doc: e for doc, e in expected.items() if stored.get(doc) != _row(e)}
    return wrong, set(stored) - set(expected)


@transaction.atomic
def rebuild_store() -> int:
    """Make the store what the log says: missing entries written, differing ones corrected, extra ones removed
    when no dossier took them. Returns the rows changed."""
    wrong, extra = differing_store()
    changed = 0
    for doc, entry in wrong.items():
        updated = StoredDocument.objects.filter(document_id=doc).update(
            owner_number=entry.owner_number,
            kind=entry.kind,
            source=entry.source,
            sha256=entry.sha256,
            dossier_id=entry.dossier_id,
            agency_id=entry.agency_id,
            valid_until=entry.valid_until,
            owner_user_id=entry.owner_user_id,
        )
        changed += updated or enter([entry])
    unused = StoredDocument.objects.filter(document_id__in=extra).exclude(
        pk__in=StoreUse.objects.values("stored_document")
    )
    changed += unused.delete()[0]
    return changed
