"""The portal's client (registered as ``dvcqg`` in ``integrations.national_portal``), RULES.md §10 [V].

Login: ``POST {auth URL}`` JSON ``{username, password}``, header ``dstcode`` → ``{error_code: 0, session}``.
Service calls: ``POST {service URL}`` JSON ``{session, madonvi, service, …}``, same header →
``{error_code, message, result?}``; ``error_code`` 0 = OK, any other code: log in again once and repeat, then
treat as a failure.

Failures: a network error, a timeout, an HTTP 5xx (or 408/429), an answer that is not JSON, a login refused, or
a session still refused after the new login are **temporary** (``TemporaryFailure``: try again later); any
other refusal after a fresh login is the portal refusing the payload, **permanent** (``PermanentFailure`` with
the portal's message). Which codes mean "session refused" RULES does not say: reading — a code in
``SESSION_ERROR_CODES`` or a message that names the session (``phiên``/``session``).

The session is cached in the worker process (per URL, user and ``dstcode``) and renewed when refused; the
HTTP connection is kept alive between calls (one ``httpx.Client`` per process).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.national_portal import national_portals

PROGRESS_CHUNK = 10  # CapNhatTienDoHoSoMC rows per call, as one production system sends them (RULES §10)
SESSION_ERROR_CODES = frozenset({-1, 401, 403})  # reading
RETRYABLE_HTTP = frozenset({408, 425, 429})
SETTINGS = (
    "MOTCUA_NATIONAL_PORTAL_AUTH_URL",
    "MOTCUA_NATIONAL_PORTAL_SERVICE_URL",
    "MOTCUA_NATIONAL_PORTAL_USERNAME",
    "MOTCUA_NATIONAL_PORTAL_PASSWORD",
    "MOTCUA_NATIONAL_PORTAL_DSTCODE",
)
NOT_CONFIGURED = gettext_lazy("Chưa cấu hình: biến môi trường %(names)s chưa được đặt.")

_lock = threading.Lock()
_sessions: dict[tuple[str, str, str], str] = {}
_clients: dict[int, httpx.Client] = {}


def missing_settings() -> list[str]:
    return [name for name in SETTINGS if not getattr(settings, name)]


def _http() -> httpx.Client:
    """One keep-alive client per process (a forked worker gets its own)."""
    with _lock:
        client = _clients.get(os.getpid())
        if client is None:
            client = _clients[os.getpid()] = httpx.Client(headers={"User-Agent": "motcua-outbox/1"})
        return client


def _timeout() -> httpx.Timeout:
    # capped at a quarter of the lease, so that a live worker never outlives it (as the webhook does)
    return httpx.Timeout(min(settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS, settings.MOTCUA_OUTBOX_LEASE_SECONDS / 4))


def _post(url: str, body: Mapping[str, Any]) -> dict[str, Any]:
    headers = {"dstcode": settings.MOTCUA_NATIONAL_PORTAL_DSTCODE}
    try:
        response = _http().post(url, json=body, headers=headers, timeout=_timeout())
    except httpx.TimeoutException as error:
        raise TemporaryFailure(
            _("Cổng quốc gia không trả lời kịp (%(kind)s).") % {"kind": type(error).__name__}
        ) from error
    except httpx.HTTPError as error:
        raise TemporaryFailure(_("Không kết nối được tới Cổng quốc gia: %(error)s") % {"error": error}) from error
    status = response.status_code
    if status >= 500 or status in RETRYABLE_HTTP:
        raise TemporaryFailure(_("Cổng quốc gia trả lời HTTP %(status)d.") % {"status": status})
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if status >= 400:
            raise PermanentFailure(_("Cổng quốc gia từ chối (HTTP %(status)d).") % {"status": status})
        raise TemporaryFailure(_("Cổng quốc gia trả lời không phải JSON (HTTP %(status)d).") % {"status": status})
    return answer


def _code(answer: Mapping[str, Any]) -> int:
    try:
        return int(answer.get("error_code", -1))
    except (TypeError, ValueError):
        return -1


def _says(answer: Mapping[str, Any]) -> str:
    return str(answer.get("message") or answer.get("error_code"))[:400]


def is_session_refusal(answer: Mapping[str, Any]) -> bool:
    message = str(answer.get("message") or "").lower()
    return _code(answer) in SESSION_ERROR_CODES or "phiên" in message or "session" in message


@national_portals.register("dvcqg")
class PortalClient:
    """The protocol of RULES §10 over HTTP; the settings are read on every call (tests change them)."""

    name = "dvcqg"
    label = gettext_lazy("Cổng Dịch vụ công quốc gia (giao thức DVCQG)")

    def problem(self) -> str | None:
        missing = missing_settings()
        return str(NOT_CONFIGURED % {"names": ", ".join(missing)}) if missing else None

    # --- transport ------------------------------------------------------------------------------
    def _key(self) -> tuple[str, str, str]:
        return (
            settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL,
            settings.MOTCUA_NATIONAL_PORTAL_USERNAME,
            settings.MOTCUA_NATIONAL_PORTAL_DSTCODE,
        )

    def login(self) -> str:
        answer = _post(
            settings.MOTCUA_NATIONAL_PORTAL_AUTH_URL,
            {
                "username": settings.MOTCUA_NATIONAL_PORTAL_USERNAME,
                "password": settings.MOTCUA_NATIONAL_PORTAL_PASSWORD,
            },
        )
        session = answer.get("session")
        if _code(answer) != 0 or not isinstance(session, str) or not session:
            raise TemporaryFailure(_("Cổng quốc gia không cho đăng nhập: %(said)s") % {"said": _says(answer)})
        with _lock:
            _sessions[self._key()] = session
        return session

    def _session(self) -> str:
        with _lock:
            session = _sessions.get(self._key())
        return session or self.login()

    def call(self, agency: str, service: str, **fields: Any) -> Any:
        """One service call with the re-login rule; returns the answer's ``result``."""
        session = self._session()
        for attempt in (1, 2):
            body = {"session": session, "madonvi": agency, "service": service, **fields}
            answer = _post(settings.MOTCUA_NATIONAL_PORTAL_SERVICE_URL, body)
            if _code(answer) == 0:
                return answer.get("result")
            if attempt == 1:
                session = self.login()  # any refusal: a fresh session, once
        said = {"service": service, "said": _says(answer)}
        if is_session_refusal(answer):
            with _lock:
                _sessions.pop(self._key(), None)
            raise TemporaryFailure(_("Cổng quốc gia từ chối phiên làm việc (%(service)s): %(said)s") % said)
        raise PermanentFailure(_("Cổng quốc gia từ chối %(service)s: %(said)s") % said)

    # --- services ---------------------------------------------------------------------------------
    def sync_dossiers(self, agency: str, records: Sequence[Mapping[str, Any]], *, updating: bool) -> None:
        self.call(agency, "DongBoHoSoMC", isUpdating="True" if updating else "False", data=list(records))

    def send_progress(self, agency: str, rows: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(rows), PROGRESS_CHUNK):
            self.call(agency, "CapNhatTienDoHoSoMC", data=list(rows[start : start + PROGRESS_CHUNK]))

    def has_dossier(self, agency: str, code: str) -> bool:
        result = self.call(agency, "TraCuuHoSo", mahoso=code)
        return bool(result) and (not isinstance(result, Mapping) or bool(result.get("exists", True)))

    def send_ratings(self, agency: str, rows: Sequence[Mapping[str, Any]]) -> None:
        self.call(agency, "DongBoDanhGia", data=list(rows))


def forget_sessions() -> None:
    """Drop the cached sessions (tests; a changed password)."""
    with _lock:
        _sessions.clear()
