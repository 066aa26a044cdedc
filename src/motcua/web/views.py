"""Public pages: home, catalogue list and procedure page (server-rendered, Vietnamese)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.catalog.models import Agency, Field, Level
from motcua.catalog.selectors import procedure_detail, search_procedures
from motcua.dossiers.selectors import public_dossier


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def procedure_list(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    if level not in Level.values:
        level = ""
    filters = {
        "query": request.GET.get("q", "")[:200],
        "level": level,
        "field": request.GET.get("field", "")[:80],
        "agency": request.GET.get("agency", "")[:40],
    }
    page = Paginator(search_procedures(**filters), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "web/procedure_list.html",
        {
            "page": page,
            "filters": filters,
            "levels": Level.choices,
            "fields": Field.objects.order_by("name"),
            "agencies": Agency.objects.filter(offerings__active=True).distinct().order_by("name"),
        },
    )


def track(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public tracking by dossier code: status and appointment, the applicant's initials only."""
    code = (code or request.GET.get("code", "")).strip()[:60]
    dossier = public_dossier(code) if code else None
    status = 404 if code and dossier is None else 200
    return render(request, "web/track.html", {"code": code, "dossier": dossier}, status=status)


def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_detail(code)
    if procedure is None:
        raise Http404(_("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code})
    return render(request, "web/procedure_detail.html", {"procedure": procedure})
