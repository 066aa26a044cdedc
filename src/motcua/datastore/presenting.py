"""What the apply page (portal) and the counter's intake page show of the store: the offers, ready to render with
``datastore/_offers.html``.

The page gives the link to preview a stored document (``preview``: the citizen's own route on the portal, the
counter's on the workbench); the partial renders, for each requirement a stored document satisfies, one choice per
document — name, where and when it was accepted or issued, valid until, a preview link — "none" (upload or bring
it instead), and one consent checkbox for them all. The form posts ``store_<requirement id>`` = the stored
document's id and ``store_consent`` = ``on``; :func:`chosen_from` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from motcua.datastore.models import StoredDocument
from motcua.datastore.selectors import Offer

FIELD_PREFIX = "store_"
CONSENT_FIELD = "store_consent"


def offer_rows(offers: list[Offer], preview: Callable[[StoredDocument], str]) -> list[dict[str, Any]]:
    return [
        {
            "requirement_id": offer.requirement_id,
            "requirement_name": offer.requirement_name,
            "field": f"{FIELD_PREFIX}{offer.requirement_id}",
            "documents": [
                {
                    "id": d.pk,
                    "name": d.name,
                    "source": d.get_source_display(),
                    "dossier": d.dossier.code if d.dossier_id else "",  # none for a certified e-copy
                    "certified_by": d.certified_by,
                    "agency": d.agency.name,
                    "entered_at": d.entered_at,
                    "valid_until": d.valid_until,
                    "signature_status": d.get_signature_status_display(),
                    "preview_url": preview(d),
                }
                for d in offer.documents
            ],
        }
        for offer in offers
    ]


def chosen_from(data: Mapping[str, Any]) -> tuple[dict[int, int], bool]:
    """The stored documents a posted form chose (requirement id → stored document id) and the consent."""
    chosen = {}
    for key, value in data.items():
        if not key.startswith(FIELD_PREFIX) or key == CONSENT_FIELD:
            continue
        requirement, stored = key[len(FIELD_PREFIX) :], str(value)
        if requirement.isdigit() and stored.isdigit() and 0 < int(stored) < 2**53 and 0 < int(requirement) < 2**53:
            chosen[int(requirement)] = int(stored)
    return chosen, data.get(CONSENT_FIELD) in {"on", "true", "1", True}
