"""Metrics API: the Decision 766 service index of an agency, a level or the province over a period (issue 13).

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from motcua.accounts.auth import API_AUTH
from motcua.metrics.schemas import IndexQuery, ServiceIndexOut, index_data, resolve_query
from motcua.metrics.selectors import service_index as compute_index
from motcua.validation import ErrorOut

router = Router(tags=["metrics"], auth=API_AUTH)


@router.get(
    "/metrics/service-index",
    response={200: ServiceIndexOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    by_alias=True,
    summary="Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) của một cơ quan hoặc toàn tỉnh",
)
def service_index(request: HttpRequest, query: Query[IndexQuery]) -> Any:
    """Computed from the live counters (never by scanning dossiers). The province's monitoring officer and
    reform officers read every agency and the province; an agency's leader or monitoring officer their
    agency. n/a (``null``) where a denominator is zero or an input is not measured yet."""
    scope, first, last = resolve_query(request.auth, query)
    return index_data(compute_index(scope, first, last), scope, first, last)
