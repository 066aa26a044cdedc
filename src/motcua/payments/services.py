"""Writes of the payments app: start an attempt, settle it from a callback or a query, the counter, refunds,
expiry and reconciliation — each in one transaction (issue 11; RULES.md §11, §12).

**One way to settle.** A gateway's callback and the worker's query both end in :func:`settle`, which runs the
checks in RULES.md §12's order — the attempt exists (``01``), the amount is the attempt's (``04``), the attempt is
still open (``02``: a duplicate changes nothing) — and moves the payment with **one conditional UPDATE** on its
unique reference (``rules.payments.TRANSITIONS``). Two callbacks at once: the second waits on the row the first
updates, then finds it no longer open. A success is also the dossier's ``record_payment`` action by the system
actor (``dossiers.services.perform_as_system``, keyed by the payment's reference), in the same transaction: it
ends ``awaiting_payment`` where the process waits for it, and its observers (the national portal, notices) get
their outbox rows with it. The signature is checked before any of this, by the provider.

Starting an attempt calls the gateway (the national platform's INIT) while the payer waits for the address to
go to: that call is made between two short transactions (the row is written ``created`` first, ``started`` after),
never inside one — a transaction is not held open on a network call.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import perform, perform_as_system
from motcua.integrations.payments import (
    Attempt,
    CallbackResult,
    ForgedCallback,
    GatewayError,
    PaymentOutcome,
    PaymentProvider,
    PaymentRequest,
    PaymentVerdict,
    payment_providers,
)
from motcua.payments.errors import ActionRefused, InvalidInput, NotPermitted
from motcua.payments.models import Payment, PaymentCallback, State
from motcua.payments.selectors import payable_now, payer_details
from motcua.rules import payments as rules
from motcua.rules.lifecycle import ActionType
from motcua.rules.payments import PaymentState
from motcua.rules.roles import Role

logger = logging.getLogger("motcua.payments")

_TARGET = {
    PaymentOutcome.SUCCEEDED: PaymentState.SUCCEEDED,
    PaymentOutcome.FAILED: PaymentState.FAILED,
    PaymentOutcome.CANCELLED: PaymentState.CANCELLED,
    PaymentOutcome.REFUNDED: PaymentState.REFUNDED,
}

#: How long a payer has on the gateway's page (vnp_ExpireDate); a reading, RULES.md gives no figure.
PAYMENT_WINDOW = timedelta(minutes=15)


def new_reference(now: datetime) -> str:
    """A reference unique per attempt: the day (VNPay wants vnp_TxnRef unique per merchant per day, RULES.md
    §12) and 60 random bits, upper-case letters and digits only (safe in every gateway's field)."""
    return f"P{now.strftime('%y%m%d')}{secrets.token_hex(8).upper()}"


def _provider(name: str) -> PaymentProvider:
    provider = payment_providers.get(name)
    if provider is None or not provider.online:
        raise InvalidInput(_("Không có hình thức thanh toán “%(name)s”.") % {"name": name[:40]}, field="provider")
    problem = provider.problem()
    if problem is not None:
        raise ActionRefused(_("Cổng thanh toán chưa sẵn sàng: %(problem)s") % {"problem": problem})
    return provider


def _may_start(user: User, dossier: Dossier) -> None:
    """The applicant of the dossier, or an officer of its desk, resolving agency or current step."""
    if dossier.applicant_user_id is not None and dossier.applicant_user_id == user.pk:
        return
    agencies = {dossier.receiving_agency_id, dossier.resolving_agency_id, dossier.current_agency_id}
    if any(m.agency_id in agencies for m in user.memberships.all()):
        return
    raise NotPermitted(_("Chỉ người nộp hoặc cán bộ xử lý hồ sơ mới tạo được giao dịch thanh toán."))


def start_payment(dossier: Dossier, user: User, provider_name: str, *, client_ip: str, return_url: str) -> Payment:
    """A new attempt to pay the dossier's fee lines online; the caller found ``dossier`` in ``user``'s scope."""
    provider = _provider(provider_name)
    _may_start(user, dossier)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        due = payable_now(locked)
        if not due.lines:
            raise ActionRefused(due.reason or _("Hồ sơ không có khoản phí, lệ phí nào phải nộp trực tuyến."))
        payment = Payment.objects.create(
            dossier=locked,
            reference=new_reference(now),
            provider=provider.name,
            amount_vnd=rules.total(due.lines),
            fee_lines=[line.__dict__ for line in due.lines],
            started_by=user,
            created_at=now,
        )
    request = PaymentRequest(
        reference=payment.reference,
        amount_vnd=payment.amount_vnd,
        order_info=rules.fold_order_info(f"Thanh toan ho so {dossier.code}"),
        return_url=return_url,
        client_ip=client_ip or "127.0.0.1",
        created_at=now,
        expires_at=now + PAYMENT_WINDOW,
        fee_lines=payment.fee_lines,
        details=payer_details(dossier),
    )
    try:
        started = provider.start(request)
    except GatewayError as error:
        _move(payment, PaymentState.FAILED, settled_by="start", note=str(error)[:500])
        raise ActionRefused(
            _("Cổng thanh toán không nhận giao dịch: %(error)s") % {"error": str(error)[:200]}
        ) from error
    Payment.objects.filter(pk=payment.pk, state=State.CREATED).update(state=State.STARTED, started_at=timezone.now())
    payment.refresh_from_db()
    payment.redirect_url = started.redirect_url  # type: ignore[attr-defined]  # answered once, not stored
    return payment


def _move(payment: Payment, target: PaymentState, **fields: Any) -> bool:
    """One conditional UPDATE: ``payment`` moves to ``target`` only from a state the table allows."""
    now = timezone.now()
    values: dict[str, Any] = {"state": target.value}
    if target in rules.FINAL_STATES and target is not PaymentState.REFUNDED:
        values["settled_at"] = now
    values.update(fields)
    sources = [s.value for s in rules.sources(target)]
    return bool(Payment.objects.filter(pk=payment.pk, state__in=sources).update(**values))


@dataclass(frozen=True)
class Settled:
    result: CallbackResult
    payment: Payment | None
    changed: bool


def settle(provider: PaymentProvider, verdict: PaymentVerdict, *, via: str) -> Settled:
    """Apply what a gateway says about an attempt whose signature was checked (a callback or a query): the
    checks of RULES.md §12 after the checksum, then one conditional UPDATE, then the dossier's action."""
    with transaction.atomic():
        payment = Payment.objects.filter(reference=verdict.reference, provider=provider.name).first()
        if payment is None:
            return Settled(CallbackResult.NOT_FOUND, None, False)
        if verdict.amount_vnd is not None and verdict.amount_vnd != payment.amount_vnd:
            return Settled(CallbackResult.AMOUNT, payment, False)
        if verdict.outcome is PaymentOutcome.PENDING:
            already = PaymentState(payment.state) in rules.FINAL_STATES
            return Settled(CallbackResult.ALREADY if already else CallbackResult.PENDING, payment, False)
        target = _TARGET[verdict.outcome]
        changed = _move(payment, target, provider_transaction=verdict.provider_transaction[:100], settled_by=via)
        if not changed:
            return Settled(CallbackResult.ALREADY, payment, False)
        payment.refresh_from_db()
        if target is PaymentState.SUCCEEDED:
            _record_on_dossier(payment, provider.component)
        return Settled(CallbackResult.RECORDED, payment, True)


def _record_on_dossier(payment: Payment, component: str) -> None:
    """The success as the dossier's ``record_payment`` by the system actor, once per reference. A dossier whose
    status no longer takes a payment (withdrawn, stopped meanwhile) keeps the money on the payment row, with a
    note for the officer (who refunds it): the gateway's confirmation is not refused for that."""
    try:
        with transaction.atomic():
            dossier = perform_as_system(
                payment.dossier,
                ActionType.RECORD_PAYMENT,
                component=component,
                payload={"amount_vnd": payment.amount_vnd, "receipt_number": payment.reference},
                idempotency_key=f"payment:{payment.reference}",
            )
    except DossierError as refused:
        note = _("Đã thu tiền nhưng hồ sơ không ghi nhận được: %(reason)s") % {"reason": refused.message}
        Payment.objects.filter(pk=payment.pk).update(note=note[:1000])
        return
    Payment.objects.filter(pk=payment.pk).update(dossier_action_seq=dossier.action_count)


def handle_callback(
    provider_name: str,
    channel: str,
    params: Mapping[str, str],
    body: bytes,
    *,
    raw_query: str,
    remote_addr: str,
) -> tuple[int, dict[str, Any]]:
    """A gateway's server-to-server callback: verified, settled, kept raw with its verdict, answered in the
    gateway's terms. Nothing is believed before its signature verifies."""
    provider = payment_providers[provider_name]
    verdict: PaymentVerdict | None = None
    settled = Settled(CallbackResult.ERROR, None, False)
    try:
        verdict = provider.verify_callback(params, body)
    except ForgedCallback:
        settled = Settled(CallbackResult.FORGED, None, False)
    except (ValueError, KeyError, TypeError) as error:
        logger.warning("%s %s: unreadable callback: %s", provider_name, channel, error)
    else:
        try:
            settled = settle(provider, verdict, via=channel)
        except Exception:
            logger.exception("%s %s: settling %s failed", provider_name, channel, verdict.reference)
    status, answer = provider.answer(settled.result, verdict, params, body)
    PaymentCallback.objects.create(
        provider=provider_name,
        channel=channel,
        received_at=timezone.now(),
        reference=(verdict.reference if verdict else str(params.get("vnp_TxnRef", "")))[:255],
        payment=settled.payment,
        query=raw_query[:20000],
        body=body.decode("utf-8", "replace")[:100000],
        remote_addr=remote_addr[:64],
        verdict=settled.result.value,
        changed_state=settled.changed,
        answer=answer,
    )
    return status, answer


# --------------------------------------------------------------------------------------------------
# reconciliation and expiry (the worker)


def attempt_of(payment: Payment) -> Attempt:
    return Attempt(
        reference=payment.reference,
        amount_vnd=payment.amount_vnd,
        created_at=payment.created_at,
        provider_transaction=payment.provider_transaction,
        order_info=rules.fold_order_info(f"Thanh toan ho so {payment.dossier.code}"),
    )


@dataclass
class Reconciled:
    queried: int = 0
    settled: int = 0
    pending: int = 0
    errors: int = 0
    expired: int = 0

    def __bool__(self) -> bool:
        return bool(self.queried or self.expired)


def expire_stale(now: datetime | None = None) -> int:
    """Attempts older than the reconciliation window without a final state expire (one UPDATE)."""
    oldest, _newest = rules.reconcile_window(now or timezone.now())
    sources = [s.value for s in rules.sources(PaymentState.EXPIRED)]
    return Payment.objects.filter(state__in=sources, created_at__lt=oldest).update(
        state=State.EXPIRED, settled_at=timezone.now(), settled_by="expiry"
    )


def reconcile(now: datetime | None = None, *, limit: int = 1000) -> Reconciled:
    """Query the gateway about attempts started 30 minutes to 3 days ago without a final state (RULES.md §11)
    and settle each answer through :func:`settle`, as a callback would; then expire the older ones.

    The questions of a batch are asked ``MOTCUA_PAYMENT_QUERY_THREADS`` at a time (HTTP only, no database in those
    threads); the answers are settled one by one here, each in its own transaction, as they come in order. Asked
    one at a time, a backlog of 10,000 took longer than the sweep's interval (decision 50)."""
    moment = now or timezone.now()
    oldest, newest = rules.reconcile_window(moment)
    done = Reconciled()
    open_states = [s.value for s in rules.OPEN_STATES]
    online = [p.name for p in payment_providers if p.online and p.problem() is None]
    last_pk = 0
    with ThreadPoolExecutor(max_workers=max(1, settings.MOTCUA_PAYMENT_QUERY_THREADS)) as pool:
        while True:
            batch = list(
                Payment.objects.select_related("dossier")
                .filter(state__in=open_states, provider__in=online, created_at__gte=oldest, created_at__lte=newest)
                .filter(pk__gt=last_pk)
                .order_by("pk")[:limit]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            asked = [(payment, attempt_of(payment)) for payment in batch]
            answers = pool.map(lambda pair: _ask(payment_providers[pair[0].provider], pair[1]), asked)
            for (payment, _attempt), answer in zip(asked, answers, strict=True):
                done.queried += 1
                _settle_answer(payment, answer, done)
    done.expired = expire_stale(moment)
    return done


def _ask(provider: PaymentProvider, attempt: Attempt) -> PaymentVerdict | Exception:
    """The gateway's answer about ``attempt``, or the error that stopped it (told apart by the settling loop)."""
    try:
        return provider.query(attempt)
    except (GatewayError, ForgedCallback, ValueError) as error:
        return error


def _settle_answer(payment: Payment, answer: PaymentVerdict | Exception, done: Reconciled) -> None:
    provider = payment_providers[payment.provider]
    try:
        if isinstance(answer, Exception):
            raise answer
        settled = settle(provider, answer, via="query")
    except (GatewayError, ForgedCallback, ValueError) as error:
        done.errors += 1
        logger.warning("query of %s failed: %s", payment.reference, error)
        return
    PaymentCallback.objects.create(
        provider=payment.provider,
        channel="query",
        received_at=timezone.now(),
        reference=payment.reference,
        payment=payment,
        body=(answer.raw or answer.message)[:100000],  # the answer as it came
        verdict=settled.result.value,
        changed_state=settled.changed,
    )
    if settled.changed:
        done.settled += 1
    elif settled.result is CallbackResult.PENDING:
        done.pending += 1


def reconcile_interval() -> float:
    return float(getattr(settings, "MOTCUA_PAYMENT_RECONCILE_SECONDS", 300))


# --------------------------------------------------------------------------------------------------
# the counter and refunds


def record_counter_payment(dossier: Dossier, user: User, *, receipt_number: str, method: str) -> Payment:
    """Cash or a card terminal at the counter, recorded by the desk's officer with the receipt's number: the
    payment row and the dossier's ``record_payment`` action (the transition table decides who may) at once."""
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise InvalidInput(_("Cần số biên lai."), field="receipt_number")
    if method not in ("cash", "card"):
        raise InvalidInput(_("Hình thức thu không hợp lệ."), field="method")
    now = timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        due = payable_now(locked)
        if not due.lines:
            raise ActionRefused(due.reason or _("Hồ sơ không có khoản phí, lệ phí nào phải nộp."))
        amount = rules.total(due.lines)
        after = perform(
            locked,
            ActionType.RECORD_PAYMENT,
            user=user,
            payload={"amount_vnd": amount, "receipt_number": receipt_number, "note": method},
        )
        return Payment.objects.create(
            dossier=locked,
            reference=new_reference(now),
            provider="counter",
            state=State.SUCCEEDED,
            amount_vnd=amount,
            fee_lines=[line.__dict__ for line in due.lines],
            receipt_number=receipt_number[:60],
            provider_transaction=method,
            started_by=user,
            created_at=now,
            started_at=now,
            settled_at=now,
            settled_by="counter",
            dossier_action_seq=after.action_count,
        )


def refund(payment: Payment, user: User, *, reason: str) -> Payment:
    """A refund, by a leader of the dossier's resolving agency, with a reason (issue 11). Online payments are
    refunded at the gateway first (VNPay's refund; full refunds only here), then moved ``succeeded → refunded``
    by one conditional UPDATE."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Cần lý do hoàn tiền."), field="reason")
    leaders = {m.agency_id for m in user.memberships.all() if m.role == Role.LEADER}
    if payment.dossier.resolving_agency_id not in leaders:
        raise NotPermitted(_("Chỉ lãnh đạo cơ quan giải quyết hồ sơ mới hoàn tiền được."))
    if payment.state != State.SUCCEEDED:
        raise ActionRefused(_("Chỉ hoàn tiền được giao dịch đã thanh toán."))
    provider = payment_providers.get(payment.provider)
    if provider is not None and provider.online:
        try:
            verdict = provider.refund(attempt_of(payment), payment.amount_vnd, reason, user.get_username())
        except GatewayError as error:
            raise ActionRefused(_("Cổng thanh toán chưa hoàn tiền: %(error)s") % {"error": str(error)[:200]}) from error
        if verdict.outcome is not PaymentOutcome.REFUNDED:
            raise ActionRefused(_("Cổng thanh toán từ chối hoàn tiền: %(m)s") % {"m": verdict.message[:200]})
    moved = _move(
        payment, PaymentState.REFUNDED, refunded_at=timezone.now(), refunded_by=user, refund_reason=reason[:2000]
    )
    if not moved:
        raise ActionRefused(_("Giao dịch đã được hoàn tiền."))
    payment.refresh_from_db()
    return payment
