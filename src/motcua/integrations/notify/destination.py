"""The outbox destination of a notification channel: one row per channel and action that concerns the applicant.

Each channel app registers a subclass under the channel's own name (``email``, ``sms``), so the key of its rows is
``<channel>:<dossier code>:<action seq>`` and each channel retries, dies and is re-driven on its own. The message is
rendered in ``message_for``, inside the action's transaction: the row holds the address and the exact text sent,
fixed at that moment (a template edited later, or a changed phone number, does not rewrite it).

Order: a notice is a message of its own, so each row is its own ordering key — a bounced e-mail (dead) does not
hold back the applicant's later notices the way a dead event holds back a receiver's later events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from motcua.integrations.destinations import OutgoingMessage
from motcua.integrations.errors import TemporaryFailure
from motcua.integrations.notifications import Contact, Notification, NotificationChannel, notification_channels
from motcua.integrations.notify.context import context_for
from motcua.integrations.notify.templates import render_notice
from motcua.rules.notices import notice_for

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierAction
    from motcua.integrations.models import OutboxMessage

SCHEMA = "motcua.notice/1"


class NoticeDestination:
    """Base of the channels' destinations; a subclass sets ``channel_name``."""

    name: str
    channel_name: str

    def channel(self) -> NotificationChannel | None:
        return notification_channels.get(self.channel_name)

    @property
    def label(self) -> str:
        channel = self.channel()
        return _("Thông báo cho người nộp hồ sơ: %(channel)s") % {
            "channel": channel.label if channel else self.channel_name
        }

    def problem(self) -> str | None:
        channel = self.channel()
        if channel is None:
            return _("Kênh thông báo “%(name)s” chưa được cài đặt.") % {"name": self.channel_name}
        return channel.problem()

    def message_for(self, dossier: Dossier, action: DossierAction, *, key: str) -> OutgoingMessage | None:
        notice = notice_for(action.type)
        channel = self.channel()
        if notice is None or channel is None:
            return None
        to = channel.address_of(Contact(email=dossier.applicant_email, phone=dossier.applicant_phone))
        if not to:
            return None  # nobody to tell on this channel: no row
        rendered = render_notice(notice, self.channel_name, context_for(notice, dossier, action))
        subject, body = channel.compose(rendered.subject, rendered.body)
        payload: dict[str, Any] = {
            "schema": SCHEMA,
            "notice": notice.value,
            "channel": self.channel_name,
            "dossier": dossier.code,
            "action_seq": action.seq,
            "to": to,
            "subject": subject,
            "body": body,
            "template": rendered.source,
        }
        if rendered.problem:
            payload["template_problem"] = rendered.problem
        return OutgoingMessage(event=f"notice.{notice.value}", payload=payload, ordering_key=key)

    def deliver(self, message: OutboxMessage) -> str:
        channel = self.channel()
        if channel is None:
            raise TemporaryFailure(self.problem() or "")
        payload = message.payload
        return channel.send(
            Notification(
                key=message.idempotency_key, to=payload["to"], subject=payload["subject"], body=payload["body"]
            )
        )
