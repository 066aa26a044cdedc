"""The ``email`` channel: a plain-text message through the Django mail backend ``MOTCUA_EMAIL_URL`` names.

Failures, by RFC 5321 §4.2.1: a 5yz reply (mailbox unknown, message refused, authentication refused) is a
permanent negative completion — the message is *bounced*: dead at once, the server's reply shown in the admin;
a 4yz reply (mailbox busy, try later), a refused or dropped connection, a timeout are transient: tried again
with the outbox's backoff. The Message-ID is derived from the outbox key, so a message sent twice (a worker
killed after the server accepted it) carries the same id and the recipient's mail program shows it once.
"""

from __future__ import annotations

import re
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.contrib.email.url import BadEmailUrl, EmailUrl, parse_email_url
from motcua.integrations.destinations import destinations
from motcua.integrations.errors import PermanentFailure, TemporaryFailure
from motcua.integrations.notifications import Contact, Notification, notification_channels
from motcua.integrations.notify.destination import NoticeDestination

NOT_SET = gettext_lazy("Chưa cấu hình: biến môi trường MOTCUA_EMAIL_URL chưa được đặt.")
_NOT_IN_MSG_ID = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")


def is_permanent(smtp_code: int) -> bool:
    """A 5yz SMTP reply: permanent (RFC 5321 §4.2.1); anything else (4yz, or no reply) may pass later."""
    return 500 <= smtp_code <= 599


def message_id(key: str) -> str:
    """``<email.000.00.12.H55-261201-0007.3@domain-of-the-sender>``: the same on every attempt of one key."""
    domain = parseaddr(settings.MOTCUA_EMAIL_FROM)[1].rpartition("@")[2] or "motcua.local"
    return f"<{_NOT_IN_MSG_ID.sub('.', key)}@{domain}>"


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {said}".strip()


def send_email(config: EmailUrl, notification: Notification) -> str:
    options = dict(config.options)
    if config.scheme in {"smtp", "smtps"}:
        # every network wait at most a quarter of the lease, so a live worker never outlives it
        cap = settings.MOTCUA_OUTBOX_LEASE_SECONDS / 4
        options["timeout"] = min(options.get("timeout") or settings.MOTCUA_EMAIL_TIMEOUT_SECONDS, cap)
    mid = message_id(notification.key)
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.MOTCUA_EMAIL_FROM,
        to=[notification.to],
        headers={"Message-ID": mid, "X-Motcua-Key": notification.key},
        connection=get_connection(config.backend, fail_silently=False, **options),
    )
    try:
        sent = message.send()
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (0, b""))
        reply = _reply(code, text)
        if is_permanent(code):
            raise PermanentFailure(
                _("Máy chủ thư từ chối người nhận (thư bị trả lại): %(reply)s") % {"reply": reply}
            ) from error
        raise TemporaryFailure(_("Máy chủ thư tạm thời chưa nhận: %(reply)s") % {"reply": reply}) from error
    except smtplib.SMTPResponseException as error:
        reply = _reply(error.smtp_code, error.smtp_error)
        if is_permanent(error.smtp_code):
            raise PermanentFailure(_("Máy chủ thư từ chối (thư bị trả lại): %(reply)s") % {"reply": reply}) from error
        raise TemporaryFailure(_("Máy chủ thư tạm thời chưa nhận: %(reply)s") % {"reply": reply}) from error
    except (smtplib.SMTPException, OSError) as error:  # disconnected, refused, timed out, TLS failed
        raise TemporaryFailure(
            _("Không gửi được tới máy chủ thư %(server)s: %(error)s")
            % {"server": config.describe(), "error": f"{type(error).__name__}: {error}"}
        ) from error
    if sent != 1:
        raise TemporaryFailure(_("Máy chủ thư không nhận thư (không có lỗi cụ thể)."))
    return f"{config.describe()} {mid}"


@notification_channels.register("email")
class EmailChannel:
    name = "email"
    label = gettext_lazy("Thư điện tử")

    def config(self) -> EmailUrl:
        return parse_email_url(settings.MOTCUA_EMAIL_URL)

    def problem(self) -> str | None:
        if not settings.MOTCUA_EMAIL_URL:
            return NOT_SET
        try:
            self.config()
        except BadEmailUrl as error:
            return str(error)
        return None

    def where(self) -> str:
        return self.config().describe()

    def address_of(self, contact: Contact) -> str | None:
        address = contact.email.strip()
        try:
            validate_email(address)
        except ValidationError:
            return None
        return address

    def compose(self, subject: str, body: str) -> tuple[str, str]:
        return " ".join(subject.split()), body

    def send(self, notification: Notification) -> str:
        try:
            config = self.config()
        except BadEmailUrl as error:
            raise TemporaryFailure(str(error)) from error
        return send_email(config, notification)


@destinations.register("email")
class EmailNotices(NoticeDestination):
    name = "email"
    channel_name = "email"
