"""Certified e-copies: certified at the counter, signed in the worker by the agency, stored in the applicant's data
store with their provenance, offered for a later dossier needing their kind, counted for 766 indicator 4.3."""

from __future__ import annotations

import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.selectors import offers_for_offering
from motcua.dossiers.services import Applicant, ChecklistItem, Intake, open_dossier
from motcua.dossiers.tests.fixtures import offering_of, staff_of
from motcua.dossiers.wallet_rebuild import differing_store
from motcua.ecopies.counting import counts_from_copies
from motcua.ecopies.models import CertifiedCopy, CopyStatus
from motcua.ecopies.services import CopyRefused, CopyRequest, certify_copy
from motcua.ecopies.tests.helpers import KIND, OWNER, form_data, png_scan, scan_upload
from motcua.integrations.delivery import DEAD, DELIVERED, deliver
from motcua.integrations.models import OutboxMessage
from motcua.metrics import sources
from motcua.metrics.models import DailyCount
from motcua.signatures.models import SignedDocument, SignedKind
from motcua.signatures.verify import VALID, verify_pdf
from motcua.testing import sign_in

BIRTH = "1.001193"  # asks for an identity paper (giay-to-tuy-than)


def _counts(agency: Any) -> dict[str, int]:
    rows = DailyCount.objects.filter(agency=agency, metric__startswith="ecopies_")
    return dict(rows.values_list("metric", "value"))


@pytest.mark.django_db(transaction=True)
def test_a_copy_certified_at_the_counter_is_signed_in_the_worker_and_reused(
    signing_settings, commune, staff, other_commune, test_pki, tmp_path: Path
) -> None:
    web = Client()
    sign_in(web, staff["counter"])
    form = web.get("/workbench/ecopies/new/")
    assert form.status_code == 200
    assert 'for="id_matches_original"' in form.content.decode()
    posted = web.post("/workbench/ecopies/new/", form_data(commune.pk) | {"scan": scan_upload()})
    assert posted.status_code == 302, posted.content.decode()[:2000]
    copy = CertifiedCopy.objects.get()
    # the request certified and queued; nothing was signed in it
    assert (copy.status, copy.owner_number, copy.kind, copy.agency_id) == (CopyStatus.PENDING, OWNER, KIND, commune.pk)
    assert not SignedDocument.objects.exists()
    assert not StoredDocument.objects.filter(source="ecopy").exists()
    assert _counts(commune) == {"ecopies_requested": 1}
    listing = web.get("/workbench/ecopies/").content.decode()
    assert "Đang ký số" in listing
    assert "Lê Thị Cúc" in listing

    assert deliver(copy.outbox_key, worker_id="test") == DELIVERED
    copy.refresh_from_db()
    assert copy.status == CopyStatus.SIGNED
    signed = SignedDocument.objects.get()
    assert (signed.kind, signed.dossier_id, signed.validation_status) == (SignedKind.ECOPY, None, VALID)
    assert signed.signed_by == "counter"
    assert signed.embedded_validation_data
    stored = StoredDocument.objects.get(source="ecopy")
    assert (stored.owner_number, stored.kind, stored.agency_id, stored.certified_by) == (
        OWNER,
        KIND,
        commune.pk,
        "counter",
    )
    assert (stored.dossier_id, stored.document_id, stored.signature_status) == (None, None, "valid")
    assert _counts(commune) == {"ecopies_requested": 1, "ecopies_certified": 1}
    ecopy = sources.named("ecopy")
    assert counts_from_copies() == sources.stored(ecopy)  # rebuilt == incremental
    before = sources.stored(ecopy)
    call_command("rebuild_metrics", stdout=StringIO())
    assert sources.stored(ecopy) == before
    assert differing_store() == ({}, set())  # the log's rebuild of the store leaves the e-copy alone

    # the signed copy, as its agency's officer downloads it, verifies with pyHanko and with poppler's pdfsig
    download = web.get(f"/workbench/ecopies/{copy.pk}/file/")
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert verify_pdf(pdf, test_pki.roots).verdict == VALID
    assert shutil.which("pdfsig"), "poppler-utils is required (apt-get install poppler-utils)"
    path = tmp_path / "ban-sao.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Signer Certificate Common Name: UBND phường Phan Đình Phùng" in out
    answer = Client().post("/api/v1/signatures/verify", {"file": scan_upload(pdf, "b.pdf", "application/pdf")})
    assert answer.json()["valid"] is True
    assert "Đã ký số" in web.get("/workbench/ecopies/").content.decode()

    # another commune's counter sees neither the copy nor its file
    stranger = Client()
    sign_in(stranger, staff_of(other_commune, "qt-")["counter"])
    assert "Lê Thị Cúc" not in stranger.get("/workbench/ecopies/").content.decode()
    assert stranger.get(f"/workbench/ecopies/{copy.pk}/file/").status_code == 404
    specialist = Client()
    sign_in(specialist, staff["specialist"])
    assert specialist.get("/workbench/ecopies/").status_code == 404  # the counter's page only

    # reused: offered when the applicant applies for a procedure needing an identity paper, and taken with consent
    birth = offering_of(BIRTH, commune)
    offered = offers_for_offering(OWNER, birth, today=timezone.localdate())
    assert [(o.kind, [d.pk for d in o.documents]) for o in offered] == [(KIND, [stored.pk])]
    requirement = offered[0].requirement_id
    checklist = [
        ChecklistItem(d.pk, d.form, store_document=stored.pk if d.pk == requirement else None)
        for d in birth.procedure.documents.all()
        if not d.condition
    ]
    intake = Intake(
        birth, "counter", Applicant("citizen", "Lê Thị Cúc", OWNER), checklist=checklist, store_consent=True
    )
    dossier = open_dossier(intake, user=staff["counter"])
    assert StoreUse.objects.filter(dossier=dossier, stored_document=stored).exists()
    opened = web.get(f"/workbench/dossiers/{dossier.code}/store/{stored.pk}/")
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == pdf
    page = web.get(f"/workbench/dossiers/{dossier.code}/").content.decode()
    assert "Bản sao điện tử được chứng thực từ bản chính" in page


@pytest.mark.django_db
def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(signing_settings, commune, staff, other_commune) -> None:
    web = Client()
    sign_in(web, staff["counter"])
    cases = [
        (form_data(commune.pk, matches_original=""), "đúng với bản chính"),
        (form_data(commune.pk, owner_number="12345"), "không hợp lệ"),
        (form_data(commune.pk, kind="khong-co"), "Chọn loại giấy tờ"),  # the form's choice
        (form_data(commune.pk, owner_name="  "), "bắt buộc"),
    ]
    for data, message in cases:
        answer = web.post("/workbench/ecopies/new/", data | {"scan": scan_upload()})
        assert answer.status_code == 400, data
        assert message in answer.content.decode(), (data, message)
    text = web.post("/workbench/ecopies/new/", form_data(commune.pk) | {"scan": scan_upload(b"hello", "a.pdf")})
    assert "không phải PDF, JPEG hay PNG" in text.content.decode()
    signing_settings.MOTCUA_MAX_UPLOAD_BYTES = 100
    big = web.post("/workbench/ecopies/new/", form_data(commune.pk) | {"scan": scan_upload(png_scan())})
    assert "quá lớn" in big.content.decode()
    assert not CertifiedCopy.objects.exists()
    assert not OutboxMessage.objects.exists()
    # another agency is not the officer's to certify for
    with pytest.raises(CopyRefused) as refused:
        certify_copy(
            staff["counter"],
            CopyRequest(other_commune.pk, OWNER, "Lê Thị Cúc", KIND, "", True),
            scan_upload(),
            idempotency_key="x",
        )
    assert refused.value.forbidden


@pytest.mark.django_db
def test_a_form_posted_twice_is_one_copy(signing_settings, commune, staff) -> None:
    request = CopyRequest(commune.pk, OWNER, "Lê Thị Cúc", KIND, "", True)
    first = certify_copy(staff["counter"], request, scan_upload(), idempotency_key="same")
    again = certify_copy(staff["counter"], request, scan_upload(), idempotency_key="same")
    assert first.pk == again.pk
    assert first.name.startswith("Giấy tờ tùy thân (")  # no name given: the kind's
    assert OutboxMessage.objects.filter(idempotency_key=first.outbox_key).count() == 1
    assert _counts(commune) == {"ecopies_requested": 1}


@pytest.mark.django_db(transaction=True)
def test_a_copy_the_agency_cannot_sign_ends_failed_with_the_reason(signing_settings, commune, staff) -> None:
    copy = certify_copy(
        staff["counter"],
        CopyRequest(commune.pk, OWNER, "Lê Thị Cúc", KIND, "", True),
        scan_upload(),
        idempotency_key="f",
    )
    commune.identifier = "999.00.99.H55"  # no key file for this identifier
    commune.save(update_fields=["identifier"])
    assert deliver(copy.outbox_key, worker_id="test") == DEAD
    copy.refresh_from_db()
    assert copy.status == CopyStatus.FAILED
    assert "chưa có khóa ký số" in copy.failure
    web = Client()
    sign_in(web, staff["counter"])
    assert "Không ký được" in web.get("/workbench/ecopies/").content.decode()
    assert _counts(commune) == {"ecopies_requested": 1}
    assert counts_from_copies() == sources.stored(sources.named("ecopy"))
