"""Writes on accounts: API tokens, sign-in through an identity provider, local sign-up and password reset."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    AccountType,
    ApiToken,
    ExternalIdentity,
    TokenScope,
    User,
)
from motcua.accounts.second_factor import DEMO_DEVICE_NAME, DEMO_TOTP_KEY


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
def create_api_token(
    user: User, name: str, *, scope: str = TokenScope.ACT, days: int = DEFAULT_TOKEN_DAYS, at: datetime | None = None
) -> str:
    """Create a token for ``user`` and return it; it cannot be read back later. It ends after ``days`` days (at most
    ``MAX_TOKEN_DAYS``); a ``read`` token answers only reads."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_TOKEN_DAYS} days, not {days}")
    token = "mc_" + secrets.token_urlsafe(32)
    expires_at = (at or timezone.now()) + timedelta(days=days)
    ApiToken.objects.create(
        user=user, name=name, prefix=token[:8], key_hash=hash_token(token), scope=scope, expires_at=expires_at
    )
    return token


@transaction.atomic
def revoke_api_token(user: User, token_id: int, *, at: datetime | None = None) -> bool:
    """Revoke one of ``user``'s own tokens (another's is not found); true when it was still unrevoked."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(revoked_at=at or timezone.now())
    )


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


# --- the second factor (accounts.second_factor) --------------------------------------------------------------


@transaction.atomic
def start_totp_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed device whose key the enrolment page shows (kept across reloads until confirmed)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_totp_enrolment(user: User, token: str) -> TOTPDevice | None:
    """The pending device becomes the user's second factor once a code from it is right (one transaction, the
    device locked: django-otp's ``verify_token`` throttles wrong codes); any other pending device is dropped."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None or not device.verify_token(token.strip()):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return device


def verify_second_factor(user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts ``token`` (django-otp's ``verify_token``: locked, throttled, no replay)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return None
    return otp_verify_token(user, device.persistent_id, token.strip())


@transaction.atomic
def ensure_demo_totp_device(user: User) -> TOTPDevice:
    """The demo officer's device with the published demo key (``load_demo`` only; production refuses it)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    return device
