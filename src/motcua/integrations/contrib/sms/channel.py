"""The ``sms`` channel: each notice POSTed to the SMS gateway of ``MOTCUA_SMS_URL`` (interface: ``protocol``).

The text is decided in ``compose``, inside the action's transaction: without diacritics (GSM 7-bit) unless
``MOTCUA_SMS_UNICODE`` is on, and cut at a word to ``MOTCUA_SMS_MAX_SEGMENTS`` segments (``rules.sms``). Only a
Vietnamese mobile number (``rules.phones``) receives one. 2xx = sent; 408/425/429/5xx, a timeout or a broken
connection = try again; any other answer (a refused number, a bad token, a malformed request) = dead at once
with the gateway's reason.
"""

from __future__ import annotations

import json

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.destinations import destinations
from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.notifications import Contact, Notification, notification_channels
from motcua.integrations.notify.destination import NoticeDestination
from motcua.rules import sms
from motcua.rules.phones import normalise_mobile

RETRYABLE_CLIENT_ERRORS = {408, 425, 429}
NO_URL = gettext_lazy("Chưa cấu hình: biến môi trường MOTCUA_SMS_URL chưa được đặt.")
NO_TOKEN = gettext_lazy("Chưa cấu hình: biến môi trường MOTCUA_SMS_TOKEN (khóa truy cập cổng SMS) chưa được đặt.")


def _gateway_says(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(data, dict) and isinstance(data.get("reason"), str):
        return data["reason"][:300]
    return response.text.strip()[:300]


@notification_channels.register("sms")
class SmsChannel:
    name = "sms"
    label = gettext_lazy("Tin nhắn SMS")

    def problem(self) -> str | None:
        if not settings.MOTCUA_SMS_URL:
            return NO_URL
        if not settings.MOTCUA_SMS_TOKEN:
            return NO_TOKEN
        return None

    def where(self) -> str:
        text = "có dấu (UCS-2)" if settings.MOTCUA_SMS_UNICODE else "không dấu (GSM 7-bit)"
        return f"{settings.MOTCUA_SMS_URL}, {text}, tối đa {settings.MOTCUA_SMS_MAX_SEGMENTS} tin"

    def address_of(self, contact: Contact) -> str | None:
        return normalise_mobile(contact.phone)

    def compose(self, subject: str, body: str) -> tuple[str, str]:
        text = " ".join(body.split())  # one line: an SMS has no room for layout
        if not settings.MOTCUA_SMS_UNICODE:
            text = sms.plain_text(text)
        return "", sms.fit(text, settings.MOTCUA_SMS_MAX_SEGMENTS)

    def send(self, notification: Notification) -> str:
        encoding, _count = sms.segments(notification.body)
        body: dict[str, str] = {"to": notification.to, "text": notification.body, "encoding": encoding}
        if settings.MOTCUA_SMS_SENDER:
            body["sender"] = settings.MOTCUA_SMS_SENDER
        headers = {
            "Authorization": f"Bearer {settings.MOTCUA_SMS_TOKEN}",
            "Idempotency-Key": notification.key,
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "motcua-outbox/1",
        }
        seconds = min(settings.MOTCUA_SMS_TIMEOUT_SECONDS, settings.MOTCUA_OUTBOX_LEASE_SECONDS / 4)
        content = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
        try:
            response = httpx.post(settings.MOTCUA_SMS_URL, content=content, headers=headers, timeout=seconds)
        except httpx.TimeoutException as error:
            raise TemporaryFailure(
                _("Cổng SMS không trả lời trong %(s)s giây (%(kind)s).") % {"s": seconds, "kind": type(error).__name__}
            ) from error
        except httpx.HTTPError as error:
            raise TemporaryFailure(_("Không kết nối được tới cổng SMS: %(error)s") % {"error": error}) from error
        status = response.status_code
        said = _gateway_says(response)
        if 200 <= status < 300:
            try:
                answer = response.json()
                return f"HTTP {status} {answer.get('status', '')} {answer.get('id', '')}".strip()
            except (ValueError, AttributeError):
                return f"HTTP {status}"
        if status >= 500 or status in RETRYABLE_CLIENT_ERRORS:
            raise TemporaryFailure(_("Cổng SMS trả lời HTTP %(status)d: %(said)s") % {"status": status, "said": said})
        raise PermanentFailure(_("Cổng SMS từ chối (HTTP %(status)d): %(said)s") % {"status": status, "said": said})


@destinations.register("sms")
class SmsNotices(NoticeDestination):
    name = "sms"
    channel_name = "sms"
