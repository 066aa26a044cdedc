"""Production refuses to start unsafe (issue 15): with debug on, the demo secret key, the demo passwords, the
demo second-factor key or a cache private to each process (the rate limits need one shared by every worker:
``MOTCUA_REDIS_URL``).

``MOTCUA_PRODUCTION=1`` declares a production installation. Then ``motcua check --deploy`` reports these as
errors, and the WSGI application and the worker refuse to start (``refuse_unsafe_start``), naming each
problem in Vietnamese.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

#: the accounts ``motcua load_demo`` creates, and the password it gives them unless told another
DEMO_PASSWORDS = ("motcua-demo",)
#: caches private to one process: the rate limits' counters would be per gunicorn worker (motcua.ratelimits)
_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def production_problems() -> list[str]:
    if not settings.MOTCUA_PRODUCTION:
        return []
    problems = []
    if settings.DEBUG:
        problems.append("MOTCUA_DEBUG đang bật: hãy đặt MOTCUA_DEBUG=0.")
    demo_key_file = settings.VAR_DIR / "secret_key"
    if len(settings.SECRET_KEY) < 50 or (
        demo_key_file.exists() and demo_key_file.read_text().strip() == settings.SECRET_KEY
    ):
        problems.append(
            "MOTCUA_SECRET_KEY là khoá của bản chạy thử hoặc quá ngắn: hãy đặt một khoá ngẫu nhiên ≥ 50 ký tự."
        )
    if settings.CACHES["default"]["BACKEND"] in _PROCESS_CACHES:
        problems.append(
            "Bộ nhớ đệm không dùng chung giữa các tiến trình nên giới hạn tần suất không có tác dụng: "
            "hãy đặt MOTCUA_REDIS_URL."
        )
    problems.extend(_demo_passwords())
    problems.extend(_demo_second_factors())
    return problems


def _demo_second_factors() -> list[str]:
    """The demo officers' TOTP devices share a published key (README): anyone could make their codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.second_factor import DEMO_TOTP_KEY

    try:
        names = sorted(TOTPDevice.objects.filter(key=DEMO_TOTP_KEY).values_list("user__username", flat=True))
    except DatabaseError:  # not migrated yet
        return []
    if not names:
        return []
    return [
        "Thiết bị xác thực hai lớp của tài khoản "
        + ", ".join(f"«{name}»" for name in names)
        + " dùng khóa mẫu của bản chạy thử: hãy xoá thiết bị (Quản trị › OTP_TOTP) để cán bộ đăng ký lại."
    ]


def _demo_passwords() -> list[str]:
    from motcua.accounts.models import User
    from motcua.web.management.commands.load_demo import DEMO_USERS

    names = ["admin", *(username for username, _, _ in DEMO_USERS)]
    try:
        users = list(User.objects.filter(username__in=names, is_active=True))
    except DatabaseError:  # not migrated yet (the first ``migrate`` runs checks too)
        return []
    return [
        f"Tài khoản «{user.username}» còn dùng mật khẩu của bản chạy thử: hãy đổi hoặc khoá tài khoản."
        for user in users
        if any(user.check_password(password) for password in DEMO_PASSWORDS)
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="motcua.E001") for problem in production_problems()]


def refuse_unsafe_start() -> None:
    problems = production_problems()
    if problems:
        raise ImproperlyConfigured("motcua không khởi động ở chế độ vận hành: " + " ".join(problems))
