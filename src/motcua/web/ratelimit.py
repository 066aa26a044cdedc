"""A fixed-window limit on requests per client, kept in Django's cache (shared by every process when the cache is
Redis or the database; per process with the default local-memory cache).

Used by the public tracking page: before it, 349 anonymous lookups in 2.7 s enumerated every dossier code of an
agency over 130 days (issue 10). django-ratelimit, the usual package, is not in this installation's package index
(docs/decisions.md), so the few lines are here, on the cache API. The client is ``REMOTE_ADDR``: behind a reverse
proxy, the proxy must set it (e.g. gunicorn's ``--forwarded-allow-ips``); a header a client can forge is never read.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def over_limit(request: HttpRequest, scope: str, *, limit: int, window: int) -> int | None:
    """Count this request; the seconds until the window ends when the client is over ``limit`` in it, else ``None``."""
    now = int(time.time())
    client = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = f"ratelimit:{scope}:{client}:{now // window}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return None if count <= limit else max(1, window - now % window)
