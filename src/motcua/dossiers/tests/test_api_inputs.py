"""Issue 8: what a fuzzer sent to the dossier API and got a server error for (or got accepted wrongly).

Each input must be answered as bad input (422, a Vietnamese message, nothing written) or, when valid,
done — never a 500. The published OpenAPI must say what the server does (the ``Idempotency-Key``
header on every write), and one idempotency mechanism must give every concurrent replay the first answer.
"""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from motcua.accounts.models import User
from motcua.api import api as ninja_api
from motcua.catalog.models import Agency, Offering
from motcua.dossiers.models import Dossier, DossierAction, IdempotencyRecord
from motcua.dossiers.tests.test_api import Api, intake_body
from motcua.validation import UNREADABLE_JSON

HUGE = 2**63


@pytest.fixture
def counter(commune: Agency, staff: dict[str, User]) -> Api:
    return Api(staff["counter"])


@pytest.fixture
def code(commune: Agency, counter: Api) -> str:
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    created = counter.post("/dossiers", intake_body(offering))
    assert created.status_code == 201, created.content
    return created.json()["code"]


def raw_post(api: Api, path: str, body: str) -> Any:
    return api.client.post(f"/api/v1{path}", body, content_type="application/json", headers=api.headers)


def test_a_payment_is_recorded_through_the_api(code: str, counter: Api) -> None:
    response = counter.post(f"/dossiers/{code}/actions/record_payment", {"amount_vnd": 50000, "receipt_number": "BL1"})
    assert response.status_code == 200, response.content
    assert response.json()["actions"][-1]["payload"] == {"amount_vnd": 50000, "receipt_number": "BL1"}


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("record_result", {"documents": [HUGE]}, "documents.0"),
        ("record_payment", {"amount_vnd": HUGE}, "amount_vnd"),
        ("send_back", {"reason": "x", "to_position": HUGE}, "to_position"),
        ("apologise", {"reason": "x", "new_appointment": "2030-01-01T08:00:00"}, "new_appointment"),
        ("refuse", {"reasons": ["x" * 1_000_001]}, "reasons.0"),
        ("refuse", {"reasons": ["x"] * 51}, "reasons"),
        ("refuse", {"reasons": ["có ký tự \x00"]}, "reasons.0"),
        ("withdraw", {"reason": "x", "unknown": 1}, "unknown"),
    ],
)
def test_bad_action_bodies_are_422_and_write_nothing(
    code: str, counter: Api, action: str, body: dict[str, Any], field: str
) -> None:
    before = DossierAction.objects.count()
    response = counter.post(f"/dossiers/{code}/actions/{action}", body)
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert DossierAction.objects.count() == before


@pytest.mark.parametrize("body", ["null", "[]", "[1, 2]", "42", '"forward"', "true"])
def test_an_action_body_that_is_not_an_object_does_not_perform_the_action(code: str, counter: Api, body: str) -> None:
    response = raw_post(counter, f"/dossiers/{code}/actions/forward", body)
    assert response.status_code == 422, (body, response.content)
    assert DossierAction.objects.count() == 1


@pytest.mark.parametrize("name", ["Nguyễn\x00Văn An", "Nguyễn \ud800 An", "Trần\x1bThị"])
def test_control_characters_in_an_applicant_are_refused(commune: Agency, counter: Api, name: str) -> None:
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    body = intake_body(offering, name=name)
    response = raw_post(counter, "/dossiers", json.dumps(body))
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "applicant.name"
    assert Dossier.objects.count() == 0


def test_numbers_beyond_a_database_integer_are_refused(commune: Agency, code: str, counter: Api) -> None:
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    body = intake_body(offering)
    body["checklist"][0]["document_id"] = HUGE
    assert counter.post("/dossiers", body).status_code == 422
    cursor = base64.urlsafe_b64encode(f"id:{HUGE}".encode()).decode().rstrip("=")
    assert counter.get("/dossiers", cursor=cursor).status_code == 422
    assert counter.get(f"/dossiers/{code}/documents/{HUGE}").status_code == 422
    assert Dossier.objects.count() == 1


def test_every_write_publishes_the_idempotency_key_header() -> None:
    schema = ninja_api.get_openapi_schema()
    writes = [
        (path, operation)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/dossiers")
        for method, operation in operations.items()
        if method == "post" and not path.endswith("/documents")
    ]
    assert len(writes) > 10
    for path, operation in writes:
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], path
        assert {"401", "403", "404", "409", "422"} <= {str(s) for s in operation["responses"]} or path in {
            "/api/v1/dossiers",
            "/api/v1/dossiers/upload",
        }, path


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_one_action_all_get_the_first_answer(commune: Agency, staff: dict[str, User]) -> None:
    """20 threads send the same action with the same key at once (PostgreSQL, real concurrency): exactly one
    action is written and every thread gets the first response — never a 403 from acting on the state the
    first one left."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite serialises writers")
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    code = Api(staff["counter"]).post("/dossiers", intake_body(offering)).json()["code"]
    headers = Api(staff["counter"]).headers | {"Idempotency-Key": "same-key"}
    barrier = threading.Barrier(20)
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def send() -> None:
        client = Client()
        barrier.wait()
        try:
            response = client.post(
                f"/api/v1/dossiers/{code}/actions/forward", {}, content_type="application/json", headers=headers
            )
            with lock:
                answers.append((response.status_code, response.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 20
    assert {status for status, _ in answers} == {200}
    assert len({content for _, content in answers}) == 1
    assert DossierAction.objects.filter(dossier__code=code, type="forward").count() == 1
    assert IdempotencyRecord.objects.filter(key="same-key").count() == 1


# --------------------------------------------------------------------------------------------------
# what django-ninja answers itself, in English, said again in Vietnamese (schemathesis, issue 8)


def test_a_method_the_path_does_not_take_is_a_405_in_json_and_vietnamese(code: str, counter: Api) -> None:
    for method, path, allowed in [
        ("put", "/dossiers", {"GET", "POST"}),
        ("delete", f"/dossiers/{code}", {"GET"}),
        ("get", f"/dossiers/{code}/actions/forward", {"POST"}),
        ("patch", "/calendar/due", {"POST"}),
    ]:
        response = getattr(counter.client, method)(f"/api/v1{path}", headers=counter.headers)
        assert response.status_code == 405, (method, path)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Allow"] == ", ".join(sorted(allowed))
        assert response.json()["detail"].startswith(f"Địa chỉ này không nhận phương thức {method.upper()}")


def test_a_missing_or_unknown_token_is_a_401_in_vietnamese(client: Client, db: None) -> None:
    for headers in [{}, {"Authorization": "Bearer mc_not-a-token"}]:
        response = client.get("/api/v1/dossiers", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Cần xác thực")  # ninja's own: "Unauthorized"


def test_an_action_body_that_is_not_json_is_a_400_in_vietnamese(code: str, counter: Api) -> None:
    response = raw_post(counter, f"/dossiers/{code}/actions/forward", '{"note": ')
    assert response.status_code == 400
    assert response.json() == {"detail": str(UNREADABLE_JSON)}
    assert DossierAction.objects.count() == 1


def test_a_document_the_dossier_does_not_have_is_a_404_naming_it(code: str, counter: Api) -> None:
    response = counter.get(f"/dossiers/{code}/documents/{2**53 - 1}")
    assert response.status_code == 404
    assert response.json()["detail"] == f"Hồ sơ “{code}” không có tệp số {2**53 - 1}."  # ninja's own: "Not Found"


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("get", "/dossiers?agency=a%00", "agency"),
        ("get", "/dossiers?procedure=a%00", "procedure"),
        ("get", "/dossiers?q=a%00b", "q"),
        ("get", "/dossiers/{code}%00", "code"),
        ("get", "/dossiers/{code}%00/documents/1", "code"),
        ("post", "/dossiers/{code}%00/actions/forward", "code"),
    ],
)
def test_a_nul_in_a_path_or_a_filter_is_a_422_naming_it(
    code: str, counter: Api, method: str, path: str, field: str
) -> None:
    """A NUL reached the query and PostgreSQL refused it: a 500 (schemathesis on PostgreSQL, issue 8)."""
    url = "/api/v1" + path.replace("{code}", code)
    response = getattr(counter.client, method)(url, headers=counter.headers, content_type="application/json")
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert response.json()["errors"][0]["type"] == "forbidden_characters"


@pytest.mark.parametrize("field", ["procedure", "agency"])
def test_a_nul_in_the_procedure_or_agency_of_an_intake_is_a_422(commune: Agency, counter: Api, field: str) -> None:
    body = intake_body(Offering.objects.get(procedure__code="2.001035", agency=commune)) | {field: "2.0\x0001035"}
    response = counter.post("/dossiers", body)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert Dossier.objects.count() == 0


def test_a_nul_in_the_idempotency_key_is_a_422(code: str, counter: Api) -> None:
    headers = counter.headers | {"Idempotency-Key": "key\x00"}
    response = counter.client.post(
        f"/api/v1/dossiers/{code}/actions/forward", {}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["Idempotency-Key"]
    assert DossierAction.objects.count() == 1
