"""The officer workbench in the browser's terms: login, queue, dossier page and actions, intake, forms."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import User
from motcua.catalog.models import Agency, Offering
from motcua.dossiers.models import Dossier, DossierAction
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import COMMUNE, OTHER_COMMUNE, counter_intake, officer
from motcua.testing import sign_in

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def people(demo_catalog: Any) -> dict[str, User]:
    commune = Agency.objects.get(name=COMMUNE)
    other = Agency.objects.get(name=OTHER_COMMUNE)
    return {
        "counter": officer("mc", commune, "counter"),
        "specialist": officer("cv", commune, "specialist"),
        "other": officer("mc-khac", other, "counter", "specialist"),
    }


def logged_in(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def a_dossier(user: User, code: str = "2.001035") -> Dossier:
    offering = Offering.objects.get(procedure__code=code, agency__name=COMMUNE)
    return open_dossier(counter_intake(offering), user=user)


def test_login_leads_to_the_queue(people: dict[str, User]) -> None:
    client = Client()
    page = client.get("/workbench/login/").content.decode()
    assert "Đăng nhập" in page
    assert client.get("/workbench/").status_code == 302  # anonymous: to the login page
    response = client.post("/workbench/login/", {"username": "mc", "password": "x"})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"


def test_queue_shows_my_agency_and_role_only(people: dict[str, User]) -> None:
    mine = a_dossier(people["counter"])
    other_offering = Offering.objects.get(procedure__code="2.001035", agency__name=OTHER_COMMUNE)
    theirs = open_dossier(counter_intake(other_offering), user=people["other"])
    page = logged_in(people["counter"]).get("/workbench/").content.decode()
    assert mine.code in page
    assert theirs.code not in page
    assert "deadline-green" in page or "deadline-amber" in page
    # each dot says in Vietnamese what its colour means, and the legend lists every colour
    expected_title = "trong hạn" if "deadline-green" in page else "còn ≤ 1 ngày làm việc"
    assert f'title="{expected_title}"' in page
    assert "quá hạn" in page
    assert "chờ bổ sung (dừng tính giờ)" in page
    # the specialist's queue is empty until the counter forwards
    assert mine.code not in logged_in(people["specialist"]).get("/workbench/").content.decode()
    found = logged_in(people["counter"]).get("/workbench/", {"q": mine.applicant_name.lower()})
    assert mine.code in found.content.decode()
    not_found = logged_in(people["counter"]).get("/workbench/", {"q": "khong co ai ten nay"})
    assert mine.code not in not_found.content.decode()


def test_acting_from_the_dossier_page(people: dict[str, User]) -> None:
    dossier = a_dossier(people["counter"])
    client = logged_in(people["counter"])
    page = client.get(f"/workbench/dossiers/{dossier.code}/").content.decode()
    assert "Chuyển bước xử lý" in page
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page  # the receipt can be printed
    key = "form-key-1"
    for _ in range(2):  # a double submission writes once
        response = client.post(
            f"/workbench/dossiers/{dossier.code}/actions/forward/", {"forward-idempotency_key": key}, follow=True
        )
    assert "Đã thực hiện" in response.content.decode()
    assert DossierAction.objects.filter(dossier=dossier).count() == 2
    dossier.refresh_from_db()
    assert dossier.current_role == "specialist"


def test_a_refused_action_is_explained_and_changes_nothing(people: dict[str, User]) -> None:
    dossier = a_dossier(people["counter"])
    client = logged_in(people["counter"])
    response = client.post(
        f"/workbench/dossiers/{dossier.code}/actions/return_result/",
        {"return_result-idempotency_key": "k", "return_result-confirm": "on"},
        follow=True,
    )
    assert "Không thể “Trả kết quả”" in response.content.decode()
    missing_reason = client.post(
        f"/workbench/dossiers/{dossier.code}/actions/refuse/",
        {"refuse-idempotency_key": "k2", "refuse-confirm": "on"},
        follow=True,
    )
    assert "Lý do (mỗi dòng một lý do)" in missing_reason.content.decode()
    assert DossierAction.objects.filter(dossier=dossier).count() == 1


def test_other_agencies_dossiers_are_404(people: dict[str, User]) -> None:
    dossier = a_dossier(people["counter"])
    client = logged_in(people["other"])
    assert client.get(f"/workbench/dossiers/{dossier.code}/").status_code == 404
    assert client.get(f"/workbench/dossiers/{dossier.code}/forms/receipt.pdf").status_code == 404
    post = client.post(f"/workbench/dossiers/{dossier.code}/actions/forward/", {"forward-idempotency_key": "x"})
    assert post.status_code == 404
    assert DossierAction.objects.filter(dossier=dossier).count() == 1


def intake_post(offering: Offering, key: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": key,
        "channel": "counter",
        "applicant_type": "citizen",
        "applicant_name": "Lê Thị Hoa",
        "applicant_id_number": "019190004567",
        "applicant_phone": "0912345678",
        "applicant_email": "",
        "applicant_address": "Phường Phan Đình Phùng",
        "subject": "",
    }
    for document in offering.procedure.documents.all():
        data[f"form_{document.pk}"] = document.form
        if not document.condition:
            data[f"doc_{document.pk}"] = "on"
    return data | extra


def test_counter_intake(people: dict[str, User]) -> None:
    offering = Offering.objects.get(procedure__code="1.001193", agency__name=COMMUNE)
    client = logged_in(people["counter"])
    assert "Thủ tục đăng ký khai sinh" in client.get("/workbench/intake/", {"q": "khai sinh"}).content.decode()
    form = client.get(f"/workbench/intake/{offering.pk}/").content.decode()
    assert "Giấy chứng sinh" in form
    first_document = offering.procedure.documents.order_by("position").first()
    scan = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    data = intake_post(offering, "intake-1", **{f"scan_{first_document.pk}": scan})
    response = client.post(f"/workbench/intake/{offering.pk}/", data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/workbench/dossiers/{dossier.code}/"
    assert dossier.documents.count() == 1
    # the same form sent again (a double click, a reload): the same dossier, nothing written
    scan = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    again = client.post(
        f"/workbench/intake/{offering.pk}/", intake_post(offering, "intake-1", **{f"scan_{first_document.pk}": scan})
    )
    assert again["Location"] == response["Location"]
    # the same key with other data is refused, not silently answered with the first dossier
    other = client.post(f"/workbench/intake/{offering.pk}/", intake_post(offering, "intake-1"))
    assert other.status_code == 200
    assert "đã dùng cho một yêu cầu khác" in other.content.decode()
    assert Dossier.objects.count() == 1


def test_intake_errors_are_shown_and_nothing_is_written(people: dict[str, User]) -> None:
    offering = Offering.objects.get(procedure__code="1.001193", agency__name=COMMUNE)
    client = logged_in(people["counter"])
    bad_id = client.post(f"/workbench/intake/{offering.pk}/", intake_post(offering, "k1", applicant_id_number="123"))
    assert "12 chữ số" in bad_id.content.decode()
    assert bad_id.context["form"].errors["applicant_id_number"] == ["Số định danh cá nhân phải gồm 12 chữ số."]
    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    document = offering.procedure.documents.order_by("position").first()
    bad_file = client.post(
        f"/workbench/intake/{offering.pk}/", intake_post(offering, "k2", **{f"scan_{document.pk}": fake})
    )
    assert "không phải PDF" in bad_file.content.decode()
    data = intake_post(offering, "k3")
    del data[f"doc_{document.pk}"]
    missing = client.post(f"/workbench/intake/{offering.pk}/", data)
    assert "Thiếu thành phần hồ sơ bắt buộc" in missing.content.decode()
    assert Dossier.objects.count() == 0


def test_receipt_pdf_and_book(people: dict[str, User]) -> None:
    dossier = a_dossier(people["counter"])
    client = logged_in(people["counter"])
    pdf = client.get(f"/workbench/dossiers/{dossier.code}/forms/receipt.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/workbench/dossiers/{dossier.code}/forms/refusal.pdf").status_code == 404
    book = client.get("/workbench/book.xlsx")
    assert book.status_code == 200
    assert book.content[:2] == b"PK"


def test_public_tracking_shows_initials_only(people: dict[str, User], client: Client) -> None:
    dossier = a_dossier(people["counter"])
    page = client.get(f"/track/{dossier.code}/").content.decode()
    assert dossier.get_status_display() in page
    assert "N.V.A." in page  # Nguyễn Văn An
    assert "Nguyễn Văn An" not in page
    assert dossier.applicant_id_number not in page
    assert client.get("/track/000.00.00.H55-250101-9999/").status_code == 404
    assert client.get("/track/", {"code": dossier.code}).status_code == 200


def test_an_incomplete_dossier_is_registered_then_accepted_at_the_desk(people: dict[str, User]) -> None:
    """The counter registers an incomplete dossier with its request to supplement, then, the papers brought,
    checks them off and accepts it: the receipt lists what was received."""
    offering = Offering.objects.get(procedure__code="1.001193", agency__name=COMMUNE)
    client = logged_in(people["counter"])
    document = offering.procedure.documents.filter(condition="").order_by("position").last()
    data = intake_post(offering, "incomplete-1", incomplete="on", missing="Bản sao sổ hộ khẩu")
    del data[f"doc_{document.pk}"]
    response = client.post(f"/workbench/intake/{offering.pk}/", data, follow=True)
    assert "chưa đầy đủ" in response.content.decode()
    dossier = Dossier.objects.get()
    assert dossier.status == "awaiting_supplement"
    client.post(
        f"/workbench/dossiers/{dossier.code}/actions/supplement/", {"supplement-idempotency_key": "s1"}, follow=True
    )
    page = client.get(f"/workbench/dossiers/{dossier.code}/").content.decode()
    assert f"accept-doc_{document.pk}" in page  # the desk checks the documents off
    ticks = {f"accept-doc_{d.pk}": "on" for d in offering.procedure.documents.filter(condition="")}
    client.post(f"/workbench/dossiers/{dossier.code}/actions/accept/", {"accept-idempotency_key": "a1", **ticks})
    dossier.refresh_from_db()
    assert dossier.status == "received"
    accept = dossier.actions.get(type="accept")
    assert {item["document_id"] for item in accept.payload["checklist"]} == {
        d.pk for d in offering.procedure.documents.filter(condition="")
    }
