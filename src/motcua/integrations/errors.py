"""How a provider says that a call across an edge failed, so the outbox knows whether to try again.

Every provider of every edge raises one of these two (with a sentence an administrator can act on, shown in
the admin); anything else it raises is treated as temporary, so a bug never loses a message.
"""

from __future__ import annotations


class DeliveryFailed(Exception):
    """A call across an edge did not succeed; ``str(error)`` is the reason shown to administrators."""


class TemporaryFailure(DeliveryFailed):
    """Worth trying again later: the receiver was down, slow, unreachable or answered 5xx."""


class PermanentFailure(DeliveryFailed):
    """Trying again cannot help until someone changes something: the receiver refused what it got (4xx)."""
