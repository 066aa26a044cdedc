"""In a real browser (Playwright + Debian's Chromium, as ``portal/tests/test_browser.py``): an officer's login with the
second factor — the first login enrols (the QR code's key, typed as an authenticator app would compute it), a later
login verifies — and the pages checked with axe-core at a phone's width (390 px)."""

from __future__ import annotations

from base64 import b32decode
from pathlib import Path
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from motcua.accounts.models import Membership, User
from motcua.accounts.second_factor import current_code
from motcua.portal.tests.test_browser import page, serious_violations, step, warm_up

__all__ = ["page"]  # the fixture, shared with the portal's browser test


def an_officer(username: str, commune: Any) -> User:
    user = User.objects.create_user(username, password="mat-khau-can-bo-1", full_name=username)
    Membership.objects.create(user=user, agency=commune, role="counter")
    return user


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/workbench/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("mat-khau-can-bo-1")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def test_an_officer_enrols_then_verifies_the_second_factor(
    live_server: Any, page: Page, commune: Any, tmp_path: Path
) -> None:
    base = live_server.url
    warm_up(base)
    checked: dict[str, list[str]] = {}
    an_officer("moi", commune)
    with step(page, "enrol", tmp_path):
        log_in(page, base, "moi")
        page.wait_for_url(base + "/workbench/login/second-factor/enrol/?next=%2Fworkbench%2F")
        assert page.locator("figure.qr svg").is_visible()
        checked["enrolment"] = serious_violations(page)
        secret = page.locator("figure.qr code").inner_text().replace(" ", "")
        page.get_by_label("Mã xác thực (6 chữ số)").fill(f"{TOTP(b32decode(secret)).token():06d}")
        page.get_by_role("button", name="Kích hoạt").click()
        page.wait_for_url(base + "/workbench/")
    assert TOTPDevice.objects.get(user__username="moi").confirmed
    device = TOTPDevice.objects.create(user=an_officer("cu", commune), name="phone", confirmed=True)
    page.context.clear_cookies()
    with step(page, "verify", tmp_path):
        log_in(page, base, "cu")
        page.wait_for_url(base + "/workbench/login/second-factor/?next=%2Fworkbench%2F")
        checked["verification"] = serious_violations(page)
        page.goto(base + "/workbench/intake/")  # nothing else before the code
        page.wait_for_url(base + "/workbench/login/second-factor/?next=%2Fworkbench%2Fintake%2F")
        page.get_by_label("Mã xác thực (6 chữ số)").fill(current_code(device))
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_url(base + "/workbench/intake/")
    assert checked == {"enrolment": [], "verification": []}
