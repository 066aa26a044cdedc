"""Middleware of the site: an unreadable body is a 400; nothing personal is cached (``PrivateCacheMiddleware``).

A request body Django cannot read is the client's error (400), not the server's (500).

Django raises ``MultiPartParserError`` the first time ``request.POST`` is read when a
``multipart/form-data`` body has no boundary or a broken one, and nothing turns it into a response:
the CSRF middleware reads ``request.POST`` of every protected POST and the error became a 500.
This middleware reads the body first, where it can still answer with the Vietnamese 400 page, and also
catches the error when a view reads the body itself.

Views that are exempt from CSRF read their own body: the API's (django-ninja), whose exception handler
in :mod:`motcua.api` answers the same 400 as JSON. They are left to it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from motcua.validation import UNREADABLE_BODY


def _bad_request(request: HttpRequest) -> HttpResponse:
    return render(request, "400.html", {"message": UNREADABLE_BODY}, status=400)


class UnreadableBodyMiddleware:
    """Answer 400 with the Vietnamese error page when a POST's multipart body cannot be parsed.

    Placed before ``CsrfViewMiddleware``, so that its ``process_view`` reads the body before the CSRF
    check does (once: Django keeps what it parsed).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None
        try:
            request.POST  # noqa: B018 — parsed here, where a broken body can still be answered
        except MultiPartParserError:
            return _bad_request(request)
        except UnreadablePostError:
            return None  # the client went away: left to the CSRF middleware, as before
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, MultiPartParserError):
            return _bad_request(request)
        return None


# -------------------------------------------------------------------------------------------------
# Cache-Control: nothing with personal data may be kept by a browser's or a proxy's cache (issue 15)

_PUBLIC_PAGE = "motcua_public_page"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that carries no personal data when the visitor is anonymous (the catalogue): left cacheable."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, _PUBLIC_PAGE, True)
        return response

    return wrapped


def _public(response: HttpResponse) -> bool:
    return getattr(response, _PUBLIC_PAGE, False) or "public" in response.get("Cache-Control", "")


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every answer, unless it is public and the caller anonymous.

    Deny by default: a new page or API route is private until its view says otherwise — a page with
    :func:`public_page`, an API route with ``cache_control(public=True)`` (the catalogue). Every answer to a
    signed-in user or an API token is private whatever its view said (the page shows whose it is), and so is
    every error answer. Static files never reach this (WhiteNoise answers before it, with far-future caching).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = (
            (user is not None and user.is_authenticated)
            or getattr(request, "auth", None) is not None
            or "HTTP_AUTHORIZATION" in request.META  # a token sent to a public route: kept out of shared caches too
        )
        private = signed_in or response.status_code >= 400 or not _public(response)
        if private and "no-store" not in response.get("Cache-Control", ""):  # never_cache's header says as much
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response
