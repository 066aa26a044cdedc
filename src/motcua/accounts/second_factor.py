"""Who needs a second factor, and reading the TOTP devices (django-otp) that give it.

Officers (users with a membership in an agency) and administrators (staff, superusers) hold accounts worth
attacking: their session counts only once it passed a one-time code from their authenticator app (RFC 6238
TOTP, django-otp's ``otp_totp``). Citizens may sign in with a password alone (their portal shows only their own
dossiers), or with VNeID. Enforced by ``accounts.middleware`` on every request, and by the admin (django-otp's
``OTPAdminSite``) and the API's session authentication (``accounts.auth``) themselves.

The demo's officers carry a TOTP device with the fixed, published key ``DEMO_TOTP_KEY`` (README): ``motcua
totp-code <username>`` prints its current code. A production installation refuses to start while any device has it
(``operations.checks``).
"""

from __future__ import annotations

from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

#: the demo devices' key (hex, 20 bytes): published, so never acceptable in production
DEMO_TOTP_KEY = "6d6f746375612064656d6f20746f7470206b6579"  # "motcua demo totp key"
DEMO_DEVICE_NAME = "demo"


def needs_second_factor(user: Any) -> bool:
    """Officers and administrators; a citizen (no membership, not staff) does not."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_motcua_needs_second_factor", None)
    if cached is None:
        cached = bool(user.is_staff or user.is_superuser or user.memberships.exists())
        user._motcua_needs_second_factor = cached
    return cached


def is_verified(user: Any) -> bool:
    """The session passed the second factor (django-otp's middleware put the device on the user)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now (the demo command and the tests' helper)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_devices_exist() -> bool:
    return TOTPDevice.objects.filter(key=DEMO_TOTP_KEY).exists()
