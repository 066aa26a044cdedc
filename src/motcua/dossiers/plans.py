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


def terms_of(offering: Offering, channel: str) -> dict[str, Any]:
    """The terms a dossier of ``offering`` received through ``channel`` gets now.

    The offering must be receivable through the channel (``catalog.availability``). Counter steps without
    an explicit agency happen at the one-stop desk of the offering; other steps without one at the
    resolving agency.
    """
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


def store_terms(data: Mapping[str, Any]) -> DossierTerms:
    """The ``DossierTerms`` row of ``data``, written when it is new (in the caller's transaction).

    ``INSERT … ON CONFLICT DO NOTHING`` lets concurrent intakes under the same new terms both succeed;
    the id of a committed row is then kept in the process, so a common intake costs no query here.
    """
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    known = _IDS_BY_HASH.get(digest)
    if known is not None:
        return DossierTerms(pk=known, sha256=digest, data=data)
    content = json.loads(canonical)
    DossierTerms.objects.bulk_create([DossierTerms(sha256=digest, data=content)], ignore_conflicts=True)
    terms = DossierTerms.objects.only("pk", "sha256").get(sha256=digest)
    terms.data = content

    def keep() -> None:
        _IDS_BY_HASH[digest] = terms.pk

    transaction.on_commit(keep)
    remember_terms(terms.pk, terms.data)
    return terms


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
