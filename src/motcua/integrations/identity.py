"""Identity providers for citizens' sign-in (OpenID Connect, e.g. VNeID): the interface and its registry.

The provider is ``contrib/oidc`` (Authlib's OAuth 2 client, joserfc for the signed ID token); its stand-in is
``motcua identity-standin`` (docs/components/identity-standin.md). The web side (``web.signin``) keeps the
state, nonce and PKCE verifier in the session and turns an :class:`Identity` into an account
(``accounts.services.sign_in_with_identity``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from motcua.integrations.registry import Plugin, Registry


class SignInFailed(Exception):
    """The provider's answer cannot be trusted or used (a refused code, a bad ID token); the message is for the
    citizen, in Vietnamese."""


@dataclass(frozen=True)
class Identity:
    issuer: str  # the provider's issuer identifier (with ``subject``, the stable key of the person)
    subject: str  # the provider's stable identifier of the person
    personal_id_number: str  # 12-digit personal identification number, when the provider gives it
    full_name: str
    birth_date: date | None
    phone: str
    verified: bool  # the provider vouches for the identity (TaiKhoanDuocXacThucVoiVNeID)


class IdentityProvider(Plugin, Protocol):
    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        """Where to send the browser (authorisation code flow with PKCE: the S256 challenge of ``code_verifier``)."""
        ...

    def identity_from_code(self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> Identity:
        """Exchange the code, check the signed ID token (issuer, audience, nonce, expiry) and read its claims."""
        ...


identity_providers: Registry[IdentityProvider] = Registry("identity", _("Định danh, xác thực"))
