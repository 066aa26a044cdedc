"""``signed_result_recorded``: a signed result (or certified e-copy) was stored, sent inside the transaction that
stored it, with ``signed`` (a ``SignedDocument``) and ``dossier``. The applicant's data store listens to it."""

from __future__ import annotations

from django.dispatch import Signal

signed_result_recorded = Signal()
