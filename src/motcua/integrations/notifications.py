"""Notification channels to applicants (e-mail, SMS, Zalo OA): interface and registry only (issue 9).

A notification is produced from an action through the outbox (its own destination), so a message is sent
once per key whatever the provider does; a bounce or a provider error is the failure the outbox shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from motcua.integrations.registry import Plugin, Registry


@dataclass(frozen=True)
class Notification:
    key: str  # the outbox message's idempotency key, passed to providers that deduplicate
    email: str
    phone: str
    subject: str
    body: str


class NotificationChannel(Plugin, Protocol):
    def can_reach(self, notification: Notification) -> bool:
        """Whether this channel has an address for the recipient (an applicant without one gets nothing)."""
        ...

    def send(self, notification: Notification) -> str:
        """Send it; return the provider's message id. Raises ``errors.TemporaryFailure``/``PermanentFailure``."""
        ...


notification_channels: Registry[NotificationChannel] = Registry("notification", _("Kênh thông báo"))
