"""Signature API: a dossier's result documents (authorised as the dossier is) and verification for anyone.

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Path, Router, Schema, UploadedFile
from ninja import Status as Reply
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.dossiers.schemas import COMMON_ERRORS, WRITE_ERRORS, Code, IdempotencyKey
from motcua.dossiers.selectors import visible_dossiers
from motcua.signatures.selectors import Verification, result_documents
from motcua.signatures.services import accept_signed_upload
from motcua.signatures.uploads import read_pdf_upload
from motcua.validation import ErrorOut

router = Router(tags=["signatures"])


class SignatureOut(Schema):
    signer: str
    signed_by: str
    certificate_fingerprint: str
    signed_at: datetime
    validation_status: str
    embedded_validation_data: bool


class ResultDocumentOut(Schema):
    id: int
    name: str
    original_filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    download_url: str
    signature: SignatureOut | None


class VerificationOut(Schema):
    valid: bool
    verdict: str
    explanation: str
    signer: str | None
    signed_at: datetime | None
    trusted: bool
    modified_after_signing: bool
    dossier_code: str | None
    certificate_fingerprint: str | None
    signatures: int


def verification_data(found: Verification) -> dict[str, Any]:
    verdict = found.verdict
    return {
        "valid": verdict.valid,
        "verdict": verdict.verdict,
        "explanation": found.explanation,
        "signer": verdict.signer or None,
        "signed_at": verdict.signed_at,
        "trusted": verdict.trusted,
        "modified_after_signing": verdict.modified_after_signing,
        "dossier_code": found.dossier_code,
        "certificate_fingerprint": verdict.certificate_fingerprint or None,
        "signatures": verdict.signatures,
    }


@router.get(
    "/dossiers/{code}/results",
    auth=API_AUTH,
    response={200: list[ResultDocumentOut], 404: ErrorOut, **COMMON_ERRORS},
    summary="Văn bản kết quả của hồ sơ, với chữ ký số và đường tải về",
)
def list_results(request: HttpRequest, code: Path[Code]) -> Any:
    dossier = _visible(request, code)
    return [_result(dossier, document) for document in result_documents(dossier)]


def _visible(request: HttpRequest, code: str) -> Any:
    """The dossier if the caller may see it; 404 otherwise (as the dossier routes answer)."""
    dossier = visible_dossiers(request.auth).filter(code=code).first()
    if dossier is None:
        raise HttpError(404, _("Không tìm thấy hồ sơ “%(code)s” trong phạm vi bạn được xem.") % {"code": code[:80]})
    return dossier


def _result(dossier: Any, document: Any) -> dict[str, Any]:
    signed = getattr(document, "signature", None)
    return {
        "id": document.pk,
        "name": document.name,
        "original_filename": document.original_filename,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": document.uploaded_at,
        "download_url": f"/api/v1/dossiers/{dossier.code}/documents/{document.pk}",
        "signature": None
        if signed is None
        else {
            "signer": signed.signer,
            "signed_by": signed.signed_by,
            "certificate_fingerprint": signed.certificate_fingerprint,
            "signed_at": signed.signed_at,
            "validation_status": signed.validation_status,
            "embedded_validation_data": signed.embedded_validation_data,
        },
    }


@router.post(
    "/dossiers/{code}/results",
    auth=API_AUTH,
    response={201: ResultDocumentOut, **WRITE_ERRORS},
    summary="Nộp văn bản kết quả đã ký số bằng công cụ ký của cán bộ (kiểm tra chữ ký trước khi nhận)",
)
def upload_signed_result(
    request: HttpRequest, code: Path[Code], file: File[UploadedFile] = None, idempotency_key: IdempotencyKey = None
) -> Any:
    dossier = _visible(request, code)
    if file is None:
        raise HttpError(422, _("Thiếu tệp (trường file)."))
    signed = accept_signed_upload(dossier, file, user=request.auth, idempotency_key=idempotency_key)
    return Reply(201, _result(dossier, signed.document))


@router.post(
    "/signatures/verify",
    auth=None,
    response={200: VerificationOut, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Kiểm tra chữ ký số của một tệp PDF (không cần đăng nhập)",
)
def verify_signature(request: HttpRequest, file: File[UploadedFile]) -> Any:
    from motcua.signatures.selectors import verify_upload

    return verification_data(verify_upload(read_pdf_upload(file)))
