"""Login lock-out (django-axes): the Vietnamese message, on the login page that was used, instead of a bare 403.

django-axes counts failed logins per username (settings: ``MOTCUA_LOCKOUT_ATTEMPTS``, ``MOTCUA_LOCKOUT_MINUTES``)
and, while a username is locked, refuses it in its authentication backend before any password is checked — the
right password too. The login forms here say why (``LockoutAwareFormMixin``), so the page the person used (the
workbench and portal login, the admin's) shows the message where the password error would be; the middleware's
answer (``lockout_response``) keeps that page and gives it the status 429.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm

from motcua.accounts.second_factor import confirmed_device


def lockout_message() -> str:
    return _(
        "Tài khoản tạm thời bị khóa vì đăng nhập sai quá %(attempts)d lần. "
        "Vui lòng thử lại sau %(minutes)d phút, hoặc liên hệ quản trị hệ thống."
    ) % {"attempts": settings.MOTCUA_LOCKOUT_ATTEMPTS, "minutes": settings.MOTCUA_LOCKOUT_MINUTES}


class LockoutAwareFormMixin:
    """For ``AuthenticationForm`` and its subclasses: a locked-out username gets the lock's message, not the
    "wrong password" one (axes marks the request ``axes_locked_out`` when it refuses a login)."""

    request: HttpRequest | None
    locked_out = False

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                self.locked_out = True
                raise ValidationError(lockout_message(), code="locked_out") from None
            raise


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out login answers: the login page just rendered (it carries the message), as 429."""
    if original_response is not None and original_response.get("Content-Type", "").startswith("text/html"):
        original_response.status_code = settings.AXES_HTTP_RESPONSE_CODE
        return original_response
    return render(
        request, "accounts/locked_out.html", {"message": lockout_message()}, status=settings.AXES_HTTP_RESPONSE_CODE
    )


class LockoutAwareOTPAdminForm(LockoutAwareFormMixin, OTPAdminAuthenticationForm):
    """The admin's login (username, password, the second factor's code) in one step, telling a locked-out username
    so. An administrator has one TOTP device (``accounts.second_factor``): it is the one chosen when the form does
    not name one, and django-otp's messages are said in Vietnamese."""

    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required=gettext_lazy("Hãy nhập mã xác thực (6 chữ số) của ứng dụng xác thực."),
        invalid_token=gettext_lazy("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã đang hiển thị."),
        device_required=gettext_lazy(
            "Tài khoản chưa đăng ký xác thực hai lớp: hãy đăng nhập ở trang đăng nhập cán bộ để đăng ký."
        ),
        n_failed_attempts=gettext_lazy(
            "Tạm ngừng kiểm tra mã vì đã nhập sai %(failure_count)d lần; vui lòng thử lại sau ít phút."
        ),
        verification_not_allowed=gettext_lazy("Tạm ngừng kiểm tra mã xác thực; vui lòng thử lại sau."),
    )

    def _chosen_device(self, user: Any) -> Any:
        return super()._chosen_device(user) or confirmed_device(user)
