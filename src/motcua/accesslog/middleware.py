"""Record each successful read of a dossier or download of a document (``rules.access.classify``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from motcua.accesslog.services import current_request, record
from motcua.rules.access import classify


class AccessLogMiddleware:
    """After the view: the route that answered says what was read. Before it: the request, for signals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        match = request.resolver_match
        if match is not None:
            access = classify(match.route, match.kwargs, request.method or "", response.status_code)
            if access is not None:
                record(access.kind, request, dossier_code=access.dossier_code, document=access.document)
        return response
