"""Writes on accounts: API tokens, sign-in through an identity provider, local sign-up and password reset."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from typing import Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.accounts.models import AccountType, ApiToken, ExternalIdentity, User


class Identity(Protocol):
    """What an identity provider vouched for (``integrations.identity.Identity``; accounts does not import
    integrations, which depends on it)."""

    issuer: str
    subject: str
    personal_id_number: str
    full_name: str
    birth_date: date | None
    phone: str
    verified: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: User, name: str) -> str:
    """Create a token for ``user`` and return it; it cannot be read back later."""
    token = "mc_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:8], key_hash=hash_token(token))
    return token


def _username_for(identity: Identity) -> str:
    digest = hashlib.sha256(f"{identity.issuer}\n{identity.subject}".encode()).hexdigest()[:20]
    return f"oidc-{digest}"


def sign_in_with_identity(identity: Identity, *, at: datetime | None = None) -> User:
    """The account of the person an identity provider vouched for: found by (issuer, subject), or created.

    Each sign-in refreshes what the provider says (name, birth date, phone, personal identification number)
    and marks the account identity-verified when the provider gave a well-formed number (RULES §6). An existing
    local account is never taken over by an identity with the same number: the key is the provider's subject.
    One transaction; two simultaneous first sign-ins of the same person make one account (the unique
    (issuer, subject) constraint decides, the loser reads the winner's row).
    """
    at = at or timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                link = (
                    ExternalIdentity.objects.select_for_update()
                    .select_related("user")
                    .filter(issuer=identity.issuer, subject=identity.subject)
                    .first()
                )
                if link is None:
                    user = User(username=_username_for(identity), account_type=AccountType.CITIZEN)
                    user.set_unusable_password()
                    _refresh(user, identity)
                    user.save()
                    ExternalIdentity.objects.create(
                        user=user, issuer=identity.issuer, subject=identity.subject, last_login_at=at
                    )
                    return user
                user = link.user
                _refresh(user, identity)
                user.save(update_fields=["full_name", "birth_date", "phone", "personal_id_number", "identity_verified"])
                ExternalIdentity.objects.filter(pk=link.pk).update(last_login_at=at)
                return user
        except IntegrityError:
            continue  # another request created it first: read it
    raise RuntimeError("could not create the account of an identity")  # pragma: no cover


def _refresh(user: User, identity: Identity) -> None:
    user.full_name = identity.full_name or user.full_name
    user.birth_date = identity.birth_date or user.birth_date
    user.phone = identity.phone or user.phone
    if identity.personal_id_number:
        user.personal_id_number = identity.personal_id_number
    user.identity_verified = identity.verified
