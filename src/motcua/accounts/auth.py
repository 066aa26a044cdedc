"""API authentication: bearer tokens for programs, the session (with CSRF) for the browser.

A token counts only before its ``expires_at`` and while not revoked (401 otherwise, like an unknown one); a ``read``
token answers reads only, a write with it is refused with 403 and a Vietnamese message. The session counts for an
officer or administrator only once it passed the second factor (``accounts.second_factor``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts.models import ApiToken, TokenScope, User
from motcua.accounts.second_factor import is_verified, needs_second_factor
from motcua.accounts.services import hash_token
from motcua.ratelimits import hit

#: What a token may do without counting against its account's write limit.
_READS = frozenset({"GET", "HEAD", "OPTIONS"})

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=hash_token(token),
                user__is_active=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .only("user", "scope")
            .first()
        )
        if found is None:
            return None
        if found.scope != TokenScope.ACT and request.method not in READ_METHODS:
            raise HttpError(403, _("Khóa API này chỉ được đọc (phạm vi «read»): không dùng được để thay đổi dữ liệu."))
        request.user = found.user
        if request.method not in _READS:  # a leaked or looping program: 429 past MOTCUA_RATE_LIMITS["api-write"]
            hit(request, "api-write", per_account=True)
        return found.user


class VerifiedSessionAuth(SessionAuth):
    """Django's session (CSRF checked by ninja), for an officer or administrator only past the second factor."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and needs_second_factor(user) and not is_verified(user):
            return None
        return user


#: Officers' programs use tokens; the workbench in the browser uses its session.
API_AUTH: list[Any] = [TokenAuth(), VerifiedSessionAuth()]
