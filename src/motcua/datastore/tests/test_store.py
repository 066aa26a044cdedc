"""The store filled by the log's actions, offered at application, taken with consent, rebuilt from the log."""

from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.catalog.models import Agency, RequiredDocument
from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.selectors import my_documents, offers_for_offering
from motcua.datastore.tests.helpers import OWNER, at, pdf, received_with_files, resolved
from motcua.dossiers.models import DossierAction
from motcua.dossiers.services import Applicant, ChecklistItem, Intake, InvalidInput, NotPermitted, open_dossier, perform
from motcua.dossiers.tests.fixtures import offering_of
from motcua.dossiers.wallet_rebuild import differing_store, rebuild_store
from motcua.integrations.contrib.national_portal.snapshot import snapshot_of
from motcua.metrics.models import DailyCount
from motcua.rules.lifecycle import ActionType
from motcua.rules.national_portal import dossier_record

BIRTH = "1.001193"  # đăng ký khai sinh: identity paper required; result a birth certificate
MARRIAGE = "2.000528"  # khai sinh có yếu tố nước ngoài: identity paper required


def identity_requirement(code: str) -> RequiredDocument:
    return next(d for d in RequiredDocument.objects.filter(procedure__code=code) if "tùy thân" in d.name.lower())


@pytest.fixture
def citizen(db: Any) -> User:
    user = User.objects.create_user("citizen", password="x", full_name="Nguyễn Văn An")
    user.identity_verified = True  # the accounts of issue 10 add these fields; until then, attributes
    user.personal_id_number = OWNER
    return user


def test_accepted_documents_and_results_enter_the_owners_store(commune: Agency, staff: dict[str, User]) -> None:
    dossier = received_with_files(offering_of(BIRTH, commune), staff["counter"], at(2025, 9, 5, 9, 0))
    stored = {s.document_id: s for s in StoredDocument.objects.filter(dossier=dossier)}
    files = list(dossier.documents.all())
    assert set(stored) == {f.pk for f in files}  # every accepted file, kind or not
    identity = identity_requirement(BIRTH)
    by_requirement = {f.required_document_id: stored[f.pk] for f in files}
    row = by_requirement[identity.pk]
    assert (row.owner_number, row.kind, row.source, row.agency_id) == (
        OWNER,
        "giay-to-tuy-than",
        "accepted",
        commune.pk,
    )
    assert row.sha256 == next(f.sha256 for f in files if f.pk == row.document_id)
    assert row.valid_until is None
    assert row.signature_status == ""
    resolved(dossier, staff, at(2025, 9, 5, 10, 0))
    result = StoredDocument.objects.get(dossier=dossier, source="result")
    assert (result.kind, result.owner_number, result.agency_id) == (
        "giay-khai-sinh",
        OWNER,
        dossier.resolving_agency_id,
    )
    assert differing_store() == ({}, set())


def test_counter_reuse_with_consent_counts_and_feeds_the_portal(commune: Agency, staff: dict[str, User]) -> None:
    received_with_files(offering_of(BIRTH, commune), staff["counter"], at(2025, 9, 5, 9, 0))
    marriage = offering_of(MARRIAGE, commune)
    offered = offers_for_offering(OWNER, marriage, today=at(2025, 9, 8).date())
    identity = identity_requirement(MARRIAGE)
    assert [(o.requirement_id, o.kind) for o in offered] == [(identity.pk, "giay-to-tuy-than")]
    stored = offered[0].documents[0]
    documents = [d for d in marriage.procedure.documents.all() if not d.condition]
    checklist = [
        ChecklistItem(d.pk, d.form, store_document=stored.pk if d.pk == identity.pk else None) for d in documents
    ]
    applicant = Applicant("citizen", "Nguyễn Văn An", OWNER)
    intake = Intake(offering=marriage, channel="counter", applicant=applicant, checklist=checklist)
    with pytest.raises(InvalidInput):  # no consent recorded
        open_dossier(intake, user=staff["counter"], at=at(2025, 9, 8, 9, 0))
    intake.store_consent = True
    dossier = open_dossier(intake, user=staff["counter"], at=at(2025, 9, 8, 9, 0))
    use = StoreUse.objects.get(dossier=dossier)
    assert (use.stored_document_id, use.required_document_id, use.consent_channel) == (
        stored.pk,
        identity.pk,
        "counter",
    )
    opening = DossierAction.objects.get(dossier=dossier, seq=1).payload
    assert opening["reused_documents"] == [identity.pk]
    assert opening["store_documents"][0]["stored_document"] == stored.pk
    counts = dict(DailyCount.objects.filter(day=at(2025, 9, 8).date(), agency=commune).values_list("metric", "value"))
    assert counts["reused"] == 1
    assert counts["data_store_connected"] == 1
    # the portal's record says the requirement was taken from the store (RULES §10, TaiLieuNop)
    record = dossier_record(snapshot_of(dossier))
    rows = {row["MaThanhPhanHoSo"]: row for row in record["TaiLieuNop"]}
    taken = rows[str(identity.pk)]
    assert (taken["DuocTaiSuDung"], taken["DuocLayTuKhoDMQG"], taken["TepDinhKemId"]) == (1, 1, f"kho-{identity.pk}")
    assert all(row["DuocTaiSuDung"] == 0 for key, row in rows.items() if key != str(identity.pk))
    # another applicant's stored document is refused (403) at the counter too
    other = Applicant("citizen", "Trần Thị Bình", "019185000123")
    refused = Intake(offering=marriage, channel="counter", applicant=other, checklist=checklist, store_consent=True)
    with pytest.raises(NotPermitted):
        open_dossier(refused, user=staff["counter"], at=at(2025, 9, 8, 9, 30))


def test_a_citizen_names_only_their_own_and_of_the_right_kind(
    commune: Agency, staff: dict[str, User], citizen: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = received_with_files(offering_of(BIRTH, commune), staff["counter"], at(2025, 9, 5, 9, 0))
    theirs = received_with_files(offering_of(BIRTH, commune), staff["counter"], at(2025, 9, 5, 9, 5), "019185000123")
    assert {d.owner_number for d in my_documents(citizen)} == {OWNER}
    marriage = offering_of(MARRIAGE, commune)
    identity = identity_requirement(MARRIAGE)
    mine_id = StoredDocument.objects.get(dossier=mine, kind="giay-to-tuy-than").pk
    theirs_id = StoredDocument.objects.get(dossier=theirs, kind="giay-to-tuy-than").pk
    wrong_kind = StoredDocument.objects.filter(dossier=mine).exclude(kind="giay-to-tuy-than").first()

    def online(store_document: int) -> Intake:
        documents = [d for d in marriage.procedure.documents.all() if not d.condition]
        files = {d.pk: [pdf()] for d in documents if d.pk != identity.pk and d.form != "present"}
        checklist = [ChecklistItem(identity.pk, identity.form, store_document=store_document)]
        applicant = Applicant("citizen", "Nguyễn Văn An", OWNER)
        return Intake(marriage, "online", applicant, checklist=checklist, files=files, store_consent=True)

    with pytest.raises(NotPermitted):
        open_dossier(online(theirs_id), user=citizen, at=at(2025, 9, 8, 9, 0))
    if wrong_kind is not None:
        with pytest.raises((InvalidInput, NotPermitted)):
            open_dossier(online(wrong_kind.pk), user=citizen, at=at(2025, 9, 8, 9, 0))
    dossier = open_dossier(online(mine_id), user=citizen, at=at(2025, 9, 8, 9, 0))
    assert dossier.status == "submitted"
    assert StoreUse.objects.get(dossier=dossier).consent_channel == "online"
    perform(dossier, ActionType.ACCEPT, user=staff["counter"], at=at(2025, 9, 8, 10, 0))
    counts = dict(DailyCount.objects.filter(day=at(2025, 9, 8).date(), agency=commune).values_list("metric", "value"))
    assert counts["reused"] == 1
    assert counts["received"] == 1


def test_rebuild_restores_a_lost_store(commune: Agency, staff: dict[str, User]) -> None:
    dossier = resolved(
        received_with_files(offering_of(BIRTH, commune), staff["counter"], at(2025, 9, 5, 9, 0)),
        staff,
        at(2025, 9, 5, 10, 0),
    )
    before = set(StoredDocument.objects.values_list("document_id", "kind", "source", "owner_number"))
    kinded = set(StoredDocument.objects.exclude(kind="").values_list("document_id", flat=True))
    assert len(kinded) == 2  # the identity paper and the birth certificate issued
    StoredDocument.objects.filter(dossier=dossier, source="result").delete()
    StoredDocument.objects.filter(dossier=dossier).update(kind="")
    wrong, extra = differing_store()
    assert set(wrong) == kinded
    assert extra == set()
    assert rebuild_store() == 2
    assert set(StoredDocument.objects.values_list("document_id", "kind", "source", "owner_number")) == before
    assert differing_store() == ({}, set())


def test_a_stored_document_is_chosen_at_intake_only(commune: Agency, staff: dict[str, User], citizen: User) -> None:
    """The desk's checklist when it accepts a registered dossier cannot name one: the choice, and the consent,
    belong to the opening action."""
    source = received_with_files(offering_of(BIRTH, commune), staff["counter"], at(2025, 9, 5, 9, 0))
    stored = StoredDocument.objects.get(dossier=source, kind="giay-to-tuy-than")
    target = offering_of(MARRIAGE, commune)
    documents = [d for d in target.procedure.documents.all() if not d.condition]
    files = {d.pk: [pdf()] for d in documents if d.form != "present"}
    applicant = Applicant("citizen", "Nguyễn Văn An", OWNER)
    checklist = [ChecklistItem(d.pk, d.form) for d in documents]
    dossier = open_dossier(
        Intake(target, "online", applicant, checklist=checklist, files=files), user=citizen, at=at(2025, 9, 8, 9, 0)
    )
    identity = identity_requirement(MARRIAGE)
    naming = [
        {"document_id": d.pk, "form": d.form, **({"store_document": stored.pk} if d.pk == identity.pk else {})}
        for d in documents
    ]
    with pytest.raises(InvalidInput):
        perform(
            dossier, ActionType.ACCEPT, user=staff["counter"], payload={"checklist": naming}, at=at(2025, 9, 8, 10, 0)
        )
    assert not StoreUse.objects.filter(dossier=dossier).exists()
