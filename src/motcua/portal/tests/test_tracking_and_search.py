"""The public tracking page stops enumeration (429 with Retry-After), and the portal's search ranks by relevance."""

from __future__ import annotations

from typing import Any

from django.test import Client

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.catalog.selectors import search_procedures
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of


def test_enumerating_dossier_codes_is_stopped(settings: Any, commune: Any, staff: Any) -> None:
    # a window far longer than the 349 requests take, even on a loaded machine: the count, not the clock, is tested
    settings.MOTCUA_RATE_LIMITS = dict(settings.MOTCUA_RATE_LIMITS, track="20/h")
    dossier = open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    prefix = dossier.code.rsplit("-", 1)[0]
    client = Client()
    answers = [client.get(f"/track/{prefix}-{n:04d}/") for n in range(1, 350)]  # the 349 requests
    statuses = [a.status_code for a in answers]
    assert statuses[0] == 200  # the real one, first
    assert statuses[1:20] == [404] * 19
    assert set(statuses[20:]) == {429}  # everything after the 20th lookup in the window
    assert 1 <= int(answers[-1]["Retry-After"]) <= 3600
    assert "thử lại sau" in answers[-1].content.decode()
    # another client is not held back by the first
    assert Client(REMOTE_ADDR="10.0.0.9").get(f"/track/{dossier.code}/").status_code == 200
    # the search form alone (no code) is not a lookup
    assert client.get("/track/").status_code == 200


def _procedure(code: str, name: str) -> Procedure:
    return Procedure.objects.create(code=code, name=name, status=ProcedureStatus.PUBLISHED)


def test_search_is_accent_insensitive_and_ranked_by_relevance(db: None) -> None:
    """Hand-ranked: the phrase at the start of a word beats the words scattered; among equals the shorter
    name; the code typed exactly comes first. Codes are chosen so that code order would be the reverse."""
    _procedure("9.000001", "Thủ tục liên quan đăng ký và chứng nhận khai thác sinh vật biển")  # words apart
    _procedure("9.000002", "Đăng ký khai sinh có yếu tố nước ngoài")  # phrase, longer name
    _procedure("9.000003", "Đăng ký khai sinh")  # phrase, shortest name
    _procedure("9.000004", "Cấp giấy phép xây dựng")  # no match
    # every word is in all three; the phrase decides, then the shorter name; code order would be 1, 2, 3
    found = [p.code for p in search_procedures(query="dang ky KHAI SINH", ranked=True)]
    assert found == ["9.000003", "9.000002", "9.000001"]
    scattered = [p.code for p in search_procedures(query="khai sinh", ranked=True)]
    assert scattered == ["9.000003", "9.000002", "9.000001"]  # "khai thác sinh vật": both words, not the phrase
    assert [p.code for p in search_procedures(query="sinh vật", ranked=True)] == ["9.000001"]
    assert [p.code for p in search_procedures(query="9.000004 xây dựng", ranked=True)] == ["9.000004"]
    assert [p.code for p in search_procedures(query="dang ky", ranked=False)] == ["9.000001", "9.000002", "9.000003"]
    page = Client().get("/procedures/", {"q": "dang ky khai sinh"}).content.decode()
    assert page.index("9.000003") < page.index("9.000002")
