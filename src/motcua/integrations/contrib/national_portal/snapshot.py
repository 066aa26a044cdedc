"""The dossier as the pure record builder sees it (``rules.national_portal.DossierSnapshot``), read from its rows.

Called inside the action's transaction (``destination.message_for``): it reads the dossier's log (with the
actors and their agencies), its files, and its terms (cached per process), and resolves the Vietnamese names the
portal shows (action names, role titles). Three queries per action; the dossier row is the one just written.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import translation

from motcua.accounts.models import Role as RoleLabel
from motcua.dossiers.models import ActionKind, Dossier, DossierAction, DossierDocument
from motcua.rules.national_portal import Document, DossierSnapshot, FeeLine, LoggedAction

SYSTEM_NAME = "Hệ thống"


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _actor_name(action: DossierAction) -> str:
    if action.actor is not None:
        return action.actor.full_name or action.actor.username
    return f"{SYSTEM_NAME} ({action.system_actor})" if action.system_actor else SYSTEM_NAME


def _title(role: str) -> str:
    try:
        return str(RoleLabel(role).label)
    except ValueError:
        return SYSTEM_NAME if role == "system" else ("Người nộp hồ sơ" if role == "applicant" else role)


def logged_action(action: DossierAction, fallback_department: str) -> LoggedAction:
    facts = action.facts or {}
    return LoggedAction(
        seq=action.seq,
        kind=action.type,
        at=action.at,
        to_status=action.to_status,
        label=str(ActionKind(action.type).label),
        actor_name=_actor_name(action),
        actor_title=_title(action.actor_role),
        department=action.actor_agency.name if action.actor_agency is not None else fallback_department,
        actor_role=action.actor_role,
        system_actor=action.system_actor,
        note=action.note,
        payload=action.payload,
        appointment_after=_moment(facts.get("appointment_at")),
        step_due_at=_moment(facts.get("step_due_at") or facts.get("due_at")),
    )


def snapshot_of(dossier: Dossier) -> DossierSnapshot:
    """Everything the records need, as plain values (names in Vietnamese whatever the request's language)."""
    actions = list(
        DossierAction.objects.filter(dossier=dossier).select_related("actor", "actor_agency").order_by("seq")
    )
    documents = list(
        DossierDocument.objects.filter(dossier=dossier).values("id", "name", "kind", "required_document_id")
    )
    terms = dossier.terms_data
    names = {d["id"]: d["name"] for d in terms.get("documents", [])}
    opening = actions[0].payload if actions else {}
    procedure = dossier.procedure
    agency = dossier.resolving_agency.name
    with translation.override("vi"):
        logged = tuple(logged_action(action, agency) for action in actions)
    return DossierSnapshot(
        code=dossier.code,
        procedure_code=procedure.code,
        procedure_name=terms.get("procedure", {}).get("name") or procedure.name,
        field_code=procedure.field.code if procedure.field_id else "",
        field_name=procedure.field.name if procedure.field_id else "",
        channel=dossier.channel,
        applicant_type=dossier.applicant_type,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        status=dossier.status,
        resolving_agency_name=agency,
        subject=dossier.subject,
        applicant_email=dossier.applicant_email,
        applicant_phone=dossier.applicant_phone,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        appointment_at=dossier.appointment_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        documents=tuple(Document(d["id"], d["name"], d["kind"], d["required_document_id"]) for d in documents),
        reused=tuple((i, names.get(i, "")) for i in opening.get("reused_documents", [])),
        fees=tuple(
            FeeLine(f["id"], f["name"], f["kind"], int(float(f["amount_vnd"])) if f.get("amount_vnd") else None)
            for f in terms.get("fees", [])
        ),
        actions=logged,
        identity_verified=dossier.applicant_identity_verified,
        consulted_databases=tuple(opening.get("consulted_databases", [])),
    )
