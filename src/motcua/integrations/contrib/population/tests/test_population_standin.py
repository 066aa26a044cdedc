"""The population registry against its stand-in, run as a real process (``motcua population-standin``): what it
refuses, what it answers, its failures through :func:`integrations.population.prefill`, and the prefill at the
counter recorded on the dossier (``DSKetNoiCSDL``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua.accounts.models import User
from motcua.catalog.models import Agency, Offering
from motcua.dossiers.models import Dossier, DossierAction
from motcua.integrations import population
from motcua.integrations.contrib.national_portal.snapshot import snapshot_of
from motcua.integrations.tests.conftest import standin_process
from motcua.rules.national_portal import dossier_record
from motcua.web.tests.test_workbench import intake_post, logged_in

TOKEN = "khoa-csdl-dan-cu"
CONSENT = {"reference": "dong-y-1", "given_at": "2026-12-01T09:00:00+07:00"}
GOOD = {"personal_id_number": "019099012345", "purpose": "Điền sẵn hồ sơ", "consent": CONSENT}


class Registry:
    def __init__(self, url: str) -> None:
        self.url = url

    def received(self) -> dict[str, Any]:
        return httpx.get(self.url + "_standin/received", timeout=5).json()

    def control(self, what: str, **order: Any) -> None:
        response = httpx.post(self.url + f"_standin/{what}", json=order, timeout=5)
        assert response.status_code == 200, response.text

    def post(self, body: Any, *, token: str = TOKEN, path: str = "v1/persons/lookup") -> httpx.Response:
        return httpx.post(self.url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5)


@pytest.fixture
def registry(tmp_path: Path, settings: Any) -> Iterator[Registry]:
    with standin_process(["population-standin", "--port", "0", "--token", TOKEN], tmp_path / "population.log") as url:
        settings.MOTCUA_POPULATION_URL = url
        settings.MOTCUA_POPULATION_TOKEN = TOKEN
        yield Registry(url)


@pytest.mark.parametrize(
    ("body", "token", "status", "reason"),
    [
        (GOOD, "sai", 401, "khóa truy cập"),
        (GOOD | {"personal_id_number": "01909901234"}, TOKEN, 400, "12 chữ số"),
        (GOOD | {"consent": None}, TOKEN, 400, "thiếu consent"),
        (GOOD | {"consent": {"reference": "x", "given_at": "2026-12-01T09:00:00"}}, TOKEN, 400, "có múi giờ"),
        (GOOD | {"purpose": ""}, TOKEN, 400, "purpose"),
        (GOOD | {"extra": 1}, TOKEN, 400, "trường không hiểu: extra"),
        ([GOOD], TOKEN, 400, "đối tượng JSON"),
    ],
)
def test_the_registry_refuses_what_it_should(
    registry: Registry, body: Any, token: str, status: int, reason: str
) -> None:
    response = registry.post(body, token=token)
    assert response.status_code == status
    assert reason in response.json()["reason"]
    assert registry.received()["lookups"] == []


def test_lookups_answers_and_failures(registry: Registry) -> None:
    found = registry.post(GOOD)
    assert found.status_code == 200
    assert found.json()["person"]["full_name"] == "Nguyễn Văn An"
    unknown = registry.post(GOOD | {"personal_id_number": "019099099999"})
    assert (unknown.status_code, unknown.json()["found"]) == (404, False)
    lookups = registry.received()["lookups"]
    assert [(lk["personal_id_number"], lk["found"], lk["consent"]) for lk in lookups] == [
        ("019099012345", True, CONSENT),
        ("019099099999", False, CONSENT),
    ]
    # through the registry interface
    answer = population.prefill("019099012345", consent="dong-y-2")
    assert answer.database_code == "CSDLQGDC"
    assert answer.person is not None
    assert (answer.person.full_name, str(answer.person.birth_date)) == ("Nguyễn Văn An", "1999-03-02")
    assert registry.received()["lookups"][-1]["consent"]["reference"] == "dong-y-2"
    with pytest.raises(population.NoConsent):
        population.prefill("019099012345", consent=" ")
    registry.control("fail", mode="http503", count=1)
    with pytest.raises(population.LookupFailed, match="503"):
        population.prefill("019099012345", consent="dong-y-3")
    assert population.prefill("019099012345", consent="dong-y-4").person is not None  # back
    registry.control("people", personal_id_number="019185000123", full_name="Trần Thị Bình", address="Tổ 1")
    assert population.prefill("019185000123", consent="dong-y-5").person.full_name == "Trần Thị Bình"


def test_not_configured(settings: Any) -> None:
    settings.MOTCUA_POPULATION_URL = ""
    with pytest.raises(population.NotConfigured):
        population.prefill("019099012345", consent="dong-y")


def test_the_counter_prefills_with_consent_and_the_dossier_records_the_database(
    registry: Registry, staff: dict[str, User], commune: Agency
) -> None:
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    client = logged_in(staff["counter"])
    without = client.get(f"/workbench/intake/{offering.pk}/", {"applicant": "019099012345"}).content.decode()
    assert "Nguyễn Văn An" not in without  # no consent ticked: nothing asked
    assert registry.received()["lookups"] == []
    page = client.get(f"/workbench/intake/{offering.pk}/", {"applicant": "019099012345", "population": "on"})
    text = page.content.decode()
    assert 'value="Nguyễn Văn An"' in text
    assert 'name="consulted_databases" value="CSDLQGDC"' in text
    data = intake_post(offering, "pop-1", applicant_id_number="019099012345", consulted_databases="CSDLQGDC")
    response = client.post(f"/workbench/intake/{offering.pk}/", data)
    assert response.status_code == 302
    dossier = Dossier.objects.get(code=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert DossierAction.objects.get(dossier=dossier, seq=1).payload["consulted_databases"] == ["CSDLQGDC"]
    assert dossier_record(snapshot_of(dossier))["DSKetNoiCSDL"] == [{"MaCSDL": "CSDLQGDC"}]
    # a registry that is down: the page says so, the officer types the data
    registry.control("fail", mode="http500", count=1)
    down = client.get(f"/workbench/intake/{offering.pk}/", {"applicant": "019099012345", "population": "on"})
    assert "500" in down.content.decode()
