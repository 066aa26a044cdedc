"""The citizen's API: who am I, my dossiers, online filing with the citizen's own token, the rating — each
citizen sees and acts on their own only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.plans import terms_of
from motcua.dossiers.services import perform
from motcua.dossiers.tests.fixtures import offering_of
from motcua.dossiers.tests.test_api import Api
from motcua.portal.models import Rating
from motcua.rules.lifecycle import ActionType
from motcua.rules.rating import CRITERIA

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def citizen(username: str, number: str, verified: bool = True) -> User:
    return User.objects.create_user(
        username, password="x", full_name=f"Công dân {username}", personal_id_number=number, identity_verified=verified
    )


def file_online(api: Api, commune: Any, number: str) -> Any:
    offering = offering_of("2.001035", commune)
    body = {
        "procedure": "2.001035",
        "agency": commune.identifier,
        "channel": "online",
        "applicant": {"type": "citizen", "name": "Nguyễn Văn An", "id_number": number},
        "result_delivery": "post",
    }
    documents = [
        d for d in terms_of(offering, "online").data["documents"] if not d["condition"] and d["form"] != "present_only"
    ]
    files = {
        f"doc_{d['id']}": SimpleUploadedFile(f"{d['id']}.pdf", PDF, content_type="application/pdf") for d in documents
    }
    return api.upload("/dossiers/upload", {"data": json.dumps(body), **files})


@pytest.fixture
def two_citizens(db: None) -> dict[str, Api]:
    return {"an": Api(citizen("an", "019090000123")), "binh": Api(citizen("binh", "019190001234", verified=False))}


def test_me_says_who_and_whether_identity_verified(two_citizens: dict[str, Api]) -> None:
    an = two_citizens["an"].get("/me").json()
    assert (an["full_name"], an["personal_id_number"], an["identity_verified"]) == ("Công dân an", "019090000123", True)
    assert two_citizens["binh"].get("/me").json()["identity_verified"] is False


def test_me_needs_a_sign_in(db: None) -> None:
    from django.test import Client

    answer = Client().get("/api/v1/me")
    assert answer.status_code == 401


def test_online_filing_with_the_citizens_token_and_my_dossiers(
    two_citizens: dict[str, Api], commune: Any, staff: Any
) -> None:
    created = file_online(two_citizens["an"], commune, "019090000123")
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    dossier = Dossier.objects.get(code=code)
    assert (dossier.channel, dossier.status, dossier.result_delivery) == ("online", "submitted", "post")
    assert dossier.applicant_identity_verified
    other = file_online(two_citizens["binh"], commune, "019190001234").json()["code"]
    mine = two_citizens["an"].get("/me/dossiers").json()
    assert [d["code"] for d in mine["items"]] == [code]
    assert [d["code"] for d in two_citizens["binh"].get("/me/dossiers").json()["items"]] == [other]
    # officers' list of the agency is not the citizen's: the citizen's "/dossiers" lists their own only
    assert [d["code"] for d in two_citizens["an"].get("/dossiers").json()["items"]] == [code]
    assert two_citizens["an"].get(f"/dossiers/{other}").status_code == 404


def test_rating_through_the_api_once_and_own_only(two_citizens: dict[str, Api], commune: Any, staff: Any) -> None:
    code = file_online(two_citizens["an"], commune, "019090000123").json()["code"]
    body = {"scores": {key: 1 for key, _label in CRITERIA}, "satisfaction": "satisfied"}
    assert two_citizens["an"].post(f"/dossiers/{code}/rating", body).status_code == 409  # not finished yet
    dossier = Dossier.objects.get(code=code)
    perform(dossier, ActionType.WITHDRAW, user=User.objects.get(username="an"), payload={"reason": "Nộp nhầm"})
    assert two_citizens["binh"].post(f"/dossiers/{code}/rating", body).status_code == 404
    assert Api(staff["counter"]).post(f"/dossiers/{code}/rating", body).status_code == 403  # sees it, not theirs
    answer = two_citizens["an"].post(f"/dossiers/{code}/rating", body)
    assert answer.status_code == 201, answer.content
    assert (answer.json()["total"], answer.json()["satisfaction"]) == (9, "satisfied")
    assert two_citizens["an"].post(f"/dossiers/{code}/rating", body).status_code == 409
    assert Rating.objects.count() == 1
    bad = two_citizens["an"].post(f"/dossiers/{code}/rating", {"scores": {"attitude": 3}, "satisfaction": "satisfied"})
    assert bad.status_code in (409, 422)
