"""The data store on the officer's pages: offered at the counter, taken with consent, shown with its provenance
and opened in one click on the dossier's page — each file to those who may see it only."""

import pytest

from motcua.accounts.models import User
from motcua.catalog.models import Agency, Offering
from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.tests.helpers import OWNER, at, received_with_files
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.fixtures import COMMUNE
from motcua.web.store_pages import apply_offers
from motcua.web.tests.test_workbench import intake_post, logged_in


@pytest.fixture
def stored(commune: Agency, staff: dict[str, User]) -> StoredDocument:
    received_with_files(
        Offering.objects.get(procedure__code="1.001193", agency=commune), staff["counter"], at(2025, 9, 5, 9, 0)
    )
    return StoredDocument.objects.get(kind="giay-to-tuy-than")


def test_the_counter_offers_takes_and_shows_a_stored_document(
    stored: StoredDocument, staff: dict[str, User], other_commune: Agency
) -> None:
    offering = Offering.objects.get(procedure__code="2.000528", agency__name=COMMUNE)
    requirement = next(d for d in offering.procedure.documents.all() if "tùy thân" in d.name.lower())
    client = logged_in(staff["counter"])
    page = client.get(f"/workbench/intake/{offering.pk}/", {"applicant": OWNER}).content.decode()
    assert f'name="store_{requirement.pk}"' in page
    assert f'value="{stored.pk}"' in page
    assert 'name="store_consent"' in page
    preview = f"/workbench/store/{stored.pk}/?applicant={OWNER}"
    assert preview.replace("&", "&amp;") in page or preview in page
    assert client.get(preview).status_code == 200
    assert client.get(f"/workbench/store/{stored.pk}/", {"applicant": "019185000123"}).status_code == 404
    data = intake_post(offering, "store-1", applicant_id_number=OWNER)
    data.pop(f"doc_{requirement.pk}")  # not brought: taken from the store
    data |= {f"store_{requirement.pk}": str(stored.pk), "store_consent": "on"}
    response = client.post(f"/workbench/intake/{offering.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(code=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert StoreUse.objects.get(dossier=dossier).stored_document_id == stored.pk
    page = client.get(f"/workbench/dossiers/{dossier.code}/").content.decode()
    link = f"/workbench/dossiers/{dossier.code}/store/{stored.pk}/"
    assert link in page
    assert stored.dossier.code in page
    assert client.get(link).status_code == 200
    # an officer of another agency sees neither the dossier nor the document
    stranger = logged_in(User.objects.create_user("x-khac", password="x"))
    assert stranger.get(link).status_code == 404
    from motcua.dossiers.tests.fixtures import officer

    other = logged_in(officer("mc-khac2", other_commune, "counter"))
    assert other.get(link).status_code == 404
    # a document the dossier did not take is not opened through it
    untaken = StoredDocument.objects.exclude(pk=stored.pk).first()
    assert untaken is not None
    assert client.get(f"/workbench/dossiers/{dossier.code}/store/{untaken.pk}/").status_code == 404


def test_the_portal_partial_offers_only_the_citizens_own(stored: StoredDocument, commune: Agency) -> None:
    owner = User.objects.get(pk=stored.dossier.applicant_user_id) if stored.dossier.applicant_user_id else None
    offering = Offering.objects.get(procedure__code="2.000528", agency=commune)
    someone = User.objects.create_user("someone", password="x")
    assert apply_offers(someone, offering, OWNER) == []  # not theirs (neither filed by them nor verified)
    someone.identity_verified = True
    someone.personal_id_number = OWNER
    rows = apply_offers(someone, offering, OWNER)
    assert [d["id"] for row in rows for d in row["documents"]] == [stored.pk]
    assert rows[0]["documents"][0]["preview_url"] == f"/my/documents/{stored.pk}/"
    assert owner is None  # received at the counter: no account filed it
    client = logged_in(User.objects.create_user("someone-else", password="x"))
    assert client.get(f"/my/documents/{stored.pk}/").status_code == 404
