"""API authentication: bearer tokens for programs, the session (with CSRF) for the browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from motcua.accounts.models import ApiToken, User
from motcua.accounts.services import hash_token
from motcua.ratelimits import hit

#: What a token may do without counting against its account's write limit.
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .only("user")
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        if request.method not in _READS:  # a leaked or looping program: 429 past MOTCUA_RATE_LIMITS["api-write"]
            hit(request, "api-write", per_account=True)
        return found.user


#: Officers' programs use tokens; the workbench in the browser uses its session.
API_AUTH: list[Any] = [TokenAuth(), django_auth]
