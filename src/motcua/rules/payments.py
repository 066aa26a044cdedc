"""Payments of fees: the state machine of one payment attempt, the fee lines it pays, the order text.

Pure Python (no Django). The services (``payments.services``) move a payment only along :data:`TRANSITIONS`,
each move one conditional ``UPDATE … WHERE state IN (sources)`` on the payment's unique reference, so a
repeated or concurrent callback changes a payment once (DESIGN.md principle 3).

Rules implemented:

- States ``created → started → succeeded | failed | expired | cancelled``; ``succeeded → refunded`` (issue 11).
  Readings (RULES.md is silent): a success may also be recorded straight from ``created`` (the payer reached the
  gateway before ``started`` was written — a race of our own making, not the payer's); ``expired``, ``failed``
  and ``cancelled`` are final, so a success reported after them changes nothing (it is kept in the callback log
  for the officer, answered as "already confirmed").
- The fee lines a payment pays are the dossier's fee lines as received (``DanhSachLePhi``, RULES.md §10) whose
  amount is known and above 0; a line with no amount (``null``: not determined in the catalogue) is not
  charged online (reading: its amount is decided at the counter).
- **Paid at submission** (issue 11): a procedure "collects its fees up front" when the catalogue knows every fee
  line's amount and one is above 0 (:func:`collected_at_submission`): the whole amount is known when the
  applicant submits, so the online applicant is asked to pay right after submitting, before the desk accepts.
  Where a line's amount is not known (decided during processing: "mức do HĐND tỉnh quyết định"), the process
  asks for the payment (``request_payment`` → ``awaiting_payment``) and the applicant pays then. Reading: RULES.md
  and the catalogue have no field saying when a fee is due; the known amount is the only fact there is.
- Decision 766 indicators 3.4 and 3.5 (RULES.md §7, [S]) per procedure, from the catalogue as it stands
  (:func:`procedure_payment_counts`): a procedure *has fees* when one of its fee lines is not 0 (an unknown
  amount is a fee too); its fees are *integrated with online payment* when an online gateway is configured and
  every line's amount is known (what cannot be priced cannot be charged online); 3.5 counts, among those, the
  procedures with at least one payment confirmed by a gateway in the period.
- Reconciliation windows (RULES.md §11, national platform, [V]; used for VNPay too, reading): attempts started
  between 30 minutes and 3 days ago without a final state are queried; older ones expire.
- ``vnp_OrderInfo`` keeps to ASCII letters, digits, space and ``.-_:`` (RULES.md §12, [V]): Vietnamese is folded
  (diacritics and đ removed), anything else becomes a space.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any


class PaymentState(enum.StrEnum):
    CREATED = "created"
    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


S = PaymentState

#: target state → the states it may be reached from (the one table; every move is one conditional UPDATE).
TRANSITIONS: Mapping[PaymentState, frozenset[PaymentState]] = {
    S.STARTED: frozenset({S.CREATED}),
    S.SUCCEEDED: frozenset({S.CREATED, S.STARTED}),
    S.FAILED: frozenset({S.CREATED, S.STARTED}),
    S.CANCELLED: frozenset({S.CREATED, S.STARTED}),
    S.EXPIRED: frozenset({S.CREATED, S.STARTED}),
    S.REFUNDED: frozenset({S.SUCCEEDED}),
}

#: States a payment does not leave on its own (only a refund leaves ``succeeded``).
FINAL_STATES = frozenset({S.SUCCEEDED, S.FAILED, S.EXPIRED, S.CANCELLED, S.REFUNDED})
#: States of an attempt still waiting for the gateway's verdict.
OPEN_STATES = frozenset({S.CREATED, S.STARTED})


def sources(target: PaymentState) -> frozenset[PaymentState]:
    """The states ``target`` may be reached from (empty for ``created``: it is only ever inserted)."""
    return TRANSITIONS.get(target, frozenset())


def may_move(current: PaymentState, target: PaymentState) -> bool:
    return current in sources(target)


def final_path(states: Iterable[PaymentState]) -> PaymentState:
    """The state a sequence of attempted moves from ``created`` leads to (moves not allowed are ignored, as the
    conditional UPDATE ignores them): the model the property tests check the services against."""
    state = S.CREATED
    for target in states:
        if may_move(state, target):
            state = target
    return state


# --------------------------------------------------------------------------------------------------
# fee lines


@dataclass(frozen=True)
class FeeLine:
    """One line of ``DanhSachLePhi`` (RULES.md §10) as the dossier received it."""

    id: int
    kind: str  # fee, charge
    name: str
    amount_vnd: int


def payable_lines(fees: Sequence[Mapping[str, Any]]) -> list[FeeLine]:
    """The lines of a dossier's terms (``terms_data["fees"]``) charged online: amount known and above 0."""
    lines = []
    for fee in fees:
        raw = fee.get("amount_vnd")
        if raw in (None, ""):
            continue
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            continue
        if amount > 0 and amount == amount.to_integral_value():
            lines.append(FeeLine(int(fee["id"]), str(fee.get("kind", "")), str(fee.get("name", "")), int(amount)))
    return lines


def total(lines: Iterable[FeeLine]) -> int:
    return sum(line.amount_vnd for line in lines)


def _amount(fee: Mapping[str, Any]) -> Decimal | None:
    """The line's amount, ``None`` when the catalogue does not know it (empty or unreadable)."""
    raw = fee.get("amount_vnd")
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def charges_a_fee(fees: Sequence[Mapping[str, Any]]) -> bool:
    """A line that is not 0: above 0, or of an amount not known (a fee still, priced elsewhere)."""
    return any(amount is None or amount > 0 for amount in map(_amount, fees))


def fully_priced(fees: Sequence[Mapping[str, Any]]) -> bool:
    """Every line's amount is known and one is above 0: the whole amount can be charged online."""
    amounts = [_amount(fee) for fee in fees]
    return bool(amounts) and all(a is not None for a in amounts) and any(a > 0 for a in amounts if a is not None)


def collected_at_submission(fees: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the online applicant pays right after submitting (see the module's docstring)."""
    return fully_priced(fees)


@dataclass(frozen=True)
class ProcedurePayments:
    """The inputs of 766 indicators 3.4 and 3.5 for one scope (numbers of distinct procedures)."""

    with_fees: int
    payable_online: int
    paid_online: int


def procedure_payment_counts(
    offerings: Iterable[tuple[int, Sequence[Mapping[str, Any]]]], *, gateway: bool, paid: Iterable[int]
) -> ProcedurePayments:
    """``offerings``: ``(procedure id, fee lines)`` of each offering in the scope; ``gateway``: an online payment
    gateway is configured; ``paid``: procedures with a payment confirmed by a gateway in the period. A procedure
    offered by several agencies of the scope counts once, integrated when one of its offerings is."""
    with_fees: set[int] = set()
    payable: set[int] = set()
    for procedure, fees in offerings:
        if charges_a_fee(fees):
            with_fees.add(procedure)
            if gateway and fully_priced(fees):
                payable.add(procedure)
    return ProcedurePayments(len(with_fees), len(payable), len(payable & set(paid)))


# --------------------------------------------------------------------------------------------------
# reconciliation

RECONCILE_AFTER = timedelta(minutes=30)
EXPIRE_AFTER = timedelta(days=3)


def reconcile_window(now: datetime) -> tuple[datetime, datetime]:
    """``(oldest, newest)`` start moments of the attempts to query now (RULES.md §11)."""
    return now - EXPIRE_AFTER, now - RECONCILE_AFTER


# --------------------------------------------------------------------------------------------------
# order text (vnp_OrderInfo)

ORDER_INFO_ALLOWED = re.compile(r"[^A-Za-z0-9 .\-_:]")
ORDER_INFO_MAX = 255  # vnp_OrderInfo's length in VNPay's parameter table (reading: RULES.md §12 gives none)


def fold_order_info(text: str, limit: int = ORDER_INFO_MAX) -> str:
    """``text`` folded to the characters ``vnp_OrderInfo`` may carry (RULES.md §12): diacritics and đ removed,
    every other character a space, runs of spaces collapsed; cut to ``limit``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = ORDER_INFO_ALLOWED.sub(" ", plain)
    return " ".join(cleaned.split())[:limit].strip()
