"""Officers' sessions (issue 15): an idle timeout, a shorter absolute lifetime, and the second factor.

For officers and administrators (``second_factor.needs_second_factor``), on every request of a signed-in session:

- idle for more than ``MOTCUA_OFFICER_IDLE_MINUTES``, or signed in more than ``MOTCUA_OFFICER_SESSION_MAX_MINUTES``
  ago: the session ends and the request goes to the login page, which says why (citizens keep the general
  ``SESSION_COOKIE_AGE``);
- not yet past the second factor: only the login, the second-factor pages and the logout answer; any other page goes
  to the verification (or, without a device yet, the enrolment) page, and an API call answers 401.

The last-seen moment is written to the session at most once a minute, not on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.accounts.second_factor import confirmed_device, is_verified, needs_second_factor

LOGIN_AT = "motcua_login_at"
SEEN_AT = "motcua_seen_at"
SEEN_GRANULARITY_SECONDS = 60


def _now() -> int:
    """The clock (a test moves it)."""
    return int(time.time())


#: pages an officer may reach before the second factor: signing in, the second factor itself, signing out
OPEN_BEFORE_SECOND_FACTOR = (
    "web:login",
    "web:logout",
    "web:second-factor",
    "web:second-factor-enrol",
    "admin:login",
    "admin:logout",
)


@receiver(user_logged_in)
def _stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class OfficerSessionMiddleware:
    """After ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if needs_second_factor(user):
            ended = self._ended(request)
            if ended:
                return ended
            if not is_verified(user) and not self._open(request):
                return self._to_second_factor(request, user)
        return self.get_response(request)

    def _ended(self, request: HttpRequest) -> HttpResponse | None:
        now = _now()
        session = request.session
        login_at = session.setdefault(LOGIN_AT, now)
        seen_at = session.get(SEEN_AT, login_at)
        if now - seen_at > settings.MOTCUA_OFFICER_IDLE_MINUTES * 60:
            why = _("Phiên làm việc đã kết thúc vì không hoạt động quá %(minutes)d phút. Vui lòng đăng nhập lại.")
            return self._end(request, why % {"minutes": settings.MOTCUA_OFFICER_IDLE_MINUTES})
        if now - login_at > settings.MOTCUA_OFFICER_SESSION_MAX_MINUTES * 60:
            why = _("Phiên làm việc đã quá %(hours)s giờ kể từ khi đăng nhập. Vui lòng đăng nhập lại.")
            hours = f"{settings.MOTCUA_OFFICER_SESSION_MAX_MINUTES / 60:g}".replace(".", ",")
            return self._end(request, why % {"hours": hours})
        if now - seen_at >= SEEN_GRANULARITY_SECONDS:
            session[SEEN_AT] = now
        return None

    def _end(self, request: HttpRequest, why: str) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": why}, status=401, json_dumps_params={"ensure_ascii": False})
        messages.warning(request, why)
        return HttpResponseRedirect(_login_url(request))

    def _open(self, request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        return any(path == reverse(name) for name in OPEN_BEFORE_SECOND_FACTOR)

    def _to_second_factor(self, request: HttpRequest, user: Any) -> HttpResponse:
        if request.path.startswith("/api/") and not request.headers.get("Authorization"):
            why = _("Cán bộ cần xác thực hai lớp (mã OTP) trước khi dùng API bằng phiên đăng nhập.")
            return JsonResponse({"detail": why}, status=401, json_dumps_params={"ensure_ascii": False})
        if request.path.startswith("/api/"):
            return self.get_response(request)  # a bearer token: the API's token authentication decides
        name = "web:second-factor" if confirmed_device(user) else "web:second-factor-enrol"
        return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": request.get_full_path()}))


def _login_url(request: HttpRequest) -> str:
    return reverse("web:login") + "?" + urlencode({"next": request.get_full_path()})
