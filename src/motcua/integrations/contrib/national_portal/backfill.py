"""Dossiers the portal has never been told about get one outbox row each: their record and every progress row.

A dossier received while the destination was not configured (the demo's data, loaded before the demo starts its
stand-in; a province that switches synchronisation on) has no ``national_portal`` row, so nothing would ever send
it. :func:`enqueue_unsent` writes one row per such dossier, keyed by its latest action
(``national_portal:<code>:<seq>``, as the action's own row would be), in a transaction per dossier that locks the
dossier row, so an action logged meanwhile either comes before it (and the dossier is skipped) or after it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from motcua.dossiers.models import Dossier
from motcua.integrations.contrib.national_portal.destination import EVENT
from motcua.integrations.contrib.national_portal.snapshot import snapshot_of
from motcua.integrations.models import OutboxMessage
from motcua.integrations.services import enqueue
from motcua.rules.national_portal import dossier_record, progress_row

DESTINATION = "national_portal"


def _sent() -> Exists:
    return Exists(OutboxMessage.objects.filter(destination=DESTINATION, dossier=OuterRef("pk")))


def enqueue_unsent() -> int:
    """One row for every dossier without any; returns how many were written."""
    written = 0
    pending_as_done = settings.MOTCUA_NATIONAL_PORTAL_PENDING_AS_DONE
    for pk in Dossier.objects.filter(~_sent()).order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update().filter(~_sent(), pk=pk).first()
            if dossier is None or not dossier.action_count:
                continue
            snapshot = snapshot_of(dossier)
            last = snapshot.actions[-1]
            enqueue(
                destination=DESTINATION,
                event=EVENT,
                idempotency_key=f"{DESTINATION}:{dossier.code}:{last.seq}",
                ordering_key=dossier.code,
                payload={
                    "madonvi": dossier.resolving_agency.identifier,
                    "record": dossier_record(snapshot, pending_as_done=pending_as_done),
                    "progress": [
                        progress_row(dossier.code, a, pending_as_done=pending_as_done) for a in snapshot.actions
                    ],
                },
                dossier=dossier,
            )
            written += 1
    return written
