"""The gateways' callbacks and the payer's pages (thin: the services decide, the providers verify).

- ``GET /payments/vnpay/ipn``: VNPay's IPN, server to server; always HTTP 200 JSON ``{"RspCode", "Message"}``
  (RULES.md §12). CSRF does not apply (a GET); nothing is believed before ``vnp_SecureHash`` verifies.
- ``GET /payments/vnpay/return``: where the payer's browser comes back. It **changes nothing** (only the IPN
  does, RULES.md §12): it shows the attempt's state as we recorded it, and says whether the parameters it was
  given carry a valid signature — a forged "success" in the address shows nothing but our own record.
- ``POST /payments/paygov/callback``: the national platform's result (RULES.md §11), ``MaXacThuc`` checked.
- ``GET /payments/<reference>/receipt.pdf``: the e-receipt of a paid attempt, for whoever may see its dossier.
- ``GET /dossiers/<code>/pay``: the pay panel (``payments/_pay.html``) as a page the citizens' portal links to;
  ``POST`` there starts an attempt and sends the payer to the gateway.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.reference}.pdf"'
    return response


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
