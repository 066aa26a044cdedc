"""The e-receipt (biên lai) of a paid attempt, as a PDF (``documents.pdf``: rendered on request, cached by
content). The national platform's own e-receipt (GET_BILL, RULES.md §11) is served when it gives one; otherwise,
and for VNPay and the counter, ours is printed from the payment row: the fee lines, the amount, who paid,
the gateway's transaction number or the counter's receipt number."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from motcua.documents.pdf import SERIF_FONTS, render_pdf
from motcua.dossiers.printing import qr_data_uri, tracking_url
from motcua.integrations.payments import GatewayError, payment_providers
from motcua.payments.models import Payment
from motcua.payments.services import attempt_of


def vnd(amount: int) -> str:
    """``20000`` → ``20.000`` (the Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def receipt_html(payment: Payment) -> str:
    dossier = payment.dossier
    provider = payment_providers.get(payment.provider)
    return render_to_string(
        "payments/receipt.html",
        {
            "payment": payment,
            "lines": [{"name": line["name"], "amount": vnd(int(line["amount_vnd"]))} for line in payment.fee_lines],
            "total": vnd(payment.amount_vnd),
            "dossier": dossier,
            "provider_label": provider.label if provider else payment.provider,
            "fonts": SERIF_FONTS,
            "settled_at": timezone.localtime(payment.settled_at) if payment.settled_at else None,
            "qr": qr_data_uri(tracking_url(dossier)),
        },
    )


def receipt_pdf(payment: Payment) -> bytes:
    provider = payment_providers.get(payment.provider)
    if provider is not None and provider.online and provider.problem() is None:
        try:
            bill = provider.receipt(attempt_of(payment))
        except GatewayError:
            bill = None
        if bill:
            return bill
    return render_pdf(receipt_html(payment))
