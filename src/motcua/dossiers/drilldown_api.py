"""Drill-down API: the dossiers behind a number of the service index (issue 13), within what the caller sees.

(No ``from __future__ import annotations`` here: django-ninja reads the routes' annotations at import.)
"""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.dossiers.api import RELATED, decode_cursor, dossier_data, encode_cursor
from motcua.dossiers.drilldown import dossiers_behind
from motcua.dossiers.schemas import DossierPage
from motcua.metrics.schemas import IndexQuery, resolve_query
from motcua.rules.service_index import version_for
from motcua.validation import ErrorOut

router = Router(tags=["metrics"], auth=API_AUTH)


class DrilldownQuery(IndexQuery):
    part: Literal["numerator", "denominator"] = Field("denominator", description="Tử số hay mẫu số.")
    cursor: str = Field("", max_length=40)
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/metrics/service-index/{indicator}/dossiers",
    response={200: DossierPage, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Các hồ sơ tạo nên tử số hoặc mẫu số của một chỉ tiêu (trong phạm vi được xem)",
)
def indicator_dossiers(request: HttpRequest, indicator: Path[str], query: Query[DrilldownQuery]) -> Any:
    scope, first, last = resolve_query(request.auth, query)
    version = version_for(first)
    try:
        row = version.indicator(indicator)
    except KeyError:
        raise HttpError(404, _("Không có chỉ tiêu %(id)s trong bộ chỉ số.") % {"id": indicator[:20]}) from None
    dossiers = dossiers_behind(request.auth, row, query.part, scope, first, last, timezone.localdate())
    if dossiers is None:
        raise HttpError(404, _("Chỉ tiêu %(id)s chưa có danh sách hồ sơ chi tiết.") % {"id": row.id})
    dossiers = dossiers.select_related(*RELATED).order_by("-pk")
    if query.cursor:
        dossiers = dossiers.filter(pk__lt=decode_cursor(query.cursor))
    page = list(dossiers[: query.limit + 1])
    more = len(page) > query.limit
    page = page[: query.limit]
    now = timezone.now()
    return {
        "items": [dossier_data(d, now) for d in page],
        "next_cursor": encode_cursor(page[-1].pk) if more else None,
    }
