"""The webhook destination (registered as ``webhook``): POST each dossier event, signed, with its key.

2xx = delivered; 408, 425, 429 and 5xx, a timeout or a broken connection = try again later; any other answer
(4xx, or a redirect: a wrong address) = dead at once with the receiver's message, since sending the same bytes
again cannot succeed until someone changes something.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.contrib.webhook.event import EVENT, dossier_event
from motcua.integrations.contrib.webhook.signature import SIGNATURE_HEADER, sign
from motcua.integrations.destinations import OutgoingMessage, destinations
from motcua.integrations.errors import PermanentFailure, TemporaryFailure

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierAction
    from motcua.integrations.models import OutboxMessage

RETRYABLE_CLIENT_ERRORS = {408, 425, 429}


def body_of(message: OutboxMessage) -> bytes:
    """The exact bytes sent: the same on every attempt, so a receiver may compare a replay with the original."""
    return json.dumps(message.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _receiver_says(response: httpx.Response) -> str:
    text = response.text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        for field in ("reason", "error", "message", "detail"):
            if isinstance(data.get(field), str):
                return data[field][:300]
    return text[:300]


NO_URL = gettext_lazy("Chưa cấu hình: biến môi trường MOTCUA_WEBHOOK_URL chưa được đặt.")
NO_SECRET = gettext_lazy("Chưa cấu hình: biến môi trường MOTCUA_WEBHOOK_SECRET (khóa ký) chưa được đặt.")


@destinations.register("webhook")
class WebhookDestination:
    name = "webhook"
    label = gettext_lazy("Webhook sự kiện hồ sơ")

    def problem(self) -> str | None:
        if not settings.MOTCUA_WEBHOOK_URL:
            return NO_URL  # lazy: checked on every action, translated only when shown
        if not settings.MOTCUA_WEBHOOK_SECRET:
            return NO_SECRET
        return None

    def message_for(self, dossier: Dossier, action: DossierAction, *, key: str) -> OutgoingMessage:
        return OutgoingMessage(event=EVENT, payload=dossier_event(dossier, action, key=key))

    def deliver(self, message: OutboxMessage) -> str:
        body = body_of(message)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.idempotency_key,
            SIGNATURE_HEADER: sign(body, settings.MOTCUA_WEBHOOK_SECRET),
            "X-Motcua-Event": message.event,
            "User-Agent": "motcua-outbox/1",
        }
        # every wait is capped at a quarter of the lease, so a live worker never outlives it (else a second
        # worker could take the message over while the first is still sending it)
        seconds = min(settings.MOTCUA_WEBHOOK_TIMEOUT_SECONDS, settings.MOTCUA_OUTBOX_LEASE_SECONDS / 4)
        try:
            response = httpx.post(
                settings.MOTCUA_WEBHOOK_URL, content=body, headers=headers, timeout=httpx.Timeout(seconds)
            )
        except httpx.TimeoutException as error:
            raise TemporaryFailure(
                _("Nơi nhận không trả lời trong %(s)s giây (%(kind)s).") % {"s": seconds, "kind": type(error).__name__}
            ) from error
        except httpx.HTTPError as error:
            raise TemporaryFailure(_("Không kết nối được tới nơi nhận: %(error)s") % {"error": error}) from error
        status = response.status_code
        if 200 <= status < 300:
            return f"HTTP {status}"
        said = _receiver_says(response)
        if status >= 500 or status in RETRYABLE_CLIENT_ERRORS:
            raise TemporaryFailure(_("Nơi nhận trả lời HTTP %(status)d: %(said)s") % {"status": status, "said": said})
        raise PermanentFailure(_("Nơi nhận từ chối (HTTP %(status)d): %(said)s") % {"status": status, "said": said})
