"""Writes on dossiers: intake and every action, each in one transaction.

Every function here validates its input, asks ``rules.lifecycle.apply`` whether the action is allowed,
appends the action to the log (with the moments it computed from the calendar), updates the dossier's
projected state and control sheet, adds to the live counters and tells the log's observers (the outbox) —
all in the same transaction, so a refused or failed action leaves nothing behind (uploaded files included).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.availability import intake_problems_kept
from motcua.catalog.models import Agency, DocumentForm, Offering
from motcua.documents.uploads import UploadRejected, check_upload, discard, store_upload
from motcua.dossiers import idempotency
from motcua.dossiers.actors import actor_capacities
from motcua.dossiers.messages import refusal_message
from motcua.dossiers.models import (
    ApplicantType,
    DocumentKind,
    Dossier,
    DossierAction,
    DossierCodeSequence,
    DossierDocument,
)
from motcua.dossiers.plans import plan_from, store_terms, terms_of
from motcua.dossiers.signals import action_logged
from motcua.dossiers.state import STEPS_IN_ORDER, project, state_of, sync_steps
from motcua.metrics.services import add_to_counters
from motcua.rules import counters, lifecycle, payloads
from motcua.rules.codes import format_dossier_code
from motcua.rules.identity import is_citizen_id, is_tax_code, normalise_identifier
from motcua.rules.lifecycle import SYSTEM_ACTOR, Action, ActionType, Actor, DossierState, Facts, Plan, Refused
from motcua.rules.roles import Role
from motcua.rules.text import fold, forbidden_characters
from motcua.validation import describe

# --------------------------------------------------------------------------------------------------
# errors: each maps to an HTTP status and carries a sentence for the user


class DossierError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DossierError):
    status_code = 422


class NotPermitted(DossierError):
    status_code = 403


class ActionRefused(DossierError):
    """The transition table or a rule forbids the action now (HTTP 409)."""

    status_code = 409


# --------------------------------------------------------------------------------------------------
# input


@dataclass(frozen=True)
class Applicant:
    type: str
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    """A required document as received at the counter."""

    document_id: int
    form: str  # DocumentForm value: as received (original, copy, presented)
    quantity: int = 1


@dataclass
class Intake:
    offering: Offering
    channel: str
    applicant: Applicant
    subject: str = ""
    checklist: Sequence[ChecklistItem] = ()
    files: Mapping[int, Sequence[UploadedFile]] = field(default_factory=dict)  # by required document id
    #: At the counter: the dossier is incomplete. It is registered, and the request to supplement (form 02)
    #: lists every unconditional document not in the checklist plus ``missing`` (Decree 61/2018 Art. 17).
    incomplete: bool = False
    missing: Sequence[str] = ()


def _clean_text(value: str, field_name: str) -> str:
    bad = forbidden_characters(value)
    if bad:
        raise InvalidInput(
            _("Chứa ký tự điều khiển không được phép (%(chars)s).") % {"chars": " ".join(bad)}, field=field_name
        )
    return value


def validate_applicant(applicant: Applicant) -> Applicant:
    """Shapes of the applicant's identifiers (``rules.identity``) and required fields."""
    for name in ("type", "name", "id_number", "phone", "email", "address"):
        _clean_text(getattr(applicant, name), f"applicant.{name}")
    if applicant.type not in ApplicantType.values:
        raise InvalidInput(_("Loại đối tượng không hợp lệ."), field="applicant.type")
    name = " ".join(applicant.name.split())
    if not name:
        raise InvalidInput(_("Thiếu tên chủ hồ sơ."), field="applicant.name")
    number = normalise_identifier(applicant.id_number)
    if applicant.type == ApplicantType.CITIZEN and not is_citizen_id(number):
        raise InvalidInput(_("Số định danh cá nhân phải gồm 12 chữ số."), field="applicant.id_number")
    if applicant.type != ApplicantType.CITIZEN and not (is_tax_code(number) or is_citizen_id(number)):
        raise InvalidInput(
            _("Mã số thuế phải gồm 10 chữ số (hoặc 10 chữ số, dấu gạch ngang và 3 chữ số)."),
            field="applicant.id_number",
        )
    email = applicant.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(_("Địa chỉ thư điện tử không hợp lệ."), field="applicant.email") from exc
    return Applicant(applicant.type, name, number, applicant.phone.strip(), email, " ".join(applicant.address.split()))


def parse_payload(kind: ActionType, data: Mapping[str, Any] | payloads.Payload) -> payloads.Payload:
    """The typed payload of ``kind``, or :class:`InvalidInput` naming the first field in error."""
    try:
        return payloads.parse(kind, data)
    except pydantic.ValidationError as exc:
        first = describe(exc.errors())[0]
        raise InvalidInput(f"{first['field']}: {first['message']}", field=first["field"]) from exc


# --------------------------------------------------------------------------------------------------
# codes


def allocate_dossier_code(agency: Agency, received_at: datetime) -> str:
    """The next dossier code of ``agency`` for the local date of ``received_at`` (RULES.md §2).

    One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement (PostgreSQL and SQLite ≥ 3.35 alike)
    takes the row lock and increments in the database, so concurrent requests on any number of
    processes or servers never receive the same number — unlike an in-process lock, the known failure
    of a production system (RULES.md §2). Run inside the caller's transaction, a rolled-back intake
    gives its number back.
    """
    day = timezone.localdate(received_at)
    table = connection.ops.quote_name(DossierCodeSequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} (agency_id, day, last_value) VALUES (%s, %s, 1) "
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
        "RETURNING last_value"
    )
    with connection.cursor() as cursor:  # one statement: atomic on its own, or part of the caller's transaction
        cursor.execute(sql, [agency.pk, day])
        (sequence,) = cursor.fetchone()
    return format_dossier_code(agency.identifier, day, sequence)


# --------------------------------------------------------------------------------------------------
# deciding and logging


def _decide(
    state: DossierState, plan: Plan, kind: ActionType, actors: Sequence[Actor], at: datetime, payload: payloads.Payload
) -> tuple[Actor, DossierState]:
    """The first capacity in which the reducer accepts the action, and the new state."""
    refusal: Refused | None = None
    for actor in actors:
        try:
            return actor, lifecycle.apply(state, plan, Action(kind, at, actor, payload))
        except Refused as refused:
            if refused.reason != "actor":
                raise ActionRefused(refusal_message(refused)) from refused
            refusal = refused
    raise NotPermitted(refusal_message(refusal or Refused("actor", action=kind, role="")))


@dataclass(frozen=True)
class _Step:
    """One action decided: who, from which state to which, with what."""

    kind: ActionType
    actor: Actor
    before: DossierState
    after: DossierState
    payload: payloads.Payload
    at: datetime


def _log(dossier: Dossier, plan: Plan, step: _Step, user: User | None, system: str = "") -> DossierAction:
    """Append one action to the log, sync the control sheet, add to the counters and tell the observers;
    the dossier row already holds the state the action led to."""
    before, after = step.before, step.after
    action = DossierAction.objects.create(
        dossier=dossier,
        seq=dossier.action_count,
        type=step.kind.value,
        at=step.at,
        actor=user,
        actor_role=step.actor.role.value,
        actor_agency_id=step.actor.agency_id,
        system_actor=system,
        from_status=before.status.value if before.status else "",
        to_status=after.status.value if after.status else "",
        step_position=plan.steps[before.step_index].position if before.step_index is not None else None,
        note=step.payload.note,
        payload=payloads.stored(step.payload),
        facts=Facts.between(before, after).to_json(),
    )
    sync_steps(dossier, before, after, plan)
    changes = counters.deltas(step.kind, before, after, dossier.channel, step.payload, step.actor.role, step.at)
    add_to_counters(dossier.resolving_agency_id, dossier.procedure_id, dossier.channel, changes)
    action_logged.send(sender=DossierAction, dossier=dossier, action=action)
    return action


def _upload_print(files: Sequence[UploadedFile]) -> list[str]:
    prints = []
    for upload in files:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        prints.append(f"{upload.name}:{upload.size}:{digest.hexdigest()}")
    return prints


def _request_print(key: str | None, describe: Callable[[], Sequence[str]]) -> str:
    """The fingerprint of a request made with an idempotency key (none is computed without one: reading the
    uploads to hash them would cost every keyless request)."""
    return idempotency.fingerprint(describe()) if key else ""


def _replayed(user: User | None, key: str | None, print_: str) -> Dossier | None:
    """The dossier an earlier request with this key wrote, if any (a replay is answered before anything is
    validated again); :class:`InvalidInput` when the key was used for a different request."""
    if not key:
        return None
    try:
        earlier = idempotency.earlier(user, key, print_)
    except idempotency.KeyReused as reused:
        raise InvalidInput(reused.message, field=reused.field) from reused
    return Dossier.objects.get(pk=earlier[1]["dossier"]) if earlier else None


def _written_once(user: User | None, key: str | None, print_: str, write: Callable[[list[str]], Dossier]) -> Dossier:
    """Run ``write`` in one transaction, at most once per idempotency key (``dossiers.idempotency``).

    ``write`` appends the names of the files it stores to the list it is given: if the transaction fails
    they are removed, so nothing is left half-written. A replay, or a concurrent duplicate, gets the dossier
    of the first request.
    """
    stored: list[str] = []
    written: list[Dossier] = []

    def work() -> idempotency.Answer:
        with transaction.atomic():
            written.append(write(stored))
        return 200, {"dossier": written[-1].pk}

    try:
        _, answer = idempotency.run_once(user, key, print_, work)
    except idempotency.KeyReused as reused:
        raise InvalidInput(reused.message, field=reused.field) from reused
    except BaseException:
        discard(stored)
        raise
    if written and written[-1].pk == answer["dossier"]:
        return written[-1]
    return Dossier.objects.get(pk=answer["dossier"])


# --------------------------------------------------------------------------------------------------
# intake


def _missing_documents(terms: Mapping[str, Any], received: set[int], uploaded: set[int], online: bool) -> list[str]:
    """The unconditional required documents (as the dossier's terms list them) not received — or, online,
    not uploaded as an e-copy (a paper only shown at the desk needs none)."""
    missing = []
    for document in terms["documents"]:
        if document["condition"]:
            continue
        needs_file = online and document["form"] != DocumentForm.PRESENT_ONLY
        if document["id"] not in (uploaded if needs_file else received):
            missing.append(document["name"])
    return missing


def _missing_input(missing: Sequence[str]) -> InvalidInput:
    names = "; ".join(name[:80] for name in missing)
    return InvalidInput(_("Thiếu thành phần hồ sơ bắt buộc: %(names)s.") % {"names": names}, field="checklist")


def _check_documents(intake: Intake, terms: Mapping[str, Any], online: bool) -> tuple[dict[int, str], list[str]]:
    """Every document named must be one of the terms'; returns the names by id and what is missing."""
    names = {d["id"]: d["name"] for d in terms["documents"]}
    received = {item.document_id for item in intake.checklist}
    uploaded = {pk for pk, files in intake.files.items() if files}
    if (received | set(intake.files)) - set(names):
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."), field="checklist")
    return names, _missing_documents(terms, received, uploaded, online)


def _store_files(
    dossier: Dossier,
    files: Mapping[int, Sequence[UploadedFile]],
    names: Mapping[int, str],
    kind: str,
    user: User | None,
    at: datetime,
    stored: list[str],
) -> list[int]:
    ids = []
    for document_id, uploads in files.items():
        for upload in uploads:
            saved = store_upload(upload, "dossiers", at)
            stored.append(saved.name)
            row = DossierDocument.objects.create(
                dossier=dossier,
                kind=kind,
                required_document_id=document_id or None,
                name=names.get(document_id, saved.original_filename),
                original_filename=saved.original_filename,
                file=saved.name,
                content_type=saved.content_type,
                size=saved.size,
                sha256=saved.sha256,
                uploaded_by=user,
                uploaded_at=at,
            )
            ids.append(row.pk)
    return ids


def _precheck_files(files: Mapping[int, Sequence[UploadedFile]]) -> None:
    """Refuse bad files before anything is written."""
    for uploads in files.values():
        for upload in uploads:
            try:
                check_upload(upload)
            except UploadRejected as rejected:
                raise InvalidInput(str(rejected), field="files") from rejected


def _intake_print(intake: Intake, user: User) -> list[str]:
    described = {
        "offering": intake.offering.pk,
        "channel": intake.channel,
        "applicant": asdict(intake.applicant),
        "subject": intake.subject,
        "checklist": [asdict(item) for item in intake.checklist],
        "incomplete": intake.incomplete,
        "missing": list(intake.missing),
        "files": {str(k): _upload_print(v) for k, v in sorted(intake.files.items())},
    }
    return ["intake", str(user.pk), json.dumps(described, sort_keys=True, ensure_ascii=False)]


def open_dossier(
    intake: Intake, *, user: User, idempotency_key: str | None = None, at: datetime | None = None
) -> Dossier:
    """Receive a dossier at the counter, or file one online (the applicant): one transaction.

    At the counter the officer must be a counter officer of the offering's desk; the checklist must
    cover every unconditional required document — or the dossier is registered as incomplete and gets the
    request to supplement at once. Online, the applicant uploads an e-copy of each. Only an offering that
    can receive today (``catalog.availability``) receives anything.
    """
    print_ = _request_print(idempotency_key, lambda: _intake_print(intake, user))
    earlier = _replayed(user, idempotency_key, print_)
    if earlier is not None:
        return earlier
    prefetch_related_objects([user], "memberships")  # read once: capacities and desk checks use them
    at = at or timezone.now()
    offering = intake.offering
    problems = intake_problems_kept(offering, timezone.localdate(at), intake.channel)
    if problems:
        raise InvalidInput(problems[0].message, field="channel" if problems[0].code == "channel" else "offering")
    online = intake.channel == "online"
    applicant = validate_applicant(intake.applicant)
    subject = _clean_text(intake.subject, "subject")[:500]
    terms = terms_of(offering, intake.channel)
    names, missing = _check_documents(intake, terms.data, online)
    missing_notes = [_clean_text(line, "missing") for line in intake.missing if line.strip()]
    if intake.incomplete and not (missing or missing_notes):
        raise InvalidInput(_("Hồ sơ đã đủ thành phần: hãy tiếp nhận hồ sơ."), field="checklist")
    if missing and not intake.incomplete:
        raise _missing_input(missing)
    _precheck_files(intake.files)
    plan = plan_from(terms.data["plan"])
    desk_officer = _is_desk_officer(user, plan)
    if intake.incomplete and not desk_officer:
        raise NotPermitted(_("Chỉ cán bộ một cửa của nơi tiếp nhận ghi nhận hồ sơ chưa đầy đủ."))
    kind = ActionType.SUBMIT if intake.incomplete or (online and not desk_officer) else ActionType.RECEIVE
    desk = offering.receiving_agency or offering.agency
    capacities = actor_capacities(user, None)
    opening = parse_payload(
        kind,
        {
            "checklist": [asdict(item) for item in intake.checklist],
            "online": online,
        },
    )

    def write(stored: list[str]) -> Dossier:
        dossier = Dossier(
            offering=offering,
            procedure=offering.procedure,
            resolving_agency=offering.agency,
            receiving_agency=desk,
            channel=intake.channel,
            regime=lifecycle.regime_for(timezone.localdate(at)).value,
            subject=subject,
            applicant_type=applicant.type,
            applicant_name=applicant.name,
            applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone,
            applicant_email=applicant.email,
            applicant_address=applicant.address,
            applicant_user=user if kind is ActionType.SUBMIT and not desk_officer else None,
            terms=store_terms(terms),
        )
        actor, after = _decide(DossierState(), plan, kind, capacities, at, opening)
        dossier.code = allocate_dossier_code(desk, at)
        dossier.search_text = fold(f"{dossier.code} {applicant.name} {applicant.id_number}")[:300]
        project(dossier, after, plan)  # the row is written once, with the state the first action led to
        dossier.current_agency = {a.pk: a for a in (desk, offering.agency)}.get(dossier.current_agency_id)
        dossier.action_count = 1
        dossier.save(force_insert=True)
        document_ids = _store_files(dossier, intake.files, names, DocumentKind.SUBMITTED, user, at, stored)
        payload = opening.model_copy(update={"documents": document_ids})
        _log(dossier, plan, _Step(kind, actor, DossierState(), after, payload, at), user)
        if intake.incomplete:  # the request to supplement (form 02), in the same transaction
            request = parse_payload(ActionType.REQUEST_SUPPLEMENT, {"missing": [*missing, *missing_notes][:50]})
            _act(dossier, ActionType.REQUEST_SUPPLEMENT, capacities, request, at, user)
        return dossier

    return _written_once(user, idempotency_key, print_, write)


def _is_desk_officer(user: User, plan: Plan) -> bool:
    return any(m.agency_id == plan.desk_agency_id and m.role == Role.COUNTER for m in user.memberships.all())


# --------------------------------------------------------------------------------------------------
# actions on an existing dossier


def _locked(dossier_id: int) -> Dossier:
    """The dossier row locked for this transaction (one action at a time per dossier), with its sheet."""
    return Dossier.objects.select_for_update().prefetch_related(STEPS_IN_ORDER).get(pk=dossier_id)


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
        new = _store_files(dossier, {0: files}, {}, kind_of_file, user, at, stored)
        data["documents"] = [*data.get("documents", []), *new]
    payload = parse_payload(kind, data)
    if isinstance(payload, payloads.RecordResultPayload):
        _check_result_documents(dossier, payload.documents)
    if isinstance(payload, payloads.AcceptPayload) and payload.checklist:
        _check_accepted_checklist(dossier, payload.checklist)
    return payload


def _check_accepted_checklist(dossier: Dossier, checklist: Sequence[payloads.ChecklistEntry]) -> None:
    """What the desk checks when it accepts a registered dossier: documents of its terms, all of them."""
    terms = dossier.terms_data
    received = {entry.document_id for entry in checklist}
    if received - {d["id"] for d in terms["documents"]}:
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."), field="checklist")
    missing = _missing_documents(terms, received, set(), online=False)
    if missing:
        raise _missing_input(missing)


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
    _precheck_files({0: files})
    prefetch_related_objects([user], "memberships")
    dossier_id = dossier.pk

    def write(stored: list[str]) -> Dossier:
        dossier = _locked(dossier_id)
        moment = at or timezone.now()
        typed = _with_files(kind, data, dossier, files, user, moment, stored)
        return _act(dossier, kind, actor_capacities(user, dossier), typed, moment, user)

    print_ = _request_print(
        idempotency_key,
        lambda: [
            "action",
            str(dossier_id),
            kind.value,
            json.dumps(data, sort_keys=True, default=str),
            *_upload_print(files),
        ],
    )
    earlier = _replayed(user, idempotency_key, print_)
    if earlier is not None:
        return earlier
    return _written_once(user, idempotency_key, print_, write)


def _act(
    dossier: Dossier,
    kind: ActionType,
    actors: Sequence[Actor],
    payload: payloads.Payload,
    at: datetime,
    user: User | None,
    system: str = "",
) -> Dossier:
    plan = plan_from(dossier.plan)
    before = dossier.written_state or state_of(dossier)
    actor, after = _decide(before, plan, kind, actors, at, payload)
    project(dossier, after, plan)
    dossier.action_count += 1
    dossier.save()
    _log(dossier, plan, _Step(kind, actor, before, after, payload, at), user, system)
    return dossier


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
        locked = _locked(dossier_id)
        moment = at or timezone.now()
        return _act(locked, kind, [SYSTEM_ACTOR], parse_payload(kind, data), moment, None, component[:40])

    print_ = _request_print(
        idempotency_key,
        lambda: ["system", component, str(dossier_id), kind.value, json.dumps(data, sort_keys=True, default=str)],
    )
    earlier = _replayed(None, idempotency_key, print_)
    if earlier is not None:
        return earlier
    return _written_once(None, idempotency_key, print_, write)


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
    _precheck_files({0: [upload]})
    stored: list[str] = []
    try:
        with transaction.atomic():
            (document_id,) = _store_files(dossier, {0: [upload]}, {}, kind, user, timezone.now(), stored)
    except BaseException:
        discard(stored)
        raise
    return DossierDocument.objects.get(pk=document_id)
