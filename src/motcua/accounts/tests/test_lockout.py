"""Login throttling (django-axes): a locked-out username cannot log in, even with the right password, until the
lock ends; the lock is per username, so others behind the same address (a commune office's NAT) still log in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from motcua.accesslog.models import AccessEvent
from motcua.accounts.models import User
from motcua.accounts.second_factor import current_code
from motcua.dossiers.tests.fixtures import officer
from motcua.rules.access import AccessKind
from motcua.testing import sign_in

pytestmark = pytest.mark.django_db
OFFICE = "203.0.113.7"  # one address for everyone in a commune office


def fail(client: Client, username: str, times: int, url: str = "") -> list[int]:
    """Wrong passwords: the login page again (200), then, from the MOTCUA_LOCKOUT_ATTEMPTS-th, the lock (429)."""
    data = {"username": username, "password": "sai-mat-khau"}
    return [client.post(url or reverse("web:login"), data).status_code for _ in range(times)]


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def end_the_lock(minutes: int = 15) -> None:
    """The clock moves past the cool-off: the attempts are dated that much earlier."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes, seconds=1)
        attempt.save(update_fields=["attempt_time"])


def test_a_locked_out_citizen_cannot_log_in_with_the_right_password_until_the_lock_ends(settings: Any) -> None:
    assert (settings.MOTCUA_LOCKOUT_ATTEMPTS, settings.MOTCUA_LOCKOUT_MINUTES) == (5, 15)  # the documented defaults
    User.objects.create_user("congdan", password="dung-mat-khau-1")
    client = Client(REMOTE_ADDR=OFFICE)
    assert fail(client, "congdan", 4) == [200] * 4
    right = {"username": "congdan", "password": "dung-mat-khau-1"}
    assert Client(REMOTE_ADDR=OFFICE).post(reverse("web:login"), right).status_code == 302  # 4 failures: not yet
    assert fail(client, "congdan", 5) == [200, 200, 200, 200, 429]  # the success reset the count
    answer = client.post(reverse("web:login"), right)
    assert answer.status_code == 429
    page = answer.content.decode()
    assert "Tài khoản tạm thời bị khóa vì đăng nhập sai quá 5 lần" in page
    assert "thử lại sau 15 phút" in page
    assert 'name="password"' in page  # the login page itself, not a bare error
    assert not logged_in(client)
    # from another address too: the lock is the username's
    assert Client(REMOTE_ADDR="198.51.100.9").post(reverse("web:login"), right).status_code == 429
    end_the_lock(14)  # 14 minutes later: still locked
    assert Client().post(reverse("web:login"), right).status_code == 429
    end_the_lock(1)  # past 15 minutes
    again = Client(REMOTE_ADDR=OFFICE)
    assert again.post(reverse("web:login"), right).status_code == 302
    assert logged_in(again)


def test_one_citizen_locked_out_does_not_lock_out_their_office(settings: Any) -> None:
    User.objects.create_user("congdan", password="dung-mat-khau-1")
    User.objects.create_user("hangxom", password="dung-mat-khau-2")
    office = Client(REMOTE_ADDR=OFFICE)
    fail(office, "congdan", 5)
    fail(office, "ai-do", 5)  # names that do not exist count, and lock, the same
    answer = office.post(reverse("web:login"), {"username": "hangxom", "password": "dung-mat-khau-2"})
    assert answer.status_code == 302
    assert logged_in(office)


def test_the_access_log_keeps_every_failed_login_also_the_refused_ones() -> None:
    User.objects.create_user("congdan", password="dung-mat-khau-1")
    client = Client(REMOTE_ADDR=OFFICE)
    fail(client, "congdan", 5)
    client.post(reverse("web:login"), {"username": "congdan", "password": "dung-mat-khau-1"})
    failed = AccessEvent.objects.filter(kind=AccessKind.LOGIN_FAILED)
    assert failed.count() == 6
    assert set(failed.values_list("username", "address")) == {("congdan", OFFICE)}
    assert not AccessEvent.objects.filter(kind=AccessKind.LOGIN).exists()


def test_the_admin_login_is_locked_out_too_with_the_message(commune: Any) -> None:
    admin = User.objects.create_superuser("quantri", password="dung-mat-khau-1")
    device = sign_in(Client(), admin)  # an enrolled administrator (its device)
    client = Client(REMOTE_ADDR=OFFICE)
    fail(client, "quantri", 5, url=reverse("admin:login"))
    data = {"username": "quantri", "password": "dung-mat-khau-1"}  # one device: no need to choose it
    answer = client.post(reverse("admin:login"), data | {"otp_token": current_code(device)})
    assert answer.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in answer.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    end_the_lock()
    answer = client.post(reverse("admin:login"), data | {"otp_token": current_code(device)})
    assert answer.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_officer_is_locked_out_like_anyone(commune: Any) -> None:
    officer("mc", commune, "counter")
    client = Client()
    fail(client, "mc", 5)
    assert client.post(reverse("web:login"), {"username": "mc", "password": "x"}).status_code == 429
    assert not logged_in(client)
