"""``GET /api/v1/metrics/service-index`` and its drill-down: the figures of the hand-worked scenario, who may
read what (403 in Vietnamese), and the 422s."""

from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.fixtures import officer
from motcua.metrics.tests.test_service_index import PROVINCE_OFFICE, scenario  # noqa: F401  (a fixture)
from motcua.testing import sign_in

URL = "/api/v1/metrics/service-index"
OCTOBER = {"from": "2025-10-01", "to": "2025-10-31"}


def client_of(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def monitor(demo_catalog: Any) -> User:
    return officer("giamsat", Agency.objects.get(name=PROVINCE_OFFICE), "monitor")


def test_the_index_of_an_agency(scenario: dict[str, Dossier], commune: Agency, monitor: User) -> None:  # noqa: F811
    answer = client_of(monitor).get(URL, {"agency": commune.identifier, **OCTOBER})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["version"], data["agency"], data["from"], data["to"]) == (
        "766/2022",
        commune.identifier,
        "2025-10-01",
        "2025-10-31",
    )
    assert [g["key"] for g in data["groups"]] == ["transparency", "progress", "online", "digitisation", "satisfaction"]
    indicators = {i["id"]: i for g in data["groups"] for i in g["indicators"]}
    assert indicators["2.1"] | {"name": ""} == {
        "id": "2.1",
        "name": "",
        "display_group": "progress",
        "numerator": 4,
        "denominator": 7,
        "ratio": 0.5714,
        "threshold": 1.0,
        "points": 11.43,
        "max_points": 20.0,
        "scored": True,
    }
    assert (indicators["3.3"]["numerator"], indicators["3.3"]["denominator"], indicators["3.3"]["points"]) == (
        1,
        9,
        1.33,
    )
    synced = indicators["1.4"]  # no portal is configured in this test: none of the 9 received is synchronised
    assert (synced["numerator"], synced["denominator"], synced["ratio"], synced["points"]) == (0, 9, 0.0, 0.0)
    progress = next(g for g in data["groups"] if g["key"] == "progress")
    assert (progress["points"], progress["max_points"], progress["nominal_max"]) == (11.43, 20.0, 20.0)
    assert data["nominal_max"] == 100.0
    assert [g["key"] for g in data["display_groups"]] == [
        "transparency",
        "progress",
        "online_service",
        "online_payment",
        "digitisation",
        "satisfaction",
    ]
    # the province, and a level
    assert client_of(monitor).get(URL, OCTOBER).json()["agency"] is None
    assert client_of(monitor).get(URL, {"level": "commune", **OCTOBER}).status_code == 200


def test_who_may_read_it(scenario: dict[str, Dossier], commune: Agency, other_commune: Agency) -> None:  # noqa: F811
    leader = User.objects.get(username="leader")
    assert client_of(leader).get(URL, {"agency": commune.identifier, **OCTOBER}).status_code == 200
    for params in ({**OCTOBER}, {"agency": other_commune.identifier, **OCTOBER}):
        answer = client_of(leader).get(URL, params)
        assert answer.status_code == 403
        assert "quyền" in answer.json()["detail"] or "dành cho" in answer.json()["detail"]
    specialist = User.objects.get(username="specialist")
    assert client_of(specialist).get(URL, {"agency": commune.identifier, **OCTOBER}).status_code == 403
    local_monitor = officer("giamsat-xa", commune, "monitor")  # held at a commune: that commune only
    assert client_of(local_monitor).get(URL, {"agency": commune.identifier, **OCTOBER}).status_code == 200
    assert client_of(local_monitor).get(URL, OCTOBER).status_code == 403
    reform = officer("cchc", other_commune, "reform")
    assert client_of(reform).get(URL, OCTOBER).status_code == 200
    assert Client().get(URL, OCTOBER).status_code == 401


def test_bad_queries_are_422_in_vietnamese(monitor: User, commune: Agency) -> None:
    client = client_of(monitor)
    reversed_period = client.get(URL, {"from": "2025-10-31", "to": "2025-10-01"})
    assert reversed_period.status_code == 422
    assert "ngày đầu kỳ" in reversed_period.json()["detail"]
    unknown = client.get(URL, {"agency": "000.00.00.X99", **OCTOBER})
    assert unknown.status_code == 422
    assert "000.00.00.X99" in unknown.json()["detail"]
    both = client.get(URL, {"agency": commune.identifier, "level": "commune", **OCTOBER})
    assert both.status_code == 422
    for params in ({"to": "2025-10-31"}, {"from": "2025-13-01", "to": "2025-10-31"}, {**OCTOBER, "from": "0001-01-01"}):
        answer = client.get(URL, params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"].startswith("Dữ liệu không hợp lệ")


def test_the_drilldown_route(
    scenario: dict[str, Dossier],  # noqa: F811
    commune: Agency,
    other_commune: Agency,
    monitor: User,
) -> None:
    url = f"{URL}/2.1/dossiers"
    params = {"agency": commune.identifier, **OCTOBER, "part": "denominator", "limit": 5}
    first = client_of(monitor).get(url, params).json()
    second = client_of(monitor).get(url, {**params, "cursor": first["next_cursor"]}).json()
    assert second["next_cursor"] is None
    codes = {d["code"] for d in first["items"] + second["items"]}
    assert codes == {scenario[name].code for name in "ABCDEGJ"}
    numerator = client_of(monitor).get(url, {**params, "part": "numerator"}).json()
    assert {d["code"] for d in numerator["items"]} == {scenario[name].code for name in "ABEJ"}
    assert client_of(monitor).get(f"{URL}/9.9/dossiers", params).status_code == 404
    missing = client_of(monitor).get(f"{URL}/4.1/dossiers", {**params, "part": "numerator"})
    assert missing.status_code == 404
    assert "chưa có danh sách" in missing.json()["detail"]
    stranger = officer("ld-khac", other_commune, "leader")
    assert client_of(stranger).get(url, params).status_code == 403
    own = client_of(stranger).get(url, {**params, "agency": other_commune.identifier})
    assert own.json()["items"] == []
