"""Signals of the dossier log, for the parts of motcua that observe dossiers without being imported by them.

``action_logged`` is sent by ``services`` right after an action is appended to the log, *inside the
action's transaction*: a receiver that writes (the outbox of ``motcua.integrations``) commits or rolls back
with the action. Receivers are connected in their app's ``ready()``; the dossiers app imports none of them,
which keeps the dependency one way (integrations → dossiers).
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with ``dossier`` (the row, already holding the new state) and ``action`` (the ``DossierAction`` row).
action_logged = Signal()
