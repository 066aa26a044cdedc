"""Signed results into the applicant's data store: the stored copy gets its signature's status.

``services`` stores the signed PDF and records ``record_result`` (which enters the result into the applicant's
store, ``dossiers.wallet``), then sends ``signed_result_recorded`` in the same transaction; this receiver is
connected here, in the signing app, because the data store must not import the signing app (the dossiers app,
which the signing app imports, imports the data store).
"""

from __future__ import annotations

from typing import Any

from motcua.datastore.models import SignatureStatus
from motcua.datastore.services import set_signature_status
from motcua.signatures.signals import signed_result_recorded
from motcua.signatures.verdicts import UNSIGNED, VALID

#: the signing component's verdict (``signatures.verdicts``) → the store's status
STATUS_OF_VERDICT = {VALID: SignatureStatus.VALID, UNSIGNED: SignatureStatus.UNSIGNED}


def signed_result_into_store(sender: Any, signed: Any, dossier: Any, **kwargs: Any) -> None:
    status = STATUS_OF_VERDICT.get(signed.validation_status, SignatureStatus.INVALID)
    set_signature_status(signed.document_id, status.value)


def connect() -> None:
    signed_result_recorded.connect(signed_result_into_store, dispatch_uid="motcua.signatures.into_store")
