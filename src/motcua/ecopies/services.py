"""Writes of certified e-copies: the officer's certification at the counter, and the worker's signed copy.

``certify_copy`` is the request (one transaction): the scan is checked by content and stored, the row written
``pending``, ``ecopies_requested`` counted, and one outbox row ``ecopy:<id>`` added — signing happens in the
worker (``destination``), never in the request. ``record_signed_copy`` is the worker's write (one transaction):
the signed PDF stored, its signature summary (``signatures.SignedDocument``, kind ``ecopy``), the copy entered in
the applicant's data store with its provenance, ``ecopies_certified`` counted. ``record_failure`` is the end of a
copy that could not be signed (a rejection by the official, a missing key): shown to the officer as such.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.datastore.models import DocumentType, SignatureStatus, StoredDocument, StoreSource
from motcua.documents.uploads import UploadRejected, discard, store_upload
from motcua.ecopies.counting import CHANNEL, certified_deltas, requested_deltas
from motcua.ecopies.models import CertifiedCopy, CopyStatus
from motcua.ecopies.selectors import counter_agencies
from motcua.integrations.services import enqueue
from motcua.metrics.services import add_to_counters
from motcua.rules.document_kinds import valid_until
from motcua.rules.identity import is_citizen_id, is_tax_code, normalise_identifier
from motcua.signatures.models import SignedDocument, SignedKind
from motcua.signatures.verdicts import VALID

if TYPE_CHECKING:
    from motcua.signatures.verify import Verdict

DESTINATION = "ecopy"
EVENT = "ecopy.sign"


class CopyRefused(Exception):
    """Bad input or no permission: the message (Vietnamese) and the field it belongs to."""

    def __init__(self, message: str, *, field: str | None = None, forbidden: bool = False) -> None:
        super().__init__(message)
        self.message, self.field, self.forbidden = message, field, forbidden


@dataclass(frozen=True)
class CopyRequest:
    agency_id: int
    owner_number: str
    owner_name: str
    kind: str  # a DocumentType slug
    name: str  # "" → the kind's name
    matches_original: bool  # the officer's explicit certification that the scan matches the original


def certify_copy(user: User, request: CopyRequest, scan: UploadedFile, *, idempotency_key: str) -> CertifiedCopy:
    """The officer (counter role at ``request.agency_id``) certifies ``scan`` as a copy of the original shown;
    the signing is queued for the worker. Idempotent on ``idempotency_key`` (a form posted twice is one copy)."""
    key = idempotency_key.strip()[:100]
    if not key:
        raise CopyRefused(_("Thiếu khóa chống trùng của biểu mẫu; tải lại trang."))
    existing = CertifiedCopy.objects.filter(idempotency_key=key, officer=user).first()
    if existing is not None:
        return existing
    agency = counter_agencies(user).filter(pk=request.agency_id).first()
    if agency is None:
        raise CopyRefused(_("Bạn không phải cán bộ tiếp nhận của cơ quan này."), field="agency", forbidden=True)
    if not request.matches_original:
        raise CopyRefused(
            _("Cần xác nhận bản quét đúng với bản chính người yêu cầu xuất trình."), field="matches_original"
        )
    number = normalise_identifier(request.owner_number)
    if not (is_citizen_id(number) or is_tax_code(number)):
        raise CopyRefused(
            _("Số định danh cá nhân (12 chữ số) hoặc mã số thuế (10 hoặc 13 chữ số) không hợp lệ."),
            field="owner_number",
        )
    owner_name = " ".join(request.owner_name.split())[:300]
    if not owner_name:
        raise CopyRefused(_("Nhập họ tên người yêu cầu (hoặc tên tổ chức)."), field="owner_name")
    kind = DocumentType.objects.filter(slug=request.kind).first()
    if kind is None:
        raise CopyRefused(_("Chọn loại giấy tờ trong danh sách."), field="kind")
    procedure = Procedure.objects.filter(code=settings.MOTCUA_ECOPY_PROCEDURE_CODE).first()
    if procedure is None:
        raise CopyRefused(
            _("Danh mục chưa có thủ tục chứng thực bản sao (mã %(code)s): báo quản trị hệ thống.")
            % {"code": settings.MOTCUA_ECOPY_PROCEDURE_CODE}
        )
    now = timezone.now()
    stored: list[str] = []
    try:
        try:
            saved = store_upload(scan, "ecopies", now)
        except UploadRejected as error:
            raise CopyRefused(str(error), field="scan") from error
        stored.append(saved.name)
        with transaction.atomic():
            copy = CertifiedCopy.objects.create(
                agency=agency,
                procedure=procedure,
                officer=user,
                officer_name=(user.full_name or user.username)[:300],
                owner_number=number,
                owner_name=owner_name,
                kind=kind.slug,
                name=(" ".join(request.name.split()) or kind.name)[:300],
                scan=saved.name,
                scan_content_type=saved.content_type,
                scan_sha256=saved.sha256,
                requested_at=now,
                idempotency_key=key,
            )
            add_to_counters(agency.pk, procedure.pk, CHANNEL, requested_deltas(copy))
            enqueue(
                destination=DESTINATION,
                event=EVENT,
                idempotency_key=copy.outbox_key,
                ordering_key=copy.outbox_key,
                payload={"copy": copy.pk},
            )
            return copy
    except BaseException:
        discard(stored)
        raise


def record_signed_copy(copy_id: int, *, pdf: bytes, verdict: Verdict, signer_plugin: str) -> CertifiedCopy:
    """The worker's signed copy (verified as ``verdict``): stored, summarised, entered in the applicant's data
    store; idempotent (a copy already signed is returned as it is)."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            copy = CertifiedCopy.objects.select_for_update().select_related("agency").get(pk=copy_id)
            if copy.status == CopyStatus.SIGNED:
                return copy
            digest = hashlib.sha256(pdf).hexdigest()
            moment = timezone.now()
            saved = default_storage.save(f"ecopies/{moment:%Y/%m}/{digest[:32]}.pdf", ContentFile(pdf))
            stored.append(saved)
            signed = SignedDocument.objects.create(
                kind=SignedKind.ECOPY,
                dossier=None,
                document=None,
                source_key=copy.outbox_key,
                signer=verdict.signer[:300],
                signed_by=copy.officer_name,
                certificate_fingerprint=verdict.certificate_fingerprint,
                signed_at=verdict.signed_at or moment,
                validation_status=verdict.verdict,
                signature_digest=verdict.signature_digest,
                signer_plugin=signer_plugin[:50],
                embedded_validation_data=verdict.embedded_validation_data,
            )
            months = DocumentType.objects.filter(slug=copy.kind).values_list("validity_months", flat=True).first()
            entry = StoredDocument.objects.create(
                owner_number=copy.owner_number,
                kind=copy.kind,
                name=copy.name,
                source=StoreSource.ECOPY,
                agency=copy.agency,
                entered_at=moment,
                sha256=digest,
                file=saved,
                certified_by=copy.officer_name,
                signature_status=SignatureStatus.VALID if verdict.verdict == VALID else SignatureStatus.INVALID,
                valid_until=valid_until(timezone.localdate(copy.requested_at), months),
            )
            copy.status, copy.failure, copy.signed, copy.stored = CopyStatus.SIGNED, "", signed, entry
            copy.save(update_fields=["status", "failure", "signed", "stored"])
            add_to_counters(copy.agency_id, copy.procedure_id, CHANNEL, certified_deltas(copy))
            return copy
    except BaseException:
        discard(stored)
        raise


def record_failure(copy_id: int, reason: str) -> None:
    """The copy could not be signed and will not be (the outbox row is dead): the officer sees why."""
    CertifiedCopy.objects.filter(pk=copy_id, status=CopyStatus.PENDING).update(
        status=CopyStatus.FAILED, failure=reason[:2000]
    )
