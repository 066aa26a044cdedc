"""A leader's approval becomes a signed result in the worker; the results API lists it; anyone can verify it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.datastore.models import StoredDocument
from motcua.dossiers.models import DocumentKind, DossierAction, DossierDocument
from motcua.dossiers.tests.test_api import Api
from motcua.integrations.delivery import DELIVERED, RETRY, deliver
from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.tests.conftest import walk_dossier
from motcua.signatures.models import SignedDocument
from motcua.signatures.signals import signed_result_recorded
from motcua.signatures.verify import VALID


def _signing_row(dossier: Any) -> OutboxMessage:
    return OutboxMessage.objects.get(destination="signing", dossier=dossier)


@pytest.mark.django_db(transaction=True)
def test_approval_is_signed_in_the_worker_and_recorded_once(signing_settings, commune, staff) -> None:
    received = []
    signed_result_recorded.connect(lambda sender, **kw: received.append(kw["signed"].pk), weak=False, dispatch_uid="t")
    try:
        dossier = walk_dossier(commune, staff)  # forward, forward, approve
        dossier.refresh_from_db()
        row = _signing_row(dossier)
        # the approval wrote the row and nothing else: no signature in the approving request
        assert row.idempotency_key == f"signing:{dossier.code}:{dossier.action_count}"
        assert not SignedDocument.objects.exists()
        assert deliver(row.idempotency_key, worker_id="test") == DELIVERED
        assert deliver(row.idempotency_key, worker_id="test") == "skipped"
    finally:
        signed_result_recorded.disconnect(dispatch_uid="t")
    signed = SignedDocument.objects.get()
    assert received == [signed.pk]
    assert (signed.validation_status, signed.signer, signed.signed_by) == (
        VALID,
        "UBND phường Phan Đình Phùng",
        "leader",
    )
    assert signed.embedded_validation_data
    assert signed.signer_plugin == "local"
    recorded = DossierAction.objects.filter(dossier=dossier, type="record_result").get()
    assert recorded.system_actor == "signing:local"
    assert recorded.payload["documents"] == [signed.document_id]
    dossier.refresh_from_db()
    assert dossier.result_recorded
    # the signed result is in the applicant's data store, with its signature status
    stored = StoredDocument.objects.get(document_id=signed.document_id)
    assert (stored.owner_number, stored.source, stored.signature_status) == (
        dossier.applicant_id_number,
        "result",
        "valid",
    )

    # the results list, as the dossier's officers see it; the download is the signed file
    api = Api(staff["counter"])
    results = api.get(f"/dossiers/{dossier.code}/results").json()
    assert [r["id"] for r in results] == [signed.document_id]
    assert results[0]["signature"]["certificate_fingerprint"] == signed.certificate_fingerprint
    download = api.client.get(results[0]["download_url"], headers=api.headers)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF-")

    # anyone verifies it, without logging in
    answer = Client().post("/api/v1/signatures/verify", {"file": _upload(download.content)})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["valid"], body["trusted"], body["modified_after_signing"]) == (True, True, False)
    assert (body["signer"], body["dossier_code"]) == ("UBND phường Phan Đình Phùng", dossier.code)
    assert "hợp lệ" in body["explanation"]


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_result_is_the_one_signed_and_a_tsa_outage_is_retried(signing_settings, tsa, commune, staff):
    from motcua.documents.pdf import html_to_pdf

    dossier = walk_dossier(commune, staff, steps=2)
    pdf = html_to_pdf("<h1>Giấy phép do chuyên viên soạn</h1>")
    Api(staff["specialist"]).upload(f"/dossiers/{dossier.code}/documents", {"file": _upload(pdf, "giay-phep.pdf")})
    uploaded = DossierDocument.objects.get(dossier=dossier, kind=DocumentKind.RESULT)
    from motcua.dossiers.services import perform
    from motcua.rules.lifecycle import ActionType

    perform(dossier, ActionType.APPROVE, user=staff["leader"])
    row = _signing_row(dossier)
    assert row.payload["document_id"] == uploaded.pk
    server, _ = tsa
    with server.state.lock:
        from motcua.integrations.contrib.webhook.standin import Failure

        server.state.failure = Failure("http500", count=1)
    assert deliver(row.idempotency_key, worker_id="test") == RETRY
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING
    assert "HTTP 500" in row.last_error
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    assert deliver(row.idempotency_key, worker_id="test") == DELIVERED
    signed = SignedDocument.objects.get()
    assert signed.document.original_filename == "giay-phep.pdf"
    assert signed.document_id != uploaded.pk  # the signed copy is a new file; the draft stays as it was


@pytest.mark.django_db
def test_verify_refuses_what_is_not_a_pdf_and_explains_an_unsigned_one(signing_settings) -> None:
    client = Client()
    assert client.post("/api/v1/signatures/verify", {"file": _upload(b"\x89PNG\r\n\x1a\n", "a.png")}).status_code == 400
    answer = client.post("/api/v1/signatures/verify", {"file": _upload(b"%PDF-1.4\n%%EOF\n")})
    assert answer.status_code == 200
    assert (answer.json()["valid"], answer.json()["signer"]) == (False, None)
    assert answer.json()["explanation"] == "Tệp không có chữ ký số."


@pytest.mark.django_db
def test_verify_refuses_a_file_too_large(signing_settings) -> None:
    signing_settings.MOTCUA_VERIFY_MAX_BYTES = 1000
    answer = Client().post("/api/v1/signatures/verify", {"file": _upload(b"%PDF-1.4\n" + b"0" * 2000)})
    assert answer.status_code == 413
    assert "MB" in answer.json()["detail"]


@pytest.mark.django_db
def test_the_verify_page_has_labelled_controls_and_says_the_verdict(signing_settings) -> None:
    client = Client()
    page = client.get("/verify/?code=000.00.07.H55-261201-0001")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="verify-file">' in html
    assert 'id="verify-file"' in html
    assert "000.00.07.H55-261201-0001" in html
    assert 'name="viewport"' in html
    answer = client.post("/verify/", {"file": _upload(b"%PDF-1.4\n%%EOF\n")})
    assert answer.status_code == 200
    assert "Không có chữ ký số" in answer.content.decode()
    assert client.post("/verify/", {"file": _upload(b"GIF89a", "x.gif")}).status_code == 400


def _upload(data: bytes, name: str = "ket-qua.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def approved(signing_settings, commune, staff):
    """A dossier approved while the signing destination is not configured: its result comes from the desktop."""
    signing_settings.MOTCUA_TSA_URL = ""
    return walk_dossier(commune, staff)


def _desktop_signed(test_pki, tsa_url: str, signer) -> bytes:
    from motcua.documents.pdf import html_to_pdf
    from motcua.signatures import pades
    from motcua.signatures.tests.test_pades import STAMP
    from motcua.signatures.timestamps import HttpxTimeStamper

    return pades.sign(
        html_to_pdf("<h1>Ký bằng công cụ trên máy tính</h1>"),
        signer,
        stamp_text=STAMP,
        reason="Phê duyệt",
        location="Thái Nguyên",
        timestamper=HttpxTimeStamper(tsa_url),
        context=test_pki.context() if signer is not test_pki.stranger else None,  # B-T for the stranger
    )


@pytest.mark.django_db
def test_a_desktop_signed_result_is_accepted_once_it_verifies(approved, staff, test_pki, tsa_url) -> None:
    api = Api(staff["counter"])  # the officer of the current step (after approval: the return) brings it
    good = _desktop_signed(test_pki, tsa_url, test_pki.signer())
    answer = api.upload(f"/dossiers/{approved.code}/results", {"file": _upload(good)})
    assert answer.status_code == 201, answer.content
    assert answer.json()["signature"]["validation_status"] == VALID
    signed = SignedDocument.objects.get()
    assert signed.signer_plugin == "desktop"
    assert signed.signed_by == "counter"
    again = api.upload(f"/dossiers/{approved.code}/results", {"file": _upload(good)})
    assert again.status_code == 201
    assert SignedDocument.objects.count() == 1  # the same file twice is accepted once
    assert DossierAction.objects.filter(dossier=approved, type="record_result").count() == 1


@pytest.mark.django_db
def test_a_desktop_result_that_does_not_verify_is_refused(approved, staff, test_pki, tsa_url) -> None:
    from motcua.documents.pdf import html_to_pdf

    api = Api(staff["counter"])
    stranger = _desktop_signed(test_pki, tsa_url, test_pki.stranger)
    for data, why in ((stranger, "danh sách tin cậy"), (html_to_pdf("<p>x</p>"), "không có chữ ký số")):
        answer = api.upload(f"/dossiers/{approved.code}/results", {"file": _upload(data)})
        assert answer.status_code == 422, answer.content
        assert why in answer.json()["detail"]
    assert not SignedDocument.objects.exists()
    assert not DossierAction.objects.filter(dossier=approved, type="record_result").exists()


@pytest.mark.django_db
def test_only_an_officer_who_may_record_the_result_may_bring_one(approved, staff, test_pki, tsa_url) -> None:
    good = _desktop_signed(test_pki, tsa_url, test_pki.signer())
    answer = Api(staff["specialist"]).upload(f"/dossiers/{approved.code}/results", {"file": _upload(good)})
    assert answer.status_code == 403
    assert not SignedDocument.objects.exists()
