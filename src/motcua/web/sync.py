"""The unsynchronised-dossier page of the workbench (issue 9): what the national portal has not acknowledged.

For the province's monitoring officer (who reads every dossier, ``dossiers.selectors.reads_province_wide``),
and for any officer within their agencies' dossiers: the same scope as everywhere, inside the query. The
re-drive button sends again what is listed (``integrations.services.resend_dossiers``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers.selectors import visible_dossiers
from motcua.integrations.services import resend_dossiers
from motcua.integrations.sync_report import is_officer, sync_status, unsynced_report

PAGE_SIZE = 200


def _officer(request: HttpRequest) -> None:
    if not is_officer(request.user):
        raise Http404(_("Trang này dành cho cán bộ."))


@login_required
def sync_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    report = unsynced_report(request.user, limit=PAGE_SIZE)
    return render(
        request,
        "workbench/sync.html",
        {
            "report": report,
            "status": sync_status(report.destination),
            "reasons": [(reason.label, n) for reason, n in report.by_reason.items() if n],
            "page_size": PAGE_SIZE,
        },
    )


@login_required
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    """Send again the listed dossiers (or the one ``code`` posted), within what the officer may see."""
    _officer(request)
    codes = [code for code in request.POST.getlist("code") if code] or None
    report = unsynced_report(request.user, limit=PAGE_SIZE, codes=codes)
    ids = (
        visible_dossiers(request.user)
        .filter(code__in=[item.code for item in report.items])
        .values_list("pk", flat=True)
    )
    resent = resend_dossiers(report.destination, ids)
    if resent.redriven or resent.made_due or resent.queued:
        messages.success(
            request,
            _(
                "Đã gửi lại: %(dead)d thông điệp lỗi được thử lại, %(due)d thông điệp đang chờ được gửi ngay, "
                "%(new)d thông điệp mới được đưa vào hàng gửi."
            )
            % {"dead": resent.redriven, "due": resent.made_due, "new": resent.queued},
        )
    else:
        status = sync_status(report.destination)
        messages.info(request, status.problem or _("Không có gì cần gửi lại: các hồ sơ đang chờ lượt gửi."))
    return redirect("web:workbench-sync")
