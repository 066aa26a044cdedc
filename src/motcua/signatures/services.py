"""Writes of signed documents: a signed result stored with its summary and recorded on the dossier (one transaction).

Three ways in: the worker's signature (``record_signed_result``), a PDF the official signed with their desktop tool
(``accept_signed_upload``); a certified e-copy made at the counter is the ``ecopies`` app's (decision 54).

``record_signed_result`` is what the signing destination calls in the worker once the signer has returned the
signed PDF and it has been verified (``verify``): the file becomes a result document of the dossier, its summary a
``SignedDocument``, and the dossier's log gets ``record_result`` by the system actor naming it
(``dossiers.services.perform_as_system``, keyed by the approval's outbox key, so a retried signing records once).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.documents.uploads import discard
from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument
from motcua.dossiers.selectors import allowed_actions_for
from motcua.dossiers.services import InvalidInput, NotPermitted, perform, perform_as_system
from motcua.rules.lifecycle import ActionType
from motcua.signatures import trust
from motcua.signatures.models import SignedDocument, SignedKind
from motcua.signatures.selectors import explanation
from motcua.signatures.signals import signed_result_recorded
from motcua.signatures.verdicts import is_pdf

if TYPE_CHECKING:
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


def accept_signed_upload(
    dossier: Dossier, upload: UploadedFile, *, user: User, idempotency_key: str | None = None
) -> SignedDocument:
    """A result the official signed with their desktop signing tool, accepted only if it verifies against the trust
    list (RULES.md §13: validated server-side before it is accepted), then recorded like any result: ``record_result``
    by the officer (the table decides whether they may), the file, and its ``SignedDocument`` — one transaction."""
    if ActionType.RECORD_RESULT not in allowed_actions_for(user, dossier):
        # who may record a result is the lifecycle table's to say; asked first, so nothing is verified for nobody
        raise NotPermitted(_("Bạn không thể cập nhật kết quả của hồ sơ này lúc này."))
    data = upload.read()
    upload.seek(0)
    if not is_pdf(data):
        raise InvalidInput(_("Tệp không phải PDF."), field="file")
    from motcua.signatures.verify import verify_pdf  # pyHanko, loaded when a verification runs

    checked = verify_pdf(data, trust.trust_roots(), crls=trust.crls())
    if not checked.valid:
        raise InvalidInput(
            _("Văn bản chưa được chấp nhận: %(why)s") % {"why": explanation(checked.verdict)}, field="file"
        )
    source_key = f"desktop:{dossier.code}:{hashlib.sha256(data).hexdigest()}"
    with transaction.atomic():
        existing = SignedDocument.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
        recorded = perform(
            dossier, ActionType.RECORD_RESULT, user=user, files=[upload], idempotency_key=idempotency_key
        )
        (document_id,) = recorded.actions.order_by("-seq").values_list("payload", flat=True)[0]["documents"][-1:]
        document = DossierDocument.objects.get(pk=document_id)
        signed = SignedDocument.objects.create(
            kind=SignedKind.RESULT,
            dossier=recorded,
            document=document,
            source_key=source_key,
            signer=checked.signer[:300],
            signed_by=(user.full_name or user.username)[:300],
            certificate_fingerprint=checked.certificate_fingerprint,
            signed_at=checked.signed_at or timezone.now(),
            validation_status=checked.verdict,
            signature_digest=checked.signature_digest,
            signer_plugin="desktop",
            embedded_validation_data=checked.embedded_validation_data,
        )
        signed_result_recorded.send(sender=SignedDocument, signed=signed, dossier=recorded)
        return signed
