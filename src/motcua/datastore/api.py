"""The citizen's personal data store through the API: ``GET /me/documents`` and a stored document's file.

The caller is identified as every citizen route identifies them (``accounts.auth.API_AUTH``: a bearer token or
the session); what they see is decided in the query (``datastore.selectors.owned_by``): their own documents only.

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router
from ninja.errors import HttpError
from pydantic import BaseModel

from motcua.accounts.auth import API_AUTH
from motcua.datastore.files import stored_file
from motcua.datastore.models import StoredDocument
from motcua.datastore.selectors import my_documents, own_document
from motcua.validation import ErrorOut

router = Router(tags=["data store"], auth=API_AUTH)

#: An id in a path: what a 64-bit column and JavaScript hold exactly.
StoredId = Annotated[int, Field(ge=1, le=2**53 - 1)]


class StoreAgencyOut(BaseModel):
    identifier: str
    name: str


class ProvenanceOut(BaseModel):
    source: str = Field(
        ...,
        description="accepted (giấy tờ đã được tiếp nhận), result (kết quả giải quyết) hoặc ecopy (bản sao điện tử "
        "được chứng thực từ bản chính)",
    )
    dossier: str | None = Field(
        ..., description="Mã hồ sơ đã tiếp nhận giấy tờ hoặc cấp kết quả; null với bản sao điện tử được chứng thực."
    )
    certified_by: str = Field("", description="Người chứng thực bản sao (rỗng nếu không phải bản sao chứng thực).")
    agency: StoreAgencyOut
    at: datetime = Field(..., description="Thời điểm giấy tờ được đưa vào kho.")
    sha256: str
    signature_status: str = Field(..., description='"" chưa kiểm tra, valid, invalid, unsigned')


class StoredDocumentOut(BaseModel):
    id: int
    kind: str = Field(..., description="Loại giấy tờ dùng chung (mã), rỗng nếu không thuộc loại nào.")
    name: str
    provenance: ProvenanceOut
    valid_until: date | None


class StoredDocumentsOut(BaseModel):
    items: list[StoredDocumentOut]


def stored_data(document: StoredDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "name": document.name,
        "provenance": {
            "source": document.source,
            "dossier": document.dossier.code if document.dossier_id else None,
            "certified_by": document.certified_by,
            "agency": {"identifier": document.agency.identifier, "name": document.agency.name},
            "at": document.entered_at,
            "sha256": document.sha256,
            "signature_status": document.signature_status,
        },
        "valid_until": document.valid_until,
    }


@router.get(
    "/me/documents",
    response={200: StoredDocumentsOut, 401: ErrorOut, 422: ErrorOut},
    summary="Kho dữ liệu điện tử của tôi: giấy tờ đã được tiếp nhận và kết quả đã cấp",
)
def list_my_documents(request: HttpRequest) -> Any:
    return {"items": [stored_data(d) for d in my_documents(request.auth)]}


@router.get(
    "/me/documents/{document_id}/file",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Tải tệp của một giấy tờ trong kho dữ liệu của tôi",
)
def download_my_document(request: HttpRequest, document_id: Path[StoredId]) -> HttpResponse:
    found = own_document(request.auth, document_id)
    missing = HttpError(404, _("Không có giấy tờ số %(id)s trong kho dữ liệu của bạn.") % {"id": document_id})
    if found is None:
        raise missing
    try:
        return stored_file(found)
    except FileNotFoundError as exc:
        raise missing from exc
