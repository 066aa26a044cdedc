"""The province's table of document kinds, read for matching (``rules.document_kinds`` does the matching)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from motcua.datastore.models import DocumentType
from motcua.rules.document_kinds import Kind, effective_kind


def kind_table() -> tuple[Kind, ...]:
    """The kinds as the province keeps them, in matching order (one small query: a few dozen rows)."""
    return tuple(
        Kind(t.slug, t.name, tuple(str(p) for p in t.phrases or ()), t.validity_months)
        for t in DocumentType.objects.order_by("position", "slug")
    )


def requirement_kinds(documents: Sequence[Mapping[str, Any]], kinds: Sequence[Kind]) -> dict[int, str]:
    """The kind of each requirement (a dossier's terms ``documents``, or catalogue rows as dicts) that has one."""
    found = {}
    for document in documents:
        kind = effective_kind(document.get("document_type") or "", document["name"], kinds)
        if kind:
            found[document["id"]] = kind
    return found
