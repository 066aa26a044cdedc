"""Local accounts for citizens and businesses: sign up, verify the e-mail or phone with a code, reset the password.

Thin: the rules and writes are ``portal.services``; the code goes out through the outbox (``portal.codes``).
The account waiting for its code is kept in the session, never in the URL.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import AccountType
from motcua.dossiers.errors import InvalidInput
from motcua.portal.services import SignUp, confirm_sign_up, reset_password, sign_up, start_password_reset

PENDING = "motcua_signup_user"
BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    values = {name: request.POST.get(name, "") for name in ("account_type", "full_name", "id_number", "contact")}
    error = None
    if request.method == "POST":
        try:
            user = sign_up(SignUp(password=request.POST.get("password", ""), **values))
        except InvalidInput as problem:
            error = problem
        else:
            request.session[PENDING] = user.pk
            return HttpResponseRedirect(reverse("web:signup-verify"))
    context = {"values": values, "error": error, "types": AccountType.choices}
    return render(request, "web/signup.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def signup_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if pending is None:
        return HttpResponseRedirect(reverse("web:signup"))
    error = ""
    if request.method == "POST":
        user = confirm_sign_up(pending, request.POST.get("code", ""))
        if user is not None:
            del request.session[PENDING]
            login(request, user, backend=BACKEND)
            return HttpResponseRedirect(reverse("web:my-dossiers"))
        error = _("Mã xác minh không đúng hoặc đã hết hạn.")
    return render(request, "web/signup_verify.html", {"error": error}, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        contact = request.POST.get("contact", "")[:200]
        start_password_reset(contact)
        return render(request, "web/password_reset_confirm.html", {"contact": contact, "sent": True})
    return render(request, "web/password_reset.html")


@require_http_methods(["POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    contact = request.POST.get("contact", "")[:200]
    try:
        user = reset_password(contact, request.POST.get("code", ""), request.POST.get("password", ""))
    except InvalidInput as problem:
        return render(request, "web/password_reset_confirm.html", {"contact": contact, "error": problem}, status=400)
    if user is None:
        error = _("Mã xác minh không đúng hoặc đã hết hạn.")
        return render(request, "web/password_reset_confirm.html", {"contact": contact, "error": error}, status=400)
    login(request, user, backend=BACKEND)
    return HttpResponseRedirect(reverse("web:my-dossiers"))
