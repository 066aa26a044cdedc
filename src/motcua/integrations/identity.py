"""Identity providers for citizens' sign-in (OpenID Connect, e.g. VNeID): interface and registry only (issue 10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from motcua.integrations.registry import Plugin, Registry


@dataclass(frozen=True)
class Identity:
    subject: str  # the provider's stable identifier of the person
    personal_id_number: str  # 12-digit personal identification number, when the provider gives it
    full_name: str
    birth_date: date | None
    phone: str
    verified: bool  # the provider vouches for the identity (TaiKhoanDuocXacThucVoiVNeID)


class IdentityProvider(Plugin, Protocol):
    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str) -> str:
        """Where to send the browser (authorisation code flow with PKCE)."""
        ...

    def identity_from_code(self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> Identity:
        """Exchange the code, check the signed ID token (issuer, audience, nonce, expiry) and read its claims."""
        ...


identity_providers: Registry[IdentityProvider] = Registry("identity", _("Định danh, xác thực"))
