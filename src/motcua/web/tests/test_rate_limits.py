"""Every rate-limited endpoint answers 429 with ``Retry-After`` past its limit, and only to that client (issue 15).

The limits are set low here (a window of an hour: the count, not the clock, is tested); another client address,
or another account for the token writes, is not held back.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.services import create_api_token
from motcua.catalog.models import Agency
from motcua.dossiers.tests.fixtures import officer

LIMIT = 3
OTHER = "10.0.0.9"


@pytest.fixture
def low_limits(settings: Any) -> None:
    settings.MOTCUA_RATE_LIMITS = {group: f"{LIMIT}/h" for group in settings.MOTCUA_RATE_LIMITS}


def _over_the_limit(send: Any) -> Any:
    answers = [send() for _ in range(LIMIT + 1)]
    assert [a.status_code for a in answers[:LIMIT]] == [answers[0].status_code] * LIMIT
    assert answers[0].status_code != 429
    last = answers[-1]
    assert last.status_code == 429, last.content[:200]
    assert 1 <= int(last["Retry-After"]) <= 3600
    assert "no-store" in last["Cache-Control"]
    return last


PAGES = {
    "catalogue search": "/procedures/?q=chung+thuc",
    "tracking": "/track/999.00.27.H55-250101-0001/",
}


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_pages_answer_429_with_a_vietnamese_page(url: str, low_limits: None, demo_catalog: Any) -> None:
    client = Client()
    last = _over_the_limit(lambda: client.get(url))
    assert last["Content-Type"].startswith("text/html")
    assert "Vui lòng thử lại sau" in last.content.decode()
    assert Client(REMOTE_ADDR=OTHER).get(url).status_code != 429


API = {
    "catalogue search": ("get", "/api/v1/procedures?q=chung", None),
    "calendar year": ("get", "/api/v1/calendar/2026", None),
    "calendar due": (
        "post",
        "/api/v1/calendar/due",
        {"start": "2026-03-02T08:00:00+07:00", "amount": 3, "unit": "working_days"},
    ),
}


@pytest.mark.parametrize(("method", "url", "body"), API.values(), ids=API.keys())
def test_api_answers_429_in_json(method: str, url: str, body: Any, low_limits: None, demo_catalog: Any) -> None:
    def send(client: Client) -> Any:
        if method == "get":
            return client.get(url)
        return client.post(url, json.dumps(body), content_type="application/json")

    client = Client()
    last = _over_the_limit(lambda: send(client))
    assert last["Content-Type"].startswith("application/json")
    assert "thử lại sau" in last.json()["detail"]
    assert send(Client(REMOTE_ADDR=OTHER)).status_code != 429


def test_the_tracking_search_form_alone_is_not_counted(low_limits: None) -> None:
    client = Client()
    assert {client.get("/track/").status_code for _ in range(LIMIT + 2)} == {200}


def test_token_writes_are_limited_per_account_reads_are_not(low_limits: None, commune: Agency) -> None:
    """An officer's program past the write limit gets 429 (before its write is read); its reads go on, and
    another officer's program is not held back."""
    one = {"Authorization": f"Bearer {create_api_token(officer('prog-1', commune, 'counter'), 'x')}"}
    two = {"Authorization": f"Bearer {create_api_token(officer('prog-2', commune, 'counter'), 'x')}"}
    client = Client()

    def write(headers: dict[str, str]) -> Any:
        return client.post("/api/v1/dossiers", "{}", content_type="application/json", headers=headers)

    last = _over_the_limit(lambda: write(one))
    assert "thử lại sau" in last.json()["detail"]
    assert {client.get("/api/v1/dossiers", headers=one).status_code for _ in range(LIMIT + 1)} == {200}
    assert write(two).status_code == 422  # the other account's program: its (empty) body is judged, not refused


def test_an_unreachable_cache_lets_requests_through(low_limits: None, settings: Any, demo_catalog: Any) -> None:
    """The public service stays up without its limits when the counters' cache is down (ratelimits docstring)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    client = Client()
    assert {client.get("/procedures/").status_code for _ in range(LIMIT + 2)} == {200}
