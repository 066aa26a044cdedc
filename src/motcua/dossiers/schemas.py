"""The dossier API's request and answer schemas, and the parameters its routes share.

(No ``from __future__ import annotations`` here: django-ninja and pydantic read these annotations at import.)
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Header, Schema
from pydantic import BaseModel

from motcua.dossiers import idempotency
from motcua.rules import payloads
from motcua.rules.lifecycle import Status
from motcua.validation import ErrorOut

#: An id in a path or a cursor: what a 64-bit column and JavaScript hold exactly.
Id = Annotated[int, Field(ge=1, le=2**53 - 1)]
#: A dossier's code in a path: at most what the column holds, and no character no database can compare
#: (a NUL in a code, a filter or a procedure's code was a 500 on PostgreSQL: schemathesis, issue 8).
Code = payloads.text(60, required=True)
IdempotencyKey = Annotated[
    payloads.text(idempotency.MAX_KEY_LENGTH) | None,  # a NUL in it was a 500 on PostgreSQL
    Header(
        None,
        alias="Idempotency-Key",
        description="Khóa chống gửi trùng: gửi lại cùng khóa nhận lại đúng câu trả lời đầu tiên, không ghi gì thêm.",
    ),
]


class Data(BaseModel):
    """Bodies and answers built from dicts: plain pydantic models. ninja's ``Schema`` wraps every value in an
    attribute getter for ORM objects, which these never are, and costs a fifth of an intake's validation."""


class ApplicantIn(Data):
    type: Literal["citizen", "enterprise", "state_agency", "other"] = "citizen"
    name: payloads.text(200, required=True)  # type: ignore[valid-type]
    id_number: payloads.text(30, required=True) = Field(  # type: ignore[valid-type]
        ..., description="Số định danh cá nhân (12 số) hoặc mã số thuế."
    )
    phone: payloads.text(20) = ""  # type: ignore[valid-type]
    email: payloads.text(254) = ""  # type: ignore[valid-type]
    address: payloads.text(300) = ""  # type: ignore[valid-type]


class DossierIn(Data):
    procedure: payloads.text(40, required=True) = Field(..., description="Mã thủ tục.")  # type: ignore[valid-type]
    agency: payloads.text(40, required=True) = Field(  # type: ignore[valid-type]
        ..., description="Mã định danh của cơ quan giải quyết."
    )
    channel: Literal["counter", "online", "postal"] = "counter"
    applicant: ApplicantIn
    subject: payloads.text(500) = ""  # type: ignore[valid-type]
    checklist: list[payloads.ChecklistEntry] = Field(default_factory=list, max_length=200)
    incomplete: bool = Field(
        False,
        description="Tại quầy: hồ sơ chưa đầy đủ — ghi nhận và lập ngay phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.",
    )
    missing: list[payloads.Item] = Field(
        default_factory=list, max_length=50, description="Nội dung cần bổ sung ngoài các thành phần còn thiếu."
    )
    result_delivery: Literal["", "counter", "post", "online"] = Field(
        "", description="Hình thức nhận kết quả (nộp trực tuyến): tại bộ phận một cửa, qua bưu chính, trực tuyến."
    )
    store_consent: bool = Field(
        False,
        description=(
            "Người nộp đồng ý dùng các giấy tờ trong kho dữ liệu điện tử mà danh mục ghi ở store_document "
            "(bắt buộc khi có). Công dân chỉ dùng được giấy tờ của chính mình."
        ),
    )


class AgencyRef(Data):
    identifier: str
    name: str


class ProcedureRef(Data):
    code: str
    name: str


class ApplicantOut(Data):
    type: str
    name: str
    id_number: str
    phone: str
    email: str
    address: str


class DossierStepOut(Data):
    seq: int
    position: int
    name: str
    role: str
    agency: AgencyRef
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None
    outcome: str
    ended_by: str


class DossierActionOut(Data):
    seq: int
    type: str
    at: datetime
    actor: str
    actor_role: str
    actor_agency: str | None
    from_status: str
    to_status: str
    step_position: int | None
    note: str
    payload: dict[str, Any]


class DossierDocumentOut(Data):
    id: int
    kind: str
    name: str
    original_filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class DossierOut(Data):
    code: str
    status: str
    national_status: int
    procedure: ProcedureRef
    resolving_agency: AgencyRef
    receiving_agency: AgencyRef
    channel: str
    regime: str
    subject: str
    applicant: ApplicantOut
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    appointment_at: datetime | None
    current_agency: AgencyRef | None
    current_role: str
    step_due_at: datetime | None
    paused_seconds: int
    supplement_requests: int
    apologised: bool
    finished_at: datetime | None
    returned_at: datetime | None
    outcome: str
    deadline: str = Field(..., description="green, amber (≤ 1 ngày làm việc), red (quá hạn), paused, none")


class DossierCreatedOut(DossierOut):
    allowed_actions: list[str]


class DossierDetailOut(DossierOut):
    allowed_actions: list[str]
    steps: list[DossierStepOut]
    actions: list[DossierActionOut]
    documents: list[DossierDocumentOut]


class DossierPage(Data):
    items: list[DossierOut]
    next_cursor: str | None


class DossierFilter(Schema):
    status: Status | None = None
    procedure: payloads.text(40) = ""  # type: ignore[valid-type]
    agency: payloads.text(40) = Field("", description="Cơ quan giải quyết (mã định danh).")  # type: ignore[valid-type]
    channel: Literal["counter", "online", "postal"] | None = None
    q: payloads.text(100) = Field(  # type: ignore[valid-type]
        "", description="Mã hồ sơ, tên hoặc số giấy tờ của chủ hồ sơ."
    )
    cursor: str = Field("", max_length=40)
    limit: int = Field(50, ge=1, le=200)


#: Answers every route may give besides its own (authentication, validation).
COMMON_ERRORS = {401: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**COMMON_ERRORS, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
