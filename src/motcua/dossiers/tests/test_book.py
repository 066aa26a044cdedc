"""The dossier book (sổ theo dõi hồ sơ) as Excel: contents, numbering by regime, constant queries."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.book import DATETIME_FORMAT, dossier_book_xlsx
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant, open_dossier, perform
from motcua.dossiers.tests.fixtures import OLD_CITY_PROCEDURE, counter_intake, offering_of
from motcua.rules.lifecycle import ActionType
from motcua.rules.workdays import VIETNAM_TZ
from motcua.testing import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HEADERS = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Số thành phần hồ sơ nhận",
    "Ngày, giờ nhận hồ sơ",
    "Ngày, giờ hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Ngày, giờ có kết quả giải quyết",
    "Ngày, giờ trả kết quả",
    "Trạng thái",
    "Kết quả về thời hạn",
    "Ghi chú",
]
FIRST_DATA_ROW = 4


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


def receive(commune: Agency, staff: dict[str, User], when: datetime, name: str = "Lê Văn Bình") -> Dossier:
    intake = counter_intake(offering_of("2.001035", commune))
    intake.applicant = Applicant(
        type="citizen", name=name, id_number="019088001122", phone="0987654321", address="Xóm 3, Tân Cương"
    )
    return open_dossier(intake, user=staff["counter"], at=when)


def receive_old(old_city: Agency, old_staff: dict[str, User], when: datetime, name: str = "Lê Văn Bình") -> Dossier:
    """Received before 1 July 2025 (2018 regime) at a city that was dissolved then."""
    intake = counter_intake(offering_of(OLD_CITY_PROCEDURE, old_city))
    intake.applicant = Applicant(type="citizen", name=name, id_number="019088001122", address="Xóm 3, Tân Cương")
    return open_dossier(intake, user=old_staff["counter"], at=when)


def returned(commune: Agency, staff: dict[str, User]) -> Dossier:
    """Received Friday 05/09/2025 15:00, returned early on Monday 08/09 (as in test_services)."""
    dossier = receive(commune, staff, at(2025, 9, 5, 15, 0))
    perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 5, 16, 0))
    perform(dossier, ActionType.FORWARD, user=staff["specialist"], at=at(2025, 9, 8, 10, 0))
    perform(dossier, ActionType.APPROVE, user=staff["leader"], at=at(2025, 9, 8, 11, 0))
    result = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    perform(dossier, ActionType.RECORD_RESULT, user=staff["counter"], files=[result], at=at(2025, 9, 8, 14, 0))
    perform(dossier, ActionType.MARK_RESULT_READY, user=staff["counter"], at=at(2025, 9, 8, 14, 5))
    perform(dossier, ActionType.RETURN_RESULT, user=staff["counter"], at=at(2025, 9, 8, 15, 0))
    dossier.refresh_from_db()
    return dossier


def read(book: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    return list(sheet.iter_rows(values_only=True))


def test_book_contents(commune: Agency, staff: dict[str, User], old_city: Agency, old_staff: dict[str, User]) -> None:
    done = returned(commune, staff)
    old = receive_old(old_city, old_staff, at(2025, 6, 20, 9, 0), name="Phạm Thu Hà")
    perform(
        old,
        ActionType.REQUEST_SUPPLEMENT,
        user=old_staff["counter"],
        payload={"missing": ["X"]},
        at=at(2025, 6, 20, 10),
    )
    rows = read(dossier_book_xlsx(Dossier.objects.order_by("received_at", "pk")))

    assert "Mẫu số 07" in rows[0][0]  # a mixed book: the 2025 numbering
    assert "SỔ THEO DÕI HỒ SƠ" in rows[0][0]
    assert "Thông tư số 03/2025/TT-VPCP" in rows[1][0]
    assert "nhiều chế độ" in rows[1][0]  # and the header says so
    assert "Nghị định 61/2018/NĐ-CP" in rows[1][0]
    assert list(rows[FIRST_DATA_ROW - 2]) == HEADERS
    data = rows[FIRST_DATA_ROW - 1 :]
    assert len(data) == 2

    first, second = data
    assert first[:2] == (1, old.code)
    assert first[3] == "Phạm Thu Hà"
    assert first[11] == "Yêu cầu bổ sung giấy tờ"
    assert "Yêu cầu bổ sung 1 lần" in first[13]
    assert "Nghị định 61/2018/NĐ-CP" in first[13]

    assert second == (
        2,
        done.code,
        "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở",
        "Lê Văn Bình",
        "Xóm 3, Tân Cương, 0987654321",
        2,  # two components on the checklist
        datetime(2025, 9, 5, 15, 0),  # local and naive: Excel has no time zones
        datetime(2025, 9, 9, 15, 0),
        commune.name,
        datetime(2025, 9, 8, 14, 5),
        datetime(2025, 9, 8, 15, 0),
        "Đã trả kết quả",
        "Trước hạn",
        "Tiếp nhận theo Nghị định 118/2025/NĐ-CP",
    )


def test_dates_are_excel_datetimes(commune: Agency, staff: dict[str, User]) -> None:
    receive(commune, staff, at(2025, 9, 5, 8, 30))
    sheet = openpyxl.load_workbook(io.BytesIO(dossier_book_xlsx(Dossier.objects.all()))).active
    cell = sheet.cell(row=FIRST_DATA_ROW, column=7)
    assert cell.is_date
    assert cell.number_format == DATETIME_FORMAT
    assert cell.value == datetime(2025, 9, 5, 8, 30)
    assert sheet.cell(row=FIRST_DATA_ROW, column=10).value is None  # no result yet
    assert sheet.column_dimensions["C"].width == 48


def test_single_regime_book_uses_its_own_number(old_city: Agency, old_staff: dict[str, User]) -> None:
    receive_old(old_city, old_staff, at(2025, 6, 20, 9, 0))
    rows = read(dossier_book_xlsx(Dossier.objects.all()))
    assert rows[0][0].startswith("Mẫu số 06")
    assert rows[1][0] == "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP"
    assert not rows[FIRST_DATA_ROW - 1][13]  # no regime note in a single-regime book


def test_empty_book(db: None) -> None:
    rows = read(dossier_book_xlsx(Dossier.objects.none()))
    assert "Mẫu số 07" in rows[0][0]
    assert "Chưa có hồ sơ" in rows[1][0]
    assert list(rows[FIRST_DATA_ROW - 2]) == HEADERS
    assert len(rows) == FIRST_DATA_ROW - 1


def test_online_dossier_counts_uploaded_components(commune: Agency, staff: dict[str, User]) -> None:
    citizen = User.objects.create_user("citizen", password="x")
    offering = offering_of("2.001035", commune)
    intake = counter_intake(offering)
    intake.channel, intake.checklist = "online", []
    intake.files = {
        d.pk: [SimpleUploadedFile(f"{d.pk}-{n}.pdf", PDF, content_type="application/pdf") for n in range(2)]
        for d in offering.procedure.documents.all()
        if not d.condition
    }
    dossier = open_dossier(intake, user=citizen, at=at(2025, 9, 8, 8, 0))
    perform(dossier, ActionType.ACCEPT, user=staff["counter"], at=at(2025, 9, 8, 9, 0))
    row = read(dossier_book_xlsx(Dossier.objects.all()))[FIRST_DATA_ROW - 1]
    assert row[5] == 2  # two components (four files)
    assert row[6] == datetime(2025, 9, 8, 9, 0)


@pytest.mark.parametrize("count", [1, 6])
def test_queries_do_not_grow_with_the_book(
    commune: Agency, staff: dict[str, User], django_assert_max_num_queries: Any, count: int
) -> None:
    for index in range(count):
        dossier = receive(commune, staff, at(2025, 9, 8, 8, index))
        perform(dossier, ActionType.FORWARD, user=staff["counter"], at=at(2025, 9, 8, 9, index))
    with django_assert_max_num_queries(2):
        book = dossier_book_xlsx(Dossier.objects.order_by("pk"))
    assert len(read(book)) == FIRST_DATA_ROW - 1 + count


def _sheet_xml(book: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


FORMULA_LOOKING = ['=HYPERLINK("http://x.example","Bấm")', "+84 987 654 321", "-1+2", "@SUM(A1)", "#N/A"]


@pytest.mark.parametrize("name", FORMULA_LOOKING)
def test_a_name_that_looks_like_a_formula_stays_text(commune: Agency, staff: dict[str, User], name: str) -> None:
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name=name, applicant_address="=1+1")
    book = dossier_book_xlsx(Dossier.objects.all())
    assert "<f>" not in _sheet_xml(book)  # no formula anywhere in the sheet
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    cell, contact = sheet.cell(FIRST_DATA_ROW, 4), sheet.cell(FIRST_DATA_ROW, 5)
    assert (cell.value, cell.data_type) == (name, "s")  # every character kept, a text cell
    assert (contact.value, contact.data_type) == ("=1+1, 0987654321", "s")
    assert cell.quotePrefix is (name[0] in "=+-@")  # Excel's own mark of a text typed after an apostrophe
    assert contact.quotePrefix is True
    assert sheet.cell(FIRST_DATA_ROW, 2).quotePrefix is False  # an ordinary text is left alone


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x1f"])
def test_characters_xml_cannot_hold_do_not_break_the_book(
    commune: Agency, staff: dict[str, User], character: str
) -> None:
    if character == "\x00" and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL cannot store a NUL in a text column: such a name never reaches the book there")
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name=f"Nguyễn{character}Văn An")
    row = read(dossier_book_xlsx(Dossier.objects.all()))[FIRST_DATA_ROW - 1]
    assert row[3] == "Nguyễn\ufffdVăn An"  # replaced in the book only
    assert Dossier.objects.get(pk=dossier.pk).applicant_name == f"Nguyễn{character}Văn An"


def test_the_workbench_book_with_a_nul_in_a_name_downloads(
    client: Any, commune: Agency, staff: dict[str, User]
) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL cannot store a NUL in a text column")
    dossier = receive(commune, staff, at(2025, 9, 8, 8, 0))
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name="=cmd|' /C calc'!A0\x00")
    sign_in(client, staff["counter"])
    response = client.get("/workbench/book.xlsx")
    assert response.status_code == 200
    assert read(response.content)[FIRST_DATA_ROW - 1][3] == "=cmd|' /C calc'!A0\ufffd"
