"""Writes of signed documents: a signed result stored with its summary and recorded on the dossier (one transaction).

``record_signed_result`` is what the signing destination calls in the worker once the signer has returned the
signed PDF and it has been verified (``verify``): the file becomes a result document of the dossier, its summary a
``SignedDocument``, and the dossier's log gets ``record_result`` by the system actor naming it
(``dossiers.services.perform_as_system``, keyed by the approval's outbox key, so a retried signing records once).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from motcua.documents.uploads import discard
from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument
from motcua.dossiers.services import perform_as_system
from motcua.rules.lifecycle import ActionType
from motcua.signatures.models import SignedDocument, SignedKind
from motcua.signatures.signals import signed_result_recorded
from motcua.signatures.verify import Verdict


def record_signed_result(
    *,
    dossier_id: int,
    source_key: str,
    pdf: bytes,
    name: str,
    filename: str,
    verdict: Verdict,
    signed_by: str,
    signer_plugin: str,
    at: datetime | None = None,
) -> SignedDocument:
    """Store ``pdf`` (signed, verified as ``verdict``) as the dossier's result and record it; idempotent on
    ``source_key``. Raises the dossier's ``DossierError`` when the dossier can no longer take a result."""
    existing = SignedDocument.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    moment = at or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
            existing = SignedDocument.objects.filter(source_key=source_key).first()
            if existing is not None:
                return existing
            digest = hashlib.sha256(pdf).hexdigest()
            saved = default_storage.save(f"dossiers/{moment:%Y/%m}/{digest[:32]}.pdf", ContentFile(pdf))
            stored.append(saved)
            document = DossierDocument.objects.create(
                dossier=dossier,
                kind=DocumentKind.RESULT,
                name=name,
                original_filename=filename,
                file=saved,
                content_type="application/pdf",
                size=len(pdf),
                sha256=digest,
                uploaded_by=None,
                uploaded_at=moment,
            )
            signed = SignedDocument.objects.create(
                kind=SignedKind.RESULT,
                dossier=dossier,
                document=document,
                source_key=source_key,
                signer=verdict.signer[:300],
                signed_by=signed_by[:300],
                certificate_fingerprint=verdict.certificate_fingerprint,
                signed_at=verdict.signed_at or moment,
                validation_status=verdict.verdict,
                signature_digest=verdict.signature_digest,
                signer_plugin=signer_plugin[:50],
                embedded_validation_data=verdict.embedded_validation_data,
            )
            perform_as_system(
                dossier,
                ActionType.RECORD_RESULT,
                component=f"signing:{signer_plugin}"[:40],
                payload={"documents": [document.pk]},
                idempotency_key=source_key[:100],
                at=moment,
            )
            signed_result_recorded.send(sender=SignedDocument, signed=signed, dossier=dossier)
            return signed
    except BaseException:
        discard(stored)
        raise
