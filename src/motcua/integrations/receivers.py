"""The outbox's observer of the dossier log (connected in ``apps.IntegrationsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from motcua.dossiers.models import Dossier, DossierAction
from motcua.integrations.destinations import destinations
from motcua.integrations.services import enqueue_for


def write_outbox_messages(sender: Any, *, dossier: Dossier, action: DossierAction, **kwargs: Any) -> None:
    """One outbox row per configured destination that wants this action, in the action's own transaction.

    ``action_logged`` is sent inside that transaction, so a rolled-back action leaves no row, and a committed
    one always has its rows. A destination that is not configured (its settings unset) gets nothing.
    """
    for destination in destinations.configured():
        enqueue_for(destination, dossier, action)
