"""Dossier API: intake, every action, reading and listing — authorisation inside the queries.

Each action has its own route, ``POST /dossiers/{code}/actions/<action>``, whose request body is that
action's typed payload (``rules.payloads``): the published schema says exactly what each action takes.
Requests that change something accept an ``Idempotency-Key`` header: a replay gets the first response
back and writes nothing (``dossiers.idempotency``).

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

import base64
import binascii
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, UploadedFile
from ninja import Status as Reply
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.models import Offering
from motcua.catalog.selectors import offering_for_intake
from motcua.dossiers import idempotency
from motcua.dossiers.models import ActionKind, Dossier, DossierDocument
from motcua.dossiers.recording import upload_print
from motcua.dossiers.schemas import (
    COMMON_ERRORS,
    WRITE_ERRORS,
    Code,
    DossierCreatedOut,
    DossierDetailOut,
    DossierDocumentOut,
    DossierFilter,
    DossierIn,
    DossierPage,
    Id,
    IdempotencyKey,
)
from motcua.dossiers.selectors import allowed_actions_for, visible_dossiers, visible_page
from motcua.dossiers.services import Applicant, ChecklistItem, Intake, attach_document, open_dossier, perform
from motcua.downloads import download
from motcua.rules import payloads
from motcua.rules.lifecycle import OPENING_ACTIONS, SYSTEM_ONLY_ACTIONS, ActionType, Status
from motcua.rules.queue import deadline_colour
from motcua.rules.text import search_terms
from motcua.validation import ErrorOut

router = Router(tags=["dossiers"], auth=API_AUTH)

# --------------------------------------------------------------------------------------------------
# serialisation


def _agency(agency: Any) -> dict[str, str] | None:
    return {"identifier": agency.identifier, "name": agency.name} if agency else None


def dossier_data(dossier: Dossier, now: datetime | None = None) -> dict[str, Any]:
    calendar = get_work_calendar()
    status = Status(dossier.status) if dossier.status else None
    return {
        "code": dossier.code,
        "status": dossier.status,
        "national_status": dossier.national_status,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
        "resolving_agency": _agency(dossier.resolving_agency),
        "receiving_agency": _agency(dossier.receiving_agency),
        "channel": dossier.channel,
        "regime": dossier.regime,
        "subject": dossier.subject,
        "applicant": {
            "type": dossier.applicant_type,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "appointment_at": dossier.appointment_at,
        "current_agency": _agency(dossier.current_agency),
        "current_role": dossier.current_role,
        "step_due_at": dossier.step_due_at,
        "paused_seconds": dossier.paused_seconds,
        "supplement_requests": dossier.supplement_requests,
        "apologised": dossier.apologised,
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
        "outcome": dossier.outcome,
        "deadline": deadline_colour(calendar, now or timezone.now(), dossier.due_at, status).value,
    }


def created_data(dossier: Dossier, request: HttpRequest) -> dict[str, Any]:
    """The answer to an intake: the dossier as received and what the caller may do next (its log and
    control sheet are one GET away; building them here would double the cost of an intake)."""
    data = dossier_data(dossier)
    data["allowed_actions"] = [kind.value for kind in allowed_actions_for(request.auth, dossier)]
    return data


def _document(d: DossierDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "name": d.name,
        "original_filename": d.original_filename,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "uploaded_at": d.uploaded_at,
    }


def _actor(action: Any) -> str:
    if action.actor:
        return str(action.actor)
    return action.system_actor or ""


def detail_data(dossier: Dossier, request: HttpRequest) -> dict[str, Any]:
    data = dossier_data(dossier)
    data["allowed_actions"] = [kind.value for kind in allowed_actions_for(request.auth, dossier)]
    data["steps"] = [
        {
            "seq": s.seq,
            "position": s.position,
            "name": s.name,
            "role": s.role,
            "agency": _agency(s.agency),
            "started_at": s.started_at,
            "due_at": s.due_at,
            "ended_at": s.ended_at,
            "outcome": s.outcome,
            "ended_by": s.ended_by,
        }
        for s in dossier.steps.select_related("agency").order_by("seq")
    ]
    data["actions"] = [
        {
            "seq": a.seq,
            "type": a.type,
            "at": a.at,
            "actor": _actor(a),
            "actor_role": a.actor_role,
            "actor_agency": a.actor_agency.identifier if a.actor_agency else None,
            "from_status": a.from_status,
            "to_status": a.to_status,
            "step_position": a.step_position,
            "note": a.note,
            "payload": a.payload,
        }
        for a in dossier.actions.select_related("actor", "actor_agency").order_by("seq")
    ]
    data["documents"] = [_document(d) for d in dossier.documents.all()]
    return data


RELATED = ("procedure", "resolving_agency", "receiving_agency", "current_agency")


def _visible(request: HttpRequest, code: str) -> Dossier:
    """The dossier if the caller may see it; 404 otherwise (whether it exists is not disclosed)."""
    dossier = visible_dossiers(request.auth).select_related(*RELATED).filter(code=code).first()
    if dossier is None:
        raise HttpError(404, _("Không tìm thấy hồ sơ “%(code)s” trong phạm vi bạn được xem.") % {"code": code[:80]})
    return dossier


def _offering(procedure: str, agency: str) -> Offering:
    offering = offering_for_intake(procedure, agency)
    if offering is None:
        message = _("Cơ quan “%(agency)s” không thực hiện thủ tục “%(procedure)s”.")
        raise HttpError(422, message % {"agency": agency, "procedure": procedure})
    return offering


def _intake(payload: DossierIn, files: dict[int, list[Any]] | None = None) -> Intake:
    return Intake(
        offering=_offering(payload.procedure, payload.agency),
        channel=payload.channel,
        applicant=Applicant(**payload.applicant.model_dump()),
        subject=payload.subject,
        checklist=[ChecklistItem(i.document_id, i.form, i.quantity, i.store_document) for i in payload.checklist],
        files=files or {},
        incomplete=payload.incomplete,
        missing=payload.missing,
        result_delivery=payload.result_delivery,
        store_consent=payload.store_consent,
    )


def _request_print(request: HttpRequest) -> str:
    """What makes two API requests the same request: method, path, body (for a multipart body, its
    fields and the content of its files)."""
    parts: list[str | bytes] = [request.method or "", request.path]
    if request.FILES:
        parts.append(request.POST.urlencode())
        for name in sorted(request.FILES):
            parts += [name, *upload_print(request.FILES.getlist(name))]
    else:
        parts.append(request.body)
    return idempotency.fingerprint(parts)


def _once(request: HttpRequest, key: str | None, run: Callable[[], idempotency.Answer]) -> Reply:
    """Run ``run`` at most once per ``Idempotency-Key`` of the caller; replays get the first answer."""
    key = (key or "").strip() or None
    if key is None:
        return Reply(*run())
    try:
        return Reply(*idempotency.run_once(request.auth, key, _request_print(request), run))
    except idempotency.KeyReused as reused:
        raise HttpError(422, reused.message) from reused


# --------------------------------------------------------------------------------------------------
# endpoints


@router.post(
    "/dossiers",
    response={201: DossierCreatedOut, **WRITE_ERRORS},
    summary="Tiếp nhận hồ sơ (tại quầy) hoặc nộp hồ sơ trực tuyến",
)
def create_dossier(request: HttpRequest, payload: DossierIn, idempotency_key: IdempotencyKey = None) -> Any:
    def run() -> idempotency.Answer:
        dossier = open_dossier(_intake(payload), user=request.auth)
        return 201, created_data(dossier, request)

    return _once(request, idempotency_key, run)


@router.post(
    "/dossiers/upload",
    response={201: DossierCreatedOut, **WRITE_ERRORS},
    summary="Tiếp nhận hoặc nộp hồ sơ kèm tệp (multipart: data = JSON như POST /dossiers, tệp doc_<id thành phần>)",
)
def create_dossier_with_files(request: HttpRequest, data: Form[str], idempotency_key: IdempotencyKey = None) -> Any:
    try:
        payload = DossierIn.model_validate_json(data)
    except ValueError as exc:
        raise HttpError(422, _("Trường data không phải JSON hợp lệ của hồ sơ.")) from exc
    files: dict[int, list[Any]] = {}
    for name in request.FILES:
        number = name[4:]
        if not name.startswith("doc_") or not number.isdigit() or not 0 < int(number) < 2**53:
            message = _("Tên trường tệp “%(name)s” phải có dạng doc_<id thành phần hồ sơ>.")
            raise HttpError(422, message % {"name": name[:80]})
        files[int(number)] = request.FILES.getlist(name)

    def run() -> idempotency.Answer:
        dossier = open_dossier(_intake(payload, files), user=request.auth)
        return 201, created_data(dossier, request)

    return _once(request, idempotency_key, run)


@router.get(
    "/dossiers",
    response={200: DossierPage, **COMMON_ERRORS},
    summary="Danh sách hồ sơ được xem (phân trang bằng con trỏ)",
)
def list_dossiers(request: HttpRequest, filters: Query[DossierFilter]) -> Any:
    dossiers = Dossier.objects.select_related(*RELATED)
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.procedure:
        dossiers = dossiers.filter(procedure__code=filters.procedure)
    if filters.agency:
        dossiers = dossiers.filter(resolving_agency__identifier=filters.agency)
    if filters.channel:
        dossiers = dossiers.filter(channel=filters.channel)
    for term in search_terms(filters.q):
        dossiers = dossiers.filter(search_text__contains=term)
    before = decode_cursor(filters.cursor) if filters.cursor else None
    page = visible_page(request.auth, dossiers, before=before, limit=filters.limit + 1)
    more = len(page) > filters.limit
    page = page[: filters.limit]
    now = timezone.now()
    return {
        "items": [dossier_data(d, now) for d in page],
        "next_cursor": encode_cursor(page[-1].pk) if more else None,
    }


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = raw.split(":", 1)
        if kind != "id" or not value.isdigit() or not 0 < int(value) < 2**53:
            raise ValueError(kind)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise HttpError(422, _("Con trỏ phân trang không hợp lệ.")) from exc


@router.get(
    "/dossiers/{code}",
    response={200: DossierDetailOut, 404: ErrorOut, **COMMON_ERRORS},
    summary="Chi tiết hồ sơ",
)
def get_dossier(request: HttpRequest, code: Path[Code]) -> Any:
    return detail_data(_visible(request, code), request)


def _action_route(kind: ActionType) -> None:
    """``POST /dossiers/{code}/actions/<kind>`` with the action's own payload as its body."""
    body = payloads.PAYLOADS[kind]

    def act(request: HttpRequest, code: Path[Code], payload: Any, idempotency_key: IdempotencyKey = None) -> Any:
        dossier = _visible(request, code)

        def run() -> idempotency.Answer:
            done = perform(dossier, kind, user=request.auth, payload=payload)
            return 200, detail_data(Dossier.objects.select_related(*RELATED).get(pk=done.pk), request)

        return _once(request, idempotency_key, run)

    act.__annotations__["payload"] = body
    act.__name__ = f"act_{kind.value}"
    router.add_api_operation(
        f"/dossiers/{{code}}/actions/{kind.value}",
        ["POST"],
        act,
        response={200: DossierDetailOut, **WRITE_ERRORS},
        summary=str(ActionKind(kind.value).label),
        operation_id=f"act_{kind.value}",
    )


#: Actions officers and applicants perform through the API (opening actions are intake; system-only
#: actions are done by callbacks and jobs, never by a client).
API_ACTIONS = [kind for kind in ActionType if kind not in OPENING_ACTIONS and kind not in SYSTEM_ONLY_ACTIONS]
for _kind in API_ACTIONS:
    _action_route(_kind)


@router.post(
    "/dossiers/{code}/documents",
    response={201: DossierDocumentOut, **WRITE_ERRORS},
    summary="Tải lên tệp (văn bản kết quả, hồ sơ bổ sung) để dùng trong thao tác sau",
)
def upload_document(
    request: HttpRequest,
    code: Path[Code],
    file: File[UploadedFile],
    # "" is the default too: a multipart client may drop an empty field, so the server cannot tell it from absent
    kind: Form[Literal["result", "supplement", ""]] = "result",
) -> Any:
    dossier = _visible(request, code)
    document = attach_document(dossier, file, kind=kind or "result", user=request.auth)
    return Reply(201, _document(document))


@router.get(
    "/dossiers/{code}/documents/{document_id}",
    summary="Tải tệp của hồ sơ",
    response={200: None, 404: ErrorOut, **COMMON_ERRORS},
)
def download_document(request: HttpRequest, code: Path[Code], document_id: Path[Id]) -> HttpResponse:
    dossier = _visible(request, code)
    missing = HttpError(404, _("Hồ sơ “%(code)s” không có tệp số %(id)s.") % {"code": dossier.code, "id": document_id})
    document = DossierDocument.objects.filter(pk=document_id, dossier=dossier).first()
    if document is None:
        raise missing
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise missing from exc
    with handle:
        content = handle.read()
    name = document.original_filename or document.file.name.rsplit("/", 1)[-1]
    return download(content, name, document.content_type or "application/octet-stream")
