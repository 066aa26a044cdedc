"""Officers' sessions end after MOTCUA_OFFICER_IDLE_MINUTES of inactivity and MOTCUA_OFFICER_SESSION_MAX_MINUTES after
the login (the clock is moved, not waited for); a citizen's session keeps the general lifetime."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.accounts import middleware
from motcua.accounts.models import User
from motcua.dossiers.tests.fixtures import officer
from motcua.testing import sign_in

pytestmark = pytest.mark.django_db
WORKBENCH = "/workbench/"


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = middleware._now()
        monkeypatch.setattr(middleware, "_now", lambda: self.now)

    def move(self, minutes: float) -> None:
        self.now += int(minutes * 60)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def test_an_idle_officer_is_signed_out_and_told_why(commune: Any, clock: Clock, settings: Any) -> None:
    assert settings.MOTCUA_OFFICER_IDLE_MINUTES == 30
    client = Client()
    sign_in(client, officer("mc", commune, "counter"))
    clock.move(29)
    assert client.get(WORKBENCH).status_code == 200
    clock.move(29)  # 29 minutes after the last request: still active
    assert client.get(WORKBENCH).status_code == 200
    clock.move(31)
    answer = client.get(WORKBENCH)
    assert answer.status_code == 302
    assert answer["Location"] == "/workbench/login/?next=%2Fworkbench%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(answer["Location"]).content.decode()
    assert "Phiên làm việc đã kết thúc vì không hoạt động quá 30 phút" in page


def test_the_idle_timeout_is_a_setting(commune: Any, clock: Clock, settings: Any) -> None:
    settings.MOTCUA_OFFICER_IDLE_MINUTES = 5
    client = Client()
    sign_in(client, officer("mc", commune, "counter"))
    clock.move(6)
    assert client.get(WORKBENCH).status_code == 302


def test_an_active_officer_is_signed_out_at_the_absolute_lifetime(commune: Any, clock: Clock, settings: Any) -> None:
    assert settings.MOTCUA_OFFICER_SESSION_MAX_MINUTES * 60 < settings.SESSION_COOKIE_AGE  # shorter than citizens'
    client = Client()
    sign_in(client, officer("mc", commune, "counter"))
    for _ in range(13):  # 13 × 20 = 260 minutes of work
        clock.move(20)
        assert client.get(WORKBENCH).status_code == 200
    clock.move(20)  # 280 > 270
    answer = client.get(WORKBENCH)
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "Phiên làm việc đã quá 4,5 giờ kể từ khi đăng nhập" in page


def test_an_idle_officer_on_the_api_gets_401(commune: Any, clock: Clock) -> None:
    client = Client()
    sign_in(client, officer("mc", commune, "counter"))
    clock.move(31)
    answer = client.get("/api/v1/dossiers")
    assert answer.status_code == 401
    assert "không hoạt động" in answer.json()["detail"]


def test_a_citizen_is_not_timed_out_after_half_an_hour(clock: Clock) -> None:
    client = Client()
    sign_in(client, User.objects.create_user("congdan", password="x"))
    clock.move(120)
    assert client.get("/my/").status_code == 200
