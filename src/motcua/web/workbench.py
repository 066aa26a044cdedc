"""The officer workbench: queue, dossier page with its actions and forms, counter intake.

Views stay thin: reads come from ``dossiers.selectors`` (authorisation inside the query), writes from
``dossiers.services``; a refused action comes back as a message on the page, never as a stack trace.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.calendars.selectors import get_work_calendar
from motcua.catalog.availability import intake_problems, receivable_offerings, with_what_intake_reads
from motcua.catalog.models import Offering
from motcua.catalog.selectors import offerings_received_at
from motcua.datastore.files import stored_file
from motcua.datastore.models import StoredDocument
from motcua.datastore.presenting import chosen_from, offer_rows
from motcua.datastore.selectors import applicant_document, offers_for_offering, used_document, uses_of
from motcua.dossiers.book import dossier_book_xlsx
from motcua.dossiers.models import ActionKind, Dossier, DossierStatus
from motcua.dossiers.printing import FormNotAvailable, available_forms, render_form
from motcua.dossiers.selectors import allowed_actions_for, queue_listing, visible_dossiers
from motcua.dossiers.services import Applicant, ChecklistItem, DossierError, Intake, open_dossier, perform
from motcua.downloads import download, file_download
from motcua.integrations import population
from motcua.integrations.selectors import signing_progress
from motcua.payments.selectors import officer_panel, payment_summary
from motcua.rules.forms import FORM_KINDS
from motcua.rules.identity import normalise_identifier
from motcua.rules.lifecycle import ACTIVE_STATUSES, ActionType, Status
from motcua.rules.queue import Colour, deadline_colour
from motcua.rules.text import search_terms
from motcua.web.forms import ActionForm, IntakeForm, QueueFilterForm, lines_of

_RELATED = ("procedure", "resolving_agency", "receiving_agency", "current_agency")
#: What each colour of the queue means, for its legend and for each dot's tooltip.
COLOUR_LABELS = {
    Colour.GREEN: gettext_lazy("trong hạn"),
    Colour.AMBER: gettext_lazy("còn ≤ 1 ngày làm việc"),
    Colour.RED: gettext_lazy("quá hạn"),
    Colour.PAUSED: gettext_lazy("chờ bổ sung (dừng tính giờ)"),
    Colour.NONE: gettext_lazy("không tính hạn (chưa tiếp nhận hoặc đã có kết quả)"),
}

_SORTS = {
    "due": (F("due_at").asc(nulls_last=True), "pk"),
    "received": ("-received_at", "-pk"),
    "code": ("code",),
}


def _officer(request: HttpRequest) -> None:
    if not request.user.memberships.exists():
        raise Http404(_("Trang này dành cho cán bộ."))


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = QueueFilterForm(request.GET or None)
    form.fields["status"].choices = [("", _("Mọi trạng thái"))] + [
        (s.value, s.label) for s in DossierStatus if Status(s.value) in ACTIVE_STATUSES
    ]
    form.fields["channel"].choices = [("", _("Mọi hình thức")), *Dossier._meta.get_field("channel").choices]
    dossiers = queue_listing(request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("status"):
        dossiers = dossiers.filter(status=filters["status"])
    if filters.get("channel"):
        dossiers = dossiers.filter(channel=filters["channel"])
    for term in search_terms(filters.get("q", "")):
        dossiers = dossiers.filter(search_text__contains=term)
    dossiers = dossiers.order_by(*_SORTS.get(filters.get("sort") or "due", _SORTS["due"]))
    page = Paginator(dossiers, 25).get_page(request.GET.get("page"))
    calendar, now = get_work_calendar(), timezone.now()
    colours = [deadline_colour(calendar, now, d.due_at, Status(d.status)) for d in page]
    paid = payment_summary([d.pk for d in page])
    rows = [(d, colour.value, COLOUR_LABELS[colour], paid.get(d.pk)) for d, colour in zip(page, colours, strict=True)]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workbench/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "legend": [(colour.value, label) for colour, label in COLOUR_LABELS.items()],
            "query": query.urlencode(),
            "desks": _desk_offerings(request),
        },
    )


def _desk_offerings(request: HttpRequest) -> bool:
    return request.user.memberships.filter(role="counter").exists()


def _dossier(request: HttpRequest, code: str) -> Dossier:
    return get_object_or_404(visible_dossiers(request.user).select_related(*_RELATED), code=code)


def _checklist(dossier: Dossier) -> list[dict[str, Any]] | None:
    """The documents to check off when the desk accepts a dossier brought to it (online ones come as e-copies)."""
    return None if dossier.channel == "online" else dossier.terms_data["documents"]


@login_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier(request, code)
    allowed = allowed_actions_for(request.user, dossier)
    calendar = get_work_calendar()
    return render(
        request,
        "workbench/dossier.html",
        {
            "dossier": dossier,
            "colour": deadline_colour(calendar, timezone.now(), dossier.due_at, Status(dossier.status)).value,
            "actions": [
                (kind, ActionKind(kind.value).label, ActionForm(kind, prefix=kind.value, documents=_checklist(dossier)))
                for kind in allowed
            ],
            "timeline": dossier.actions.select_related("actor", "actor_agency").order_by("seq"),
            "steps": dossier.steps.select_related("agency").order_by("seq"),
            "documents": dossier.documents.all(),
            "store_uses": uses_of(dossier.pk),
            "forms": [(kind, FORM_KINDS[kind]) for kind in available_forms(dossier)],
            "payment_panel": officer_panel(request.user, dossier),
            "signing": signing_progress(dossier.pk),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    dossier = _dossier(request, code)
    try:
        kind = ActionType(action)
    except ValueError as exc:
        raise Http404(_("Không có thao tác này.")) from exc
    form = ActionForm(kind, request.POST, request.FILES, prefix=kind.value, documents=_checklist(dossier))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("web:workbench-dossier", code=code)
    try:
        perform(
            dossier,
            kind,
            user=request.user,
            payload=form.payload(),
            files=form.uploads(),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": ActionKind(kind.value).label})
    return redirect("web:workbench-dossier", code=code)


@login_required
def intake_choose(request: HttpRequest) -> HttpResponse:
    """The procedures the officer's desks receive, to start an intake."""
    _officer(request)
    desks = list(request.user.memberships.filter(role="counter").values_list("agency_id", flat=True))
    offerings = with_what_intake_reads(offerings_received_at(desks))
    terms = search_terms(request.GET.get("q", "")[:100])
    for term in terms:
        offerings = offerings.filter(procedure__search_text__contains=term)
    receivable = receivable_offerings(offerings, timezone.localdate())  # never offer what intake refuses
    context = {"offerings": receivable[:200], "q": request.GET.get("q", "")}
    return render(request, "workbench/intake_choose.html", context)


@login_required
def intake(request: HttpRequest, offering_id: int) -> HttpResponse:
    _officer(request)
    desks = list(request.user.memberships.filter(role="counter").values_list("agency_id", flat=True))
    offerings = offerings_received_at(desks).prefetch_related(
        "channels", "templates__steps", "procedure__documents", "fees"
    )
    offering = get_object_or_404(offerings, pk=offering_id)
    problems = intake_problems(offering, timezone.localdate())
    if problems:
        raise Http404(problems[0].message)
    number = (request.POST.get("applicant_id_number") or request.GET.get("applicant") or "")[:30]
    initial = {"applicant_id_number": number} if number else {}
    if request.method == "GET" and number and request.GET.get("population"):
        initial |= _population_prefill(request, number)
    form = IntakeForm(offering, request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen, consent = chosen_from(request.POST)
        checklist = [
            ChecklistItem(d.pk, data[f"form_{d.pk}"], store_document=chosen.get(d.pk))
            for d in form.documents
            if data.get(f"doc_{d.pk}") or d.pk in chosen
        ]
        files = {d.pk: [data[f"scan_{d.pk}"]] for d in form.documents if data.get(f"scan_{d.pk}")}
        applicant = Applicant(
            data["applicant_type"],
            data["applicant_name"],
            data["applicant_id_number"],
            data["applicant_phone"],
            data["applicant_email"],
            data["applicant_address"],
        )
        try:
            dossier = open_dossier(
                Intake(
                    offering,
                    data["channel"],
                    applicant,
                    data["subject"],
                    checklist,
                    files,
                    incomplete=data["incomplete"],
                    missing=lines_of(data["missing"]),
                    store_consent=consent,
                    consulted_databases=[data["consulted_databases"]] if data["consulted_databases"] else [],
                ),
                user=request.user,
                idempotency_key=data["idempotency_key"],
            )
        except DossierError as error:
            # "applicant.id_number" → the form's "applicant_id_number": the message goes beside its field
            name = error.field.replace(".", "_")
            form.add_error(name if name in form.fields else None, error.message)
        else:
            if data["incomplete"]:
                message = _("Đã ghi nhận hồ sơ %(code)s chưa đầy đủ và lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.")
            else:
                message = _("Đã tiếp nhận hồ sơ %(code)s.")
            messages.success(request, message % {"code": dossier.code})
            return redirect("web:workbench-dossier", code=dossier.code)
    return render(
        request,
        "workbench/intake.html",
        {"form": form, "offering": offering, "offers": _counter_offers(offering, number), "applicant": number},
    )


def _population_prefill(request: HttpRequest, number: str) -> dict[str, str]:
    """Name and address from the population registry, asked with the applicant's consent (the officer ticks it
    in the applicant's presence); the database is recorded on the dossier (``DSKetNoiCSDL``)."""
    consent = f"quay:{request.user.pk}:{timezone.now().isoformat(timespec='seconds')}"
    try:
        found = population.prefill(normalise_identifier(number), consent=consent)
    except population.LookupFailed as failed:
        messages.error(request, str(failed))
        return {}
    if found.person is None:
        messages.warning(request, _("Cơ sở dữ liệu dân cư không có số định danh này."))
        return {}
    messages.success(request, _("Đã điền thông tin từ Cơ sở dữ liệu dân cư."))
    return {
        "applicant_type": "citizen",
        "applicant_name": found.person.full_name,
        "applicant_address": found.person.address,
        "consulted_databases": found.database_code,
    }


def _counter_offers(offering: Offering, number: str) -> list[dict[str, Any]]:
    """The applicant's stored documents that satisfy the offering's requirements (RULES.md §6), at the counter:
    the applicant is there in person; the officer shows them the preview and records their consent."""
    if not number.strip():
        return []
    offers = offers_for_offering(number, offering, today=timezone.localdate())

    def preview(document: StoredDocument) -> str:
        url = reverse("web:workbench-store-preview", args=[document.pk])
        return f"{url}?{urlencode({'applicant': number})}"

    return offer_rows(offers, preview)


@login_required
def store_preview(request: HttpRequest, stored_id: int) -> FileResponse:
    """A stored document of the applicant at the counter, for a counter officer who names that applicant's
    number (a reading: the applicant is at the desk and shows their identity paper; 404 otherwise)."""
    _officer(request)
    if not _desk_offerings(request):
        raise Http404(_("Không tìm thấy giấy tờ này."))
    stored = applicant_document(request.GET.get("applicant", "")[:30], stored_id)
    if stored is None:
        raise Http404(_("Không tìm thấy giấy tờ này."))
    return _stored_file(stored)


@login_required
def store_document(request: HttpRequest, code: str, stored_id: int) -> FileResponse:
    """A stored document taken for a dossier, opened from the dossier's page by whoever may see the dossier."""
    dossier = _dossier(request, code)
    stored = used_document(dossier.pk, stored_id)
    if stored is None:
        raise Http404(_("Hồ sơ không dùng giấy tờ này."))
    return _stored_file(stored)


def _stored_file(stored: StoredDocument) -> FileResponse:
    try:
        return stored_file(stored)
    except FileNotFoundError as exc:
        raise Http404(_("Không tìm thấy tệp này.")) from exc


@login_required
def document(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A file of the dossier, to a user who may see the dossier (404 otherwise), always as a download.

    The dossier is found through ``visible_dossiers`` (authorisation inside the query); the file is sent
    as an attachment, never sniffed into something a browser would run, and kept out of shared caches.
    """
    dossier = _dossier(request, code)
    stored = get_object_or_404(dossier.documents, pk=document_id)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Không tìm thấy tệp này.")) from exc
    return file_download(handle, stored.original_filename or stored.file.name.rsplit("/", 1)[-1], stored.content_type)


@login_required
def form_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    dossier = _dossier(request, code)
    try:
        pdf = render_form(dossier, kind)
    except FormNotAvailable as missing:
        raise Http404(str(missing)) from missing
    return download(pdf, f"{dossier.code}-{kind}.pdf", "application/pdf")


@login_required
def book(request: HttpRequest) -> HttpResponse:
    """The dossier book (sổ theo dõi) of what the officer may see, as Excel."""
    _officer(request)
    dossiers = visible_dossiers(request.user).order_by("received_at", "pk")
    return download(
        dossier_book_xlsx(dossiers),
        f"so-theo-doi-ho-so-{timezone.localdate():%Y%m%d}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
