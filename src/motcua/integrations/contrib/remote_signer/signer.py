"""The remote signer: the agency's key stays with a remote signing service; we send a hash, the official confirms
in the service's app, the signature comes back (RULES.md §13: "hash sent, signature returned after the signer
confirms in an app"; pyHanko's interrupted signing, ``signatures.pades.sign_interrupted``).

Protocol ``motcua.remote-sign/1`` (docs/components/remote-signer-standin.md), bearer token
``MOTCUA_REMOTE_SIGNER_TOKEN``: ``GET /v1/certificates/<agency>`` gives the certificate and chain; ``POST
/v1/signatures`` the hash, keyed by ``reference`` (the outbox key); ``GET /v1/signatures/<id>`` until ``confirmed``
(with the signature) or ``rejected``. Within one delivery attempt the signer waits up to
``MOTCUA_REMOTE_SIGNER_WAIT_SECONDS``; an official who has not confirmed by then leaves the attempt
``SignaturePending`` (retried with the outbox's backoff; the next attempt asks again — a reading: the document is
prepared again, so the official confirms the newest request). A rejection is dead at once.
"""

from __future__ import annotations

import base64
import time

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        found = client.call("GET", f"/v1/certificates/{request.agency}")
        certificate, *_rest = der_certificates(found["certificate"].encode())
        chain = [c for pem in found.get("chain", []) for c in der_certificates(pem.encode())]
        reference = f"{request.agency}:{request.verification_url}"[:200]

        def ask(digest: bytes) -> bytes:
            order = client.call(
                "POST",
                "/v1/signatures",
                json={
                    "agency": request.agency,
                    "hash": base64.b64encode(digest).decode(),
                    "hash_algorithm": "sha256",
                    "reference": reference,
                    "description": request.reason[:500],
                },
            )
            deadline = time.monotonic() + settings.MOTCUA_REMOTE_SIGNER_WAIT_SECONDS
            while True:
                if order.get("status") == "confirmed":
                    return base64.b64decode(order["signature"])
                if order.get("status") == "rejected":
                    raise PermanentFailure(_("Người ký đã từ chối ký trên ứng dụng."))
                if time.monotonic() >= deadline:
                    raise SignaturePending(_("Đang chờ người ký xác nhận trên ứng dụng ký số."))
                time.sleep(0.5)
                order = client.call("GET", f"/v1/signatures/{order['id']}")

        try:
            return pades.sign_interrupted(
                pdf,
                certificate,
                chain,
                ask,
                stamp_text=pades.StampText(
                    agency=request.agency_name or request.agency,
                    signer=request.signer_name,
                    signed_at=timezone.localtime(request.signing_time or timezone.now()),
                    verification_url=request.verification_url,
                ),
                reason=request.reason,
                location=request.location,
                timestamper=timestamper_for(settings.MOTCUA_TSA_URL, settings.MOTCUA_TSA_TIMEOUT_SECONDS),
                context=pades.validation_context(trust.trust_roots(), trust.crls()),
                font_path=settings.MOTCUA_SIGNING_FONT,
            )
        except TimestampRequestError as error:
            raise TemporaryFailure(_("Máy chủ dấu thời gian: %(e)s") % {"e": error}) from error
