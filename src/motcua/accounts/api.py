"""The caller's own API tokens: list them, revoke one (the owner's filter is inside the query).

Creating a token stays a command (``motcua create_api_token``): a token that could make tokens would outlive
its own expiry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from motcua.accounts.auth import API_AUTH
from motcua.accounts.selectors import own_token, own_tokens
from motcua.accounts.services import revoke_api_token
from motcua.validation import ErrorOut

router = Router(tags=["account"], auth=API_AUTH)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: Literal["read", "act"]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@router.get(
    "/account/tokens",
    response={200: list[TokenOut], 401: ErrorOut},
    summary="Các khóa API của người gọi (không có khóa, chỉ mã đầu)",
)
def list_tokens(request: HttpRequest) -> Any:
    return list(own_tokens(request.auth))


@router.delete(
    "/account/tokens/{token_id}",
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Thu hồi một khóa API của người gọi (không hoàn tác được)",
)
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    if own_token(request.auth, token_id) is None:
        raise HttpError(404, _("Không có khóa API này trong các khóa của bạn."))
    revoke_api_token(request.auth, token_id)
    return own_token(request.auth, token_id)
