"""The second factor's pages: enrolment (a QR code to scan, then a first code) and verification after the password.

An officer or administrator who signed in with their password reaches nothing else until one of these succeeds
(``accounts.middleware``). The QR code is an inline SVG drawn here by segno (no script, no image from elsewhere);
the key is also printed, grouped, for an app that cannot scan. Wrong codes are throttled by django-otp (each
failure doubles the wait before the next try) and logged as failed logins in the access log.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login

from motcua.accesslog.services import record
from motcua.accounts.second_factor import confirmed_device, is_verified, needs_second_factor
from motcua.accounts.services import confirm_totp_enrolment, start_totp_enrolment, verify_second_factor
from motcua.rules.access import AccessKind


class CodeForm(forms.Form):
    otp_token = forms.RegexField(
        label=gettext_lazy("Mã xác thực (6 chữ số)"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Mã xác thực gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6}),
    )


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    user = request.user
    if user.memberships.exists():
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return reverse("admin:index") if user.is_staff else reverse("web:my-dossiers")


def _refused(request: HttpRequest) -> None:
    record(AccessKind.LOGIN_FAILED, request, user=request.user, detail="second factor: wrong code")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Step two of the login: the code of the officer's authenticator app."""
    user = request.user
    if not needs_second_factor(user) or is_verified(user):
        return HttpResponseRedirect(_next(request))
    if confirmed_device(user) is None:
        return HttpResponseRedirect(reverse("web:second-factor-enrol") + "?" + request.GET.urlencode())
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        _refused(request)
        form.add_error("otp_token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã đang hiển thị."))
    return render(request, "workbench/second_factor.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """First login of an officer without a device: scan the QR code, type the first code it shows."""
    user = request.user
    if not needs_second_factor(user) or is_verified(user):
        return HttpResponseRedirect(_next(request))
    if confirmed_device(user) is not None:  # one device; another is added by an administrator resetting it
        return HttpResponseRedirect(reverse("web:second-factor") + "?" + request.GET.urlencode())
    device = start_totp_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = confirm_totp_enrolment(user, form.cleaned_data["otp_token"])
        if confirmed is not None:
            otp_login(request, confirmed)
            return HttpResponseRedirect(_next(request))
        _refused(request)
        form.add_error("otp_token", _("Mã xác thực không đúng. Hãy quét lại mã QR và nhập mã đang hiển thị."))
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m", micro=False)
    svg = qr.svg_inline(scale=4, border=4, title=_("Mã QR để thêm tài khoản vào ứng dụng xác thực"))
    context = {
        "form": form,
        "qr_svg": mark_safe(svg),  # segno's own markup of a URL we made: no user text in it
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": request.GET.get("next", ""),
    }
    return render(request, "workbench/second_factor_enrol.html", context)
