"""``GET /me/documents`` and online filing naming a stored document: a citizen sees and names only their own."""

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.catalog.models import Agency, Offering
from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.tests.helpers import OWNER, PDF
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.test_api import Api

BIRTH, FOREIGN_BIRTH = "1.001193", "2.000528"


def _online_body(offering: Offering, id_number: str, store: dict[int, int] | None = None) -> dict[str, Any]:
    store = store or {}
    documents = [d for d in offering.procedure.documents.all() if not d.condition]
    return {
        "procedure": offering.procedure.code,
        "agency": offering.agency.identifier,
        "channel": "online",
        "applicant": {"type": "citizen", "name": "Nguyễn Văn An", "id_number": id_number},
        "checklist": [
            {"document_id": d.pk, "form": d.form, **({"store_document": store[d.pk]} if d.pk in store else {})}
            for d in documents
        ],
        "store_consent": bool(store),
    }


def _file_online(api: Api, offering: Offering, id_number: str, store: dict[int, int] | None = None) -> Any:
    body = _online_body(offering, id_number, store)
    files = {
        f"doc_{item['document_id']}": SimpleUploadedFile(
            "a.pdf", PDF + str(item["document_id"]).encode(), "application/pdf"
        )
        for item in body["checklist"]
        if "store_document" not in item
    }
    return api.upload("/dossiers/upload", {"data": json.dumps(body), **files})


def test_my_documents_and_filing_with_a_stored_document(commune: Agency, staff: dict[str, User]) -> None:
    citizen = Api(User.objects.create_user("an", password="x"))
    stranger = Api(User.objects.create_user("binh", password="x"))
    counter = Api(staff["counter"])
    first = _file_online(citizen, Offering.objects.get(procedure__code=BIRTH, agency=commune), OWNER)
    assert first.status_code == 201, first.content
    code = first.json()["code"]
    assert citizen.get("/me/documents").json() == {"items": []}  # nothing accepted yet
    assert counter.post(f"/dossiers/{code}/actions/accept", {}).status_code == 200

    mine = citizen.get("/me/documents")
    assert mine.status_code == 200
    items = mine.json()["items"]
    assert {i["provenance"]["dossier"] for i in items} == {code}
    identity = next(i for i in items if i["kind"] == "giay-to-tuy-than")
    assert identity["provenance"]["source"] == "accepted"
    assert identity["provenance"]["agency"]["identifier"] == commune.identifier
    assert identity["provenance"]["signature_status"] == ""
    assert identity["valid_until"] is None
    assert stranger.get("/me/documents").json() == {"items": []}
    assert citizen.get(f"/me/documents/{identity['id']}/file").status_code == 200
    assert stranger.get(f"/me/documents/{identity['id']}/file").status_code == 404

    target = Offering.objects.get(procedure__code=FOREIGN_BIRTH, agency=commune)
    requirement = next(d.pk for d in target.procedure.documents.all() if "tùy thân" in d.name.lower())
    # the stranger cannot name it, even for the same applicant number
    refused = _file_online(stranger, target, OWNER, {requirement: identity["id"]})
    assert refused.status_code == 403, refused.content
    # without consent: refused
    body = _online_body(target, OWNER, {requirement: identity["id"]}) | {"store_consent": False}
    assert citizen.post("/dossiers", body).status_code == 422
    taken = _file_online(citizen, target, OWNER, {requirement: identity["id"]})
    assert taken.status_code == 201, taken.content
    dossier = Dossier.objects.get(code=taken.json()["code"])
    use = StoreUse.objects.get(dossier=dossier)
    assert (use.required_document_id, use.stored_document_id, use.consent_channel) == (
        requirement,
        identity["id"],
        "online",
    )
    assert StoredDocument.objects.filter(dossier=dossier).count() == 0  # not accepted yet
