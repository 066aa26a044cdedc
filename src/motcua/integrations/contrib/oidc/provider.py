"""The OpenID Connect identity provider (e.g. VNeID): authorisation code flow with PKCE (S256).

Settings, from the environment only: ``MOTCUA_OIDC_ISSUER`` (its discovery document is
``<issuer>/.well-known/openid-configuration``), ``MOTCUA_OIDC_CLIENT_ID``, ``MOTCUA_OIDC_CLIENT_SECRET``
(client authentication ``client_secret_basic``); ``MOTCUA_OIDC_SCOPE`` (default ``openid profile phone``) and
``MOTCUA_OIDC_ID_NUMBER_CLAIM`` (default ``personal_id_number``).

The OAuth 2 client is Authlib's (``httpx_client.OAuth2Client``: the authorisation URL with state, nonce and the
S256 challenge; the code exchange with the verifier); the ID token is checked with joserfc against the provider's
JWKS: RS256 only, issuer, audience, nonce, expiry, issued-at (OpenID Connect Core 1.0 §3.1.3.7).

Claims (a reading: RULES.md is silent on VNeID's claims, and VNeID's partner documentation is not public):
the standard ``name``, ``birthdate`` (``YYYY-MM-DD``), ``phone_number``, plus the personal identification
number under ``MOTCUA_OIDC_ID_NUMBER_CLAIM``. The identity is *verified* (``TaiKhoanDuocXacThucVoiVNeID``) when
the provider gives a well-formed 12-digit number: the provider is the one configured by the province, so it
vouches for whom it names.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.identity import Identity, SignInFailed, identity_providers
from motcua.rules.identity import is_citizen_id, normalise_identifier

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 10.0
_metadata_cache: dict[str, tuple[float, dict[str, Any]]] = {}
METADATA_SECONDS = 300


def _settings() -> tuple[str, str, str]:
    return (
        settings.MOTCUA_OIDC_ISSUER.rstrip("/"),
        settings.MOTCUA_OIDC_CLIENT_ID,
        settings.MOTCUA_OIDC_CLIENT_SECRET,
    )


def metadata(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (cached a few minutes); its ``issuer`` must be the configured one."""
    cached = _metadata_cache.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        response = httpx.get(issuer + DISCOVERY_PATH, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise TemporaryFailure(f"discovery: {error}") from error
    if document.get("issuer", "").rstrip("/") != issuer:
        raise PermanentFailure(f"discovery: issuer {document.get('issuer')!r} is not {issuer!r}")
    _metadata_cache[issuer] = (time.monotonic() + METADATA_SECONDS, document)
    return document


def _birth_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def identity_from_claims(issuer: str, claims: dict[str, Any]) -> Identity:
    number = normalise_identifier(str(claims.get(settings.MOTCUA_OIDC_ID_NUMBER_CLAIM, "")))
    return Identity(
        issuer=issuer,
        subject=str(claims["sub"]),
        personal_id_number=number if is_citizen_id(number) else "",
        full_name=" ".join(str(claims.get("name", "")).split())[:200],
        birth_date=_birth_date(claims.get("birthdate")),
        phone=str(claims.get("phone_number", ""))[:20],
        verified=is_citizen_id(number),
    )


@identity_providers.register("oidc")
class OidcProvider:
    name: str

    @property
    def label(self) -> str:
        return str(gettext_lazy("Đăng nhập bằng OpenID Connect (VNeID)"))

    def problem(self) -> str | None:
        names = ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")
        missing = [name for name, value in zip(names, _settings(), strict=True) if not value]
        if missing:
            return _("Chưa đặt %(names)s.") % {"names": ", ".join(f"MOTCUA_OIDC_{n}" for n in missing)}
        return None

    def _client(self, redirect_uri: str) -> OAuth2Client:
        _issuer, client_id, secret = _settings()
        return OAuth2Client(
            client_id=client_id,
            client_secret=secret,
            scope=settings.MOTCUA_OIDC_SCOPE,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
            timeout=TIMEOUT_SECONDS,
        )

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        issuer = _settings()[0]
        endpoint = metadata(issuer)["authorization_endpoint"]
        with self._client(redirect_uri) as client:
            url, _state = client.create_authorization_url(
                endpoint, state=state, nonce=nonce, code_verifier=code_verifier
            )
        return url

    def identity_from_code(self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> Identity:
        issuer, client_id, _secret = _settings()
        document = metadata(issuer)
        with self._client(redirect_uri) as client:
            try:
                token = client.fetch_token(
                    document["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
                keys = KeySet.import_key_set(httpx.get(document["jwks_uri"], timeout=TIMEOUT_SECONDS).json())
            except Exception as error:  # Authlib raises OAuthError, httpx its own: the provider did not answer well
                raise SignInFailed(
                    _("Nhà cung cấp định danh không cấp mã truy cập (%(error)s).") % {"error": error}
                ) from error
        claims = self._checked_claims(str(token.get("id_token", "")), keys, issuer, client_id, nonce)
        return identity_from_claims(issuer, claims)

    @staticmethod
    def _checked_claims(id_token: str, keys: KeySet, issuer: str, client_id: str, nonce: str) -> dict[str, Any]:
        """The ID token's claims once its RS256 signature, issuer, audience, nonce and times are checked."""
        try:
            token = jwt.decode(id_token, keys, algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": issuer},
                aud={"essential": True, "value": client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
                leeway=60,
            ).validate(token.claims)
        except (JoseError, ValueError) as error:
            raise SignInFailed(_("Mã định danh (ID token) không hợp lệ: %(error)s.") % {"error": error}) from error
        return dict(token.claims)
