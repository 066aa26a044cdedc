"""The citizen's portal pages, through Django's test client: apply online with uploads (the intake service of
the API), draft, the officer's request to supplement seen and answered online, withdrawal, the result downloaded,
the rating (once), and that a citizen reaches nothing of anybody else's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.datastore.models import StoredDocument, StoreUse
from motcua.datastore.tests.helpers import received_with_files
from motcua.dossiers.models import Dossier
from motcua.dossiers.plans import terms_of
from motcua.dossiers.services import perform
from motcua.dossiers.tests.fixtures import offering_of
from motcua.metrics.models import DailyCount
from motcua.portal.models import Draft, Rating
from motcua.rules.lifecycle import ActionType
from motcua.rules.rating import CRITERIA
from motcua.testing import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROCEDURE = "2.001035"


@pytest.fixture
def citizen(db: None) -> User:
    return User.objects.create_user(
        "an@example.vn",
        password="x",
        email="an@example.vn",
        full_name="Nguyễn Văn An",
        personal_id_number="019090000123",
        phone="+84912345678",
        identity_verified=True,
    )


@pytest.fixture
def browser(citizen: User) -> Client:
    client = Client()
    sign_in(client, citizen)
    return client


def required_ids(offering: Any) -> list[int]:
    return [
        d["id"]
        for d in terms_of(offering, "online").data["documents"]
        if not d["condition"] and d["form"] != "present_only"
    ]


def apply(browser: Client, commune: Any, **extra: Any) -> Any:
    offering = offering_of(PROCEDURE, commune)
    form = {
        "applicant_type": "citizen",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "019090000123",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "applicant_address": "Tổ 5, phường Phan Đình Phùng",
        "subject": "Chứng thực hợp đồng mua bán xe",
        "result_delivery": "online",
        "intent": "submit",
        "form_key": "k-" + str(len(extra)),
    }
    for pk in required_ids(offering):
        form[f"document_{pk}"] = SimpleUploadedFile(f"giay-to-{pk}.pdf", PDF, content_type="application/pdf")
    return browser.post(f"/procedures/{PROCEDURE}/apply/{commune.identifier}/", form | extra)


def test_the_apply_form_is_prefilled_from_the_account_and_lists_the_checklist(browser: Client, commune: Any) -> None:
    page = browser.get(f"/procedures/{PROCEDURE}/apply/{commune.identifier}/").content.decode()
    assert 'value="019090000123"' in page
    assert 'value="Nguyễn Văn An"' in page
    offering = offering_of(PROCEDURE, commune)
    for pk in required_ids(offering):
        assert f'<label for="document_{pk}">' in page
    for value in ("counter", "post", "online"):
        assert f'name="result_delivery" value="{value}"' in page
    # every input has a label
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', page))
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids <= labelled, ids - labelled


def test_the_procedure_page_offers_online_filing(client: Client, commune: Any) -> None:
    page = client.get(f"/procedures/{PROCEDURE}/").content.decode()
    assert f"/procedures/{PROCEDURE}/apply/{commune.identifier}/" in page


def test_a_draft_keeps_the_form_and_comes_back(browser: Client, commune: Any, citizen: User) -> None:
    answer = apply(browser, commune, intent="draft", subject="Nháp của tôi")
    assert answer.status_code == 200
    assert "Đã lưu nháp" in answer.content.decode()
    assert not Dossier.objects.exists()
    assert Draft.objects.get(user=citizen).data["subject"] == "Nháp của tôi"
    assert "Nháp của tôi" in browser.get(f"/procedures/{PROCEDURE}/apply/{commune.identifier}/").content.decode()


def test_submitting_files_a_dossier_with_its_code_and_receipt(browser: Client, commune: Any, citizen: User) -> None:
    apply(browser, commune, intent="draft")
    answer = apply(browser, commune)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert answer["Location"] == f"/my/dossiers/{dossier.code}/?moi=1"
    assert (dossier.channel, dossier.status, dossier.applicant_user) == ("online", "submitted", citizen)
    assert dossier.result_delivery == "online"
    assert dossier.applicant_identity_verified
    assert dossier.documents.count() == len(required_ids(offering_of(PROCEDURE, commune)))
    assert not Draft.objects.exists()
    receipt = browser.get(answer["Location"]).content.decode()
    assert "Đã nộp hồ sơ thành công" in receipt
    assert dossier.code in receipt
    assert dossier.code in browser.get("/my/").content.decode()


def test_a_missing_upload_is_refused_in_vietnamese_and_nothing_is_filed(browser: Client, commune: Any) -> None:
    offering = offering_of(PROCEDURE, commune)
    first = required_ids(offering)[0]
    answer = apply(browser, commune, **{f"document_{first}": ""})
    assert answer.status_code == 422
    assert "Thiếu thành phần hồ sơ bắt buộc" in answer.content.decode()
    assert not Dossier.objects.exists()


def test_supplement_result_download_and_rating(browser: Client, commune: Any, staff: Any, citizen: User) -> None:
    apply(browser, commune)
    dossier = Dossier.objects.get()
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": ["Bản sao CCCD rõ nét"]})
    page = browser.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Bản sao CCCD rõ nét" in page
    assert "Gửi hồ sơ bổ sung" in page
    # the public tracking page says what is missing, and no personal data
    public = Client().get(f"/track/{dossier.code}/").content.decode()
    assert "Bản sao CCCD rõ nét" in public
    assert "019090000123" not in public
    assert "Nguyễn Văn An" not in public
    extra = SimpleUploadedFile("cccd.pdf", PDF, content_type="application/pdf")
    answer = browser.post(f"/my/dossiers/{dossier.code}/supplement/", {"files": [extra], "form_key": "bs1"})
    assert answer.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "submitted"  # back where it was: the clock resumes
    perform(dossier, ActionType.ACCEPT, user=staff["counter"])
    perform(dossier, ActionType.FORWARD, user=staff["counter"])
    perform(dossier, ActionType.FORWARD, user=staff["specialist"])
    perform(dossier, ActionType.APPROVE, user=staff["leader"])
    result = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4 ket qua\n%%EOF\n", content_type="application/pdf")
    perform(dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[result])
    [stored] = dossier.documents.filter(kind="result")
    assert browser.get(f"/my/dossiers/{dossier.code}/documents/{stored.pk}/").status_code == 404  # not ready yet
    perform(dossier, ActionType.MARK_RESULT_READY, user=staff["counter"])
    page = browser.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Tải kết quả" in page
    download = browser.get(f"/my/dossiers/{dossier.code}/documents/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ket qua\n%%EOF\n"
    assert "attachment" in download["Content-Disposition"]
    scores = {f"score_{key}": "2" for key, _label in CRITERIA} | {"score_attitude": "1"}
    answer = browser.post(f"/my/dossiers/{dossier.code}/rating/", scores | {"satisfaction": "not_satisfied"})
    assert answer.status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.total, rating.satisfaction) == (17, "not_satisfied")
    counts = dict(DailyCount.objects.filter(metric__startswith="rated").values_list("metric", "value"))
    assert counts == {"rated": 1, "rated_dissatisfied": 1}
    again = browser.post(f"/my/dossiers/{dossier.code}/rating/", scores | {"satisfaction": "satisfied"})
    assert again.status_code == 409  # once per dossier
    assert Rating.objects.count() == 1
    assert dict(DailyCount.objects.filter(metric="rated").values_list("metric", "value")) == {"rated": 1}


def test_an_incomplete_rating_is_refused(browser: Client, commune: Any, staff: Any) -> None:
    apply(browser, commune)
    dossier = Dossier.objects.get()
    browser.post(f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "Nộp nhầm thủ tục", "form_key": "r1"})
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"
    scores = {f"score_{key}": "2" for key, _label in CRITERIA[:8]}
    answer = browser.post(f"/my/dossiers/{dossier.code}/rating/", scores | {"satisfaction": "satisfied"})
    assert answer.status_code == 422
    assert "online_service" in answer.content.decode()
    assert not Rating.objects.exists()


def test_withdrawal_is_offered_only_while_the_rules_allow(browser: Client, commune: Any, staff: Any) -> None:
    apply(browser, commune)
    dossier = Dossier.objects.get()
    assert "Rút hồ sơ" in browser.get(f"/my/dossiers/{dossier.code}/").content.decode()
    perform(dossier, ActionType.ACCEPT, user=staff["counter"])
    perform(dossier, ActionType.FORWARD, user=staff["counter"])
    perform(dossier, ActionType.FORWARD, user=staff["specialist"])
    perform(dossier, ActionType.APPROVE, user=staff["leader"])  # decided: no withdrawal any more (rules.lifecycle)
    assert "withdraw_reason" not in browser.get(f"/my/dossiers/{dossier.code}/").content.decode()
    answer = browser.post(f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "Muộn quá"})
    assert answer.status_code == 409
    dossier.refresh_from_db()
    assert dossier.status == "processing"


def test_a_citizen_reaches_nothing_of_anybody_else(browser: Client, commune: Any) -> None:
    apply(browser, commune)
    dossier = Dossier.objects.get()
    [document] = dossier.documents.all()[:1]
    other = User.objects.create_user("binh@example.vn", password="x")
    stranger = Client()
    sign_in(stranger, other)
    assert stranger.get(f"/my/dossiers/{dossier.code}/").status_code == 404
    assert stranger.get(f"/my/dossiers/{dossier.code}/documents/{document.pk}/").status_code == 404
    assert stranger.post(f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "x"}).status_code == 404
    assert dossier.code not in stranger.get("/my/").content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_the_receipt_is_the_applicants_once_the_agency_receives_the_dossier(
    browser: Client, commune: Any, staff: Any
) -> None:
    """Form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả), the desk's own document, downloadable by the applicant
    from the dossier's page and from "my dossiers" once received; before that the page says when it comes; the
    agencies' control sheet is not the applicant's; nobody else gets it."""
    answer = apply(browser, commune)
    dossier = Dossier.objects.get()
    url = f"/my/dossiers/{dossier.code}/forms/receipt.pdf"
    submitted = browser.get(answer["Location"]).content.decode()
    assert "sẽ có tại trang này khi cơ quan tiếp nhận" in submitted
    assert url not in submitted
    assert browser.get(url).status_code == 404  # not received yet: no receipt
    perform(dossier, ActionType.ACCEPT, user=staff["counter"])
    page = browser.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert f'href="{url}"' in page
    assert f'href="{url}"' in browser.get("/my/").content.decode()
    receipt = browser.get(url)
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert f'filename="{dossier.code}-receipt.pdf"' in receipt["Content-Disposition"]
    assert receipt["Cache-Control"] == "private, no-store"
    assert browser.get(f"/my/dossiers/{dossier.code}/forms/control_sheet.pdf").status_code == 404
    stranger = Client()
    sign_in(stranger, User.objects.create_user("binh@example.vn", password="x"))
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_applying_again_offers_the_stored_document_and_takes_it_with_consent(
    browser: Client, commune: Any, staff: Any, citizen: User
) -> None:
    """RULES §6: a paper already accepted is not asked again. The citizen's identity paper, accepted with a birth
    registration (1.001193), is offered on the apply page of another procedure needing one (2.000528), taken
    with consent instead of an upload, and recorded as taken from the store."""
    earlier = received_with_files(offering_of("1.001193", commune), staff["counter"], timezone.now(), "019090000123")
    Dossier.objects.filter(pk=earlier.pk).update(applicant_user=citizen)
    identity = StoredDocument.objects.get(dossier=earlier, kind="giay-to-tuy-than")
    target = offering_of("2.000528", commune)
    requirement = next(d["id"] for d in terms_of(target, "online").data["documents"] if "tùy thân" in d["name"].lower())
    url = f"/procedures/2.000528/apply/{commune.identifier}/"
    page = browser.get(url).content.decode()
    assert "Giấy tờ có sẵn trong kho dữ liệu điện tử" in page
    assert f'name="store_{requirement}" id="store_{requirement}-{identity.pk}" value="{identity.pk}"' in page
    form = {
        "applicant_type": "citizen",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "019090000123",
        "result_delivery": "online",
        "intent": "submit",
        "form_key": "lan-hai",
        f"store_{requirement}": str(identity.pk),
    }

    def uploads() -> dict[str, SimpleUploadedFile]:  # every other required paper, fresh for each post
        return {
            f"document_{d['id']}": SimpleUploadedFile(f"g-{d['id']}.pdf", PDF, content_type="application/pdf")
            for d in terms_of(target, "online").data["documents"]
            if not d["condition"] and d["form"] != "present_only" and d["id"] != requirement
        }

    refused = browser.post(url, form | uploads())  # no consent: nothing filed, the reason in Vietnamese
    assert refused.status_code == 422
    assert "Cần sự đồng ý của người nộp hồ sơ" in refused.content.decode()
    assert not Dossier.objects.filter(procedure__code="2.000528").exists()
    taken = browser.post(url, form | uploads() | {"store_consent": "on", "form_key": "lan-ba"})
    assert taken.status_code == 302, taken.content.decode()[:2000]
    dossier = Dossier.objects.get(procedure__code="2.000528")
    use = StoreUse.objects.get(dossier=dossier)
    assert (use.required_document_id, use.stored_document_id, use.consent_channel) == (
        requirement,
        identity.pk,
        "online",
    )
