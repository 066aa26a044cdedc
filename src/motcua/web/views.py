"""Public pages: home, catalogue list and procedure page (server-rendered, Vietnamese)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.catalog.models import Agency, Field, Level
from motcua.catalog.selectors import procedure_page as procedure_page_data
from motcua.catalog.selectors import search_procedures
from motcua.dossiers.selectors import public_dossier
from motcua.portal.selectors import history, missing_for_supplement
from motcua.ratelimits import hit, limited_page
from motcua.web.middleware import public_page


@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@public_page
@limited_page("search")
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
    page = Paginator(search_procedures(**filters, ranked=True), 25).get_page(request.GET.get("page"))
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


@limited_page()
def track(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public tracking by dossier code: status, appointment, the history with dates and, for a supplement, what
    is missing — the applicant's initials only, no other personal data, and never kept in a cache. Lookups are
    limited per client (``MOTCUA_RATE_LIMITS["track"]``; the search form alone is not a lookup): over it, 429 with
    ``Retry-After``."""
    code = (code or request.GET.get("code", "")).strip()[:60]
    if code:
        hit(request, "track")
    dossier = public_dossier(code) if code else None
    status = 404 if code and dossier is None else 200
    context: dict[str, object] = {"code": code, "dossier": dossier}
    if dossier is not None:
        context |= {"history": history(dossier, public=True), "missing": missing_for_supplement(dossier)}
    return render(request, "web/track.html", context, status=status)


@public_page
def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    page = procedure_page_data(code[:60])
    if page is None:
        raise Http404(_("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code[:60]})
    return render(request, "web/procedure_detail.html", {"procedure": page.procedure, "groups": page.groups})
