"""Payment providers (VNPay, the national payment platform, the counter): interface and registry only (issue 11).

The protocols (RULES.md §11, §12) live in the providers' ``contrib`` packages (``motcua.payments.contrib.*``);
the payments app keeps the payment rows and their state machine and calls providers through this interface only.

A provider checks signatures and speaks its wire format; it never decides what a callback does to a payment.
That is the payments app's, in the one order RULES.md §12 gives for every gateway (signature → the attempt
exists → the amount → not already settled → record): the provider reports a :class:`PaymentVerdict` (or raises
:class:`ForgedCallback`), the app reaches a :class:`CallbackResult`, and the provider says it back in its own
terms (:meth:`PaymentProvider.answer`: VNPay's ``RspCode``, the national platform's signed ``MaLoi``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from motcua.integrations.registry import Plugin, Registry


@dataclass(frozen=True)
class PaymentRequest:
    reference: str  # unique per attempt (vnp_TxnRef, the national platform's MaThamChieu)
    amount_vnd: int
    order_info: str
    return_url: str
    client_ip: str
    created_at: datetime  # vnp_CreateDate / ThoiGianGD: the query of this attempt names it again
    expires_at: datetime
    fee_lines: Sequence[Mapping[str, Any]] = ()  # [{id, kind, name, amount_vnd}]
    details: Mapping[str, str] = field(default_factory=dict)  # payer, dossier code, procedure, agency


@dataclass(frozen=True)
class Attempt:
    """A payment attempt as a query or a refund names it again."""

    reference: str
    amount_vnd: int
    created_at: datetime
    provider_transaction: str = ""
    order_info: str = ""


@dataclass(frozen=True)
class PaymentStart:
    redirect_url: str  # where the payer goes (the gateway's page, or a QR code's content)


class PaymentOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PENDING = "pending"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class PaymentVerdict:
    """What a callback or a query says, once its signature has been checked."""

    reference: str
    outcome: PaymentOutcome
    amount_vnd: int | None  # None: the message carries no amount we can read
    provider_transaction: str = ""
    message: str = ""  # the gateway's own code or words, for the log
    raw: str = ""  # a query's answer as the gateway sent it (kept for disputes, ``PaymentCallback.body``)


class CallbackResult(StrEnum):
    """What the payments app made of a callback, in RULES.md §12's check order."""

    FORGED = "forged"
    NOT_FOUND = "not_found"
    AMOUNT = "amount"
    ALREADY = "already"
    RECORDED = "recorded"
    PENDING = "pending"
    ERROR = "error"


class ForgedCallback(Exception):
    """The message's signature does not verify: nothing it says is believed."""


class GatewayError(Exception):
    """The gateway could not be reached, or answered something we cannot read."""


class PaymentProvider(Plugin, Protocol):
    #: False for the counter (cash, card terminal): it has no gateway to start, call back or query
    online: bool
    #: who the dossier's log names for a confirmation (``DossierAction.system_actor``)
    component: str

    def start(self, request: PaymentRequest) -> PaymentStart: ...

    def verify_callback(self, params: Mapping[str, str], body: bytes) -> PaymentVerdict:
        """Check the gateway's signature and read its verdict; raises :class:`ForgedCallback` when forged and
        ``ValueError`` when the message cannot be read."""
        ...

    def answer(
        self, result: CallbackResult, verdict: PaymentVerdict | None, params: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body the gateway expects for ``result``."""
        ...

    def query(self, attempt: Attempt) -> PaymentVerdict:
        """Ask the gateway (reconciliation of payments left without a final state); :class:`GatewayError`."""
        ...

    def refund(self, attempt: Attempt, amount_vnd: int, reason: str, by: str) -> PaymentVerdict: ...

    def receipt(self, attempt: Attempt) -> bytes | None:
        """The gateway's e-receipt (PDF), when it issues one (the national platform's GET_BILL)."""
        ...


payment_providers: Registry[PaymentProvider] = Registry("payment", _("Cổng thanh toán"))
