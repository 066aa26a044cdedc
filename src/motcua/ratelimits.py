"""Rate limits: the one implementation, on django-ratelimit's counters in Django's cache (issue 15).

Limited are what anyone may call without signing in and what costs the server or leaks by enumeration — the
tracking lookup by dossier code (before it, 349 anonymous lookups in 2.7 s enumerated every code of an agency over
130 days, issue 10), the catalogue search and the public calendar, on the pages and in the API — and every write
made with an API token (a leaked or looping program). Each limit is a named group with its rate in
``settings.MOTCUA_RATE_LIMITS`` (``"20/m"``: 20 per minute; docs/deploy.md); over it the answer is 429 with
``Retry-After``, a Vietnamese page on the site (:func:`limited_page`) and the API's JSON error there
(``motcua.api``).

django-ratelimit counts in fixed windows (their edges spread per client); the counters are shared by every
process only when the cache is (``MOTCUA_REDIS_URL``; production refuses to start without it,
``operations.checks``). The client is ``REMOTE_ADDR``: behind a reverse proxy the proxy must set it (gunicorn's
``--forwarded-allow-ips``); a header a client can forge is never read. When the cache cannot be reached the
request is let through and logged: the public service stays up without its limits rather than going down.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """The client is over the limit of ``group``; it may try again in ``wait`` seconds."""

    def __init__(self, group: str, wait: int) -> None:
        super().__init__(group, wait)
        self.group, self.wait = group, wait


def _account(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{request.META['REMOTE_ADDR']}"


def hit(request: HttpRequest, group: str, *, per_account: bool = False) -> None:
    """Count this request in ``group``; raise :class:`RateLimited` when the client is over its limit.

    ``per_account``: counted per signed-in account (token writes), else per client address."""
    rate = settings.MOTCUA_RATE_LIMITS[group]
    try:
        usage = get_usage(request, group=group, key=_account if per_account else "ip", rate=rate, increment=True)
    except Exception:  # the cache is down: serve without the limit rather than fail (module docstring)
        logger.exception("rate limit %s not checked: the cache did not answer", group)
        return
    if usage is not None and usage["should_limit"]:
        raise RateLimited(group, max(1, int(usage["time_left"])))


def too_many_page(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    """The Vietnamese 429 page, with ``Retry-After``."""
    response = render(request, "web/rate_limited.html", {"wait": limited.wait}, status=429)
    response["Retry-After"] = str(limited.wait)
    return response


def limited_page(group: str | None = None) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page view whose :class:`RateLimited` becomes the 429 page; with ``group``, every request counts in it
    (a view that counts only some of its requests calls :func:`hit` itself)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if group is not None:
                    hit(request, group)
                return view(request, *args, **kwargs)
            except RateLimited as limited:
                return too_many_page(request, limited)

        return wrapped

    return decorator
