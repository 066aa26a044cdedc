"""Reads on accounts: a user's own API tokens (the owner's filter is inside each query)."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import ApiToken, User


def own_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def own_token(user: User, token_id: int) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=token_id).first()
