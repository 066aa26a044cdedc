"""Notification channels to applicants (e-mail, SMS; Zalo OA later): the interface and its registry.

A notification is produced from an action through the outbox: each channel is also an outbox destination
(``integrations.notify.destination.NoticeDestination``, one row per channel and action, key
``<channel>:<dossier code>:<action seq>``), so a message is rendered once, inside the action's transaction, and
sent once per key whatever the provider does; a bounce or a provider error is the failure the outbox shows.

Room for Zalo OA: Zalo's notification service (ZNS) reaches a subscriber by phone number, but only with a
template Zalo approved in advance, sent as a template id and its parameters rather than free text. A
``contrib/zalo`` channel would take ``address_of`` from the phone like SMS, and would need the notice and its
context instead of a rendered text: ``compose`` then grows a ``notice``/``context`` argument, which the
destination already has at hand. Nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from motcua.integrations.registry import Plugin, Registry


@dataclass(frozen=True)
class Contact:
    """How the applicant can be reached, as the dossier records it (either may be empty)."""

    email: str
    phone: str


@dataclass(frozen=True)
class Notification:
    key: str  # the outbox message's idempotency key, passed to providers that deduplicate
    to: str  # the address on this channel (an e-mail address, an E.164 phone number)
    subject: str
    body: str


class NotificationChannel(Plugin, Protocol):
    def address_of(self, contact: Contact) -> str | None:
        """The recipient's address on this channel in its normal form, or ``None`` when the dossier has
        none (an applicant without one gets nothing on this channel: no outbox row)."""
        ...

    def compose(self, subject: str, body: str) -> tuple[str, str]:
        """The subject and text as this channel will send them (an SMS without diacritics, cut to its
        segments), decided inside the action's transaction so that the outbox row holds what is sent."""
        ...

    def send(self, notification: Notification) -> str:
        """Send it; return the provider's answer in a few words (its message id).

        Raises ``errors.TemporaryFailure`` (try again later) or ``errors.PermanentFailure`` (a bounce, a
        refused number: dead at once, shown in the admin with the provider's message).
        """
        ...


notification_channels: Registry[NotificationChannel] = Registry("notification", _("Kênh thông báo"))
