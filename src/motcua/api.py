"""The REST API (OpenAPI 3), assembled from each app's router.

The OpenAPI document is committed at ``docs/openapi.json``; a test fails when it drifts from the
code (regenerate with ``make openapi``), and ``tests/test_api_fuzz.py`` runs schemathesis over the
live document: every answer must be one the document lists, in its schema.

Every error answer is JSON of the one ``ErrorOut`` shape with a Vietnamese ``detail`` — also those
django-ninja writes itself in English (unparseable body, missing credentials, a method the path does
not take), which the handlers below say again in the interface's language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from motcua.accounts.api import router as account_router
from motcua.calendars.api import router as calendar_router
from motcua.catalog.api import router as catalog_router
from motcua.datastore.api import router as datastore_router
from motcua.dossiers.api import router as dossier_router
from motcua.dossiers.drilldown_api import router as drilldown_router
from motcua.dossiers.services import DossierError
from motcua.ecopies.api import router as ecopies_router
from motcua.integrations.api import router as sync_router
from motcua.metrics.api import router as metrics_router
from motcua.payments.api import router as payments_router
from motcua.portal.api import router as portal_router
from motcua.ratelimits import RateLimited
from motcua.reform.api import router as reform_router
from motcua.reform.errors import ReformError
from motcua.signatures.api import router as signatures_router
from motcua.validation import UNREADABLE_BODY, UNREADABLE_JSON, describe, summary

logger = logging.getLogger("django.request")


class UnicodeJSONRenderer(JSONRenderer):
    """Vietnamese text stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


class MotcuaAPI(NinjaAPI):
    """django-ninja's API whose views answer a method their path does not take in JSON, in Vietnamese.

    ninja answers it with a bare ``405 Method not allowed`` (text/html, English) from inside the view
    of the path, where no exception handler sees it: each view is wrapped to say it again.
    """

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """ninja's document, with the 429 every write made with a token may answer (``ratelimits``; the limited
        public routes declare theirs)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                if method in {"post", "put", "patch", "delete"} and operation.get("security"):
                    error = {"$ref": "#/components/schemas/ErrorOut"}
                    operation["responses"].setdefault(
                        429, {"description": "Too Many Requests", "content": {"application/json": {"schema": error}}}
                    )
        return schema


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps ``csrf_exempt``: the API's views check CSRF themselves (session auth)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = ", ".join(sorted(response["Allow"].split(", ")))  # ninja's order is a set's
        message = _("Địa chỉ này không nhận phương thức %(method)s; dùng %(allowed)s.")
        answer = api.create_response(
            request, {"detail": message % {"method": request.method, "allowed": allowed}}, status=405
        )
        answer["Allow"] = allowed
        return answer

    return wrapped


api = MotcuaAPI(
    renderer=UnicodeJSONRenderer(),
    title="motcua API",
    version="1",
    description="Một cửa điện tử: danh mục thủ tục hành chính, lịch làm việc và thời hạn giải quyết.",
    urls_namespace="api-v1",
)
api.add_router("", catalog_router)
api.add_router("", calendar_router)
api.add_router("", dossier_router)
api.add_router("", sync_router)
api.add_router("", metrics_router)
api.add_router("", drilldown_router)
api.add_router("", reform_router)
api.add_router("", portal_router)
api.add_router("", datastore_router)
api.add_router("", payments_router)
api.add_router("", signatures_router)
api.add_router("", account_router)
api.add_router("", ecopies_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 naming each field in error, with a Vietnamese summary (never a stack trace)."""
    errors = describe(exc.errors)
    return api.create_response(request, {"detail": summary(errors), "errors": errors}, status=422)


@api.exception_handler(DossierError)
def dossier_error(request: HttpRequest, exc: DossierError) -> HttpResponse:
    """409 for an action the rules refuse now, 403 for one the caller may not do, 422 for bad input."""
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status_code)


@api.exception_handler(ReformError)
def reform_error(request: HttpRequest, exc: ReformError) -> HttpResponse:
    """The reform services' refusals: 403 (not the reform officer), 409 (the plan's state), 422 (input)."""
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status_code)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """429 with ``Retry-After`` past a rate limit (``motcua.ratelimits``)."""
    message = _("Quá nhiều yêu cầu trong thời gian ngắn: vui lòng thử lại sau %(seconds)s giây.")
    response = api.create_response(request, {"detail": message % {"seconds": exc.wait}}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """400 for a multipart body Django's parser cannot read (no boundary, a broken one): the client's error."""
    return api.create_response(request, {"detail": str(UNREADABLE_BODY)}, status=400)


#: What django-ninja raises with an English message of its own, in the interface's language.
_NINJA_MESSAGES = {
    AuthenticationError: gettext_lazy(
        "Cần xác thực: gửi mã truy cập API hợp lệ (tiêu đề Authorization: Bearer …) hoặc đăng nhập."
    ),
    AuthorizationError: gettext_lazy("Bạn không có quyền thực hiện yêu cầu này."),
}
_CSRF_FAILED = gettext_lazy("Yêu cầu thiếu mã chống giả mạo (CSRF) hợp lệ: tải lại trang rồi thử lại.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """The routes' own ``HttpError``s carry Vietnamese messages already; ninja's own say it in English."""
    message = _NINJA_MESSAGES.get(type(exc), exc.message)
    if type(exc) is HttpError and exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
        message = UNREADABLE_JSON  # ninja's BodyModel: the JSON body did not parse (its reason only in DEBUG)
    elif type(exc) is HttpError and exc.status_code == 403 and exc.message == "CSRF check Failed":
        message = _CSRF_FAILED  # ninja's session auth on a POST without the CSRF token
    return api.create_response(request, {"detail": str(message)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """A ``get_object_or_404`` in a route: ninja would answer ``Not Found`` (and, in DEBUG, the query)."""
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """500 in JSON, never a stack trace — in debug mode neither, where ninja's default answers the traceback
    as text. The traceback goes to the log (Django's ``django.request`` logger, as for any 500), and Django's
    test client still raises the exception (``got_request_exception``)."""
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
    )
    got_request_exception.send(sender=None, request=request)
    message = _("Lỗi hệ thống: yêu cầu chưa thực hiện được. Lỗi đã được ghi lại; xin thử lại sau.")
    response = api.create_response(request, {"detail": message}, status=500)
    response._has_been_logged = True  # type: ignore[attr-defined]  # logged above, with the traceback
    return response
