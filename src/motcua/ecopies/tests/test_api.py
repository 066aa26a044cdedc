"""The e-copies API: a counter officer certifies (202, signed later), lists their agency's copies only."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.fixtures import staff_of
from motcua.dossiers.tests.test_api import Api
from motcua.ecopies.models import CertifiedCopy
from motcua.ecopies.tests.helpers import KIND, OWNER, scan_upload

pytestmark = pytest.mark.django_db


def _post(api: Api, key: str, **fields: object):
    data = {
        "agency": fields.pop("agency"),
        "owner_number": OWNER,
        "owner_name": "Lê Thị Cúc",
        "kind": KIND,
        "matches_original": "true",
        "file": scan_upload(),
    } | fields
    return api.client.post("/api/v1/ecopies", data, headers=api.headers | ({"Idempotency-Key": key} if key else {}))


def test_a_counter_officer_certifies_and_lists_their_agency_only(signing_settings, commune, staff, other_commune):
    api, other = Api(staff["counter"]), Api(staff_of(other_commune, "qt-")["counter"])
    answer = _post(api, "a-1", agency=commune.pk)
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert (body["status"], body["owner_number"], body["agency"], body["download_url"]) == (
        "pending",
        OWNER,
        commune.identifier,
        None,
    )
    assert _post(api, "a-1", agency=commune.pk).json()["id"] == body["id"]  # the same key: the same copy
    assert [c["id"] for c in api.get("/ecopies").json()] == [body["id"]]
    assert other.get("/ecopies").json() == []
    assert other.get(f"/ecopies/{body['id']}/file").status_code == 404
    assert api.get(f"/ecopies/{body['id']}/file").status_code == 404  # not signed yet
    assert CertifiedCopy.objects.count() == 1


def test_refusals_say_why(signing_settings, commune, staff, other_commune):
    api = Api(staff["counter"])
    assert _post(api, "b-1", agency=other_commune.pk).status_code == 403
    unconfirmed = _post(api, "b-2", agency=commune.pk, matches_original="false")
    assert unconfirmed.status_code == 422
    assert "bản chính" in unconfirmed.json()["detail"]
    assert _post(api, "", agency=commune.pk).status_code == 422  # no Idempotency-Key
    assert Api(staff["specialist"]).get("/ecopies").json() == []
    assert not CertifiedCopy.objects.exists()
