"""Writes on accounts: API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from motcua.accounts.models import ApiToken, User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: User, name: str) -> str:
    """Create a token for ``user`` and return it; it cannot be read back later."""
    token = "mc_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:8], key_hash=hash_token(token))
    return token
