"""One-time codes to an account's e-mail or phone, sent through the outbox like every message that leaves.

The destination ``account-code`` is not an observer of dossiers (``message_for`` answers nothing): a row is
written by :func:`portal.services` inside the sign-up or reset transaction, key ``account-code:<code row id>``,
with the address and the exact text; ``deliver`` hands it to the notification channel named in the row
(``email`` or ``sms``), which deduplicates on the key. A channel not configured is a temporary failure: the row
waits, visible in the admin's outbox, until it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.destinations import OutgoingMessage, destinations
from motcua.integrations.errors import TemporaryFailure
from motcua.integrations.notifications import Notification, notification_channels

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierAction
    from motcua.integrations.models import OutboxMessage

DESTINATION = "account-code"
SCHEMA = "motcua.account-code/1"


@destinations.register(DESTINATION)
class AccountCodeDestination:
    name: str

    @property
    def label(self) -> str:
        return str(gettext_lazy("Mã xác minh tài khoản (thư điện tử, SMS)"))

    def problem(self) -> str | None:
        """Configured when a channel that can carry a code is (each row names its own; a row for a channel not
        configured waits as a temporary failure)."""
        if any(channel.problem() is None for channel in notification_channels if channel.name in ("email", "sms")):
            return None
        return _("Chưa cấu hình kênh thư điện tử hoặc SMS để gửi mã xác minh.")

    def message_for(self, dossier: Dossier, action: DossierAction, *, key: str) -> OutgoingMessage | None:
        return None  # not about dossiers

    def deliver(self, message: OutboxMessage) -> str:
        payload = message.payload
        channel = notification_channels.get(payload["channel"])
        problem = channel.problem() if channel else _("Kênh “%(c)s” chưa được cài đặt.") % {"c": payload["channel"]}
        if channel is None or problem:
            raise TemporaryFailure(problem or "")
        return channel.send(
            Notification(
                key=message.idempotency_key, to=payload["to"], subject=payload["subject"], body=payload["body"]
            )
        )
