"""The counter's pages for certified e-copies: the agency's list with each copy's status, the certification form,
and the signed copy's file. Thin: reads from ``selectors`` (authorisation inside the query), the write from
``services``; refused input comes back beside its field, in Vietnamese."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.datastore.files import stored_file
from motcua.ecopies.forms import CertifyForm
from motcua.ecopies.models import CopyStatus
from motcua.ecopies.selectors import counter_agencies, document_kinds, visible_copies
from motcua.ecopies.services import CopyRefused, CopyRequest, certify_copy
from motcua.integrations.models import OutboxState


def _counter(request: HttpRequest) -> list[tuple[int, str]]:
    agencies = list(counter_agencies(request.user).order_by("name").values_list("pk", "name"))
    if not agencies:
        raise Http404(_("Trang này dành cho cán bộ tiếp nhận (bộ phận một cửa)."))
    return agencies


def progress(copy: object) -> tuple[str, str]:
    """What the officer reads about a copy: its status, and the reason or the wait (css class, text)."""
    status = copy.status  # type: ignore[attr-defined]
    if status == CopyStatus.SIGNED:
        return "ok", str(CopyStatus.SIGNED.label)
    if status == CopyStatus.FAILED or copy.outbox_state == OutboxState.DEAD:  # type: ignore[attr-defined]
        reason = copy.failure or copy.outbox_error or ""  # type: ignore[attr-defined]
        return "error", _("Không ký được: %(why)s") % {"why": reason}
    if copy.outbox_error:  # type: ignore[attr-defined]
        return "waiting", _("Đang ký số — %(why)s") % {"why": copy.outbox_error}  # type: ignore[attr-defined]
    return "waiting", str(CopyStatus.PENDING.label)


@login_required
def copies_page(request: HttpRequest) -> HttpResponse:
    _counter(request)
    page = Paginator(visible_copies(request.user), 50).get_page(request.GET.get("page"))
    rows = [(copy, *progress(copy)) for copy in page]
    return render(request, "ecopies/list.html", {"page": page, "rows": rows})


@login_required
def certify_page(request: HttpRequest) -> HttpResponse:
    agencies = _counter(request)
    form = CertifyForm(request.POST or None, request.FILES or None, agencies=agencies, kinds=document_kinds())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = certify_copy(
                request.user,
                CopyRequest(
                    data["agency"],
                    data["owner_number"],
                    data["owner_name"],
                    data["kind"],
                    data["name"],
                    data["matches_original"],
                ),
                data["scan"],
                idempotency_key=data["idempotency_key"],
            )
        except CopyRefused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Đã chứng thực bản sao số %(id)s (%(name)s); bản sao đang được ký số và sẽ vào kho dữ liệu "
                    "của %(owner)s."
                )
                % {"id": copy.pk, "name": copy.name, "owner": copy.owner_name},
            )
            return redirect("ecopies:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "ecopies/certify.html", {"form": form}, status=status)


@login_required
def copy_file(request: HttpRequest, copy_id: int) -> FileResponse:
    """The signed copy (once signed), to an officer of its agency; 404 to anyone else."""
    copy = visible_copies(request.user).filter(pk=copy_id).select_related("stored").first()
    if copy is None or copy.stored is None or not copy.stored.file:
        raise Http404(_("Không có bản sao đã ký số này."))
    try:
        return stored_file(copy.stored)  # a download nothing can run (motcua.downloads)
    except FileNotFoundError as exc:
        raise Http404(_("Không tìm thấy tệp này.")) from exc
