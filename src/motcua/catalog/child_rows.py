"""A procedure's or an offering's child rows brought in line with a file, by natural key, in bulk.

Dossiers refer to catalogue child rows (a dossier's document to the required document it answers, an intake
checklist to required-document ids), so loading a procedure again must not delete and re-create them. Each row a
file gives is paired with the row the database holds under the same natural key:

========================  ==========================================  ===================================
rows                      natural key                                 compared and updated in place
========================  ==========================================  ===================================
required documents        (name, group) + occurrence of that pair     position, quantity, form, condition,
                                                                      document type, templates
channels                  channel                                     processing time (amount, unit, text)
fees                      (kind, name, channel) + occurrence          position, amount, condition
process templates         channel                                     name
process steps             position in their template                  name, role, agency, allotted time
========================  ==========================================  ===================================

A pair whose values are equal is not written at all; a changed one is updated (same primary key); a row the file
no longer gives is retired (``retired_at``, see ``models.retirable``), never deleted; a retired row whose key comes
back is brought back. When several held rows share a key (a row added in the admin beside a retired one), current
rows are paired first, in their order, then retired ones, the most recently retired first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from django.db import models

from motcua.catalog.models import Fee, OfferingChannel, ProcessStep, ProcessTemplate, RequiredDocument
from motcua.catalog.models.retirable import Retirable

Row = TypeVar("Row", bound=Retirable)

#: Attributes compared and written, per model (attribute names: ``executing_agency_id``, not the relation).
COMPARED: dict[type[Retirable], tuple[str, ...]] = {
    RequiredDocument: ("position", "quantity", "form", "condition", "document_type", "templates", "retired_at"),
    OfferingChannel: ("processing_amount", "processing_unit", "processing_text", "retired_at"),
    Fee: ("position", "amount_vnd", "condition", "retired_at"),
    ProcessTemplate: ("name", "retired_at"),
    ProcessStep: ("name", "role", "executing_agency_id", "allotted_amount", "allotted_unit", "retired_at"),
}

#: Natural keys, per model.
KEYS: dict[type[Retirable], Callable[[Retirable], Hashable]] = {
    RequiredDocument: lambda d: (d.name, d.group),
    OfferingChannel: lambda c: c.channel,
    Fee: lambda f: (f.kind, f.name, f.channel),
    ProcessTemplate: lambda t: t.channel,
    ProcessStep: lambda s: s.position,
}


def held_order(*fields: str) -> list[models.OrderBy | str]:
    """The order in which held rows are paired: current rows first (in ``fields`` order), then retired ones,
    the most recently retired first."""
    return [models.F("retired_at").desc(nulls_first=True), *fields, "id"]


def by_parent(rows: Iterable[Row], parent: str) -> dict[int, list[Row]]:
    """Held rows (already in :func:`held_order`) grouped by their parent's id (``parent`` is its attribute)."""
    grouped: dict[int, list[Row]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, parent), []).append(row)
    return grouped


@dataclass
class Writes(Generic[Row]):
    """What one model's rows need: created, updated (with the attributes that changed), retired."""

    model: type[Row]
    create: list[Row] = field(default_factory=list)
    update: list[Row] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    retire: list[Row] = field(default_factory=list)

    def pair(self, held: list[Row], wanted: list[Row]) -> list[Row]:
        """Pair ``wanted`` (unsaved rows in file order) with ``held`` (one parent's rows, in :func:`held_order`);
        returns the rows to keep, in file order: held rows updated in memory, or the new rows."""
        key, compared = KEYS[self.model], COMPARED[self.model]
        candidates: dict[Hashable, list[Row]] = {}
        for row in held:
            candidates.setdefault(key(row), []).append(row)
        seen: Counter[Hashable] = Counter()
        kept: list[Row] = []
        paired: set[int] = set()
        for new in wanted:
            natural = key(new)
            index = seen[natural]
            seen[natural] += 1
            rows = candidates.get(natural, [])
            if index >= len(rows):
                self.create.append(new)
                kept.append(new)
                continue
            row = rows[index]
            paired.add(row.pk)
            differences = [name for name in compared if getattr(row, name) != getattr(new, name)]
            if differences:
                for name in differences:
                    setattr(row, name, getattr(new, name))
                self.update.append(row)
                self.changed.update(differences)
            kept.append(row)
        self.retire.extend(row for row in held if row.pk not in paired and row.retired_at is None)
        return kept

    def save(self, now: datetime) -> None:
        manager = self.model.all_objects
        if self.retire:  # first: a retired row frees its key for a current one (the constraints are on those)
            manager.filter(pk__in=[row.pk for row in self.retire]).update(retired_at=now)
            for row in self.retire:
                row.retired_at = now
        if self.update:
            manager.bulk_update(self.update, sorted(self.changed))
        if self.create:
            manager.bulk_create(self.create)
