"""Destinations of the outbox: the receivers of dossier events (one outbox row per destination and event).

The outbox asks every configured destination, inside the action's transaction, whether it wants an action
and what to send (``message_for``); later, outside any transaction, the worker hands it the stored row to
deliver. The webhook (``contrib/webhook``) is the first destination; the national portal's synchronisation
(``contrib/national_portal``) the second, and the applicant notifications (issue 9) the next, each using the client
of its own edge. A destination that also offers ``deliver_batch`` (``BatchDestination``) is handed many rows at a
time by ``integrations.batches`` instead of one per task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.utils.translation import gettext_lazy as _

from motcua.integrations.errors import DeliveryFailed
from motcua.integrations.registry import Plugin, Registry

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierAction
    from motcua.integrations.models import OutboxMessage


@dataclass(frozen=True)
class OutgoingMessage:
    """What a destination wants sent for one action: an event name and a JSON-serialisable body.

    ``ordering_key``: the rows of a destination with the same one are delivered in creation order (and a dead
    one holds back the later ones); ``None`` is the dossier's code. Notices to applicants use their own key:
    each is a message of its own.
    """

    event: str
    payload: dict[str, Any]
    ordering_key: str | None = None


class Destination(Plugin, Protocol):
    def message_for(self, dossier: Dossier, action: DossierAction, *, key: str) -> OutgoingMessage | None:
        """The message for this action, or ``None`` when this destination does not care about it.

        Called inside the action's transaction: it reads what it needs from the rows it is given and writes
        nothing. ``key`` is the message's idempotency key, for a body that carries it.
        """
        ...

    def deliver(self, message: OutboxMessage) -> str:
        """Send one message, outside any transaction; return the receiver's answer in a few words.

        Raises ``errors.TemporaryFailure`` (try again later) or ``errors.PermanentFailure`` (dead at once);
        the receiver deduplicates on ``message.idempotency_key``, which is the same on every attempt.
        """
        ...


class AcknowledgedDestination(Destination, Protocol):
    """A destination that records something when its rows are delivered (the national portal: the
    ``synchronised`` counter). Called by ``delivery`` and ``batches`` inside the transaction that marks them,
    which lets each row become delivered once — so what it records is recorded once."""

    def acknowledged(self, message_ids: Sequence[int]) -> None: ...


class HistoryDestination(Destination, Protocol):
    """A destination that takes a dossier's whole history as one message (``services.queue_history``: a
    dossier acted on before the destination was configured). Others get one message per action instead."""

    def history_message(self, dossier: Dossier, *, key: str) -> OutgoingMessage:
        """The message telling the whole dossier, keyed by its latest action (``key``)."""
        ...


@dataclass(frozen=True)
class Outcome:
    """What became of one message of a batch: delivered (``error`` None), failed, or ``held``: not tried because
    an earlier message of the same ordering key failed (it is released untouched, behind that one)."""

    answer: str = ""
    error: DeliveryFailed | None = None
    held: bool = False


HELD = Outcome(held=True)


@runtime_checkable
class BatchDestination(Destination, Protocol):
    """A destination that delivers many messages per call (``integrations.batches``; docs/decisions.md)."""

    def deliver_batch(self, messages: Sequence[OutboxMessage]) -> Mapping[int, Outcome]:
        """Send the messages (in id order; every earlier undelivered message of each ordering key is among
        them), outside any transaction; return an outcome per message id. A message missing from the answer
        is a temporary failure. Within an ordering key, a message is delivered only if every earlier one is."""
        ...


destinations: Registry[Destination] = Registry("destination", _("Nơi nhận sự kiện hồ sơ"))


def acknowledged(destination: str, message_ids: Sequence[int]) -> None:
    """Tell the destination which of its rows were just marked delivered, if it wants to know
    (``AcknowledgedDestination``); called inside the marking transaction."""
    plugin = destinations.get(destination)
    hook = getattr(plugin, "acknowledged", None)
    if hook is not None and message_ids:
        hook(list(message_ids))
