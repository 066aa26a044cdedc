"""The counter: cash or a card terminal, recorded by the desk's officer with a receipt number
(``payments.services.record_counter_payment``). No gateway: nothing to start, call back, query or refund
through — a refund is recorded by the leader and paid back at the counter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.integrations.payments import (
    Attempt,
    CallbackResult,
    ForgedCallback,
    PaymentOutcome,
    PaymentRequest,
    PaymentStart,
    PaymentVerdict,
    payment_providers,
)


@payment_providers.register("counter")
class CounterProvider:
    name = "counter"
    online = False
    component = ""  # the officer acts, not the system actor

    @property
    def label(self) -> str:
        return str(_("Tại quầy (tiền mặt, thẻ)"))

    def problem(self) -> str | None:
        return None

    def start(self, request: PaymentRequest) -> PaymentStart:
        raise NotImplementedError("the counter is recorded by an officer, not started")

    def verify_callback(self, params: Mapping[str, str], body: bytes) -> PaymentVerdict:
        raise ForgedCallback("the counter has no callback")

    def answer(
        self, result: CallbackResult, verdict: PaymentVerdict | None, params: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        return 404, {}

    def query(self, attempt: Attempt) -> PaymentVerdict:
        return PaymentVerdict(attempt.reference, PaymentOutcome.SUCCEEDED, attempt.amount_vnd)

    def refund(self, attempt: Attempt, amount_vnd: int, reason: str, by: str) -> PaymentVerdict:
        return PaymentVerdict(attempt.reference, PaymentOutcome.REFUNDED, amount_vnd)

    def receipt(self, attempt: Attempt) -> bytes | None:
        return None
