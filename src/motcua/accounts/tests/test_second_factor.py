"""The second factor (TOTP, django-otp): required of officers and administrators, not of citizens."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accesslog.models import AccessEvent
from motcua.accounts.models import User
from motcua.accounts.second_factor import DEMO_TOTP_KEY, current_code
from motcua.accounts.services import ensure_demo_totp_device
from motcua.dossiers.tests.fixtures import officer
from motcua.operations.checks import production_problems
from motcua.rules.access import AccessKind
from motcua.testing import sign_in

pytestmark = pytest.mark.django_db
WORKBENCH = "/workbench/"


def password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)  # the password step alone
    return client


def test_an_officer_without_a_second_factor_cannot_reach_the_workbench(commune: Any) -> None:
    client = password_only(officer("mc", commune, "counter"))
    answer = client.get(WORKBENCH)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("web:second-factor-enrol") + "?next=%2Fworkbench%2F"
    for path in ("/workbench/intake/", "/workbench/book.xlsx", "/admin/", "/my/"):
        assert client.get(path).status_code == 302, path
    # the API with the session neither
    answer = client.get("/api/v1/dossiers")
    assert answer.status_code == 401
    assert "xác thực hai lớp" in answer.json()["detail"]


def test_an_officer_with_a_verified_device_reaches_the_workbench(commune: Any) -> None:
    client = Client()
    device = sign_in(client, officer("mc", commune, "counter"))
    assert device.confirmed
    assert client.get(WORKBENCH).status_code == 200
    assert client.get("/api/v1/dossiers").status_code == 200


def test_the_login_asks_for_the_code_after_the_password(commune: Any) -> None:
    mc = officer("mc", commune, "counter")
    device = TOTPDevice.objects.create(user=mc, name="phone", confirmed=True)
    client = Client()
    answer = client.post(reverse("web:login"), {"username": "mc", "password": "x"})
    assert answer["Location"] == WORKBENCH
    answer = client.get(WORKBENCH)
    verify = reverse("web:second-factor")
    assert answer["Location"] == verify + "?next=%2Fworkbench%2F"
    page = client.get(answer["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert '<label for="id_otp_token">' in page
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    answer = client.post(verify + "?next=%2Fworkbench%2F", {"otp_token": wrong})
    assert answer.status_code == 200
    assert "Mã xác thực không đúng" in answer.content.decode()
    assert client.get(WORKBENCH).status_code == 302
    assert AccessEvent.objects.filter(kind=AccessKind.LOGIN_FAILED, user=mc).count() == 1
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # django-otp makes the next try wait after a failure
    device.save()
    answer = client.post(verify + "?next=%2Fworkbench%2F", {"otp_token": current_code(device)})
    assert answer.status_code == 302
    assert answer["Location"] == WORKBENCH
    assert client.get(WORKBENCH).status_code == 200
    # a code is good once: another session cannot replay it
    other = password_only(mc)
    other.post(verify, {"otp_token": current_code(device)})
    assert other.get(WORKBENCH).status_code == 302


def test_enrolment_shows_a_qr_code_drawn_here_and_a_first_code_confirms_the_device(commune: Any) -> None:
    mc = officer("mc", commune, "counter")
    client = password_only(mc)
    enrol = reverse("web:second-factor-enrol")
    page = client.get(enrol).content.decode()
    assert "<svg" in page
    assert "<script" not in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    pending = TOTPDevice.objects.get(user=mc)
    assert not pending.confirmed
    secret = page.split("<code>", 1)[1].split("</code>", 1)[0].replace(" ", "")
    from base64 import b32decode

    assert b32decode(secret) == pending.bin_key  # the printed key is the device's
    client.get(enrol)  # reloading keeps the same key
    assert TOTPDevice.objects.filter(user=mc).count() == 1
    code = f"{TOTP(pending.bin_key).token():06d}"
    answer = client.post(enrol, {"otp_token": code})
    assert answer.status_code == 302
    assert TOTPDevice.objects.get(user=mc).confirmed
    assert client.get(WORKBENCH).status_code == 200
    # next login: the verification page, not the enrolment again
    assert password_only(mc).get(WORKBENCH)["Location"].startswith(reverse("web:second-factor"))


def test_a_wrong_first_code_does_not_enrol(commune: Any) -> None:
    mc = officer("mc", commune, "counter")
    client = password_only(mc)
    enrol = reverse("web:second-factor-enrol")
    client.get(enrol)
    answer = client.post(enrol, {"otp_token": "12345"})
    assert "Mã xác thực gồm 6 chữ số" in answer.content.decode()
    pending = TOTPDevice.objects.get(user=mc)
    wrong = f"{(TOTP(pending.bin_key).token() + 1) % 1_000_000:06d}"
    client.post(enrol, {"otp_token": wrong})
    assert not TOTPDevice.objects.get(user=mc).confirmed
    assert client.get(WORKBENCH).status_code == 302


def test_a_citizen_needs_no_second_factor() -> None:
    citizen = User.objects.create_user("congdan", password="x")
    client = Client()
    client.force_login(citizen)
    assert client.get("/my/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_the_admin_requires_the_second_factor(db: None) -> None:
    admin = User.objects.create_superuser("quantri", password="dung-mat-khau-1")
    client = password_only(admin)
    assert client.get("/admin/").status_code == 302
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    # the admin's own login asks for the code with the password (django-otp's admin site)
    fresh = Client()
    data = {"username": "quantri", "password": "dung-mat-khau-1", "otp_device": device.persistent_id}
    assert fresh.post(reverse("admin:login"), data | {"otp_token": ""}).status_code == 200
    assert fresh.get("/admin/").status_code == 302
    assert fresh.post(reverse("admin:login"), data | {"otp_token": current_code(device)}).status_code == 302
    assert fresh.get("/admin/").status_code == 200


def test_the_demo_device_its_code_command_and_production_refusing_it(commune: Any, settings: Any) -> None:
    mc = officer("mc", commune, "counter")
    device = ensure_demo_totp_device(mc)
    assert (device.key, device.confirmed) == (DEMO_TOTP_KEY, True)
    assert ensure_demo_totp_device(mc).pk == device.pk  # load_demo twice: one device
    out = StringIO()
    call_command("totp_code", "mc", stdout=out)
    code = out.getvalue().strip()
    assert code == current_code(device)
    assert len(code) == 6
    client = password_only(mc)
    client.post(reverse("web:second-factor"), {"otp_token": code})
    assert client.get(WORKBENCH).status_code == 200
    # a real device's key is never read out
    real = officer("cv", commune, "specialist")
    TOTPDevice.objects.create(user=real, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="không có thiết bị xác thực mẫu"):
        call_command("totp_code", "cv", stdout=StringIO())
    settings.MOTCUA_PRODUCTION, settings.DEBUG = True, False
    problems = [p for p in production_problems() if "khóa mẫu" in p]
    assert problems == [
        "Thiết bị xác thực hai lớp của tài khoản «mc» dùng khóa mẫu của bản chạy thử: hãy xoá thiết bị "
        "(Quản trị › OTP_TOTP) để cán bộ đăng ký lại."
    ]
    TOTPDevice.objects.filter(key=DEMO_TOTP_KEY).delete()
    assert not [p for p in production_problems() if "khóa mẫu" in p]
