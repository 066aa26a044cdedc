"""The portal's "Danh sách thủ tục hành chính" export: the five real files, then broken and edited ones.

The expected counts and values below were taken from the files independently of the reader (their sheet
XML parsed with the standard library and rows checked by eye), not from the reader's own output.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from motcua.catalog.importers.portal_excel import (
    PortalList,
    PortalListRow,
    SpreadsheetError,
    is_portal_list,
    read_portal_list,
)
from motcua.rules.codes import is_valid_procedure_code
from motcua.testing import national_catalog_dir

NATIONAL = national_catalog_dir()

HEADER = ["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"]
TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc\n\nDANH SÁCH THỦ TỤC HÀNH CHÍNH"

# procedure rows in each file (sheet rows 3 to the last; no blank rows in these exports)
ROW_COUNTS = {
    "danh-sach-tthc-BoCongAn.xlsx": 339,
    "danh-sach-tthc-BoTaiChinh.xlsx": 706,
    "danh-sach-tthc-BoTuPhap.xlsx": 271,
    "danh-sach-tthc-BoXayDung.xlsx": 525,
    "danh-sach-tthc-ToaAnNhanDan.xlsx": 3,
}
# the Ministry of Construction lists 111 procedures whose codes start with 5. or 6. (41 and 70): valid codes
CONSTRUCTION_CODES_5_OR_6 = 111


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read(name: str) -> PortalList:
    return read_portal_list(NATIONAL / name)


def by_row(result: PortalList) -> dict[int, PortalListRow]:
    return {row.row_number: row for row in result.rows}


def workbook_bytes(rows: list[list[object]], *, title: str = "Danh sách TTHC") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------------------
# the five real files


@pytest.mark.parametrize("name", sorted(ROW_COUNTS))
def test_real_files_are_recognised_and_fully_read(name: str) -> None:
    path = NATIONAL / name
    assert is_portal_list(path)
    result = read_portal_list(path)
    assert result.problems == []
    assert len(result.rows) == ROW_COUNTS[name]
    numbers = [row.row_number for row in result.rows]
    assert numbers == sorted(numbers)
    assert numbers[0] == 3  # title block on row 1, header on row 2
    codes = [row.code for row in result.rows]
    assert len(set(codes)) == len(codes)
    for row in result.rows:
        assert is_valid_procedure_code(row.code)
        assert row.name
        assert row.name == row.name.strip() == nfc(row.name)
        assert row.field_name == row.field_name.strip()
        assert all(agency and agency == agency.strip() for agency in row.executing_agencies)
        assert len(set(row.executing_agencies)) == len(row.executing_agencies)


def test_public_security_rows() -> None:
    rows = by_row(read("danh-sach-tthc-BoCongAn.xlsx"))
    first = rows[3]
    assert first.code == "1.015027"
    assert first.name.startswith("Xét hưởng chế độ trợ cấp đối với đối tượng hoặc thân nhân đối tượng")
    assert first.name.endswith("thôi việc trước ngày 01/4/2000 (thực hiện tại cấp tỉnh).")
    assert first.issuing_body == "Bộ Công an"
    assert first.executing_agencies == ["Ủy ban nhân dân cấp xã"]
    assert first.field_name == "Chính sách"
    # the portal names another ministry as issuer here; copied, not corrected
    assert (rows[9].code, rows[9].issuing_body, rows[9].executing_agencies) == (
        "1.003133",
        "Bộ Xây dựng",
        ["Công an cấp Xã"],
    )
    # internal double space kept as published
    assert rows[10].name.startswith("Công bố cơ sở cai nghiện  ma túy tự nguyện")
    # the cell is "\n\nCông an cấp Xã": blank lines dropped
    assert rows[77].code == "3.000351"
    assert rows[77].name == "Đổi giấy phép lái xe hoặc bằng lái xe của người nước ngoài"
    assert rows[77].executing_agencies == ["Công an cấp Xã"]
    # this field name is stored decomposed (NFD) in the file; read in the composed form of other rows
    assert rows[133].code == "2.001194"
    assert rows[133].field_name == nfc("Cấp, quản lý căn cước")
    last = rows[341]
    assert last.code == "1.000178"
    assert last.executing_agencies == []
    assert last.field_name == "Khiếu nại, tố cáo"


def test_decomposed_text_is_composed() -> None:
    result = read("danh-sach-tthc-BoCongAn.xlsx")
    identity_fields = {row.field_name for row in result.rows if "căn cước" in row.field_name}
    assert identity_fields == {nfc("Cấp, quản lý căn cước")}


def test_finance_rows() -> None:
    rows = by_row(read("danh-sach-tthc-BoTaiChinh.xlsx"))
    assert rows[3].code == "1.115155"
    assert rows[3].executing_agencies == ["Ủy ban Chứng khoán Nhà nước - Bộ tài chính"]
    assert rows[3].field_name == "Chứng khoán"
    assert rows[5].code == "1.115148"
    assert rows[5].executing_agencies == ["Ủy ban nhân dân cấp xã", "Thuế tỉnh, thành phố", "Thuế cơ sở"]
    assert rows[5].field_name == "Tài chính đất đai"
    assert rows[102].code == "2.002727"
    assert rows[102].name == "Thủ tục cấp đổi Giấy chứng nhận đăng ký đầu tư theo thủ tục đầu tư đặc biệt"
    assert rows[140].name == nfc("Thông báo thành lập/thay đổi tổ hợp tác")
    assert rows[306].code == "1.011021"
    assert rows[306].name.endswith("cá nhân có bất động sản cho thuê")
    assert rows[306].executing_agencies == ["Thuế tỉnh, thành phố", "Thuế cơ sở"]
    last = rows[708]
    assert last.code == "1.000005"
    assert last.name == "Thủ tục hải quan đối với khí, nguyên liệu xuất khẩu, nhập khẩu bằng đường ống chuyên dụng"
    assert (last.issuing_body, last.executing_agencies, last.field_name) == (
        "Bộ Tài chính",
        ["Chi cục Hải quan khu vực"],
        "Hải quan",
    )


def test_justice_rows() -> None:
    rows = by_row(read("danh-sach-tthc-BoTuPhap.xlsx"))
    first = rows[3]
    assert first.code == "1.014966"
    # the cell ends with a space
    assert first.name == "Cấp lại chứng chỉ hành nghề Quản tài viên trong trường hợp bị thu hồi chứng chỉ hành nghề"
    assert first.executing_agencies == ["Chủ tịch ủy ban nhân dân cấp tỉnh", "Sở Tư Pháp"]
    assert first.field_name == "Quản tài viên"
    # four lines, two agencies each listed twice
    assert rows[11].code == "2.002797"
    assert rows[11].executing_agencies == ["Bộ Tư pháp", "Cơ quan đại diện Việt Nam ở nước ngoài"]
    assert rows[14].executing_agencies == [
        "Sở Tư pháp Thành phố Hà Nội",
        "Cơ quan quản lý cơ sở dữ liệu hộ tịch điện tử",
        "Ủy ban nhân dân cấp xã",
    ]
    assert rows[208].code == "1.003091"
    assert rows[208].name == "Yêu cầu thi hành án dân sự"
    assert rows[273].code == "1.000094"
    assert rows[273].field_name == "Hộ tịch"


def test_construction_rows() -> None:
    result = read("danh-sach-tthc-BoXayDung.xlsx")
    rows = by_row(result)
    first = rows[3]
    assert first.code == "1.115151"
    # the cell starts with a space
    assert first.name.startswith("Thủ tục bán, cho thuê mua, cho thuê nhà ở cho lực lượng vũ trang nhân dân")
    assert first.issuing_body == "Bộ Xây dựng"
    assert rows[105].code == "1.115015"
    assert rows[105].executing_agencies == [
        "Bộ Xây dựng",
        "Cục Đường bộ Việt Nam",
        "Sở Tài chính các tỉnh, thành phố",
        "Ủy ban nhân dân cấp tỉnh",
        "Sở Xây dựng",
    ]
    assert rows[524].code == "1.000294"
    assert rows[524].executing_agencies == ["Cục Đường sắt Việt Nam", "Chủ tịch ủy ban nhân dân cấp tỉnh"]
    last = rows[527]
    assert last.code == "1.000028"
    assert last.issuing_body == "Bộ xây dựng (Giao thông vận tải cũ)"
    assert last.executing_agencies == []
    assert last.field_name == "Đường bộ"
    assert rows[5].code == "6.006597"
    assert rows[14].name == "Thuê nhà ở thương mại làm nhà ở công vụ thuộc địa phương quản lý"  # "\t" trimmed
    assert sum(1 for row in result.rows if row.code[0] in "56") == CONSTRUCTION_CODES_5_OR_6


def test_courts_rows() -> None:
    result = read("danh-sach-tthc-ToaAnNhanDan.xlsx")
    assert [row.code for row in result.rows] == ["3.000164", "3.000163", "3.000165"]
    three_courts = [
        "Tòa án nhân dân cấp cao",
        "Tòa án nhân dân tỉnh, thành phố trực thuộc trung ương",
        "Tòa án nhân dân cấp huyện, quận, thị xã, thành phố thuộc tỉnh và tương đương",
    ]
    rows = by_row(result)
    assert rows[3].executing_agencies == three_courts  # trailing line break dropped
    assert rows[4].executing_agencies == [*three_courts, "Tòa án nhân dân khu vực"]  # blank line dropped
    assert rows[4].name == (
        "Dịch vụ công trực tuyến gửi, nhận đơn khởi kiện, tài liệu, chứng cứ và cấp, tống đạt, "
        "thông báo văn bản tố tụng"
    )
    assert rows[5].name == "Đăng ký cấp sao bản án, tài liệu trong hồ sơ vụ án"
    assert {row.issuing_body for row in result.rows} == {"Tòa án nhân dân"}
    assert {row.field_name for row in result.rows} == {"Tòa án"}


def test_file_objects_and_bytes_are_read_like_paths() -> None:
    path = NATIONAL / "danh-sach-tthc-ToaAnNhanDan.xlsx"
    expected = read_portal_list(path)
    with path.open("rb") as handle:
        assert is_portal_list(handle)
        assert read_portal_list(handle) == expected  # the same handle, detection then reading
    assert read_portal_list(path.read_bytes()) == expected
    assert read_portal_list(str(path)) == expected


# -------------------------------------------------------------------------------------------------
# rows of a file built here


def test_header_found_by_its_cells_with_rows_checked_one_by_one() -> None:
    data = workbook_bytes(
        [
            [TITLE],
            [],
            ["Ghi chú: xuất từ Cổng"],
            # other order, other case and spacing, an extra column
            ["  MÃ  SỐ ", "STT", "tên", "Lĩnh  vực", "CƠ QUAN THỰC HIỆN", "cơ quan ban hành"],
            ["1.001193 ", 1, " Đăng ký khai sinh ", "Hộ tịch", "UBND cấp xã\r\n\r\n  UBND cấp xã ", "Bộ Tư pháp"],
            ["abc", 2, "Tên có mã hỏng", "Hộ tịch", "", "Bộ Tư pháp"],
            [],
            [None, 3, "Không có mã", "Hộ tịch", None, None],
            [1.00119, 4, "Mã bị Excel đổi thành số", "Hộ tịch", None, None],
            ["1.001193", 5, "Trùng mã", "Hộ tịch", None, None],
            ["2.000815.000.00.00.H55", 6, "   ", "Chứng thực", None, None],
            ["H55-X13", 7, "Thủ tục riêng của tỉnh", None, "Sở Tư pháp_x000D_\nUBND tỉnh", None],
            [None, None, None, None, None, None],
        ]
    )
    assert is_portal_list(data)
    result = read_portal_list(data)
    assert result.rows == [
        PortalListRow(
            row_number=5,
            code="1.001193",
            name="Đăng ký khai sinh",
            issuing_body="Bộ Tư pháp",
            executing_agencies=["UBND cấp xã"],
            field_name="Hộ tịch",
        ),
        PortalListRow(
            row_number=12,
            code="H55-X13",
            name="Thủ tục riêng của tỉnh",
            issuing_body="",
            executing_agencies=["Sở Tư pháp", "UBND tỉnh"],  # a Windows line break as Excel saves it
            field_name="",
        ),
    ]
    assert result.problems[0] == "dòng 6: mã thủ tục 'abc' không hợp lệ"
    assert result.problems[1] == "dòng 8: thiếu mã thủ tục"
    assert result.problems[2].startswith("dòng 9: mã thủ tục 1.00119 được lưu dạng số")
    assert result.problems[3:] == [
        "dòng 10: mã thủ tục '1.001193' trùng với dòng 5",
        "dòng 11: thiếu tên thủ tục",
    ]


def test_a_row_with_several_problems_reports_each() -> None:
    result = read_portal_list(workbook_bytes([HEADER, ["x", "", "", "", ""]]))
    assert result.rows == []
    assert result.problems == ["dòng 2: mã thủ tục 'x' không hợp lệ", "dòng 2: thiếu tên thủ tục"]


def test_header_only_is_an_empty_list() -> None:
    assert read_portal_list(workbook_bytes([[TITLE], HEADER])) == PortalList(rows=[], problems=[])


def test_header_on_another_sheet() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Trang ghi chú"])
    workbook.create_sheet("Danh sách").append(HEADER)
    workbook["Danh sách"].append(["1.001193", "Đăng ký khai sinh", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [row.code for row in read_portal_list(buffer.getvalue()).rows] == ["1.001193"]


# -------------------------------------------------------------------------------------------------
# files that are not the portal's list


def test_a_workbook_without_the_header_row() -> None:
    data = workbook_bytes([[TITLE], ["Mã số", "Tên", "Lĩnh vực"], ["1.001193", "Đăng ký khai sinh", "Hộ tịch"]])
    assert not is_portal_list(data)
    expected = "không tìm thấy dòng tiêu đề 'Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực'"
    with pytest.raises(SpreadsheetError, match=re.escape(expected)):
        read_portal_list(data)


def test_a_header_too_far_down_is_not_looked_for() -> None:
    data = workbook_bytes([[f"dòng {n}"] for n in range(1, 31)] + [HEADER])
    assert not is_portal_list(data)
    with pytest.raises(SpreadsheetError, match="không tìm thấy dòng tiêu đề"):
        read_portal_list(data)


def test_an_empty_workbook() -> None:
    data = workbook_bytes([])
    assert not is_portal_list(data)
    with pytest.raises(SpreadsheetError, match="bảng tính trống"):
        read_portal_list(data)


def test_text_is_not_a_spreadsheet(tmp_path: Path) -> None:
    text = "Mã số;Tên;Cơ quan ban hành;Cơ quan thực hiện;Lĩnh vực\n1.001193;Đăng ký khai sinh;;;\n".encode()
    assert not is_portal_list(text)
    with pytest.raises(SpreadsheetError, match=re.escape("không phải bảng tính Excel .xlsx")):
        read_portal_list(text)
    path = tmp_path / "danh-sach.csv"
    path.write_bytes(text)
    assert not is_portal_list(path)
    with pytest.raises(
        SpreadsheetError,
        match=re.escape("'danh-sach.csv' không phải bảng tính Excel .xlsx (định dạng .csv không được hỗ trợ)"),
    ):
        read_portal_list(path)


def test_the_old_excel_format_is_named() -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert not is_portal_list(legacy)
    with pytest.raises(SpreadsheetError, match=r"định dạng Excel cũ \(.xls\)"):
        read_portal_list(legacy)


def test_a_missing_file(tmp_path: Path) -> None:
    assert not is_portal_list(tmp_path / "khong-co.xlsx")
    with pytest.raises(SpreadsheetError, match=re.escape("không tìm thấy tệp 'khong-co.xlsx'")):
        read_portal_list(tmp_path / "khong-co.xlsx")


def test_truncated_bytes() -> None:
    data = workbook_bytes([[TITLE], HEADER, ["1.001193", "Đăng ký khai sinh", "Bộ Tư pháp", "", "Hộ tịch"]])
    for size in (0, 10, len(data) // 2, len(data) - 1):
        assert not is_portal_list(data[:size])
        with pytest.raises(SpreadsheetError, match=re.escape("không phải bảng tính Excel .xlsx hoặc đã bị hỏng")):
            read_portal_list(data[:size])


def test_a_damaged_sheet_inside_a_valid_zip() -> None:
    """The sheet's XML is cut short: openpyxl only notices while rows are being read."""
    rows = [[TITLE], HEADER] + [[f"1.{n:06d}", f"Thủ tục {n}", "Bộ", "Sở", "Lĩnh vực"] for n in range(200)]
    original = zipfile.ZipFile(io.BytesIO(workbook_bytes(rows)))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    with pytest.raises(SpreadsheetError, match="bị hỏng"):
        read_portal_list(damaged.getvalue())
