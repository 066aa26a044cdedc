"""Intake: a dossier received at the counter, or filed online — one transaction, one code, its terms.

At the counter the officer must be a counter officer of the offering's desk; the checklist must cover every
unconditional required document, or the dossier is registered as incomplete and gets the request to supplement
at once (Decree 61/2018 Art. 17). Online, the applicant uploads an e-copy of each. Only an offering that can
receive today (``catalog.availability``) receives anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.availability import intake_problems_kept
from motcua.catalog.models import Agency, DocumentForm, Offering
from motcua.datastore.errors import StoreRefused
from motcua.datastore.kinds import kind_table, requirement_kinds
from motcua.datastore.services import check_choices
from motcua.dossiers.actors import actor_capacities
from motcua.dossiers.errors import InvalidInput, NotPermitted
from motcua.dossiers.models import (
    ApplicantType,
    DocumentKind,
    Dossier,
    DossierCodeSequence,
    ResultDelivery,
)
from motcua.dossiers.plans import plan_from, store_terms, terms_of
from motcua.dossiers.recording import (
    Step,
    act,
    decide,
    log_action,
    parse_payload,
    precheck_files,
    replayed,
    request_print,
    store_files,
    upload_print,
    written_once,
)
from motcua.dossiers.state import project
from motcua.dossiers.wallet import record_choices
from motcua.rules import lifecycle
from motcua.rules.codes import format_dossier_code
from motcua.rules.identity import is_citizen_id, is_tax_code, normalise_identifier
from motcua.rules.lifecycle import ActionType, DossierState, Plan
from motcua.rules.roles import Role
from motcua.rules.text import fold, forbidden_characters


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
    #: a document of the applicant's personal data store given instead (``datastore.StoredDocument`` id)
    store_document: int | None = None


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
    #: how the applicant wants the result (``models.ResultDelivery``); blank: not asked (the counter)
    result_delivery: str = ""
    #: The applicant consents to the stored documents the checklist names being taken (RULES.md §6): required
    #: when any is named — online the applicant's own act, at the counter recorded by the officer.
    store_consent: bool = False
    #: Connected databases consulted for the dossier with the applicant's consent (``DSKetNoiCSDL``), e.g. the
    #: population registry's code after a prefill (``integrations.population``).
    consulted_databases: Sequence[str] = ()


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


def missing_documents(terms: Mapping[str, Any], received: set[int], uploaded: set[int], online: bool) -> list[str]:
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


def missing_input(missing: Sequence[str]) -> InvalidInput:
    names = "; ".join(name[:80] for name in missing)
    return InvalidInput(_("Thiếu thành phần hồ sơ bắt buộc: %(names)s.") % {"names": names}, field="checklist")


def _check_documents(
    intake: Intake,
    terms: Mapping[str, Any],
    online: bool,
    from_store: set[int] = frozenset(),  # type: ignore[assignment]
) -> tuple[dict[int, str], list[str]]:
    """Every document named must be one of the terms'; returns the names by id and what is missing (a
    requirement given from the applicant's data store is neither: it is held electronically already)."""
    names = {d["id"]: d["name"] for d in terms["documents"]}
    received = {item.document_id for item in intake.checklist}
    uploaded = {pk for pk, files in intake.files.items() if files} | from_store
    if (received | set(intake.files)) - set(names):
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."), field="checklist")
    return names, missing_documents(terms, received, uploaded, online)


def _intake_print(intake: Intake, user: User) -> list[str]:
    described = {
        "offering": intake.offering.pk,
        "channel": intake.channel,
        "applicant": asdict(intake.applicant),
        "subject": intake.subject,
        "checklist": [asdict(item) for item in intake.checklist],
        "incomplete": intake.incomplete,
        "missing": list(intake.missing),
        "result_delivery": intake.result_delivery,
        "store_consent": intake.store_consent,
        "consulted_databases": list(intake.consulted_databases),
        "files": {str(k): upload_print(v) for k, v in sorted(intake.files.items())},
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
    print_ = request_print(idempotency_key, lambda: _intake_print(intake, user))
    earlier = replayed(user, idempotency_key, print_)
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
    desk_officer_early = _is_desk_officer(user, plan_from(terms.data["plan"]))
    chosen = _store_choices(intake, terms.data, applicant, None if desk_officer_early else user, at)
    names, missing = _check_documents(intake, terms.data, online, set(chosen))
    missing_notes = [_clean_text(line, "missing") for line in intake.missing if line.strip()]
    if intake.result_delivery not in ("", *ResultDelivery.values):
        raise InvalidInput(_("Hình thức nhận kết quả không hợp lệ."), field="result_delivery")
    if intake.incomplete and not (missing or missing_notes):
        raise InvalidInput(_("Hồ sơ đã đủ thành phần: hãy tiếp nhận hồ sơ."), field="checklist")
    if missing and not intake.incomplete:
        raise missing_input(missing)
    precheck_files(intake.files)
    plan = plan_from(terms.data["plan"])
    desk_officer = _is_desk_officer(user, plan)
    if intake.incomplete and not desk_officer:
        raise NotPermitted(_("Chỉ cán bộ một cửa của nơi tiếp nhận ghi nhận hồ sơ chưa đầy đủ."))
    kind = ActionType.SUBMIT if intake.incomplete or (online and not desk_officer) else ActionType.RECEIVE
    desk = offering.receiving_agency or offering.agency
    capacities = actor_capacities(user, None)
    # an account vouches only for its own verified number, and only when the applicant files it themself
    identity_verified = bool(
        kind is ActionType.SUBMIT
        and not desk_officer
        and user.identity_verified
        and user.personal_id_number == applicant.id_number
    )
    opening = parse_payload(
        kind,
        {
            "checklist": [_entry(item) for item in intake.checklist],
            "online": online,
            "reused_documents": sorted(chosen),
            "store_documents": [
                {"document_id": d, "stored_document": s, "consented_at": at.isoformat()}
                for d, s in sorted(chosen.items())
            ],
            "consulted_databases": sorted(
                {_clean_text(c, "consulted_databases")[:40] for c in intake.consulted_databases}
            ),
            "identity_verified": identity_verified,
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
            result_delivery=intake.result_delivery,
            applicant_identity_verified=identity_verified,
            terms=store_terms(terms),
        )
        actor, after = decide(DossierState(), plan, kind, capacities, at, opening)
        dossier.code = allocate_dossier_code(desk, at)
        dossier.search_text = fold(f"{dossier.code} {applicant.name} {applicant.id_number}")[:300]
        project(dossier, after, plan)  # the row is written once, with the state the first action led to
        dossier.current_agency = {a.pk: a for a in (desk, offering.agency)}.get(dossier.current_agency_id)
        dossier.action_count = 1
        dossier.save(force_insert=True)
        document_ids = store_files(dossier, intake.files, names, DocumentKind.SUBMITTED, user, at, stored)
        payload = opening.model_copy(update={"documents": document_ids})
        log_action(dossier, plan, Step(kind, actor, DossierState(), after, payload, at), user)
        record_choices(dossier, payload, user.pk, "counter" if desk_officer else "online")
        if intake.incomplete:  # the request to supplement (form 02), in the same transaction
            request = parse_payload(ActionType.REQUEST_SUPPLEMENT, {"missing": [*missing, *missing_notes][:50]})
            act(dossier, ActionType.REQUEST_SUPPLEMENT, capacities, request, at, user)
        return dossier

    return written_once(user, idempotency_key, print_, write)


def _entry(item: ChecklistItem) -> dict[str, Any]:
    entry = asdict(item)
    if entry["store_document"] is None:
        del entry["store_document"]
    return entry


def _store_choices(
    intake: Intake, terms: Mapping[str, Any], applicant: Applicant, citizen: User | None, at: datetime
) -> dict[int, int]:
    """The checklist's requirements given from the applicant's personal data store (requirement id → stored
    document id), checked by ``datastore.services.check_choices``: the applicant's own documents of the
    requirement's kind, still valid, with the applicant's consent — and, for a citizen applying online
    (``citizen``), only their own."""
    choices = {item.document_id: item.store_document for item in intake.checklist if item.store_document}
    if not choices:
        return {}
    if not intake.store_consent:
        raise InvalidInput(
            _("Cần sự đồng ý của người nộp hồ sơ để sử dụng giấy tờ trong kho dữ liệu."), field="store_consent"
        )
    if set(choices) - {d["id"] for d in terms["documents"]}:
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."), field="checklist")
    try:
        check_choices(
            choices,
            applicant_number=applicant.id_number,
            kinds=requirement_kinds(terms["documents"], kind_table()),
            user=citizen,
            today=timezone.localdate(at),
        )
    except StoreRefused as refused:
        if refused.forbidden:
            raise NotPermitted(refused.message) from refused
        raise InvalidInput(refused.message, field=refused.field) from refused
    return choices


def _is_desk_officer(user: User, plan: Plan) -> bool:
    return any(m.agency_id == plan.desk_agency_id and m.role == Role.COUNTER for m in user.memberships.all())
