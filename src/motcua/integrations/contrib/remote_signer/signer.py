"""The remote signer: the agency's key stays with a remote signing service; we send a hash, the official confirms
in the service's app, the signature comes back (RULES.md §13: "hash sent, signature returned after the signer
confirms in an app"; pyHanko's interrupted signing, ``signatures.pades.prepare_interrupted`` / ``finish_interrupted``).

Protocol ``motcua.remote-sign/1`` (docs/components/remote-signer-standin.md), bearer token
``MOTCUA_REMOTE_SIGNER_TOKEN``: ``GET /v1/certificates/<agency>`` gives the certificate and chain; ``POST
/v1/signatures`` the hash, keyed by ``reference``; ``GET /v1/signatures/<id>`` until ``confirmed`` (with the
signature), ``rejected`` or ``expired``.

**Across attempts, never waiting.** An attempt does one step and returns: the first prepares the document and keeps
it (``models.RemoteSigning``, keyed by the cause — the outbox row's idempotency key, which is also the
``reference``), then asks the service; a later one asks for the request's state once. Not confirmed yet: the
attempt ends ``SignaturePending`` (a temporary failure: the outbox tries again with its backoff). Confirmed: the
kept document is finished with the signature (the signature is kept too, so a TSA down at that moment costs no
second confirmation). Rejected by the official, expired at the service, or still unconfirmed
``MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS`` after the request: a permanent failure with that reason, shown to the
officer. The service is asked once per document: a request whose answer was lost is asked again with the same
``reference`` and hash, which the service answers with the same request.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import NoReturn

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.contrib.remote_signer.models import RemoteSigning, RemoteState
from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.signing import SignaturePending, SignatureRequest, signers
from motcua.signatures import trust
from motcua.signatures.certs import der_certificates


class _Client:
    def __init__(self) -> None:
        self.base = settings.MOTCUA_REMOTE_SIGNER_URL.rstrip("/")
        self.headers = {"Authorization": f"Bearer {settings.MOTCUA_REMOTE_SIGNER_TOKEN}"}

    def call(self, method: str, path: str, **kwargs: object) -> dict:
        try:
            response = httpx.request(method, self.base + path, headers=self.headers, timeout=10, **kwargs)
        except httpx.HTTPError as error:
            raise TemporaryFailure(_("Dịch vụ ký số từ xa không trả lời: %(e)s") % {"e": error}) from error
        if response.status_code >= 500 or response.status_code in {408, 429}:
            raise TemporaryFailure(_("Dịch vụ ký số từ xa: HTTP %(s)d") % {"s": response.status_code})
        try:
            body = response.json()
        except ValueError as error:
            raise TemporaryFailure(_("Dịch vụ ký số từ xa trả lời không phải JSON.")) from error
        if response.status_code >= 400:
            raise PermanentFailure(
                _("Dịch vụ ký số từ xa từ chối (HTTP %(s)d): %(r)s")
                % {"s": response.status_code, "r": body.get("reason", "")}
            )
        return body


@signers.register("remote")
class RemoteSigner:
    name = "remote"
    label = gettext_lazy("Ký số từ xa: người ký xác nhận trên ứng dụng")

    def problem(self) -> str | None:
        if not settings.MOTCUA_REMOTE_SIGNER_URL:
            return _("Chưa đặt MOTCUA_REMOTE_SIGNER_URL (dịch vụ ký số từ xa).")
        if not settings.MOTCUA_REMOTE_SIGNER_TOKEN:
            return _("Chưa đặt MOTCUA_REMOTE_SIGNER_TOKEN.")
        if not settings.MOTCUA_TSA_URL:
            return _("Chưa đặt MOTCUA_TSA_URL (máy chủ cấp dấu thời gian).")
        return None

    def sign_pdf(self, pdf: bytes, request: SignatureRequest) -> bytes:
        # pyHanko is loaded when something is signed, not by every process that loads the apps (``verdicts``)
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        from motcua.signatures import pades
        from motcua.signatures.timestamps import timestamper_for

        client = _Client()
        key = (request.key or f"{request.agency}:{request.verification_url}")[:200]
        session = RemoteSigning.objects.filter(key=key).first() or _prepare(client, key, pdf, request)
        certificate, *chain = der_certificates(session.certificates.encode())
        if session.state in {RemoteState.REJECTED, RemoteState.EXPIRED}:
            raise PermanentFailure(session.reason or session.get_state_display())
        if session.state != RemoteState.CONFIRMED:
            _ask_or_poll(client, session, request)
        try:
            return pades.finish_interrupted(
                pades.PreparedSignature(
                    pdf=bytes(session.prepared_pdf),
                    document_digest=bytes(session.document_digest),
                    reserved_region_start=session.reserved_region_start,
                    reserved_region_end=session.reserved_region_end,
                    signed_attributes=bytes(session.signed_attributes),
                    to_sign=bytes.fromhex(session.to_sign),
                ),
                certificate,
                chain,
                bytes(session.signature),
                timestamper=timestamper_for(settings.MOTCUA_TSA_URL, settings.MOTCUA_TSA_TIMEOUT_SECONDS),
                context=pades.validation_context(trust.trust_roots(), trust.crls()),
            )
        except TimestampRequestError as error:
            raise TemporaryFailure(_("Máy chủ dấu thời gian: %(e)s") % {"e": error}) from error


def _prepare(client: _Client, key: str, pdf: bytes, request: SignatureRequest) -> RemoteSigning:
    """The first attempt: the agency's certificate fetched, the document prepared and kept (nothing asked yet)."""
    from motcua.signatures import pades

    found = client.call("GET", f"/v1/certificates/{request.agency}")
    pems = found["certificate"] + "".join(found.get("chain", []))
    certificate, *chain = der_certificates(pems.encode())
    prepared = pades.prepare_interrupted(
        pdf,
        certificate,
        chain,
        stamp_text=pades.StampText(
            agency=request.agency_name or request.agency,
            signer=request.signer_name,
            signed_at=timezone.localtime(request.signing_time or timezone.now()),
            verification_url=request.verification_url,
        ),
        reason=request.reason,
        location=request.location,
        font_path=settings.MOTCUA_SIGNING_FONT,
    )
    try:
        with transaction.atomic():
            return RemoteSigning.objects.create(
                key=key,
                agency=request.agency,
                certificates=pems,
                prepared_pdf=prepared.pdf,
                document_digest=prepared.document_digest,
                reserved_region_start=prepared.reserved_region_start,
                reserved_region_end=prepared.reserved_region_end,
                signed_attributes=prepared.signed_attributes,
                to_sign=prepared.to_sign.hex(),
            )
    except IntegrityError:  # another worker prepared it meanwhile: theirs is the one
        return RemoteSigning.objects.get(key=key)


def _ask_or_poll(client: _Client, session: RemoteSigning, request: SignatureRequest) -> None:
    """One call: the request sent (first time) or its state read; returns once it is confirmed (the signature
    kept on ``session``), raises ``SignaturePending`` while it waits, ``PermanentFailure`` when it has ended."""
    now = timezone.now()
    if not session.remote_id:
        order = client.call(
            "POST",
            "/v1/signatures",
            json={
                "agency": session.agency,
                "hash": base64.b64encode(bytes.fromhex(session.to_sign)).decode(),
                "hash_algorithm": "sha256",
                "reference": session.key,
                "description": request.reason[:500],
            },
        )
        session.remote_id, session.state, session.asked_at = str(order["id"])[:100], RemoteState.ASKED, now
        session.save(update_fields=["remote_id", "state", "asked_at"])
    else:
        order = client.call("GET", f"/v1/signatures/{session.remote_id}")
    status = order.get("status")
    if status == "confirmed":
        session.signature, session.state, session.decided_at = (
            base64.b64decode(order["signature"]),
            RemoteState.CONFIRMED,
            now,
        )
        session.save(update_fields=["signature", "state", "decided_at"])
        return
    if status in {"rejected", "expired"}:
        _end(session, RemoteState(status), now)
    waited = (now - (session.asked_at or now)).total_seconds()
    if waited >= settings.MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS:
        _end(session, RemoteState.EXPIRED, now)
    raise SignaturePending(
        _("Đang chờ người ký xác nhận trên ứng dụng ký số (đã gửi yêu cầu %(minutes)d phút trước).")
        % {"minutes": waited // 60}
    )


def _end(session: RemoteSigning, state: RemoteState, now: datetime) -> NoReturn:
    if state == RemoteState.REJECTED:
        reason = _("Người ký đã từ chối ký trên ứng dụng.")
    else:
        reason = _("Hết thời gian chờ: người ký chưa xác nhận trên ứng dụng ký số, yêu cầu ký đã hết hạn.")
    session.state, session.reason, session.decided_at = state, reason, now
    session.save(update_fields=["state", "reason", "decided_at"])
    raise PermanentFailure(reason)
