"""Certified e-copies through the API, for a counter officer: the agency's list, a certification, a signed file.

Authorised as the workbench's pages are: the copies of the agencies where the caller holds the counter role
(``selectors.visible_copies``). A certification answers 202: the copy is signed later, in the worker.

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Router, Schema, UploadedFile
from ninja import Status as Reply
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.datastore.files import stored_file
from motcua.dossiers.schemas import COMMON_ERRORS, WRITE_ERRORS, IdempotencyKey
from motcua.ecopies.models import CertifiedCopy
from motcua.ecopies.selectors import visible_copies
from motcua.ecopies.services import CopyRefused, CopyRequest, certify_copy
from motcua.integrations.models import OutboxState
from motcua.validation import ErrorOut

router = Router(tags=["certified e-copies"], auth=API_AUTH)

CopyId = Annotated[int, Field(ge=1, le=2**53 - 1)]


class CertifiedCopyOut(Schema):
    id: int
    agency: str = Field(..., description="Mã định danh điện tử của cơ quan chứng thực.")
    officer: str = Field(..., description="Người chứng thực.")
    owner_number: str
    owner_name: str
    kind: str
    name: str
    requested_at: datetime = Field(..., description="Thời điểm cán bộ chứng thực (đối chiếu với bản chính).")
    status: str = Field(..., description="pending (đang ký số), signed (đã ký, đã vào kho dữ liệu) hoặc failed")
    reason: str = Field("", description="Lý do không ký được, hoặc điều đang chờ (người ký chưa xác nhận…).")
    stored_document: int | None = Field(None, description="Giấy tờ trong kho dữ liệu của người yêu cầu, khi đã ký.")
    download_url: str | None


def copy_data(copy: CertifiedCopy) -> dict[str, Any]:
    dead = getattr(copy, "outbox_state", None) == OutboxState.DEAD
    status = "failed" if dead and copy.status == "pending" else copy.status
    return {
        "id": copy.pk,
        "agency": copy.agency.identifier,
        "officer": copy.officer_name,
        "owner_number": copy.owner_number,
        "owner_name": copy.owner_name,
        "kind": copy.kind,
        "name": copy.name,
        "requested_at": copy.requested_at,
        "status": status,
        "reason": copy.failure or ("" if status == "signed" else getattr(copy, "outbox_error", "") or ""),
        "stored_document": copy.stored_id,
        "download_url": f"/api/v1/ecopies/{copy.pk}/file" if copy.stored_id else None,
    }


@router.get(
    "/ecopies",
    response={200: list[CertifiedCopyOut], **COMMON_ERRORS},
    summary="Bản sao điện tử được chứng thực tại cơ quan của tôi (mới nhất trước, tối đa 200)",
)
def list_copies(request: HttpRequest) -> Any:
    return [copy_data(c) for c in visible_copies(request.auth)[:200]]


@router.post(
    "/ecopies",
    response={202: CertifiedCopyOut, **WRITE_ERRORS},
    summary="Chứng thực bản sao điện tử từ bản chính (bản quét PDF/JPEG/PNG); ký số trong tiến trình nền",
)
def certify(
    request: HttpRequest,
    agency: Form[int],
    owner_number: Form[str],
    owner_name: Form[str],
    kind: Form[str],
    matches_original: Form[bool],
    name: Form[str] = "",
    file: File[UploadedFile] = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    if file is None:
        raise HttpError(422, _("Thiếu tệp bản quét (trường file)."))
    if not idempotency_key:
        raise HttpError(422, _("Thiếu tiêu đề Idempotency-Key."))
    try:
        copy = certify_copy(
            request.auth,
            CopyRequest(agency, owner_number[:30], owner_name[:400], kind[:80], name[:400], matches_original),
            file,
            idempotency_key=idempotency_key,
        )
    except CopyRefused as error:
        raise HttpError(403 if error.forbidden else 422, error.message) from error
    return Reply(202, copy_data(visible_copies(request.auth).get(pk=copy.pk)))


@router.get(
    "/ecopies/{copy_id}/file",
    response={200: None, 404: ErrorOut, **COMMON_ERRORS},
    summary="Tải bản sao điện tử đã ký số",
)
def download(request: HttpRequest, copy_id: Path[CopyId]) -> FileResponse:
    copy = visible_copies(request.auth).filter(pk=copy_id).select_related("stored").first()
    if copy is None or copy.stored is None or not copy.stored.file:
        raise HttpError(404, _("Không có bản sao đã ký số số %(id)s.") % {"id": copy_id})
    try:
        return stored_file(copy.stored)  # a download nothing can run (motcua.downloads)
    except FileNotFoundError as exc:
        raise HttpError(404, _("Không tìm thấy tệp này.")) from exc
