"""The official forms, rendered from real dossiers and read back from the PDF."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

import pytest
import segno
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.documents import pdf
from motcua.dossiers import printing as forms
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing import FormNotAvailable, available_forms, form_html, render_form
from motcua.dossiers.services import Applicant, open_dossier, perform
from motcua.dossiers.tests.fixtures import COMMUNE, OLD_CITY_PROCEDURE, counter_intake, offering_of
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ

RESULT_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PUBLIC_URL = "https://motcua.thainguyen.example.vn"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


@pytest.fixture(autouse=True)
def _public_address(settings: Any) -> None:
    """A known public address (the QR code points there); storage is per test already (root conftest)."""
    settings.MOTCUA_PUBLIC_URL = PUBLIC_URL


def receive(commune: Agency, staff: dict[str, User], when: datetime) -> Dossier:
    """2.001035 (chứng thực giao dịch, 2 working days) received complete at the commune's counter."""
    intake = counter_intake(offering_of("2.001035", commune))
    intake.applicant = Applicant(
        type="citizen",
        name="Trần Thị Bích Ngọc",
        id_number="019188004567",
        phone="0912345678",
        email="ngoc@example.vn",
        address="Tổ 5, phường Phan Đình Phùng",
    )
    return open_dossier(intake, user=staff["counter"], at=when)


def receive_old(old_city: Agency, old_staff: dict[str, User], when: datetime) -> Dossier:
    """Received before 1 July 2025 (2018 regime) at a city that was dissolved then."""
    return open_dossier(counter_intake(offering_of(OLD_CITY_PROCEDURE, old_city)), user=old_staff["counter"], at=when)


def text_of(document: bytes) -> str:
    """The text of a PDF, NFC-normalised, whitespace (line breaks of the layout) collapsed."""
    reader = PdfReader(io.BytesIO(document))
    raw = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def test_receipt_2025(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 5, 15, 0))
    assert dossier.regime == "2025"
    text = text_of(render_form(dossier, "receipt"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert COMMUNE.upper() in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Mẫu số 01" in text
    assert "Thông tư số 03/2025/TT-VPCP" in text
    assert dossier.code in text
    assert "Trần Thị Bích Ngọc" in text
    for detail in ("019188004567", "0912345678", "ngoc@example.vn", "Tổ 5, phường Phan Đình Phùng"):
        assert detail in text
    assert "Chứng thực giao dịch liên quan đến tài sản" in text
    assert "Dự thảo giao dịch" in text  # a document of the checklist, by its catalogue name
    assert "Bản chính hoặc bản sao" in text  # the form it was received in
    assert "15 giờ 00 phút, ngày 05/09/2025" in text  # received
    assert "15 giờ 00 phút, ngày 09/09/2025" in text  # appointment: Friday 15:00 + 2 working days
    assert "2 ngày làm việc" in text
    assert "counter" in text  # the receiving officer's name under the signature


def test_receipt_qr_code_links_to_tracking_page(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 5, 9, 0))
    expected = f"{PUBLIC_URL}/track/{dossier.code}/"
    html = form_html(dossier, "receipt")
    assert expected in html
    # the embedded image is the QR code of exactly that URL
    assert segno.make(expected, error="m").svg_data_uri(scale=4, border=2) in html
    assert forms.qr_code(forms.tracking_url(dossier)).matrix == segno.make(expected, error="m").matrix
    assert expected in text_of(render_form(dossier, "receipt"))


def test_numbering_follows_the_regime(
    commune: Agency, staff: dict[str, User], old_city: Agency, old_staff: dict[str, User]
) -> None:
    old = receive_old(old_city, old_staff, at(2025, 6, 20, 9, 0))
    new = receive(commune, staff, at(2025, 9, 5, 9, 0))
    assert (old.regime, new.regime) == ("2018", "2025")
    old_sheet, new_sheet = text_of(render_form(old, "control_sheet")), text_of(render_form(new, "control_sheet"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in old_sheet
    assert "Mẫu số 05" in old_sheet
    assert "Thông tư số 01/2018/TT-VPCP" in old_sheet
    assert "Mẫu số 06" in new_sheet
    assert "Thông tư số 03/2025/TT-VPCP" in new_sheet
    old_receipt = text_of(render_form(old, "receipt"))
    assert "Mẫu số 01" in old_receipt
    assert "Thông tư số 01/2018/TT-VPCP" in old_receipt
    assert old.code in old_receipt


def test_supplement_request_lists_everything_missing(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    perform(
        dossier,
        ActionType.REQUEST_SUPPLEMENT,
        user=staff["counter"],
        note="Bản sao chưa được chứng thực",
        payload={"missing": ["Bản sao căn cước công dân", "Giấy ủy quyền có chứng thực"]},
        at=at(2025, 9, 8, 9, 30),
    )
    dossier.refresh_from_db()
    text = text_of(render_form(dossier, "supplement_request"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Mẫu số 02" in text
    assert dossier.code in text
    assert "Bản sao căn cước công dân" in text
    assert "Giấy ủy quyền có chứng thực" in text
    assert "Bản sao chưa được chứng thực" in text
    assert "09 giờ 30 phút, ngày 08/09/2025" in text
    assert "Trần Thị Bích Ngọc" in text


def test_refusal_gives_the_reasons(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    with pytest.raises(FormNotAvailable, match="không bị từ chối"):
        render_form(dossier, "refusal")
    perform(
        dossier,
        ActionType.REFUSE,
        user=staff["counter"],
        payload={"reasons": ["Không thuộc thẩm quyền giải quyết của UBND phường"]},
        at=at(2025, 9, 8, 8, 30),
    )
    dossier.refresh_from_db()
    text = text_of(render_form(dossier, "refusal"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Mẫu số 03" in text
    assert "Không thuộc thẩm quyền giải quyết của UBND phường" in text
    assert dossier.code in text


def test_apology_gives_reason_and_new_appointment(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    new_appointment = dossier.due_at + timedelta(days=3)
    perform(
        dossier,
        ActionType.APOLOGISE,
        user=staff["leader"],
        payload={"reason": "Chờ kết quả xác minh của cơ quan khác", "new_appointment": new_appointment},
        at=at(2025, 9, 8, 10, 0),
    )
    dossier.refresh_from_db()
    text = text_of(render_form(dossier, "apology"))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Mẫu số 04" in text
    assert "Chờ kết quả xác minh của cơ quan khác" in text
    assert forms.format_moment(new_appointment) in text
    assert "08 giờ 00 phút, ngày 13/09/2025" in text  # due Wed 10/09 08:00 + 3 days
    assert "Trần Thị Bích Ngọc" in text


def test_stop_notice_only_under_the_2025_regime(
    commune: Agency, staff: dict[str, User], old_city: Agency, old_staff: dict[str, User]
) -> None:
    new = receive(commune, staff, at(2025, 9, 8, 8, 0))
    old = receive_old(old_city, old_staff, at(2025, 6, 20, 8, 0))
    for dossier, counter in ((new, staff["counter"]), (old, old_staff["counter"])):
        perform(
            dossier,
            ActionType.WITHDRAW,
            user=counter,
            payload={"reason": "Người nộp đề nghị rút hồ sơ"},
            at=dossier.received_at + timedelta(hours=1),
        )
        dossier.refresh_from_db()
    text = text_of(render_form(new, "stop_notice"))
    assert "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ" in text
    assert "Mẫu số 05" in text
    assert "Người nộp đề nghị rút hồ sơ" in text
    assert "09 giờ 00 phút, ngày 08/09/2025" in text
    assert "stop_notice" in available_forms(new)
    with pytest.raises(FormNotAvailable, match="61/2018"):
        form_html(old, "stop_notice")
    assert "stop_notice" not in available_forms(old)


def test_stop_by_the_agency(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    perform(
        dossier,
        ActionType.STOP,
        user=staff["leader"],
        payload={"reason": "Cơ quan có thẩm quyền đã có văn bản dừng giải quyết"},
        at=at(2025, 9, 8, 9, 0),
    )
    dossier.refresh_from_db()
    text = text_of(render_form(dossier, "stop_notice"))
    assert "Cơ quan có thẩm quyền đã có văn bản dừng giải quyết" in text
    assert COMMUNE.upper() in text


def full_flow(commune: Agency, staff: dict[str, User]) -> Dossier:
    """Received Friday 15:00, through specialist and leader, returned Monday (as in test_services)."""
    dossier = receive(commune, staff, at(2025, 9, 5, 15, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 5, 16, 0))
    perform(dossier, ActionType.FORWARD, user=staff["specialist"], at=at(2025, 9, 8, 10, 0))
    perform(dossier, ActionType.APPROVE, user=staff["leader"], at=at(2025, 9, 8, 11, 0))
    result = SimpleUploadedFile("ket-qua.pdf", RESULT_PDF, content_type="application/pdf")
    perform(dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[result], at=at(2025, 9, 8, 14, 0))
    perform(dossier, ActionType.MARK_RESULT_READY, user=staff["counter"], at=at(2025, 9, 8, 14, 5))
    perform(dossier, ActionType.RETURN_RESULT, user=staff["counter"], at=at(2025, 9, 8, 15, 0))
    dossier.refresh_from_db()
    return dossier


def test_control_sheet_has_one_row_per_hand_off(commune: Agency, staff: dict[str, User]) -> None:
    dossier = full_flow(commune, staff)
    html = form_html(dossier, "control_sheet")
    assert html.count('<td class="number">') == 4  # four steps, four hand-offs
    text = text_of(render_form(dossier, "control_sheet"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Mẫu số 06" in text
    # step outcomes: on time, early, on time, on time (see test_services)
    assert text.count("Trước hạn") == 1  # the header says "trước hạn", in lower case
    assert text.count("Đúng hạn") == 3
    assert "Quá hạn" not in text
    assert "16 giờ 00 phút, ngày 05/09/2025" in text  # hand-off counter → specialist
    assert "08 giờ 00 phút, ngày 09/09/2025" in text  # the specialist's due moment (10 working hours)
    assert "Chuyên viên xử lý" in text
    assert "Lãnh đạo phê duyệt" in text
    assert "Tổ chức, cá nhân nộp hồ sơ" in text  # the first row: from the applicant to the desk


def test_control_sheet_while_running(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 5, 15, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 5, 16, 0))
    dossier.refresh_from_db()
    rows = re.findall(r"<tr>\s*<td class=\"number\">.*?</tr>", form_html(dossier, "control_sheet"), flags=re.S)
    assert len(rows) == 2
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[1], flags=re.S)
    assert cells[6] == ""  # the specialist's step is running: no outcome yet
    assert "Đúng hạn" in rows[0]


def test_available_forms_follow_the_log(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    assert available_forms(dossier) == ["receipt", "control_sheet"]
    perform(
        dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": ["X"]}, at=at(2025, 9, 8, 9)
    )
    assert available_forms(dossier) == ["receipt", "supplement_request", "control_sheet"]
    returned = full_flow(commune, staff)
    assert available_forms(returned) == ["receipt", "control_sheet"]


def test_unavailable_forms_raise(commune: Agency, staff: dict[str, User]) -> None:
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    for kind, message in [
        ("refusal", "không bị từ chối"),
        ("supplement_request", "chưa có yêu cầu bổ sung"),
        ("apology", "chưa có phiếu xin lỗi"),
        ("stop_notice", "không bị dừng"),
        ("book", "Excel"),
        ("no-such-form", "Không có biểu mẫu"),
    ]:
        with pytest.raises(FormNotAvailable, match=message) as caught:
            render_form(dossier, kind)
        assert caught.value.message


def test_online_submission_has_no_receipt_until_accepted(commune: Agency, staff: dict[str, User]) -> None:
    citizen = User.objects.create_user("citizen", password="x")
    offering = offering_of("2.001035", commune)
    intake = counter_intake(offering)
    intake.channel = "online"
    intake.checklist = []
    intake.files = {
        d.pk: [SimpleUploadedFile(f"{d.pk}.pdf", RESULT_PDF, content_type="application/pdf")]
        for d in offering.procedure.documents.all()
        if not d.condition
    }
    dossier = open_dossier(intake, user=citizen, at=at(2025, 9, 8, 8, 0))
    assert dossier.status == "submitted"
    assert available_forms(dossier) == []
    with pytest.raises(FormNotAvailable, match="chưa được tiếp nhận"):
        form_html(dossier, "receipt")
    perform(dossier, ActionType.ACCEPT, user=staff["counter"], at=at(2025, 9, 8, 9, 0))
    dossier.refresh_from_db()
    text = text_of(render_form(dossier, "receipt"))
    assert "Dự thảo giao dịch" in text  # the uploaded e-copies are what was received
    assert "Bản điện tử" in text
    assert "09 giờ 00 phút, ngày 08/09/2025" in text


def test_rendering_is_cached_by_content(commune: Agency, staff: dict[str, User], monkeypatch: Any) -> None:
    calls: list[str] = []
    real = pdf.html_to_pdf

    def spy(html: str) -> bytes:
        calls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", spy)
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    first = render_form(dossier, "receipt")
    second = render_form(Dossier.objects.get(pk=dossier.pk), "receipt")
    assert first == second
    assert len(calls) == 1
    assert default_storage.exists(pdf.cache_name(calls[0]))
    assert first.startswith(b"%PDF")
    # a change of the dossier changes the HTML, hence the key: rendered again, then cached again
    before = render_form(dossier, "control_sheet")
    assert len(calls) == 2
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 8, 9, 0))
    after = render_form(Dossier.objects.get(pk=dossier.pk), "control_sheet")
    assert len(calls) == 3
    assert after != before
    assert render_form(Dossier.objects.get(pk=dossier.pk), "control_sheet") == after
    assert len(calls) == 3
