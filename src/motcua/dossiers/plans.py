"""What a dossier is received under: its terms (process, documents, fees), snapshotted at intake.

The catalogue keeps changing — a re-import, a reform plan, an officer's edit — but a dossier must go on
being what it was when it was received: its steps and allotted times, the required documents as they were
named and which forms they asked for, the fee lines it owes (issue 8; DESIGN.md principle 2). The terms are
one immutable, content-addressed ``DossierTerms`` row shared by every dossier received under them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.models import Offering
from motcua.dossiers.models import DossierTerms, forget_terms, remember_terms
from motcua.rules.lifecycle import Plan, StepPlan
from motcua.rules.roles import Role
from motcua.rules.workdays import Unit

#: Version of the terms' layout, part of the content (a new layout never collides with an old one).
TERMS_VERSION = 1


@dataclass(frozen=True)
class Terms:
    """A terms document with its canonical JSON and the SHA-256 that addresses it."""

    data: dict[str, Any]
    digest: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> Terms:
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return cls(json.loads(canonical), hashlib.sha256(canonical.encode()).hexdigest())


def terms_of(offering: Offering, channel: str) -> Terms:
    """The terms a dossier of ``offering`` received through ``channel`` gets now.

    The offering must be receivable through the channel (``catalog.availability``). Counter steps without
    an explicit agency happen at the one-stop desk of the offering; other steps without one at the
    resolving agency. Kept on the offering instance: intake's offerings are cached per process until the
    catalogue changes (``catalog.selectors.offering_for_intake``), so the terms are built once per version.
    """
    kept: dict[str, Terms] = offering.__dict__.setdefault("_dossier_terms", {})
    if channel not in kept:
        kept[channel] = Terms.of(_build_terms(offering, channel))
    return kept[channel]


def _build_terms(offering: Offering, channel: str) -> dict[str, Any]:
    row = next(c for c in offering.channels.all() if c.channel == channel)
    duration = row.duration
    assert duration is not None, "checked by catalog.availability"
    templates = {t.channel: t for t in offering.templates.all()}
    template = templates.get(channel) or templates[""]
    desk = offering.receiving_agency_id or offering.agency_id
    steps = []
    for step in sorted(template.steps.all(), key=lambda s: s.position):
        agency = step.executing_agency_id or (desk if step.role == Role.COUNTER else offering.agency_id)
        steps.append(
            {
                "position": step.position,
                "name": step.name,
                "role": step.role,
                "agency_id": agency,
                "amount": str(step.allotted_amount),
                "unit": step.allotted_unit,
            }
        )
    procedure = offering.procedure
    return {
        "version": TERMS_VERSION,
        "procedure": {"code": procedure.code, "name": procedure.name},
        "channel": channel,
        "plan": {
            "processing": {"amount": str(duration.amount), "unit": duration.unit.value},
            "steps": steps,
            "desk_agency_id": desk,
            "resolver_agency_id": offering.agency_id,
        },
        "documents": [
            {
                "id": d.pk,
                "name": d.name,
                "form": d.form,
                "quantity": d.quantity,
                "condition": d.condition,
                "group": d.group,
                "document_type": d.document_type,
                "templates": list(d.templates),
            }
            for d in procedure.documents.all()
        ],
        "fees": [
            {
                "id": f.pk,
                "kind": f.kind,
                "name": f.name,
                "amount_vnd": str(f.amount_vnd) if f.amount_vnd is not None else None,
                "condition": f.condition,
            }
            for f in offering.fees.all()
            if f.channel in ("", channel)
        ],
    }


_IDS_BY_HASH: dict[str, int] = {}


def store_terms(terms: Terms) -> DossierTerms:
    """The ``DossierTerms`` row of ``terms``, written when it is new (in the caller's transaction).

    ``INSERT … ON CONFLICT DO NOTHING`` lets concurrent intakes under the same new terms both succeed;
    the id of a committed row is then kept in the process, so a common intake costs no query here.
    """
    known = _IDS_BY_HASH.get(terms.digest)
    if known is not None:
        return DossierTerms(pk=known, sha256=terms.digest, data=terms.data)
    DossierTerms.objects.bulk_create([DossierTerms(sha256=terms.digest, data=terms.data)], ignore_conflicts=True)
    row = DossierTerms.objects.only("pk", "sha256").get(sha256=terms.digest)
    row.data = terms.data

    def keep() -> None:
        _IDS_BY_HASH[terms.digest] = row.pk

    transaction.on_commit(keep)
    remember_terms(row.pk, row.data)
    return row


def forget_cached_terms() -> None:
    """Drop what this process keeps of terms rows (tests that empty the database call it)."""
    _IDS_BY_HASH.clear()
    forget_terms()


def plan_from(snapshot: Mapping[str, Any]) -> Plan:
    """The reducer's plan from the ``plan`` part of a dossier's terms, with the working calendar as it is now
    (used for new actions; a fold uses the moments the log recorded, ``rules.lifecycle.Facts``)."""
    return Plan(
        calendar=get_work_calendar(),
        steps=tuple(
            StepPlan(s["position"], s["name"], Role(s["role"]), s["agency_id"], Decimal(s["amount"]), Unit(s["unit"]))
            for s in snapshot["steps"]
        ),
        processing_amount=Decimal(snapshot["processing"]["amount"]),
        processing_unit=Unit(snapshot["processing"]["unit"]),
        desk_agency_id=snapshot["desk_agency_id"],
        resolver_agency_id=snapshot["resolver_agency_id"],
        apology_margin_seconds=settings.MOTCUA_APOLOGY_MARGIN_SECONDS,
    )


def document_names(terms: Mapping[str, Any]) -> dict[int, str]:
    """Required document id → its name as it was at intake."""
    return {d["id"]: d["name"] for d in terms.get("documents", [])}
