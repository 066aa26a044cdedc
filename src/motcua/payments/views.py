"""The gateways' callbacks and the payer's pages (thin: the services decide, the providers verify).

- ``GET /payments/vnpay/ipn``: VNPay's IPN, server to server; always HTTP 200 JSON ``{"RspCode", "Message"}``
  (RULES.md §12). CSRF does not apply (a GET); nothing is believed before ``vnp_SecureHash`` verifies.
- ``GET /payments/vnpay/return``: where the payer's browser comes back. It **changes nothing** (only the IPN
  does, RULES.md §12): it shows the attempt's state as we recorded it, and says whether the parameters it was
  given carry a valid signature — a forged "success" in the address shows nothing but our own record.
- ``POST /payments/paygov/callback``: the national platform's result (RULES.md §11), ``MaXacThuc`` checked.
- ``GET /payments/<reference>/receipt.pdf``: the e-receipt of a paid attempt, for whoever may see its dossier.
- ``POST /payments/dossiers/<code>/counter`` (the desk's officer: cash or card, a receipt number) and
  ``POST /payments/<reference>/refund`` (a leader of the resolving agency, with a reason): the workbench's forms.
- ``GET /payments/dossiers/<code>/pay``: the pay panel (``payments/_pay.html``) as a page the citizens' portal links to;
  ``POST`` there starts an attempt and sends the payer to the gateway.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.dossiers.selectors import visible_dossiers
from motcua.downloads import download
from motcua.integrations.payments import payment_providers
from motcua.payments import receipts, selectors, services
from motcua.payments.errors import ActionRefused, InvalidInput, NotPermitted
from motcua.rules import vnpay


def _remote(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    params = {key: request.GET[key] for key in request.GET}
    status, answer = services.handle_callback(
        "vnpay", "ipn", params, b"", raw_query=request.META.get("QUERY_STRING", ""), remote_addr=_remote(request)
    )
    return JsonResponse(answer, status=status)


@require_GET
def vnpay_return(request: HttpRequest) -> HttpResponse:
    params = {key: request.GET[key] for key in request.GET}
    provider = payment_providers.get("vnpay")
    signed = bool(provider is not None and provider.problem() is None and vnpay.verify(params, provider.secret))
    payment = selectors.public_outcome(params.get("vnp_TxnRef", "")[:64]) if signed else None
    context = {"payment": payment, "signed": signed, "gateway_says_paid": signed and vnpay.paid(params)}
    return render(request, "payments/return.html", context, status=200 if signed else 400)


@csrf_exempt
@require_POST
def paygov_callback(request: HttpRequest) -> JsonResponse:
    status, answer = services.handle_callback(
        "paygov",
        "callback",
        {},
        request.body,
        raw_query=request.META.get("QUERY_STRING", ""),
        remote_addr=_remote(request),
    )
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    payment = selectors.visible_payment(request.user, reference)  # type: ignore[arg-type]
    if payment is None or payment.state not in ("succeeded", "refunded"):
        raise Http404
    pdf = receipts.receipt_pdf(payment)
    return download(pdf, f"bien-lai-{payment.reference}.pdf", "application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, code: str) -> HttpResponse:
    panel = selectors.pay_panel(request.user, code)  # type: ignore[arg-type]
    if panel is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            payment = services.start_payment(
                panel.dossier,
                request.user,  # type: ignore[arg-type]
                request.POST.get("provider", ""),
                client_ip=_remote(request),
                return_url=request.build_absolute_uri(reverse("payments:vnpay-return")),
            )
        except (ActionRefused, InvalidInput, NotPermitted) as refused:
            error = refused.message
        else:
            return HttpResponseRedirect(payment.redirect_url)  # type: ignore[attr-defined]
    return render(request, "payments/pay.html", {"panel": panel, "error": error}, status=409 if error else 200)


# --------------------------------------------------------------------------------------------------
# the officer's side (the workbench's dossier page posts here)


def _officer_dossier(request: HttpRequest, code: str) -> Any:
    dossier = visible_dossiers(request.user).select_related("procedure").filter(code=code).first()  # type: ignore[arg-type]
    if dossier is None:
        raise Http404
    return dossier


@login_required
@require_POST
def counter_payment(request: HttpRequest, code: str) -> HttpResponse:
    """Cash or card at the counter, with the receipt's number (the desk's officer)."""
    dossier = _officer_dossier(request, code)
    try:
        payment = services.record_counter_payment(
            dossier,
            request.user,  # type: ignore[arg-type]
            receipt_number=request.POST.get("receipt_number", ""),
            method=request.POST.get("method", "cash"),
        )
    except (ActionRefused, InvalidInput, NotPermitted) as refused:
        messages.error(request, refused.message)
        return redirect("web:workbench-dossier", code=code)
    messages.success(request, _("Đã ghi nhận thu phí, lệ phí: biên lai %(n)s.") % {"n": payment.receipt_number})
    return redirect("web:workbench-dossier", code=code)


@login_required
@require_POST
def refund(request: HttpRequest, reference: str) -> HttpResponse:
    """A refund by a leader of the resolving agency, with a reason, confirmed (it cannot be undone)."""
    payment = selectors.visible_payment(request.user, reference)  # type: ignore[arg-type]
    if payment is None:
        raise Http404
    if request.POST.get("confirm") != "1":  # it cannot be undone: the leader confirms it (the form's checkbox)
        messages.error(request, _("Cần xác nhận trước khi hoàn tiền."))
        return redirect("web:workbench-dossier", code=payment.dossier.code)
    try:
        services.refund(payment, request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except (ActionRefused, InvalidInput, NotPermitted) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Đã hoàn tiền giao dịch %(r)s.") % {"r": payment.reference})
    return redirect("web:workbench-dossier", code=payment.dossier.code)
