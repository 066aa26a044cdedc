"""Writes on dossiers: intake and every action, each in one transaction with one action row.

Every function here validates its input, asks ``rules.lifecycle.apply`` whether the action is allowed,
appends the action to the log, updates the dossier's projected state and control sheet, and adds to the
live counters — all in the same transaction, so a refused or failed action leaves nothing behind
(uploaded files included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.models import Agency, DocumentForm, Offering
from motcua.documents.uploads import UploadRejected, check_upload, discard, store_upload
from motcua.dossiers.messages import refusal_message
from motcua.dossiers.models import (
    ApplicantType,
    DocumentKind,
    Dossier,
    DossierAction,
    DossierCodeSequence,
    DossierDocument,
    DossierStep,
)
from motcua.dossiers.signals import action_logged
from motcua.metrics.services import add_to_counters
from motcua.rules import lifecycle
from motcua.rules.codes import format_dossier_code
from motcua.rules.counters import increments
from motcua.rules.identity import is_citizen_id, is_tax_code, normalise_identifier
from motcua.rules.lifecycle import Action, ActionType, Actor, DossierState, Plan, Refused, Role, StepPlan
from motcua.rules.text import fold
from motcua.rules.workdays import Unit

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


def validate_applicant(applicant: Applicant) -> Applicant:
    """Shapes of the applicant's identifiers (``rules.identity``) and required fields."""
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


# --------------------------------------------------------------------------------------------------
# the plan: the process of an offering, snapshotted at intake


def plan_snapshot(offering: Offering, channel: str) -> dict[str, Any]:
    """The offering's process for ``channel`` as data kept on the dossier.

    Counter steps without an explicit agency happen at the one-stop desk of the offering; other steps
    without one at the resolving agency.
    """
    row = next((c for c in offering.channels.all() if c.channel == channel), None)
    if row is None:
        raise InvalidInput(_("Thủ tục này không nhận hồ sơ qua hình thức đã chọn."), field="channel")
    duration = row.duration
    if duration is None:
        raise InvalidInput(
            _("Thủ tục này chưa có thời hạn giải quyết xác định: chưa thể tiếp nhận hồ sơ."), field="offering"
        )
    templates = {t.channel: t for t in offering.templates.all()}
    template = templates.get(channel) or templates.get("")
    if template is None:
        raise InvalidInput(_("Thủ tục này chưa có quy trình xử lý: chưa thể tiếp nhận hồ sơ."), field="offering")
    desk = offering.receiving_agency_id or offering.agency_id
    steps = []
    for step in sorted(template.steps.all(), key=lambda s: s.position):
        agency = step.executing_agency_id or (desk if step.role == Role.COUNTER else offering.agency_id)
        steps.append(
            {
                "position": step.position,
                "name": step.name,
                "role": step.role,
                "agency_id": agency,
                "amount": str(step.allotted_amount),
                "unit": step.allotted_unit,
            }
        )
    return {
        "processing": {"amount": str(duration.amount), "unit": duration.unit.value},
        "steps": steps,
        "desk_agency_id": desk,
        "resolver_agency_id": offering.agency_id,
    }


def plan_from(snapshot: Mapping[str, Any]) -> Plan:
    return Plan(
        calendar=get_work_calendar(),
        steps=tuple(
            StepPlan(s["position"], s["name"], Role(s["role"]), s["agency_id"], Decimal(s["amount"]), Unit(s["unit"]))
            for s in snapshot["steps"]
        ),
        processing_amount=Decimal(snapshot["processing"]["amount"]),
        processing_unit=Unit(snapshot["processing"]["unit"]),
        desk_agency_id=snapshot["desk_agency_id"],
        resolver_agency_id=snapshot["resolver_agency_id"],
        apology_margin_seconds=settings.MOTCUA_APOLOGY_MARGIN_SECONDS,
    )


# --------------------------------------------------------------------------------------------------
# state ⇄ row


def state_of(dossier: Dossier) -> DossierState:
    """The projected state kept on the row and its control sheet, as the reducer sees it."""
    steps = tuple(
        lifecycle.StepRecord(
            s.position,
            Role(s.role),
            s.agency_id,
            s.started_at,
            s.due_at,
            s.ended_at,
            lifecycle.Outcome(s.outcome) if s.outcome else None,
            ActionType(s.ended_by) if s.ended_by else None,
        )
        for s in dossier.steps.order_by("seq")
    )
    plan_steps = dossier.plan.get("steps", [])
    index = next((i for i, s in enumerate(plan_steps) if s["position"] == dossier.current_position), None)
    return DossierState(
        status=lifecycle.Status(dossier.status) if dossier.status else None,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        appointment_at=dossier.appointment_at,
        step_index=index,
        paused_since=dossier.paused_since,
        paused_seconds=dossier.paused_seconds,
        resume_status=lifecycle.Status(dossier.resume_status) if dossier.resume_status else None,
        supplement_requests=dossier.supplement_requests,
        approved=dossier.approved,
        result_recorded=dossier.result_recorded,
        apologised=dossier.apologised,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        outcome=lifecycle.Outcome(dossier.outcome) if dossier.outcome else None,
        steps=steps,
        last_action_at=dossier.last_action_at,
    )


def project(dossier: Dossier, state: DossierState, plan: Plan) -> None:
    """Copy a state onto the row (not saved), and keep it on the instance (``Dossier.written_state``)."""
    step = plan.steps[state.step_index] if state.step_index is not None else None
    current = state.current_step
    dossier.status = state.status.value if state.status else ""
    dossier.submitted_at = state.submitted_at
    dossier.received_at = state.received_at
    dossier.due_at = state.due_at
    dossier.appointment_at = state.appointment_at
    dossier.current_position = step.position if step else None
    if state.status in lifecycle.FINAL_STATUSES:
        dossier.current_agency_id, dossier.current_role = None, ""
    elif step is not None:
        dossier.current_agency_id, dossier.current_role = step.agency_id, step.role.value
    else:  # submitted online: waits at the desk
        dossier.current_agency_id, dossier.current_role = plan.desk_agency_id, Role.COUNTER.value
    dossier.step_started_at = current.started_at if current else None
    dossier.step_due_at = current.due_at if current else None
    dossier.paused_since = state.paused_since
    dossier.paused_seconds = state.paused_seconds
    dossier.resume_status = state.resume_status.value if state.resume_status else ""
    dossier.supplement_requests = state.supplement_requests
    dossier.approved = state.approved
    dossier.result_recorded = state.result_recorded
    dossier.apologised = state.apologised
    dossier.finished_at = state.finished_at
    dossier.returned_at = state.returned_at
    dossier.outcome = state.outcome.value if state.outcome else ""
    dossier.last_action_at = state.last_action_at
    dossier.written_state = state


def _sync_steps(dossier: Dossier, before: DossierState, after: DossierState, plan: Plan) -> None:
    """Write the control-sheet rows that the action changed: the step it ended, the step it started."""
    names = {s.position: s.name for s in plan.steps}
    first_changed = max(0, len(before.steps) - 1)
    new_rows = []
    for seq, record in enumerate(after.steps[first_changed:], start=first_changed + 1):
        if seq <= len(before.steps) and before.steps[seq - 1] == record:
            continue
        values = {
            "position": record.position,
            "name": names.get(record.position, ""),
            "role": record.role.value,
            "agency_id": record.agency_id,
            "started_at": record.started_at,
            "due_at": record.due_at,
            "ended_at": record.ended_at,
            "outcome": record.outcome.value if record.outcome else "",
            "ended_by": record.ended_by.value if record.ended_by else "",
        }
        if seq <= len(before.steps):
            DossierStep.objects.filter(dossier=dossier, seq=seq).update(**values)
        else:
            new_rows.append(DossierStep(dossier=dossier, seq=seq, **values))
    if new_rows:
        DossierStep.objects.bulk_create(new_rows)


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
# actors


def actor_capacities(user: User, dossier: Dossier | None) -> list[Actor]:
    """Every capacity in which ``user`` could act on ``dossier``."""
    officer_roles = {Role.COUNTER.value, Role.SPECIALIST.value, Role.LEADER.value}
    actors = [Actor(Role(m.role), m.agency_id) for m in user.memberships.all() if m.role in officer_roles]
    if dossier is None or (dossier.applicant_user_id is not None and dossier.applicant_user_id == user.pk):
        actors.append(Actor(Role.APPLICANT, None))
    return actors


def _decide(
    state: DossierState,
    plan: Plan,
    kind: ActionType,
    user: User,
    dossier: Dossier | None,
    at: datetime,
    payload: Mapping[str, Any],
) -> tuple[Actor, DossierState]:
    """The first capacity of ``user`` in which the reducer accepts the action, and the new state."""
    refusal: Refused | None = None
    for actor in actor_capacities(user, dossier):
        try:
            return actor, lifecycle.apply(state, plan, Action(kind, at, actor, payload))
        except Refused as refused:
            if refused.reason != "actor":
                raise ActionRefused(refusal_message(refused)) from refused
            refusal = refused
    raise NotPermitted(refusal_message(refusal or Refused("actor", action=kind, role="")))


# --------------------------------------------------------------------------------------------------
# the log


def _log(
    dossier: Dossier,
    plan: Plan,
    before: DossierState,
    after: DossierState,
    kind: ActionType,
    actor: Actor,
    user: User | None,
    at: datetime,
    note: str,
    payload: Mapping[str, Any],
    idempotency_key: str,
) -> DossierAction:
    """Append one action to the log, sync the control sheet and add to the counters; the dossier row
    already holds the state the action led to."""
    step_position = plan.steps[before.step_index].position if before.step_index is not None else None
    action = DossierAction.objects.create(
        dossier=dossier,
        seq=dossier.action_count,
        type=kind.value,
        at=at,
        actor=user,
        actor_role=actor.role.value,
        actor_agency_id=actor.agency_id,
        from_status=before.status.value if before.status else "",
        to_status=after.status.value if after.status else "",
        step_position=step_position,
        note=note,
        payload=_jsonable(payload),
        idempotency_key=idempotency_key,
    )
    _sync_steps(dossier, before, after, plan)
    deltas = increments(kind, after, dossier.channel)
    if deltas:
        day = timezone.localdate(at)
        add_to_counters(day, dossier.resolving_agency_id, dossier.procedure_id, dossier.channel, deltas)
    action_logged.send(sender=DossierAction, dossier=dossier, action=action)
    return action


def _jsonable(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in payload.items()}


def _scoped_key(user: User | None, key: str | None) -> str:
    """Keys are unique per user: two clients cannot collide by choosing the same key."""
    return f"{user.pk if user else 0}:{key}" if key else ""


def replayed(user: User | None, idempotency_key: str | None) -> Dossier | None:
    """The dossier an earlier request with this key acted on, if any (a replay writes nothing)."""
    key = _scoped_key(user, idempotency_key)
    if not key:
        return None
    action = DossierAction.objects.select_related("dossier").filter(idempotency_key=key).first()
    return action.dossier if action else None


def _written_once(user: User, idempotency_key: str | None, write: Callable[[list[str]], Dossier]) -> Dossier:
    """Run ``write`` in one transaction, at most once per idempotency key.

    ``write`` appends the names of the files it stores to the list it is given: if the transaction
    fails they are removed, so nothing is left half-written. A replay, or a concurrent duplicate that
    loses the race on the key's unique constraint, gets the dossier of the first request.
    """
    earlier = replayed(user, idempotency_key)
    if earlier is not None:
        return earlier
    stored: list[str] = []
    try:
        with transaction.atomic():
            return write(stored)
    except IntegrityError:
        discard(stored)
        earlier = replayed(user, idempotency_key)
        if earlier is not None:
            return earlier
        raise
    except BaseException:
        discard(stored)
        raise


# --------------------------------------------------------------------------------------------------
# intake


def _check_documents(intake: Intake, online: bool) -> list[tuple[int, str]]:
    """Required documents: every unconditional one must be received (or uploaded online)."""
    documents = {d.pk: d for d in intake.offering.procedure.documents.all()}
    received = {item.document_id: item for item in intake.checklist}
    unknown = (set(received) | set(intake.files)) - set(documents)
    if unknown:
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."), field="checklist")
    missing = []
    for document in documents.values():
        if document.condition:
            continue
        needs_file = online and document.form != DocumentForm.PRESENT_ONLY
        present = bool(intake.files.get(document.pk)) if needs_file else document.pk in received
        if not present:
            missing.append(document.name)
    if missing:
        raise InvalidInput(
            _("Thiếu thành phần hồ sơ bắt buộc: %(names)s.") % {"names": "; ".join(n[:80] for n in missing)},
            field="checklist",
        )
    return [(pk, documents[pk].name) for pk in intake.files]


def _store_files(
    dossier: Dossier,
    intake_files: Mapping[int, Sequence[UploadedFile]],
    names: Mapping[int, str],
    kind: str,
    user: User | None,
    at: datetime,
    stored: list[str],
) -> list[int]:
    ids = []
    for document_id, uploads in intake_files.items():
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


def open_dossier(
    intake: Intake, *, user: User, idempotency_key: str | None = None, at: datetime | None = None
) -> Dossier:
    """Receive a dossier at the counter, or file one online (the applicant): one transaction.

    At the counter the officer must be a counter officer of the offering's desk; the checklist must
    cover every unconditional required document. Online, the applicant uploads an e-copy of each.
    """
    earlier = replayed(user, idempotency_key)
    if earlier is not None:  # a replay is answered before anything is validated again
        return earlier
    prefetch_related_objects([user], "memberships")  # read once: capacities and desk checks use them
    at = at or timezone.now()
    online = intake.channel == "online"
    applicant = validate_applicant(intake.applicant)
    offering = intake.offering
    if not offering.active:
        raise InvalidInput(_("Thủ tục này không còn được tiếp nhận tại cơ quan."), field="offering")
    names = dict(_check_documents(intake, online))
    _precheck_files(intake.files)
    snapshot = plan_snapshot(offering, intake.channel)
    plan = plan_from(snapshot)
    kind = ActionType.SUBMIT if online and not _is_desk_officer(user, plan) else ActionType.RECEIVE
    desk = offering.receiving_agency or offering.agency

    def write(stored: list[str]) -> Dossier:
        dossier = Dossier(
            offering=offering,
            procedure=offering.procedure,
            resolving_agency=offering.agency,
            receiving_agency=desk,
            channel=intake.channel,
            regime=lifecycle.regime_for(timezone.localdate(at)).value,
            subject=intake.subject[:500],
            applicant_type=applicant.type,
            applicant_name=applicant.name,
            applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone,
            applicant_email=applicant.email,
            applicant_address=applicant.address,
            applicant_user=user if kind is ActionType.SUBMIT else None,
            plan=snapshot,
        )
        before = DossierState()
        actor, after = _decide(before, plan, kind, user, dossier, at, {"online": online})
        dossier.code = allocate_dossier_code(desk, at)
        dossier.search_text = fold(f"{dossier.code} {applicant.name} {applicant.id_number}")[:300]
        project(dossier, after, plan)  # the row is written once, with the state the first action led to
        dossier.current_agency = {a.pk: a for a in (desk, offering.agency)}.get(dossier.current_agency_id)
        dossier.action_count = 1
        dossier.save(force_insert=True)
        document_ids = _store_files(dossier, intake.files, names, DocumentKind.SUBMITTED, user, at, stored)
        checklist = [{"document_id": i.document_id, "form": i.form, "quantity": i.quantity} for i in intake.checklist]
        payload = {"checklist": checklist, "documents": document_ids}
        _log(dossier, plan, before, after, kind, actor, user, at, "", payload, _scoped_key(user, idempotency_key))
        return dossier

    return _written_once(user, idempotency_key, write)


def _is_desk_officer(user: User, plan: Plan) -> bool:
    return any(m.agency_id == plan.desk_agency_id and m.role == Role.COUNTER for m in user.memberships.all())


# --------------------------------------------------------------------------------------------------
# actions on an existing dossier


def perform(
    dossier: Dossier,
    kind: ActionType,
    *,
    user: User,
    note: str = "",
    payload: Mapping[str, Any] | None = None,
    files: Sequence[UploadedFile] = (),
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Perform one action on ``dossier`` in one transaction; refused actions change nothing."""
    if kind in lifecycle.OPENING_ACTIONS:
        raise ActionRefused(_("Hồ sơ đã được tạo."))
    payload = dict(payload or {})
    _precheck_files({0: files})
    prefetch_related_objects([user], "memberships")
    dossier_id = dossier.pk

    def write(stored: list[str]) -> Dossier:
        dossier = Dossier.objects.select_for_update().get(pk=dossier_id)  # one action at a time per dossier
        moment = at or timezone.now()
        plan = plan_from(dossier.plan)
        before = state_of(dossier)
        if files:
            kind_of_file = DocumentKind.RESULT if kind is ActionType.RECORD_RESULT else DocumentKind.SUPPLEMENT
            payload["documents"] = [
                *payload.get("documents", []),
                *_store_files(dossier, {0: files}, {}, kind_of_file, user, moment, stored),
            ]
        if kind is ActionType.RECORD_RESULT:
            _check_result_documents(dossier, payload.get("documents", []))
        actor, after = _decide(before, plan, kind, user, dossier, moment, payload)
        project(dossier, after, plan)
        dossier.action_count += 1
        dossier.save()
        key = _scoped_key(user, idempotency_key)
        _log(dossier, plan, before, after, kind, actor, user, moment, note, payload, key)
        return dossier

    return _written_once(user, idempotency_key, write)


def _check_result_documents(dossier: Dossier, ids: Sequence[int]) -> None:
    if not ids:
        raise InvalidInput(_("Cần tải lên văn bản kết quả đã ký."), field="files")
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
