"""The citizen's portal pages: apply online, one's own dossier (history, supplement, withdraw, result, rating).

Thin: intake is ``dossiers.services.open_dossier`` (the API's own), actions are ``dossiers.services.perform``
(the transition table decides what the applicant may do), reads are ``portal.selectors`` (scoped to the
applicant in the query), ratings and drafts ``portal.services``. Every page is server-rendered Vietnamese.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import AccountType, User
from motcua.catalog.models import Offering
from motcua.catalog.selectors import offering_for_intake
from motcua.datastore.presenting import chosen_from
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import ApplicantType, Dossier, ResultDelivery
from motcua.dossiers.plans import terms_of
from motcua.dossiers.printing import FormNotAvailable, available_forms, render_form
from motcua.dossiers.selectors import allowed_actions_for
from motcua.dossiers.services import Applicant, ChecklistItem, Intake, open_dossier, perform
from motcua.downloads import download, file_download
from motcua.payments.selectors import pay_panel
from motcua.portal import selectors
from motcua.portal.services import discard_draft, rate_dossier, save_draft
from motcua.rules.forms import FormKind, form_spec
from motcua.rules.lifecycle import ActionType
from motcua.rules.payments import collected_at_submission
from motcua.rules.rating import CRITERIA, POINTS, SATISFACTION_LABELS, may_rate
from motcua.web.store_pages import apply_offers

APPLICANT_FIELDS = ("type", "name", "id_number", "phone", "email", "address")

#: The official forms addressed to the applicant (RULES §4): the receipt and appointment, the request to supplement,
#: the refusal, the apology, the stop notice. The control sheet and the book are the agencies' own records.
APPLICANT_FORMS = (
    FormKind.RECEIPT,
    FormKind.SUPPLEMENT_REQUEST,
    FormKind.REFUSAL,
    FormKind.APOLOGY,
    FormKind.STOP_NOTICE,
)


def _offering(code: str, agency: str) -> Offering:
    offering = offering_for_intake(code, agency)
    if offering is None or not offering.active:
        raise Http404(_("Cơ quan này không thực hiện thủ tục này."))
    return offering


def _prefill(user: User) -> dict[str, str]:
    kind = ApplicantType.ENTERPRISE if user.account_type == AccountType.ENTERPRISE else ApplicantType.CITIZEN
    return {
        "type": kind.value,
        "name": user.full_name,
        "id_number": user.personal_id_number,
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
        "subject": "",
        "result_delivery": ResultDelivery.ONLINE.value,
    }


def _apply_context(
    offering: Offering, values: dict[str, Any], error: DossierError | None, user: User
) -> dict[str, Any]:
    number = user.personal_id_number
    terms = terms_of(offering, "online").data
    return {
        # the fee lines as the dossier will receive them, and whether they are paid right after submitting
        "fees": [_fee_line(fee) for fee in terms["fees"]],
        "fees_up_front": collected_at_submission(terms["fees"]),
        # the applicant's stored documents that satisfy a requirement, offered instead of an upload (RULES §6)
        "offers": apply_offers(user, offering, number) if number else [],
        "offering": offering,
        "procedure": offering.procedure,
        # the checklist intake checks against (the offering's online terms), not a second reading of the catalogue
        "documents": terms["documents"],
        "values": values,
        "error": error,
        "deliveries": ResultDelivery.choices,
        "applicant_types": [
            (ApplicantType.CITIZEN.value, ApplicantType.CITIZEN.label),
            (ApplicantType.ENTERPRISE.value, ApplicantType.ENTERPRISE.label),
        ],
        "form_key": values.get("form_key") or secrets.token_urlsafe(16),
    }


def _fee_line(fee: dict[str, Any]) -> dict[str, Any]:
    """A fee line for the apply page: its name, condition and amount in đồng (``None``: not known yet)."""
    amount = fee.get("amount_vnd")
    known = None if amount in (None, "") else int(Decimal(str(amount)))
    return {"name": fee["name"], "condition": fee.get("condition", ""), "amount_vnd": known}


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str, agency: str) -> HttpResponse:
    """Apply online: applicant data prefilled from the account (or the saved draft), the offering's checklist
    with an upload per document, how to receive the result; *save as draft* or *submit* (→ code and receipt)."""
    offering = _offering(code, agency)
    user = request.user
    if request.method == "GET":
        values = _prefill(user) | selectors.draft_data(user, offering.pk)
        return render(request, "web/portal/apply.html", _apply_context(offering, values, None, user))
    values = {name: request.POST.get(f"applicant_{name}", "")[:300] for name in APPLICANT_FIELDS}
    values |= {
        "subject": request.POST.get("subject", "")[:500],
        "result_delivery": request.POST.get("result_delivery", ""),
        "form_key": request.POST.get("form_key", "")[:60],
    }
    if request.POST.get("intent") == "draft":
        save_draft(user, offering.pk, {k: v for k, v in values.items() if k != "form_key"})
        context = _apply_context(offering, values, None, user) | {"saved": True}
        return render(request, "web/portal/apply.html", context)
    documents = terms_of(offering, "online").data["documents"]
    files = {
        document["id"]: request.FILES.getlist(f"document_{document['id']}")
        for document in documents
        if request.FILES.getlist(f"document_{document['id']}")
    }
    chosen, consent = chosen_from(request.POST)  # documents taken from the applicant's data store instead
    forms = {document["id"]: document["form"] for document in documents}
    checklist = [
        ChecklistItem(requirement, forms[requirement], store_document=stored)
        for requirement, stored in chosen.items()
        if requirement in forms
    ]
    intake = Intake(
        offering=offering,
        channel="online",
        applicant=Applicant(**{name: values[name] for name in APPLICANT_FIELDS}),
        subject=values["subject"],
        files=files,
        checklist=checklist,
        store_consent=consent,
        result_delivery=values["result_delivery"],
    )
    try:
        dossier = open_dossier(
            intake, user=user, idempotency_key=f"portal:{values['form_key']}" if values["form_key"] else None
        )
    except DossierError as error:
        context = _apply_context(offering, values, error, user)
        return render(request, "web/portal/apply.html", context, status=error.status_code)
    discard_draft(user, offering.pk)
    return HttpResponseRedirect(reverse("web:my-dossier", args=[dossier.code]) + "?moi=1")


def _own(request: HttpRequest, code: str) -> Dossier:
    dossier = selectors.own_dossier(request.user, code)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ “%(code)s” trong các hồ sơ của bạn.") % {"code": code[:80]})
    return dossier


def _dossier_context(request: HttpRequest, dossier: Dossier, error: DossierError | None = None) -> dict[str, Any]:
    allowed = set(allowed_actions_for(request.user, dossier))
    rated = hasattr(dossier, "rating")
    return {
        "dossier": dossier,
        "history": selectors.history(dossier, public=False),
        "missing": selectors.missing_for_supplement(dossier),
        "results": selectors.result_documents(dossier),
        "submitted": list(dossier.documents.exclude(kind="result").order_by("pk")),
        "may_supplement": ActionType.SUPPLEMENT in allowed,
        "may_withdraw": ActionType.WITHDRAW in allowed,
        "may_rate": may_rate(dossier.status, rated),
        "rating": dossier.rating if rated else None,
        "criteria": CRITERIA,
        "points": POINTS,
        "levels": [(k.value, v) for k, v in SATISFACTION_LABELS.items()],
        "new": request.GET.get("moi") == "1",
        "error": error,
        "form_key": secrets.token_urlsafe(16),
        "pay": pay_panel(request.user, dossier.code),  # the fees and the pay buttons (issue 11)
        "forms": applicant_forms(dossier),
    }


def applicant_forms(dossier: Dossier) -> list[tuple[str, str]]:
    """(kind, title) of the forms issued to the applicant so far, in form order (one query)."""
    return [
        (kind, _(form_spec(dossier.regime, kind).title)) for kind in available_forms(dossier) if kind in APPLICANT_FORMS
    ]


@login_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own(request, code)
    return render(request, "web/portal/dossier.html", _dossier_context(request, dossier))


def _act(request: HttpRequest, code: str, run: Any) -> HttpResponse:
    dossier = _own(request, code)
    try:
        run(dossier)
    except DossierError as error:
        dossier = _own(request, code)
        return render(
            request, "web/portal/dossier.html", _dossier_context(request, dossier, error), status=error.status_code
        )
    return HttpResponseRedirect(reverse("web:my-dossier", args=[code]))


def _key(request: HttpRequest, what: str) -> str | None:
    key = request.POST.get("form_key", "")[:60]
    return f"portal:{what}:{key}" if key else None


@login_required
@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Upload what the request to supplement asks for: the clock resumes (the lifecycle's ``supplement``)."""
    files = request.FILES.getlist("files")
    return _act(
        request,
        code,
        lambda d: perform(
            d, ActionType.SUPPLEMENT, user=request.user, files=files, idempotency_key=_key(request, "bs")
        ),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    reason = request.POST.get("reason", "")[:1000]
    return _act(
        request,
        code,
        lambda d: perform(
            d, ActionType.WITHDRAW, user=request.user, payload={"reason": reason}, idempotency_key=_key(request, "rut")
        ),
    )


@login_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    scores = {key: request.POST.get(f"score_{key}", "") for key, _label in CRITERIA}
    return _act(
        request,
        code,
        lambda d: rate_dossier(
            d,
            user=request.user,
            scores=scores,
            satisfaction=request.POST.get("satisfaction", ""),
            comment=request.POST.get("comment", ""),
        ),
    )


@login_required
def document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A file of one's own dossier (what one submitted; the result once ready), always as a download."""
    stored = selectors.own_document(request.user, code, document_id)
    if stored is None:
        raise Http404(_("Không tìm thấy tệp này."))
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Không tìm thấy tệp này.")) from exc
    return file_download(handle, stored.original_filename or stored.file.name.rsplit("/", 1)[-1], stored.content_type)


@login_required
def form_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """An official form of one's own dossier as PDF — the receipt with the appointment once the agency has
    received it (form 01, the same document the desk prints: ``dossiers.printing``); 404 to anybody else."""
    dossier = _own(request, code)
    if kind not in APPLICANT_FORMS:
        raise Http404(_("Không có giấy tờ này cho người nộp hồ sơ."))
    try:
        pdf = render_form(dossier, kind)
    except FormNotAvailable as missing:
        raise Http404(missing.message) from missing
    return download(pdf, f"{dossier.code}-{kind}.pdf", "application/pdf")
