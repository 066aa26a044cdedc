from datetime import date
from typing import Any

import pytest
from django.test import Client

from motcua.api import api
from motcua.calendars.models import CalendarOverride, OverrideKind
from motcua.validation import UNREADABLE_JSON

pytestmark = pytest.mark.django_db


def due(client: Client, **body: object) -> dict:
    response = client.post("/api/v1/calendar/due", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_due_with_explanation_in_vietnamese(client: Client) -> None:
    data = due(client, start="2025-04-25T18:00:00", amount=4, unit="working_days")
    assert data["due"] == "2025-05-05T17:00:00+07:00"
    assert data["start"] == "2025-04-26T07:00:00+07:00"
    rules = [e["rule"] for e in data["explanation"]]
    assert rules[0] == "after_hours"
    assert {"swapped_workday", "holiday", "weekend"} <= set(rules)
    messages = " ".join(e["message"] for e in data["explanation"])
    assert "sau giờ làm việc" in messages
    assert "làm việc bù" in messages
    assert "Ngày Chiến thắng" in messages


def test_offsets_are_honoured(client: Client) -> None:
    data = due(client, start="2025-03-10T02:00:00Z", amount=1, unit="working_days")  # 09:00 in Hà Nội
    assert data["due"] == "2025-03-11T09:00:00+07:00"


def test_same_day_and_hours(client: Client) -> None:
    assert (
        due(client, start="2025-03-10T15:00:00+07:00", amount=1, unit="same_day")["due"] == "2025-03-11T17:00:00+07:00"
    )
    assert (
        due(client, start="2025-03-10T07:00:00+07:00", amount=4.5, unit="working_hours")["due"]
        == "2025-03-10T11:30:00+07:00"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2025-02-30T09:00", "amount": 1, "unit": "working_days"}, "start"),
        ({"start": "yesterday", "amount": 1, "unit": "working_days"}, "start"),
        ({"start": "2025-03-10T09:00", "amount": -1, "unit": "working_days"}, "amount"),
        ({"start": "2025-03-10T09:00", "amount": "a few", "unit": "working_days"}, "amount"),
        ({"start": "2025-03-10T09:00", "amount": 1, "unit": "weeks"}, "unit"),
        ({"amount": 1, "unit": "working_days"}, "start"),
        ({"start": "2099-12-30T09:00", "amount": 3000, "unit": "working_days"}, "start"),
    ],
)
def test_malformed_input_is_422_naming_the_field(client: Client, body: dict, field: str) -> None:
    response = client.post("/api/v1/calendar/due", body, content_type="application/json")
    assert response.status_code == 422
    data = response.json()
    assert [e["field"] for e in data["errors"]] == [field]
    assert data["detail"].startswith("Dữ liệu không hợp lệ")


def test_database_overrides_win(client: Client) -> None:
    assert due(client, start="2025-03-10T09:00", amount=1, unit="working_days")["due"] == "2025-03-11T09:00:00+07:00"
    CalendarOverride.objects.create(
        day=date(2025, 3, 11), kind=OverrideKind.DAY_OFF, reason="Nghỉ theo quyết định của tỉnh"
    )
    data = due(client, start="2025-03-10T09:00", amount=1, unit="working_days")
    assert data["due"] == "2025-03-12T09:00:00+07:00"
    assert data["explanation"][0]["rule"] == "extra_day_off"
    CalendarOverride.objects.create(day=date(2025, 1, 29), kind=OverrideKind.WORKING_DAY, reason="Trực Tết")
    listing = client.get("/api/v1/calendar/2025").json()
    assert {"date": "2025-01-29", "name": "Trực Tết", "source": "province"} in listing["extra_working_days"]
    assert {"date": "2025-03-11", "name": "Nghỉ theo quyết định của tỉnh", "source": "province"} in listing["days_off"]
    assert "2025-01-29" not in [d["date"] for d in listing["days_off"]]


def test_year_listing(client: Client) -> None:
    data = client.get("/api/v1/calendar/2024").json()
    assert data["weekend"] == ["saturday", "sunday"]
    assert {"2024-04-29", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03"} <= {
        d["date"] for d in data["days_off"]
    }
    assert [d["date"] for d in data["extra_working_days"]] == ["2024-05-04"]
    assert client.get("/api/v1/calendar/1800").status_code == 422


def documented(path: str, method: str = "post") -> set[str]:
    return {str(code) for code in api.get_openapi_schema()["paths"][f"/api/v1{path}"][method]["responses"]}


def test_the_errors_it_answers_are_documented(client: Client) -> None:
    """schemathesis found 422 and 400 answers that the published document did not list (issue 8)."""
    assert documented("/calendar/due") == {"200", "400", "422", "429"}  # 429: the rate limit (issue 15)
    assert documented("/calendar/{year}", "get") == {"200", "422", "429"}
    assert client.get("/api/v1/calendar/1800").status_code == 422


@pytest.mark.parametrize("body", [b"{", b"\x00", b"\xff\xfe", b'{"start": "2025-03-10T09:00",'])
def test_a_body_that_is_not_json_is_a_400_in_vietnamese(client: Client, body: bytes) -> None:
    response = client.post("/api/v1/calendar/due", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": str(UNREADABLE_JSON)}  # ninja's own: "Cannot parse request body"


def test_an_unexpected_error_is_a_json_500_without_a_stack_trace_in_debug_mode_too(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """ninja's default answers an unhandled exception with its traceback as text when DEBUG is on (the demo)."""

    def broken() -> None:
        raise RuntimeError("a bug in the server")

    monkeypatch.setattr("motcua.calendars.api.get_work_calendar", broken)
    settings.DEBUG = True
    with pytest.raises(RuntimeError):  # Django's test client still sees the exception (got_request_exception)
        client.get("/api/v1/calendar/2025")
    response = Client(raise_request_exception=False).get("/api/v1/calendar/2025")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"].startswith("Lỗi hệ thống")
    assert b"Traceback" not in response.content
    assert b"a bug in the server" not in response.content
    assert "a bug in the server" in caplog.text  # the traceback is in the log
