"""The official forms of a dossier, built from the dossier and its action log, printed as PDF.

Which form, with which number and title, follows the dossier's regime (``rules.forms``: Circular
01/2018/TT-VPCP or Circular 03/2025/TT-VPCP Appendix I, RULES.md §4). What each form says comes from
the log, the one source of truth (DESIGN.md principle 2): the receipt from the receive/accept action
and its checklist (RULES.md §4 "Receipt contents", [V]), the request to supplement from the latest
``request_supplement`` action, the refusal from the ``refuse`` action, the apology from the
``apologise`` action, the stop notice from the ``stop`` or ``withdraw`` action (Circular 03/2025 Art. 7,
[V]) and the control sheet from the control-sheet rows (one row per hand-off, RULES.md §4).

PDFs are rendered on request and cached by the hash of their HTML (``documents.pdf``). The HTML holds no
"printed at" moment, so the same dossier in the same state always gives the same HTML and the cache hits.

What was received is named as the dossier's terms name it (``dossiers.plans``): the catalogue as it was at
intake, so a later re-import or edit of the catalogue never changes a reprinted form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role as OfficerRole
from motcua.catalog.models import Agency, DocumentForm
from motcua.catalog.models.offering import TimeUnit
from motcua.documents.pdf import SERIF_FONTS, render_pdf
from motcua.dossiers.models import Dossier
from motcua.dossiers.plans import document_names
from motcua.rules.forms import FormKind, FormNotInRegime, FormSpec, form_spec
from motcua.rules.lifecycle import ActionType, Regime
from motcua.rules.roles import Role

#: Forms printed per dossier, in the order the workbench shows them (the book is a register, not a form).
DOSSIER_FORMS: tuple[FormKind, ...] = (
    FormKind.RECEIPT,
    FormKind.SUPPLEMENT_REQUEST,
    FormKind.REFUSAL,
    FormKind.APOLOGY,
    FormKind.STOP_NOTICE,
    FormKind.CONTROL_SHEET,
)

#: The action each form is issued for (the latest one of these types wins).
SOURCE_ACTIONS: Mapping[FormKind, frozenset[ActionType]] = {
    FormKind.RECEIPT: frozenset({ActionType.RECEIVE, ActionType.ACCEPT}),
    FormKind.SUPPLEMENT_REQUEST: frozenset({ActionType.REQUEST_SUPPLEMENT}),
    FormKind.REFUSAL: frozenset({ActionType.REFUSE}),
    FormKind.APOLOGY: frozenset({ActionType.APOLOGISE}),
    FormKind.STOP_NOTICE: frozenset({ActionType.STOP, ActionType.WITHDRAW}),
}

TEMPLATE_FOLDER = "dossiers/forms"


class FormNotAvailable(Exception):
    """The form does not apply to this dossier now; ``message`` says why, in the interface language.

    The web layer answers 404 with the message.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------------
# formatting: one style for every form, in local time (Asia/Ho_Chi_Minh)


def format_moment(value: datetime | None) -> str:
    """``08 giờ 30 phút, ngày 15/03/2025`` in local time, the style of the official forms; "" for none."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(hour)s giờ %(minute)s phút, ngày %(date)s") % {
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
        "date": f"{local:%d/%m/%Y}",
    }


def format_date(value: datetime | None) -> str:
    """``ngày 15/03/2025`` (local date), for the place-and-date line of a form; "" for none."""
    if value is None:
        return ""
    return _("ngày %(date)s") % {"date": f"{timezone.localtime(value):%d/%m/%Y}"}


def _parse_moment(value: Any) -> datetime | None:
    """A moment stored in a JSON payload (ISO string) back as an aware datetime."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return None


def _amount(value: str) -> str:
    """``2`` or ``2,5``: a processing time written the Vietnamese way (decimal comma)."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        return str(value)
    text = f"{number.normalize():f}"
    return text.replace(".", ",")


def processing_time(dossier: Dossier) -> str:
    """The regulated processing time of the dossier, as snapshotted at intake (``dossier.plan``)."""
    processing = (dossier.plan or {}).get("processing") or {}
    unit = processing.get("unit", "")
    if unit == TimeUnit.SAME_DAY:
        return str(TimeUnit.SAME_DAY.label)
    label = TimeUnit(unit).label if unit in TimeUnit.values else unit
    return f"{_amount(processing.get('amount', ''))} {label}".strip()


# --------------------------------------------------------------------------------------------------
# tracking URL and QR code (RULES.md §4 receipt contents: dossier code + QR code for tracking, [V])


def tracking_url(dossier: Dossier) -> str:
    """Absolute URL of the public tracking page: ``MOTCUA_PUBLIC_URL`` + ``web:track``."""
    base = str(settings.MOTCUA_PUBLIC_URL).rstrip("/")
    return base + reverse("web:track", args=[dossier.code])


def qr_code(url: str) -> segno.QRCode:
    """The QR code of ``url`` (error correction M: survives a stamp or a fold on a paper receipt)."""
    return segno.make(url, error="m", micro=False)


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI, embedded in the HTML (WeasyPrint fetches nothing)."""
    return qr_code(url).svg_data_uri(scale=4, border=2)


# --------------------------------------------------------------------------------------------------
# which forms apply


def _action_types(dossier: Dossier) -> set[str]:
    return set(dossier.actions.values_list("type", flat=True))


def _spec(dossier: Dossier, kind: FormKind) -> FormSpec:
    try:
        return form_spec(dossier.regime, kind)
    except FormNotInRegime:
        spec = form_spec(Regime.DECREE_118_2025, kind)
        raise FormNotAvailable(
            _(
                "%(title)s không áp dụng cho hồ sơ này: hồ sơ được tiếp nhận theo %(regime)s, "
                "mà văn bản hướng dẫn của chế độ đó không có mẫu này."
            )
            % {"title": _(spec.title), "regime": dossier.get_regime_display()}
        ) from None


def _applies(kind: FormKind, dossier: Dossier, types: set[str]) -> bool:
    if kind in (FormKind.RECEIPT, FormKind.CONTROL_SHEET):
        return dossier.received_at is not None and bool(types & {ActionType.RECEIVE, ActionType.ACCEPT})
    return bool(types & SOURCE_ACTIONS[kind])


def available_forms(dossier: Dossier) -> list[str]:
    """The forms that make sense for ``dossier`` now (print buttons of the workbench), in form order.

    A form applies when the dossier's regime has it and the log holds the event it records: a receipt
    and a control sheet once the dossier was received, a request to supplement once one was made, a
    refusal once refused, an apology once apologised, a stop notice once stopped or withdrawn (2025
    regime only). One query.
    """
    types = _action_types(dossier)
    kinds = []
    for kind in DOSSIER_FORMS:
        try:
            form_spec(dossier.regime, kind)
        except FormNotInRegime:
            continue
        if _applies(kind, dossier, types):
            kinds.append(kind.value)
    return kinds


def _not_yet_message(kind: FormKind) -> str:
    messages = {
        FormKind.RECEIPT: _("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận hồ sơ và hẹn trả kết quả."),
        FormKind.CONTROL_SHEET: _("Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát quá trình giải quyết."),
        FormKind.SUPPLEMENT_REQUEST: _("Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nào."),
        FormKind.REFUSAL: _("Hồ sơ không bị từ chối tiếp nhận."),
        FormKind.APOLOGY: _("Hồ sơ chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả."),
        FormKind.STOP_NOTICE: _("Hồ sơ không bị dừng xử lý hay rút."),
    }
    return messages[kind]


def _kind(kind: FormKind | str) -> FormKind:
    try:
        value = FormKind(kind)
    except ValueError:
        raise FormNotAvailable(_("Không có biểu mẫu “%(kind)s”.") % {"kind": str(kind)[:40]}) from None
    if value not in DOSSIER_FORMS:
        raise FormNotAvailable(_("Biểu mẫu này không in theo từng hồ sơ (sổ theo dõi hồ sơ được xuất ra Excel)."))
    return value


# --------------------------------------------------------------------------------------------------
# building the forms


def form_html(dossier: Dossier, kind: FormKind | str) -> str:
    """The HTML of form ``kind`` for ``dossier``; raises :class:`FormNotAvailable` when it does not apply."""
    form = _kind(kind)
    spec = _spec(dossier, form)
    actions = list(dossier.actions.select_related("actor", "actor_agency__parent").order_by("seq"))
    if not _applies(form, dossier, {a.type for a in actions}):
        raise FormNotAvailable(_not_yet_message(form))
    context = _common_context(dossier, spec)
    context.update(_BUILDERS[form](dossier, actions))
    return render_to_string(f"{TEMPLATE_FOLDER}/{form.value}.html", context)


def render_form(dossier: Dossier, kind: FormKind | str) -> bytes:
    """The PDF of form ``kind`` for ``dossier`` (cached by content; see ``documents.pdf``)."""
    return render_pdf(form_html(dossier, kind))


def _common_context(dossier: Dossier, spec: FormSpec) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "spec": spec,
        "title": _(spec.title),
        "agency": dossier.receiving_agency,
        "serif_fonts": SERIF_FONTS,
        "landscape": False,
        "procedure": dossier.procedure,
        "received": format_moment(dossier.received_at),
        "appointment": format_moment(dossier.appointment_at),
    }


def _latest(actions: Iterable[Any], types: frozenset[ActionType]) -> Any:
    found = [a for a in actions if a.type in types]
    return found[-1]


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.full_name or user.get_username()


def _issuer(action: Any, dossier: Dossier) -> Agency:
    """The agency that issues a form: the acting officer's agency, else the desk that received the dossier."""
    return action.actor_agency or dossier.receiving_agency


def _items(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _describe(item: Any, documents: Mapping[int, Any]) -> str:
    """A line of a payload list: free text, a required document's id, or ``{"document_id"|"name", "note"}``."""
    if isinstance(item, Mapping):
        document = documents.get(item.get("document_id"))
        name = item.get("name") or (document.name if document else "")
        note = item.get("note") or item.get("reason") or ""
        return f"{name}: {note}" if name and note else str(name or note)
    if isinstance(item, int) and not isinstance(item, bool) and item in documents:
        return documents[item].name
    return str(item)


@dataclass(frozen=True)
class _Received:
    """A required document as the dossier's terms name it."""

    name: str


def _documents(dossier: Dossier) -> dict[int, _Received]:
    return {pk: _Received(name) for pk, name in document_names(dossier.terms_data).items()}


def _receipt(dossier: Dossier, actions: list[Any]) -> dict[str, Any]:
    """Form 01: what was received, when, and when the result is due (RULES.md §4 receipt contents, [V])."""
    intake = _latest(actions, SOURCE_ACTIONS[FormKind.RECEIPT])
    documents = _documents(dossier)
    # accepted at the desk after an incomplete registration: what was checked then, else at registration
    checklist = intake.payload.get("checklist") or actions[0].payload.get("checklist") or []
    rows = []
    for item in checklist:
        document = documents.get(item.get("document_id"))
        form = item.get("form", "")
        rows.append(
            {
                "name": document.name if document else _("(giấy tờ không còn trong danh mục)"),
                "form": DocumentForm(form).label if form in DocumentForm.values else form,
                "quantity": item.get("quantity", 1),
            }
        )
    if not rows:  # accepted online: the e-copies uploaded with the submission are what was received
        uploaded: dict[str, int] = {}
        for document in dossier.documents.filter(kind="submitted").order_by("uploaded_at", "id"):
            uploaded[document.name] = uploaded.get(document.name, 0) + 1
        rows = [{"name": name, "form": _("Bản điện tử"), "quantity": count} for name, count in uploaded.items()]
    url = tracking_url(dossier)
    return {
        "documents": rows,
        "processing_time": processing_time(dossier),
        "channel": dossier.get_channel_display(),
        "received": format_moment(intake.at),
        "officer": _person(intake.actor),
        "tracking_url": url,
        "qr_data_uri": qr_data_uri(url),
        "issued_on": format_date(intake.at),
    }


def _supplement_request(dossier: Dossier, actions: list[Any]) -> dict[str, Any]:
    """Form 02: everything missing, in one request (Decree 61/2018 Art. 17, kept by Decree 118/2025)."""
    action = _latest(actions, SOURCE_ACTIONS[FormKind.SUPPLEMENT_REQUEST])
    documents = _documents(dossier)
    return {
        "agency": _issuer(action, dossier),
        "missing": [_describe(item, documents) for item in _items(action.payload.get("missing"))],
        "note": action.note or action.payload.get("reason", ""),
        "requested": format_moment(action.at),
        "officer": _person(action.actor),
        "issued_on": format_date(action.at),
        "repeat": sum(1 for a in actions if a.type == ActionType.REQUEST_SUPPLEMENT) > 1,
    }


def _refusal(dossier: Dossier, actions: list[Any]) -> dict[str, Any]:
    """Form 03: the refusal and its reasons."""
    action = _latest(actions, SOURCE_ACTIONS[FormKind.REFUSAL])
    documents = _documents(dossier)
    return {
        "agency": _issuer(action, dossier),
        "reasons": [_describe(item, documents) for item in _items(action.payload.get("reasons"))],
        "note": action.note,
        "refused": format_moment(action.at),
        "officer": _person(action.actor),
        "issued_on": format_date(action.at),
    }


def _apology(dossier: Dossier, actions: list[Any]) -> dict[str, Any]:
    """Form 04: the apology, its reason and the new appointment (RULES.md §3, [R])."""
    action = _latest(actions, SOURCE_ACTIONS[FormKind.APOLOGY])
    return {
        "agency": _issuer(action, dossier),
        "reason": action.payload.get("reason") or action.note,
        "due": format_moment(dossier.due_at),
        "new_appointment": format_moment(_parse_moment(action.payload.get("new_appointment"))),
        "officer": _person(action.actor),
        "issued_on": format_date(action.at),
    }


def _stop_notice(dossier: Dossier, actions: list[Any]) -> dict[str, Any]:
    """Form 05 of the 2025 set: processing stopped, by the agency or at the applicant's request.

    The notice is the resolving agency's and is signed by its head (Circular 03/2025 Art. 7): the name
    under the signature is the head's when the head stopped it, and is left for the head to sign when the
    desk recorded the applicant's withdrawal — never the counter officer's name under the head's title.
    """
    action = _latest(actions, SOURCE_ACTIONS[FormKind.STOP_NOTICE])
    return {
        "agency": dossier.resolving_agency,
        "withdrawn": action.type == ActionType.WITHDRAW,
        "reason": action.payload.get("reason") or action.note,
        "stopped": format_moment(action.at),
        "officer": _person(action.actor) if action.actor_role == Role.LEADER else "",
        "issued_on": format_date(action.at),
    }


def _step_party(step: Any) -> tuple[str, str]:
    """(agency, role) of a control-sheet row, printed on two lines."""
    role = OfficerRole(step.role).label if step.role in OfficerRole.values else step.role
    return step.agency.name, str(role)


def _control_sheet(dossier: Dossier, actions: list[Any]) -> dict[str, Any]:
    """The control sheet: one row per hand-off, from the previous step to this one (RULES.md §4)."""
    steps = list(dossier.steps.select_related("agency").order_by("seq"))
    rows = []
    previous = None
    for step in steps:
        rows.append(
            {
                "seq": step.seq,
                "sender": _step_party(previous) if previous else (_("Tổ chức, cá nhân nộp hồ sơ"), ""),
                "receiver": _step_party(step),
                "step": step.name,
                "moment": format_moment(step.started_at),
                "due": format_moment(step.due_at),
                "outcome": step.get_outcome_display() if step.outcome else "",
            }
        )
        previous = step
    return {
        "rows": rows,
        "resolver": dossier.resolving_agency,
        "landscape": True,
        "issued_on": format_date(dossier.received_at),
    }


_BUILDERS = {
    FormKind.RECEIPT: _receipt,
    FormKind.SUPPLEMENT_REQUEST: _supplement_request,
    FormKind.REFUSAL: _refusal,
    FormKind.APOLOGY: _apology,
    FormKind.STOP_NOTICE: _stop_notice,
    FormKind.CONTROL_SHEET: _control_sheet,
}
