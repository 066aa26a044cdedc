"""Reads of payments: what a dossier owes now, its attempts, the partial's context — scope in the query."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import visible_dossiers
from motcua.integrations.payments import payment_providers
from motcua.payments.models import Payment, State
from motcua.rules import payments as rules
from motcua.rules.lifecycle import TRANSITIONS, ActionType, Status

#: Statuses in which the dossier takes a payment: those ``record_payment`` may be performed from (the one table).
PAYABLE_STATUSES = frozenset(TRANSITIONS[ActionType.RECORD_PAYMENT].from_statuses)


@dataclass(frozen=True)
class Due:
    lines: list[rules.FeeLine] = field(default_factory=list)
    reason: str = ""  # why nothing is due now (shown to the payer)
    at_submission: bool = False  # paid right after an online submission (rules.payments.collected_at_submission)

    @property
    def amount_vnd(self) -> int:
        return rules.total(self.lines)


def fee_lines(dossier: Dossier) -> list[rules.FeeLine]:
    """The dossier's fee lines charged online (RULES.md §10 ``DanhSachLePhi``, as received; ``rules.payments``)."""
    return rules.payable_lines(dossier.terms_data.get("fees", []))


def payable_now(dossier: Dossier) -> Due:
    """What the dossier owes now: its fee lines, unless it was paid already or its status takes no payment. A
    dossier only submitted (not yet accepted) owes them when its procedure collects its fees up front."""
    lines = fee_lines(dossier)
    if not lines:
        return Due(reason=_("Hồ sơ không có khoản phí, lệ phí nào phải nộp trực tuyến."))
    if dossier.payments.filter(state=State.SUCCEEDED).exists():
        return Due(reason=_("Hồ sơ đã được thanh toán."))
    if dossier.status not in {s.value for s in PAYABLE_STATUSES}:
        return Due(reason=_("Hồ sơ chưa ở bước nộp phí, lệ phí."))
    if dossier.status == Status.SUBMITTED and not rules.collected_at_submission(dossier.terms_data.get("fees", [])):
        # not every line is priced: the process asks for the payment once the amount is decided
        return Due(reason=_("Phí, lệ phí sẽ được thông báo khi cơ quan giải quyết yêu cầu nộp."))
    return Due(lines=lines, at_submission=dossier.status == Status.SUBMITTED)


def payer_details(dossier: Dossier) -> dict[str, str]:
    """What a receipt names (the national platform's ``ThongTinBienLai``)."""
    return {
        "dossier_code": dossier.code,
        "payer_name": dossier.applicant_name,
        "payer_id_number": dossier.applicant_id_number,
        "payer_address": dossier.applicant_address,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "agency_code": dossier.resolving_agency.identifier if dossier.resolving_agency else "",
        "agency_name": dossier.resolving_agency.name if dossier.resolving_agency else "",
    }


def visible_payments(user: User) -> QuerySet[Payment]:
    """Payments of the dossiers ``user`` may see (``dossiers.selectors.visible_dossiers``), as one join."""
    return Payment.objects.filter(dossier__in=visible_dossiers(user))


def payments_of(user: User, code: str) -> QuerySet[Payment]:
    return visible_payments(user).filter(dossier__code=code).order_by("-created_at", "-pk")


def visible_payment(user: User, reference: str) -> Payment | None:
    return visible_payments(user).select_related("dossier", "dossier__procedure").filter(reference=reference).first()


def public_outcome(reference: str) -> Payment | None:
    """The attempt a return page names (no personal data is shown from it)."""
    return Payment.objects.select_related("dossier").filter(reference=reference).first()


def online_providers() -> list[tuple[str, str]]:
    """``(name, label)`` of the online gateways configured now (the pay buttons)."""
    return [(p.name, str(p.label)) for p in payment_providers.configured() if p.online]


def gateway_configured() -> bool:
    """Whether an online gateway is configured now (766 indicator 3.4: fees integrated with online payment)."""
    return bool(online_providers())


@dataclass(frozen=True)
class PayPanel:
    """The context of ``payments/_pay.html``: what is owed, how it can be paid, what happened before."""

    dossier: Dossier
    due: Due
    providers: list[tuple[str, str]]
    payments: list[Payment]
    paid: Payment | None


def pay_panel(user: User, code: str) -> PayPanel | None:
    dossier = visible_dossiers(user).select_related("procedure", "resolving_agency").filter(code=code).first()
    if dossier is None:
        return None
    attempts = list(dossier.payments.order_by("-created_at", "-pk")[:20])
    paid = next((p for p in attempts if p.state == State.SUCCEEDED), None)
    return PayPanel(dossier, payable_now(dossier), online_providers(), attempts, paid)


def payment_summary(dossier_ids: list[int]) -> dict[int, str]:
    """The latest payment state of each dossier (the officer's queue column): one query."""
    found: dict[int, str] = {}
    rows = Payment.objects.filter(dossier_id__in=dossier_ids).order_by("dossier_id", "-created_at", "-pk")
    for dossier_id, state in rows.values_list("dossier_id", "state"):
        found.setdefault(dossier_id, state)
    return found


def open_count() -> int:
    return Payment.objects.filter(state__in=[s.value for s in rules.OPEN_STATES]).count()


@dataclass(frozen=True)
class OfficerPanel:
    """The workbench's payment section of one dossier (``payments/_officer.html``)."""

    dossier: Dossier
    due: Due
    payments: list[Payment]
    can_take_cash: bool  # an officer of the dossier's desk (the transition table lets the desk record a payment)
    can_refund: bool  # a leader of the resolving agency


def officer_panel(user: User, dossier: Dossier) -> OfficerPanel:
    """For a dossier the caller already found in their scope."""
    roles = {(m.agency_id, m.role) for m in user.memberships.all()}
    return OfficerPanel(
        dossier=dossier,
        due=payable_now(dossier),
        payments=list(dossier.payments.order_by("-created_at", "-pk")[:20]),
        can_take_cash=(dossier.receiving_agency_id, "counter") in roles,
        can_refund=(dossier.resolving_agency_id, "leader") in roles,
    )
