"""Payment providers (VNPay, the national payment platform, the counter): interface and registry only (issue 11).

The protocols (RULES.md §11, §12) live in the providers' ``contrib`` packages; the payments app keeps the
payment rows and their state machine and calls providers through this interface only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from motcua.integrations.registry import Plugin, Registry


@dataclass(frozen=True)
class PaymentRequest:
    reference: str  # unique per attempt (vnp_TxnRef, the national platform's MaThamChieu)
    amount_vnd: int
    order_info: str
    return_url: str
    client_ip: str


@dataclass(frozen=True)
class PaymentStart:
    redirect_url: str  # where the payer goes (the gateway's page, or a QR code's content)


class PaymentOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PENDING = "pending"


@dataclass(frozen=True)
class PaymentVerdict:
    """What a callback or a query says, once its signature has been checked."""

    reference: str
    outcome: PaymentOutcome
    amount_vnd: int
    provider_transaction: str
    answer: Mapping[str, str]  # what to answer the gateway (e.g. VNPay's RspCode and Message)


class PaymentProvider(Plugin, Protocol):
    def start(self, request: PaymentRequest) -> PaymentStart: ...

    def verify_callback(self, params: Mapping[str, str], body: bytes) -> PaymentVerdict:
        """Check the gateway's signature and read its verdict; raises ``errors.PermanentFailure`` when forged."""
        ...

    def query(self, reference: str) -> PaymentVerdict:
        """Ask the gateway (reconciliation of payments left without a final state)."""
        ...

    def refund(self, reference: str, amount_vnd: int, reason: str) -> PaymentVerdict: ...


payment_providers: Registry[PaymentProvider] = Registry("payment", _("Cổng thanh toán"))
