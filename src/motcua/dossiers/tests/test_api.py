"""The dossier API: intake, actions, reads; authorisation inside the query; idempotency; errors."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.accounts.services import create_api_token
from motcua.api import api as ninja_api
from motcua.catalog.models import Agency, Offering
from motcua.dossiers.api import API_ACTIONS
from motcua.dossiers.models import Dossier, DossierAction, DossierDocument, IdempotencyRecord
from motcua.dossiers.tests.fixtures import officer
from motcua.rules.lifecycle import ActionType
from motcua.rules.payloads import PAYLOADS
from motcua.rules.rating import CRITERIA

PDF = b"%PDF-1.4\n%%EOF\n"


class Api:
    """A client speaking as one user through a bearer token."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {create_api_token(user, 'test')}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: dict | None = None, key: str = "") -> Any:
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        return self.client.post(f"/api/v1{path}", body or {}, content_type="application/json", headers=headers)

    def upload(self, path: str, data: dict) -> Any:
        return self.client.post(f"/api/v1{path}", data, headers=self.headers)


def intake_body(offering: Offering, **applicant: str) -> dict[str, Any]:
    documents = offering.procedure.documents.all()
    return {
        "procedure": offering.procedure.code,
        "agency": offering.agency.identifier,
        "channel": "counter",
        "applicant": {"type": "citizen", "name": "Trần Thị Bình", "id_number": "019185000123"} | applicant,
        "checklist": [{"document_id": d.pk, "form": d.form} for d in documents if not d.condition],
    }


@pytest.fixture
def two_communes(commune: Agency, other_commune: Agency, staff: dict[str, User]) -> dict[str, Api]:
    return {
        "counter": Api(staff["counter"]),
        "specialist": Api(staff["specialist"]),
        "leader": Api(staff["leader"]),
        "other": Api(officer("other-counter", other_commune, "counter", "specialist", "leader")),
    }


def test_full_path_over_http(commune: Agency, two_communes: dict[str, Api]) -> None:
    api = two_communes
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    created = api["counter"].post("/dossiers", intake_body(offering))
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert set(created.json()["allowed_actions"]) == {
        "refuse",
        "request_supplement",
        "forward",
        "record_payment",
        "withdraw",
    }  # not "stop": the head of the resolving agency stops a dossier, not the desk (Circular 03/2025 Art. 7)
    assert api["counter"].post(f"/dossiers/{code}/actions/forward").status_code == 200
    assert api["specialist"].post(f"/dossiers/{code}/actions/forward").status_code == 200
    assert api["leader"].post(f"/dossiers/{code}/actions/approve").status_code == 200
    uploaded = api["counter"].upload(f"/dossiers/{code}/documents", {"file": _pdf(), "kind": "result"})
    assert uploaded.status_code == 201, uploaded.content
    document = uploaded.json()["id"]
    assert api["counter"].post(f"/dossiers/{code}/actions/record_result", {"documents": [document]}).status_code == 200
    assert api["counter"].post(f"/dossiers/{code}/actions/mark_result_ready").status_code == 200
    done = api["counter"].post(f"/dossiers/{code}/actions/return_result")
    assert done.status_code == 200
    data = done.json()
    assert (data["status"], data["national_status"]) == ("returned", 10)
    assert [a["type"] for a in data["actions"]] == [
        "receive",
        "forward",
        "forward",
        "approve",
        "record_result",
        "mark_result_ready",
        "return_result",
    ]
    assert len(data["steps"]) == 4
    download = api["counter"].client.get(
        f"/api/v1/dossiers/{code}/documents/{document}", headers=api["counter"].headers
    )
    assert download.status_code == 200
    assert download.content == PDF


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")


#: Dossier routes without a dossier in their path: they are covered by the list assertions below and by
#: :func:`test_someone_elses_agency_cannot_open_a_dossier_there`.
ROUTES_WITHOUT_A_DOSSIER = {
    ("get", "/api/v1/dossiers"),
    # the caller's own dossiers (portal): scoped to ``applicant_user``, checked in ``portal/tests/test_api.py``
    ("get", "/api/v1/me/dossiers"),
    ("post", "/api/v1/dossiers"),
    ("post", "/api/v1/dossiers/upload"),
    # the service index's drill-down: a list inside ``visible_dossiers`` for leaders and monitors only, its scope
    # checked in ``metrics/tests`` (another agency's leader is refused, and lists none of the dossiers)
    ("get", "/api/v1/metrics/service-index/{indicator}/dossiers"),
}


def example_body(path: str, document: int) -> dict[str, Any]:
    """A body every action route accepts (its typed payload's fields, filled): a refusal must then come
    from the dossier's scope, not from validation."""
    values = {
        "reasons": ["x"],
        "missing": ["x"],
        "reason": "x",
        "new_appointment": "2030-01-01T08:00:00+07:00",
        "amount_vnd": 1000,
        "documents": [document],
    }
    action = path.rsplit("/", 1)[-1]
    if path.endswith("/rating"):  # the applicant's evaluation (portal): a complete one
        return {"scores": {key: 2 for key, _label in CRITERIA}, "satisfaction": "satisfied"}
    if path.endswith("/payments"):
        return {"provider": "vnpay"}  # the payments app's start (issue 11): valid, so only the scope can refuse
    if "/actions/" not in path:
        return {}
    fields = PAYLOADS[ActionType(action)].model_fields
    return {name: value for name, value in values.items() if name in fields}


def _dossier_routes() -> list[tuple[str, str]]:
    """Every (method, path) of the live OpenAPI schema that reads or changes dossiers."""
    paths = ninja_api.get_openapi_schema()["paths"]
    return sorted((method, path) for path, ops in paths.items() if "/dossiers" in path for method in ops)


def test_officers_of_two_agencies_never_see_each_others_dossiers(
    commune: Agency, other_commune: Agency, two_communes: dict[str, Api]
) -> None:
    """Walks every dossier route of the schema — one per action type — as officers of two agencies (a new
    route is walked without editing this test): each finds the other's dossier absent (404), and nothing is
    written."""
    api = two_communes
    mine = api["counter"].post(
        "/dossiers", intake_body(Offering.objects.get(procedure__code="2.001035", agency=commune))
    )
    theirs = api["other"].post(
        "/dossiers", intake_body(Offering.objects.get(procedure__code="2.001035", agency=other_commune))
    )
    mine_code, their_code = mine.json()["code"], theirs.json()["code"]
    documents = {
        code: owner.upload(f"/dossiers/{code}/documents", {"file": _pdf()}).json()["id"]
        for code, owner in ((mine_code, api["counter"]), (their_code, api["other"]))
    }
    routes = _dossier_routes()
    with_a_dossier = [(method, path) for method, path in routes if "{code}" in path]
    assert set(routes) - set(with_a_dossier) == ROUTES_WITHOUT_A_DOSSIER
    action_routes = {path.rsplit("/", 1)[-1] for _, path in with_a_dossier if "/actions/" in path}
    assert action_routes == {kind.value for kind in API_ACTIONS}
    actions_before, documents_before = DossierAction.objects.count(), DossierDocument.objects.count()
    walked = 0
    for who, foreign in (("counter", their_code), ("specialist", their_code), ("other", mine_code)):
        client = api[who]
        listed = [d["code"] for d in client.get("/dossiers").json()["items"]]
        assert foreign not in listed
        assert client.get("/dossiers", q=foreign).json()["items"] == []
        for method, path in with_a_dossier:
            url = path.removeprefix("/api/v1").replace("{code}", foreign)
            url = url.replace("{document_id}", str(documents[foreign]))
            if method == "get":
                response = client.get(url)
            elif url.endswith("/documents"):
                response = client.upload(url, {"file": _pdf()})
            else:
                response = client.post(url, example_body(path, documents[foreign]))
            assert response.status_code == 404, (who, method, url, response.content)
            walked += 1
    assert walked == 3 * len(with_a_dossier)
    assert [d["code"] for d in api["counter"].get("/dossiers").json()["items"]] == [mine_code]
    assert [d["code"] for d in api["other"].get("/dossiers").json()["items"]] == [their_code]
    # nothing was written by the refused attempts
    assert (DossierAction.objects.count(), DossierDocument.objects.count()) == (actions_before, documents_before)


def test_someone_elses_agency_cannot_open_a_dossier_there(commune: Agency, two_communes: dict[str, Api]) -> None:
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    response = two_communes["other"].post("/dossiers", intake_body(offering))
    assert response.status_code == 403
    assert Dossier.objects.count() == 0


def test_refused_action_is_409_with_a_reason(commune: Agency, two_communes: dict[str, Api]) -> None:
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    code = two_communes["counter"].post("/dossiers", intake_body(offering)).json()["code"]
    response = two_communes["counter"].post(f"/dossiers/{code}/actions/return_result")
    assert response.status_code == 409
    assert "Đã trả kết quả" not in response.json()["detail"]
    assert "Được tiếp nhận" in response.json()["detail"]
    refused_without_reason = two_communes["counter"].post(f"/dossiers/{code}/actions/refuse")
    assert refused_without_reason.status_code == 422  # the refusal's payload needs its reasons: bad input
    assert [e["field"] for e in refused_without_reason.json()["errors"]] == ["reasons"]
    assert DossierAction.objects.count() == 1


def test_bad_input_is_422_and_writes_nothing(commune: Agency, two_communes: dict[str, Api]) -> None:
    offering = Offering.objects.get(procedure__code="1.001193", agency=commune)
    body = intake_body(offering)
    body["checklist"] = body["checklist"][:1]
    missing = two_communes["counter"].post("/dossiers", body)
    assert missing.status_code == 422
    assert missing.json()["field"] == "checklist"
    bad_id = two_communes["counter"].post("/dossiers", intake_body(offering, id_number="0191"))
    assert (bad_id.status_code, bad_id.json()["field"]) == (422, "applicant.id_number")
    unknown = two_communes["counter"].post("/dossiers", intake_body(offering) | {"procedure": "9.999999"})
    assert unknown.status_code == 422
    assert Dossier.objects.count() == 0


def test_idempotency_key_replays_the_first_response(commune: Agency, two_communes: dict[str, Api]) -> None:
    api = two_communes["counter"]
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    first = api.post("/dossiers", intake_body(offering), key="abc-1")
    again = api.post("/dossiers", intake_body(offering), key="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Dossier.objects.count() == 1
    code = first.json()["code"]
    forward = api.post(f"/dossiers/{code}/actions/forward", key="abc-2")
    replay = api.post(f"/dossiers/{code}/actions/forward", key="abc-2")
    assert forward.json() == replay.json()
    assert DossierAction.objects.count() == 2
    reused = api.post(f"/dossiers/{code}/actions/withdraw", {"reason": "x"}, key="abc-2")
    assert reused.status_code == 422
    assert IdempotencyRecord.objects.count() == 2


def test_cursor_pagination(commune: Agency, two_communes: dict[str, Api]) -> None:
    api = two_communes["counter"]
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    codes = [api.post("/dossiers", intake_body(offering)).json()["code"] for _ in range(5)]
    page = api.get("/dossiers", limit=2).json()
    seen = [d["code"] for d in page["items"]]
    while page["next_cursor"]:
        page = api.get("/dossiers", limit=2, cursor=page["next_cursor"]).json()
        seen += [d["code"] for d in page["items"]]
    assert seen == list(reversed(codes))
    assert api.get("/dossiers", cursor="!!!").status_code == 422


def test_deadline_colour(commune: Agency, staff: dict[str, User], two_communes: dict[str, Api]) -> None:
    offering = Offering.objects.get(procedure__code="2.001035", agency=commune)
    code = two_communes["counter"].post("/dossiers", intake_body(offering)).json()["code"]
    assert two_communes["counter"].get(f"/dossiers/{code}").json()["deadline"] in {"green", "amber"}
    Dossier.objects.filter(code=code).update(due_at=timezone.now() - timedelta(hours=1))
    assert two_communes["counter"].get(f"/dossiers/{code}").json()["deadline"] == "red"


def test_anonymous_requests_are_refused(client: Client) -> None:
    assert client.get("/api/v1/dossiers").status_code == 401
    assert client.post("/api/v1/dossiers", {}, content_type="application/json").status_code == 401
