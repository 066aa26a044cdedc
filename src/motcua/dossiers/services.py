"""Writes on dossiers: intake and every action, each in one transaction.

Every function here validates its input, asks ``rules.lifecycle.apply`` whether the action is allowed,
appends the action to the log (with the moments it computed from the calendar), updates the dossier's
projected state and control sheet, adds to the live counters and tells the log's observers (the outbox) —
all in the same transaction, so a refused or failed action leaves nothing behind (uploaded files included).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.documents.uploads import discard
from motcua.dossiers.actors import actor_capacities
from motcua.dossiers.errors import ActionRefused, DossierError, InvalidInput, NotPermitted
from motcua.dossiers.intake import (
    Applicant,
    ChecklistItem,
    Intake,
    allocate_dossier_code,
    missing_documents,
    missing_input,
    open_dossier,
    validate_applicant,
)
from motcua.dossiers.models import (
    DocumentKind,
    Dossier,
    DossierDocument,
)
from motcua.dossiers.recording import (
    act,
    lock_dossier,
    parse_payload,
    precheck_files,
    replayed,
    request_print,
    store_files,
    upload_print,
    written_once,
)
from motcua.rules import lifecycle, payloads
from motcua.rules.lifecycle import SYSTEM_ACTOR, ActionType
from motcua.rules.roles import Role

#: The writes of the dossiers app, in one place for callers: intake (``dossiers.intake``) and the actions below.
__all__ = [
    "ActionRefused",
    "Applicant",
    "ChecklistItem",
    "DossierError",
    "Intake",
    "InvalidInput",
    "NotPermitted",
    "allocate_dossier_code",
    "attach_document",
    "open_dossier",
    "parse_payload",
    "perform",
    "perform_as_system",
    "validate_applicant",
]


def _with_files(
    kind: ActionType,
    data: Mapping[str, Any] | payloads.Payload,
    dossier: Dossier,
    files: Sequence[UploadedFile],
    user: User | None,
    at: datetime,
    stored: list[str],
) -> payloads.Payload:
    """The typed payload, with the ids of the files uploaded with the action added to its documents."""
    if isinstance(data, payloads.Payload):
        data = data.model_dump()
    data = dict(data)
    if files:
        if "documents" not in payloads.PAYLOADS[kind].model_fields:
            raise InvalidInput(_("Thao tác này không nhận tệp."), field="files")
        kind_of_file = DocumentKind.RESULT if kind is ActionType.RECORD_RESULT else DocumentKind.SUPPLEMENT
        new = store_files(dossier, {0: files}, {}, kind_of_file, user, at, stored)
        data["documents"] = [*data.get("documents", []), *new]
    payload = parse_payload(kind, data)
    if isinstance(payload, payloads.RecordResultPayload):
        _check_result_documents(dossier, payload.documents)
    if isinstance(payload, payloads.AcceptPayload) and payload.checklist:
        _check_accepted_checklist(dossier, payload.checklist)
    return payload


def _check_accepted_checklist(dossier: Dossier, checklist: Sequence[payloads.ChecklistEntry]) -> None:
    """What the desk checks when it accepts a registered dossier: documents of its terms, all of them."""
    if any(entry.store_document for entry in checklist):
        raise InvalidInput(_("Giấy tờ trong kho dữ liệu chỉ được chọn khi tiếp nhận hồ sơ."), field="checklist")
    terms = dossier.terms_data
    received = {entry.document_id for entry in checklist}
    if received - {d["id"] for d in terms["documents"]}:
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."), field="checklist")
    missing = missing_documents(terms, received, set(), online=False)
    if missing:
        raise missing_input(missing)


def perform(
    dossier: Dossier,
    kind: ActionType,
    *,
    user: User,
    note: str = "",
    payload: Mapping[str, Any] | payloads.Payload | None = None,
    files: Sequence[UploadedFile] = (),
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Perform one action on ``dossier`` in one transaction; refused actions change nothing."""
    if kind in lifecycle.OPENING_ACTIONS:
        raise ActionRefused(_("Hồ sơ đã được tạo."))
    if kind in lifecycle.SYSTEM_ONLY_ACTIONS:
        raise NotPermitted(_("Thao tác này chỉ do hệ thống thực hiện."))
    data: dict[str, Any] = payload.model_dump() if isinstance(payload, payloads.Payload) else dict(payload or {})
    if note:
        data["note"] = note
    precheck_files({0: files})
    prefetch_related_objects([user], "memberships")
    dossier_id = dossier.pk

    def write(stored: list[str]) -> Dossier:
        dossier = lock_dossier(dossier_id)
        moment = at or timezone.now()
        typed = _with_files(kind, data, dossier, files, user, moment, stored)
        return act(dossier, kind, actor_capacities(user, dossier), typed, moment, user)

    print_ = request_print(
        idempotency_key,
        lambda: [
            "action",
            str(dossier_id),
            kind.value,
            json.dumps(data, sort_keys=True, default=str),
            *upload_print(files),
        ],
    )
    earlier = replayed(user, idempotency_key, print_)
    if earlier is not None:
        return earlier
    return written_once(user, idempotency_key, print_, write)


def perform_as_system(
    dossier: Dossier,
    kind: ActionType,
    *,
    component: str,
    payload: Mapping[str, Any] | payloads.Payload,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Perform an action as the system actor (a callback, a job): the table says what it may do.

    ``component`` names who acted (``"scheduler"``, ``"payment:vnpay"`` …) and is kept in the log; a
    callback passes its own reference as ``idempotency_key`` so that a repeated callback acts once.
    """
    data = payload.model_dump() if isinstance(payload, payloads.Payload) else dict(payload)
    dossier_id = dossier.pk

    def write(stored: list[str]) -> Dossier:
        locked = lock_dossier(dossier_id)
        moment = at or timezone.now()
        return act(locked, kind, [SYSTEM_ACTOR], parse_payload(kind, data), moment, None, component[:40])

    print_ = request_print(
        idempotency_key,
        lambda: ["system", component, str(dossier_id), kind.value, json.dumps(data, sort_keys=True, default=str)],
    )
    earlier = replayed(None, idempotency_key, print_)
    if earlier is not None:
        return earlier
    return written_once(None, idempotency_key, print_, write)


def _check_result_documents(dossier: Dossier, ids: Sequence[int]) -> None:
    found = set(dossier.documents.filter(pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise InvalidInput(_("Tệp kết quả không thuộc hồ sơ này."), field="documents")


def attach_document(dossier: Dossier, upload: UploadedFile, *, kind: str, user: User) -> DossierDocument:
    """Store a file for a later action (a signed result, a supplement) on a dossier the user works on.

    The file is inert until an action names it (``record_result``'s ``documents``); only someone who
    can act on the dossier now — at its desk, its current step or as its applicant — may add one.
    """
    agencies = {dossier.receiving_agency_id, dossier.current_agency_id, dossier.resolving_agency_id}
    capacities = actor_capacities(user, dossier)
    if not any(a.role is Role.APPLICANT or a.agency_id in agencies for a in capacities):
        raise NotPermitted(_("Bạn không xử lý hồ sơ này."))
    if kind not in {DocumentKind.RESULT, DocumentKind.SUPPLEMENT}:
        raise InvalidInput(_("Loại tệp không hợp lệ."), field="kind")
    precheck_files({0: [upload]})
    stored: list[str] = []
    try:
        with transaction.atomic():
            (document_id,) = store_files(dossier, {0: [upload]}, {}, kind, user, timezone.now(), stored)
    except BaseException:
        discard(stored)
        raise
    return DossierDocument.objects.get(pk=document_id)
