"""The body of a dossier event (``motcua.dossier-event/1``), built inside the action's transaction.

It carries the facts of the action and the dossier's state after it — no personal data (no applicant name,
identifier, note or payload): a receiver that needs more asks the API with its own authorisation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierAction

SCHEMA = "motcua.dossier-event/1"
EVENT = "dossier.action"


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def dossier_event(dossier: Dossier, action: DossierAction, *, key: str) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "id": key,
        "type": EVENT,
        "dossier": {
            "code": dossier.code,
            "procedure": dossier.procedure.code,
            "resolving_agency": dossier.resolving_agency.identifier,
            "channel": dossier.channel,
            "status": dossier.status,
            "received_at": _moment(dossier.received_at),
            "due_at": _moment(dossier.due_at),
            "appointment_at": _moment(dossier.appointment_at),
        },
        "action": {
            "seq": action.seq,
            "type": action.type,
            "at": _moment(action.at),
            "from_status": action.from_status or None,
            "to_status": action.to_status,
            "actor_role": action.actor_role,
        },
    }
