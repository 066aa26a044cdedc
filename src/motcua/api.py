"""The REST API (OpenAPI 3), assembled from each app's router.

The OpenAPI document is committed at ``docs/openapi.json``; a test fails when it drifts from the
code (regenerate with ``make openapi``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from motcua.calendars.api import router as calendar_router
from motcua.catalog.api import router as catalog_router
from motcua.dossiers.api import router as dossier_router
from motcua.dossiers.services import DossierError
from motcua.validation import UNREADABLE_BODY, describe, summary


class UnicodeJSONRenderer(JSONRenderer):
    """Vietnamese text stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="motcua API",
    version="1",
    description="Một cửa điện tử: danh mục thủ tục hành chính, lịch làm việc và thời hạn giải quyết.",
    urls_namespace="api-v1",
)
api.add_router("", catalog_router)
api.add_router("", calendar_router)
api.add_router("", dossier_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 naming each field in error, with a Vietnamese summary (never a stack trace)."""
    errors = describe(exc.errors)
    return api.create_response(request, {"detail": summary(errors), "errors": errors}, status=422)


@api.exception_handler(DossierError)
def dossier_error(request: HttpRequest, exc: DossierError) -> HttpResponse:
    """409 for an action the rules refuse now, 403 for one the caller may not do, 422 for bad input."""
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """400 for a multipart body Django's parser cannot read (no boundary, a broken one): the client's error."""
    return api.create_response(request, {"detail": str(UNREADABLE_BODY)}, status=400)
