import json
from typing import Any

import pytest
from django.test import Client

from motcua.api import api

pytestmark = pytest.mark.usefixtures("demo_catalog")


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "  dang   KY khai sinh "]
)
def test_search_ignores_diacritics_and_case(client: Client, query: str) -> None:
    found = codes(client.get("/api/v1/procedures", {"q": query, "limit": 100}))
    assert "1.001193" in found  # Thủ tục đăng ký khai sinh
    assert "1.000894" not in found  # đăng ký kết hôn


def test_search_by_code(client: Client) -> None:
    assert codes(client.get("/api/v1/procedures", {"q": "1.001193"})) == ["1.001193"]


def test_filters(client: Client) -> None:
    commune = codes(client.get("/api/v1/procedures", {"level": "commune", "limit": 100}))
    province = codes(client.get("/api/v1/procedures", {"level": "province", "limit": 100}))
    district = codes(client.get("/api/v1/procedures", {"level": "district", "limit": 100}))
    assert (len(commune), len(province), len(district)) == (19, 12, 7)
    assert set(commune).isdisjoint(province)
    civil_status = codes(client.get("/api/v1/procedures", {"field": "ho-tich", "level": "district", "limit": 100}))
    assert civil_status
    assert set(civil_status) <= set(district)
    # Sở Tài chính resolves T03–T06 in the demo
    finance = codes(client.get("/api/v1/procedures", {"agency": "999.00.04.H55", "limit": 100}))
    assert sorted(finance) == ["1.009645", "1.009664", "2.001583", "2.001610"]


def test_pagination(client: Client) -> None:
    page = client.get("/api/v1/procedures", {"limit": 5, "offset": 5}).json()
    assert page["count"] == 38
    assert len(page["items"]) == 5


@pytest.mark.parametrize(
    ("limit", "offset", "field"),
    [
        (5, 2**63, "offset"),
        (5, 2**64 + 7, "offset"),
        (5, 1_000_001, "offset"),
        (5, -1, "offset"),
        (101, 0, "limit"),
        (0, 0, "limit"),
        (2**63, 0, "limit"),
    ],
)
def test_pagination_out_of_bounds_is_a_422_in_vietnamese(client: Client, limit: int, offset: int, field: str) -> None:
    response = client.get("/api/v1/procedures", {"limit": limit, "offset": offset})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == f"Dữ liệu không hợp lệ: {field}."
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["errors"][0]["message"].startswith(("Giá trị quá lớn.", "Giá trị quá nhỏ."))


def test_pagination_at_its_bounds(client: Client) -> None:
    assert client.get("/api/v1/procedures", {"limit": 100, "offset": 1_000_000}).json() == {"items": [], "count": 38}
    assert len(client.get("/api/v1/procedures", {"limit": 100}).json()["items"]) == 38
    assert len(client.get("/api/v1/procedures").json()["items"]) == 38  # the default page is the largest


def test_bad_filter_names_the_field(client: Client) -> None:
    response = client.get("/api/v1/procedures", {"level": "planet"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["level"]


def test_detail_has_everything_the_catalogue_knows(client: Client, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/procedures/1.001193")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Thủ tục đăng ký khai sinh"
    assert data["field"] == {"code": "ho-tich", "name": "Hộ tịch"}
    assert data["levels"] == ["commune"]
    assert {"number": "123/2015/NĐ-CP", "title": ""} in data["legal_basis"]
    assert data["results"] == [{"code": "KQ.G15.000031", "name": "Giấy khai sinh (bản chính)"}]
    assert len(data["documents"]) == 7
    assert {d["form"] for d in data["documents"]} == {"original", "present_only"}
    offering = data["offerings"][0]
    assert {c["channel"] for c in offering["channels"]} == {"counter", "online", "postal"}
    assert {c["processing_unit"] for c in offering["channels"]} == {"same_day"}
    assert [s["role"] for s in offering["templates"][0]["steps"]] == ["counter", "specialist", "leader", "counter"]
    assert len(data["offerings"]) == 5  # the five communes of the demo


def test_unknown_code_is_404_with_a_message(client: Client) -> None:
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert "9.999999" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/procedures?q=khai%00sinh", "q"),
        ("/api/v1/procedures?field=ho%00tich", "field"),
        ("/api/v1/procedures?agency=a%00", "agency"),
        ("/api/v1/procedures/1.0%0000893", "code"),
    ],
)
def test_a_nul_in_a_filter_or_a_code_is_a_422_naming_it(client: Client, path: str, field: str) -> None:
    """A NUL reached the query and PostgreSQL refused it: a 500 (schemathesis on PostgreSQL, issue 8)."""
    response = client.get(path)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_errors_it_answers_are_documented() -> None:
    """schemathesis found the list's 422 (a bad filter or page) missing from the published document (issue 8);
    both routes answer errors in the API's one error schema."""
    paths = json.loads(json.dumps(api.get_openapi_schema()))["paths"]  # as published: status codes as strings
    assert set(paths["/api/v1/procedures"]["get"]["responses"]) == {"200", "422", "429"}  # 429: rate limit
    assert set(paths["/api/v1/procedures/{code}"]["get"]["responses"]) == {"200", "404", "422"}
    for path, status in [("/api/v1/procedures", "422"), ("/api/v1/procedures/{code}", "404")]:
        content = paths[path]["get"]["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_drafts_are_not_published(client: Client) -> None:
    from motcua.catalog.models import Procedure

    Procedure.objects.filter(code="1.001193").update(status="draft")
    assert client.get("/api/v1/procedures/1.001193").status_code == 404
    assert "1.001193" not in codes(client.get("/api/v1/procedures", {"q": "khai sinh", "limit": 100}))


def test_intake_offerings_are_cached_until_the_catalogue_changes(django_assert_num_queries: Any) -> None:
    from motcua.catalog.models import Offering, OfferingChannel
    from motcua.catalog.selectors import offering_for_intake

    offering = Offering.objects.filter(procedure__code="2.001035").first()
    key = (offering.procedure.code, offering.agency.identifier)
    first = offering_for_intake(*key)
    with django_assert_num_queries(1):  # the version row only
        assert offering_for_intake(*key) is first
    OfferingChannel.objects.filter(offering=offering, channel="online").first().delete()  # a signal bumps it
    fresh = offering_for_intake(*key)
    assert fresh is not first
    assert "online" not in {c.channel for c in fresh.channels.all()}
