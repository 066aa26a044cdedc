"""The access log page of the workbench (issue 15): search and export, for the monitoring officer."""

from __future__ import annotations

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from motcua.accesslog.models import AccessKindChoice
from motcua.accesslog.selectors import AccessFilter, may_read_access_log, search
from motcua.catalog.spreadsheet import excel_text, text_cell
from motcua.downloads import download

PAGE_SIZE = 200
EXPORT_LIMIT = 100_000


class AccessFilterForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Tài khoản"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại"), required=False, choices=[("", gettext_lazy("Tất cả")), *AccessKindChoice.choices]
    )
    dossier_code = forms.CharField(label=gettext_lazy("Mã hồ sơ"), required=False, max_length=60)
    address = forms.GenericIPAddressField(label=gettext_lazy("Địa chỉ IP"), required=False)
    first = forms.DateField(
        label=gettext_lazy("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=gettext_lazy("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def wanted(self) -> AccessFilter:
        data = self.cleaned_data
        return AccessFilter(
            username=data["username"].strip(),
            kind=data["kind"],
            dossier_code=data["dossier_code"].strip(),
            address=data["address"] or "",
            first=data["first"],
            last=data["last"],
        )


def _reader(request: HttpRequest) -> None:
    if not may_read_access_log(request.user):
        raise Http404(_("Trang này dành cho cán bộ theo dõi, giám sát của tỉnh."))


@login_required
def access_log_page(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = AccessFilterForm(request.GET or None)
    if not request.GET:
        events = search(request.user, AccessFilter())
    else:
        events = search(request.user, form.wanted()) if form.is_valid() else None
    return render(
        request,
        "workbench/access_log.html",
        {
            "form": form,
            "events": events[:PAGE_SIZE] if events is not None else [],
            "page_size": PAGE_SIZE,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def access_log_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered events as an Excel workbook (write-only, every text cell safe from formula injection)."""
    _reader(request)
    form = AccessFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        raise Http404(_("Điều kiện lọc không hợp lệ."))
    events = search(request.user, form.wanted() if request.GET else AccessFilter())
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Nhật ký truy cập"))
    sheet.append(
        [
            _("Thời điểm"),
            _("Loại"),
            _("Tài khoản"),
            _("Địa chỉ IP"),
            _("Mã hồ sơ"),
            _("Giấy tờ"),
            _("Đường dẫn"),
            _("Chi tiết"),
        ]
    )
    labels = dict(AccessKindChoice.choices)
    zone = timezone.get_current_timezone()
    for event in events[:EXPORT_LIMIT].iterator(chunk_size=2000):
        texts = [
            str(labels.get(event.kind, event.kind)),
            event.username,
            event.address or "",
            event.dossier_code,
            event.document,
            event.path,
            event.detail,
        ]
        sheet.append(
            [
                event.at.astimezone(zone).replace(tzinfo=None),
                *(text_cell(sheet, excel_text(t, unsafe="replace")) for t in texts),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return download(
        out.getvalue(),
        f"nhat-ky-truy-cap-{timezone.localdate():%Y%m%d}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
