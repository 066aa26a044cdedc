"""The catalogue as an Excel workbook: written and read back unchanged, edited by people, refused clearly."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from motcua.accounts.models import Role
from motcua.calendars.models import OverrideKind
from motcua.catalog.interchange import (
    AgencyRecord,
    CatalogDocument,
    CatalogLoadError,
    ProcedureRecord,
    dump_catalog,
    load_catalog,
)
from motcua.catalog.models import (
    AgencyKind,
    Channel,
    DocumentForm,
    FeeKind,
    Level,
    OnlineLevel,
    ProcedureStatus,
)
from motcua.catalog.models.offering import StepUnit, TimeUnit
from motcua.catalog.spreadsheet import (
    CONTINUATION_MARK,
    EXCEL_CELL_LIMIT,
    catalog_to_xlsx,
    excel_text,
    is_catalog_workbook,
    record_lists,
    text_cell,
    xlsx_to_catalog,
)
from motcua.testing import national_catalog_dir

PORTAL_LIST = national_catalog_dir() / "danh-sach-tthc-ToaAnNhanDan.xlsx"


def normalised(data: Any) -> dict[str, Any]:
    return CatalogDocument.model_validate(data).model_dump(mode="json")


def empty_catalog(**lists: list[dict[str, Any]]) -> dict[str, Any]:
    return normalised({"format": "motcua-catalog/1", **lists})


def agency(**values: Any) -> dict[str, Any]:
    return {"identifier": "000.00.01.H55", "name": "UBND tỉnh", "level": "province", **values}


def edited(data: bytes, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    """The workbook as an officer would leave it after editing it (openpyxl standing in for Excel)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(CatalogLoadError) as caught:
        xlsx_to_catalog(data)
    return caught.value.problems


# -------------------------------------------------------------------------------------------------
# round trips


def test_demo_catalogue_round_trips(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    data = normalised(demo_catalog_data())
    assert data["procedures"]
    assert data["offerings"]
    workbook = catalog_to_xlsx(data)
    assert is_catalog_workbook(workbook)
    assert xlsx_to_catalog(workbook) == data
    assert xlsx_to_catalog(io.BytesIO(workbook)) == data


def test_export_normalises_its_input(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    raw = demo_catalog_data()
    assert xlsx_to_catalog(catalog_to_xlsx(raw)) == normalised(raw)


def test_layout_follows_the_schema(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    data = normalised(demo_catalog_data())
    workbook = openpyxl.load_workbook(io.BytesIO(catalog_to_xlsx(data)))
    lists = record_lists()
    assert list(lists) == ["agencies", "fields", "procedures", "offerings", "calendar_overrides"]
    assert workbook.sheetnames == ["meta", *lists]
    assert [[cell.value for cell in row] for row in workbook["meta"].iter_rows()] == [
        ["key", "value"],
        ["format", "motcua-catalog/1"],
    ]
    for name, model in lists.items():
        sheet = workbook[name]
        assert [cell.value for cell in sheet[1]] == list(model.model_fields)
        assert sheet.max_row == len(data[name]) + 1
    procedures = workbook["procedures"]
    header = [cell.value for cell in procedures[1]]
    first = dict(zip(header, [cell for cell in procedures[2]], strict=True))
    assert first["code"].value == "1.001193"
    assert first["code"].data_type == "s"  # text, not the number 1.001193
    assert first["levels"].value == '["commune"]'
    assert first["legal_basis"].value.startswith('[{"number":"60/2014/QH13","title":"Luật Hộ tịch"}')
    assert first["decision_number"].value is None  # "" is the default: an empty cell
    assert first["valid_from"].value is None
    agencies = workbook["agencies"]
    assert agencies["B2"].value is True  # identifier_is_placeholder, a real boolean


def test_numbers_and_dates_looking_text_stays_text() -> None:
    data = empty_catalog(
        agencies=[agency(identifier="1.001193", name="0012", admin_unit_code="19", valid_from="2025-07-01")],
        calendar_overrides=[{"day": "2025-09-01", "kind": "day_off", "reason": "=1+1"}],
    )
    workbook = catalog_to_xlsx(data)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["agencies"]
    assert [sheet.cell(2, column).value for column in (1, 3, 7, 10)] == ["1.001193", "0012", "2025-07-01", "19"]
    assert all(sheet.cell(2, column).data_type == "s" for column in (1, 3, 7, 10))
    assert xlsx_to_catalog(workbook) == data


def test_empty_string_and_none_are_kept_apart() -> None:
    data = empty_catalog(
        agencies=[
            agency(identifier="A.B.C", name="", parent=""),  # "" where the default is None, and a required ""
            agency(identifier="A.B.D", parent=None),
        ]
    )
    workbook = catalog_to_xlsx(data)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["agencies"]
    assert sheet["C2"].value == '=""'
    assert sheet["F2"].value == '=""'
    assert sheet["F3"].value is None
    back = xlsx_to_catalog(workbook)
    assert back == data
    assert (back["agencies"][0]["parent"], back["agencies"][1]["parent"]) == ("", None)


def test_text_excel_cannot_hold_as_is_is_escaped() -> None:
    tricky = [
        "dòng 1\r\ndòng 2",
        "\x01\x1f",
        "_x000D_",
        "_x005F_x000D_",
        "_x0041\r1",
        "a_x00e9_b\x0b",
        "#N/A",
        "=SUM(A1:A2)",
        "TRUE",
        "😀 ở",
    ]
    data = empty_catalog(fields=[{"code": f"f{n}", "name": text} for n, text in enumerate(tricky)])
    assert xlsx_to_catalog(catalog_to_xlsx(data)) == data


FORMULA_LOOKING = ["=SUM(A1:A2)", '=HYPERLINK("http://x.example","x")', "+1", "-0", "@A1", "=\x01"]


def test_text_that_begins_like_a_formula_is_a_quoted_text_cell_and_reads_back_whole() -> None:
    names = [*FORMULA_LOOKING, "bình thường", "_x003D_1+1", "1=1"]
    data = empty_catalog(fields=[{"code": f"f{n}", "name": text} for n, text in enumerate(names)])
    workbook = catalog_to_xlsx(data)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert len(sheets) == 6
    assert not any("<f>" in xml for xml in sheets)  # no formula: every one of these is an inline string
    assert any('t="inlineStr"><is><t>=SUM(A1:A2)</t>' in xml for xml in sheets)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["fields"]
    cells = [sheet.cell(row, 2) for row in range(2, len(names) + 2)]
    assert all(cell.data_type == "s" for cell in cells)
    # Excel's quotePrefix marks the ones a person (or Excel, on editing) could take for a formula; the text
    # itself is untouched
    assert [cell.quotePrefix for cell in cells] == [True] * len(FORMULA_LOOKING) + [False] * 3
    assert cells[0].value == "=SUM(A1:A2)"
    assert xlsx_to_catalog(workbook) == data


def test_the_one_text_cell_helper() -> None:
    assert excel_text("a\x00b\x01\rc_x0041_", unsafe="escape") == "a_x0000_b_x0001__x000D_c_x005F_x0041_"
    assert excel_text("a\x00b\x01\rc\t\n", unsafe="replace") == "a\ufffdb\ufffd_x000D_c\t\n"
    sheet = Workbook(write_only=True).create_sheet()
    assert text_cell(sheet, "=1+1").data_type == "s"
    assert text_cell(sheet, "=1+1").quotePrefix is True
    assert text_cell(sheet, "\tx").quotePrefix is True
    assert text_cell(sheet, "_x000D_=1").quotePrefix is True  # shown as a carriage return, then "=1"
    assert text_cell(sheet, "_x005F_x000D_").quotePrefix is False  # shown as "_x000D_"
    assert text_cell(sheet, "").quotePrefix is False


def _sheet_rows(data: bytes, title: str) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))  # not read-only: rows keep their empty cells
    return [[cell.value for cell in row] for row in workbook[title].iter_rows()]


def test_a_text_that_fits_one_cell_has_no_continuation_column() -> None:
    fits = empty_catalog(agencies=[agency(notes="ư" * EXCEL_CELL_LIMIT)])
    data = catalog_to_xlsx(fits)
    assert xlsx_to_catalog(data) == fits
    assert not any(CONTINUATION_MARK in str(name) for name in _sheet_rows(data, "agencies")[0])


@pytest.mark.parametrize(
    ("notes", "cells"),
    [
        ("ư" * (EXCEL_CELL_LIMIT + 1), 2),
        ("😀" * (EXCEL_CELL_LIMIT // 2 + 1), 2),  # two UTF-16 units each: Excel counts them twice
        ("x\r" * (EXCEL_CELL_LIMIT // 8 + 1) + "x", 2),  # "\r" is written as the 7-character escape _x000D_
        ("đ" * (3 * EXCEL_CELL_LIMIT), 3),
    ],
)
def test_a_longer_text_continues_in_continuation_columns_and_reads_back_whole(notes: str, cells: int) -> None:
    data_in = empty_catalog(agencies=[agency(notes=notes), agency(identifier="000.00.02.H55", notes="ngắn")])
    data = catalog_to_xlsx(data_in)
    assert xlsx_to_catalog(data) == data_in
    header, long_row, short_row = _sheet_rows(data, "agencies")
    start = header.index("notes")
    assert header[start : start + cells] == ["notes"] + [f"notes{CONTINUATION_MARK}{k}" for k in range(2, cells + 1)]
    pieces = long_row[start : start + cells]
    assert all(0 < len(piece.encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT for piece in pieces)
    assert short_row[start : start + cells] == ["ngắn"] + [None] * (cells - 1)


def test_a_long_document_list_continues_too() -> None:
    """The portal's longest document lists (``thanh_phan_ho_so`` of a few ministries) exceed a cell as JSON."""
    documents = [{"name": f"Giấy tờ số {n}: " + "bản sao có chứng thực " * 40} for n in range(60)]
    data_in = empty_catalog(procedures=[{"code": "1.000001", "name": "Thủ tục dài", "documents": documents}])
    assert xlsx_to_catalog(catalog_to_xlsx(data_in)) == data_in


@given(st.text(alphabet=st.sampled_from(["a", "ư", "😀", "\r", "\x01", "_", "x", "0", "D", "F"]), max_size=300))
def test_pieces_never_cut_an_escape_or_exceed_the_limit(text: str) -> None:
    import motcua.catalog.spreadsheet as spreadsheet

    limit = 9  # small, so that short texts are cut often; an escape (7 units) always fits
    original = spreadsheet.EXCEL_CELL_LIMIT
    spreadsheet.EXCEL_CELL_LIMIT = limit
    try:
        escaped = spreadsheet._escape(text)
        pieces = [cell.value for cell in spreadsheet._pieces(spreadsheet._Cell(escaped, text=True))]
    finally:
        spreadsheet.EXCEL_CELL_LIMIT = original
    assert "".join(pieces) == escaped
    assert "".join(spreadsheet._unescape(piece) for piece in pieces) == text
    assert all(len(piece.encode("utf-16-le")) // 2 <= limit for piece in pieces)


def test_continuation_cells_are_read_in_piece_order_and_checked() -> None:
    notes = "ơ" * (EXCEL_CELL_LIMIT + 10)
    data = catalog_to_xlsx(empty_catalog(agencies=[agency(notes=notes)]))
    header = _sheet_rows(data, "agencies")[0]
    main, more = (get_column_letter(header.index(name) + 1) for name in ("notes", f"notes{CONTINUATION_MARK}2"))

    def emptied(workbook: openpyxl.Workbook) -> None:
        workbook["agencies"][f"{main}2"] = None

    def number(workbook: openpyxl.Workbook) -> None:
        workbook["agencies"][f"{more}2"] = 5

    assert problems_of(edited(data, emptied)) == [
        f"trang 'agencies', dòng 2, cột {more} ('notes{CONTINUATION_MARK}2'): "
        "ô tiếp nối có dữ liệu nhưng ô 'notes' trống"
    ]
    assert problems_of(edited(data, number)) == [
        f"trang 'agencies', dòng 2, cột {more} ('notes{CONTINUATION_MARK}2'): "
        "một văn bản viết tiếp qua nhiều ô chỉ gồm ô văn bản"
    ]


def test_an_invalid_catalogue_is_not_exported() -> None:
    with pytest.raises(CatalogLoadError, match=re.escape("agencies.0.level")):
        catalog_to_xlsx({"format": "motcua-catalog/1", "agencies": [agency(level="galaxy")]})


# -------------------------------------------------------------------------------------------------
# a property: any small catalogue round-trips

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐĂÂÊÔƠƯ"
LOOKALIKES = [
    "",
    " ",
    "1.001193",
    "0012",
    "1e5",
    "-0",
    "2025-07-01",
    "01/07/2025",
    "TRUE",
    "false",
    "null",
    "[]",
    "=1+1",
    '=""',
    "=NA()",
    "#N/A",
    "_x000D_",
    "'quoted",
]
texts = st.one_of(
    st.sampled_from(LOOKALIKES),
    st.text(st.sampled_from(VIETNAMESE + "0123456789 .,-_/=#'\"\n\r\t"), max_size=12),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
)
dates = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12)


def values(choices: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([choice.value for choice in choices])


def small_lists(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, max_size=3)


agencies = st.fixed_dictionaries(
    {"identifier": texts, "name": texts, "level": values(Level)},
    optional={
        "identifier_is_placeholder": st.booleans(),
        "kind": values(AgencyKind),
        "parent": st.none() | texts,
        "valid_from": dates,
        "valid_to": dates,
        "successor": st.none() | texts,
        "admin_unit_code": texts,
        "address": texts,
        "notes": texts,
    },
)
documents = st.fixed_dictionaries(
    {"name": texts},
    optional={
        "quantity": st.integers(min_value=1, max_value=10**6),
        "form": values(DocumentForm),
        "condition": texts,
        "document_type": texts,
        "templates": small_lists(texts),
        "group": texts,
    },
)
procedures = st.fixed_dictionaries(
    {"code": texts, "name": texts},
    optional={
        "field": st.none() | texts,
        "levels": small_lists(values(Level)),
        "issuing_body": texts,
        "decision_number": texts,
        "online_level": st.just("") | values(OnlineLevel),
        "status": values(ProcedureStatus),
        "valid_from": dates,
        "valid_to": dates,
        "legal_basis": small_lists(st.fixed_dictionaries({}, optional={"number": texts, "title": texts})),
        "results": small_lists(st.fixed_dictionaries({"name": texts}, optional={"code": texts})),
        "notes": texts,
        "source_url": texts,
        "documents": small_lists(documents),
    },
)
steps = st.fixed_dictionaries(
    {"name": texts, "role": values(Role), "allotted_amount": decimals},
    optional={"executing_agency": st.none() | texts, "allotted_unit": values(StepUnit)},
)
offerings = st.fixed_dictionaries(
    {"procedure": texts, "agency": texts},
    optional={
        "receiving_agency": st.none() | texts,
        "active": st.booleans(),
        "notes": texts,
        "channels": small_lists(
            st.fixed_dictionaries(
                {"channel": values(Channel)},
                optional={
                    "processing_amount": st.none() | decimals,
                    "processing_unit": st.just("") | values(TimeUnit),
                    "processing_text": texts,
                },
            )
        ),
        "fees": small_lists(
            st.fixed_dictionaries(
                {"kind": values(FeeKind), "name": texts},
                optional={
                    "amount_vnd": st.none() | decimals,
                    "condition": texts,
                    "channel": st.just("") | values(Channel),
                },
            )
        ),
        "templates": small_lists(
            st.fixed_dictionaries(
                {"steps": small_lists(steps)}, optional={"channel": st.just("") | values(Channel), "name": texts}
            )
        ),
    },
)
overrides = st.fixed_dictionaries(
    {"day": st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), "kind": values(OverrideKind)},
    optional={"reason": texts},
).map(lambda record: {"reason": "", **record})
catalogues = st.fixed_dictionaries(
    {"format": st.just("motcua-catalog/1")},
    optional={
        "agencies": small_lists(agencies),
        "fields": small_lists(st.fixed_dictionaries({"code": texts, "name": texts})),
        "procedures": small_lists(procedures),
        "offerings": small_lists(offerings),
        "calendar_overrides": small_lists(overrides),
    },
)


@given(catalogues)
def test_any_small_catalogue_round_trips(raw: dict[str, Any]) -> None:
    data = normalised(raw)
    assert xlsx_to_catalog(catalog_to_xlsx(copy.deepcopy(data))) == data


# -------------------------------------------------------------------------------------------------
# what an officer may do to the workbook


def test_bad_level_names_sheet_row_and_column() -> None:
    data = catalog_to_xlsx(empty_catalog(agencies=[agency(), agency(identifier="000.00.02.H55")]))
    changed = edited(data, lambda workbook: workbook["agencies"].cell(3, 4, "galaxy"))
    problems = problems_of(changed)
    assert len(problems) == 1
    assert problems[0].startswith("trang 'agencies', dòng 3, cột 'level' (D): Input should be")


def test_bad_nested_value_names_its_place_inside_the_cell(demo_catalog_data: Callable[[], dict[str, Any]]) -> None:
    data = catalog_to_xlsx(demo_catalog_data())

    columns = list(ProcedureRecord.model_fields)
    levels = get_column_letter(columns.index("levels") + 1)
    documents = get_column_letter(columns.index("documents") + 1)

    def edit(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["procedures"]
        sheet[f"{levels}2"] = '["commune", "planet"]'
        sheet[f"{documents}3"] = '[{"name": "Tờ khai", "quantity": -1}]'

    problems = problems_of(edited(data, edit))
    assert levels == "D"
    assert problems[0].startswith(f"trang 'procedures', dòng 2, cột 'levels' ({levels}) — 1: Input should be")
    assert problems[1].startswith(
        f"trang 'procedures', dòng 3, cột 'documents' ({documents}) — 0.quantity: Input should be"
    )


def test_cells_that_cannot_be_read_are_each_reported() -> None:
    data = catalog_to_xlsx(empty_catalog(procedures=[{"code": "1.001193", "name": "Đăng ký khai sinh"}]))
    columns = list(ProcedureRecord.model_fields)
    levels, legal, notes = (get_column_letter(columns.index(n) + 1) for n in ("levels", "legal_basis", "notes"))
    beyond = get_column_letter(len(columns) + 1)

    def edit(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["procedures"]
        sheet[f"{levels}2"] = '["commune"'  # broken JSON
        sheet[f"{legal}2"] = 5  # a number instead of JSON text
        sheet[f"{notes}2"] = "=A1&B1"  # a formula
        sheet[f"{beyond}2"] = "lạc chỗ"  # a cell right of the last column
        workbook.create_sheet("ghi chú")

    assert problems_of(edited(data, edit)) == [
        "trang 'ghi chú' không thuộc định dạng motcua-catalog/1",
        f"trang 'procedures', dòng 2, cột {levels} ('levels'): "
        "không phải JSON hợp lệ (Expecting ',' delimiter, vị trí 10)",
        f"trang 'procedures', dòng 2, cột {legal} ('legal_basis'): cần văn bản JSON, gặp 5",
        f"trang 'procedures', dòng 2, cột {notes} ('notes'): "
        'công thức =A1&B1 không được hỗ trợ (chỉ dùng ="" hoặc =NA())',
        f"trang 'procedures', dòng 2, cột {beyond}: ô có dữ liệu nhưng cột không có tiêu đề hợp lệ",
    ]


def test_unknown_or_repeated_columns_are_reported() -> None:
    data = catalog_to_xlsx(empty_catalog(fields=[{"code": "ho-tich", "name": "Hộ tịch"}]))

    def edit(workbook: openpyxl.Workbook) -> None:
        workbook["fields"]["C1"] = "ghi_chu"
        workbook["fields"]["D1"] = "name"

    assert problems_of(edited(data, edit)) == [
        "trang 'fields', cột C: cột 'ghi_chu' không thuộc định dạng motcua-catalog/1",
        "trang 'fields', cột D: cột 'name' lặp lại (đã có ở cột B)",
    ]


def test_a_required_cell_left_empty() -> None:
    data = catalog_to_xlsx(empty_catalog(fields=[{"code": "ho-tich", "name": "Hộ tịch"}]))

    def edit(workbook: openpyxl.Workbook) -> None:
        workbook["fields"]["B2"].value = None

    problems = problems_of(edited(data, edit))
    assert problems == ["trang 'fields', dòng 2, cột 'name' (B): Field required"]


def test_edits_an_officer_makes_are_understood() -> None:
    """Blank lines, reordered columns, a date typed as a date, a boolean typed as TRUE: all read as meant."""
    data = catalog_to_xlsx(empty_catalog(agencies=[agency(), agency(identifier="000.00.02.H55", name="Sở")]))

    def edit(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["agencies"]
        sheet.insert_rows(3)  # a blank line between the two agencies
        sheet.move_range("A1:A4", cols=sheet.max_column)  # identifier moved to the last column
        sheet.delete_cols(1)
        sheet["F2"] = datetime(2025, 7, 1)  # valid_from, now column F
        sheet["A4"] = True  # identifier_is_placeholder

    back = xlsx_to_catalog(edited(data, edit))
    assert [record["identifier"] for record in back["agencies"]] == ["000.00.01.H55", "000.00.02.H55"]
    assert back["agencies"][0]["valid_from"] == "2025-07-01"
    assert back["agencies"][1]["identifier_is_placeholder"] is True
    assert back["agencies"][1]["name"] == "Sở"


def test_a_missing_list_sheet_is_an_empty_list() -> None:
    data = catalog_to_xlsx(empty_catalog(fields=[{"code": "ho-tich", "name": "Hộ tịch"}]))
    back = xlsx_to_catalog(edited(data, lambda workbook: workbook.remove(workbook["fields"])))
    assert back == empty_catalog()


def test_meta_sheet_is_required_and_checked() -> None:
    data = catalog_to_xlsx(empty_catalog())
    assert problems_of(edited(data, lambda workbook: workbook.remove(workbook["meta"]))) == [
        "không có trang 'meta' ghi định dạng (format = motcua-catalog/1)"
    ]
    newer = edited(data, lambda workbook: workbook["meta"].cell(2, 2, "motcua-catalog/2"))
    assert is_catalog_workbook(newer)
    problems = problems_of(newer)
    assert len(problems) == 1
    assert problems[0].startswith("trang 'meta', dòng 2, cột 'value': Input should be 'motcua-catalog/1'")
    assert problems_of(edited(data, lambda workbook: workbook["meta"].delete_rows(2))) == [
        "trang 'meta': thiếu khóa 'format'"
    ]


# -------------------------------------------------------------------------------------------------
# files that are not catalogue workbooks


def test_other_files_are_not_catalogue_workbooks(tmp_path: Path) -> None:
    assert not is_catalog_workbook(b"format: motcua-catalog/1\n")
    assert not is_catalog_workbook(tmp_path / "khong-co.xlsx")
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    assert not is_catalog_workbook(plain.getvalue())
    assert not is_catalog_workbook(PORTAL_LIST)


def test_unreadable_files_give_a_clear_error(tmp_path: Path) -> None:
    for content in (b"format: motcua-catalog/1\n", catalog_to_xlsx(empty_catalog())[:300]):
        with pytest.raises(CatalogLoadError, match=re.escape("không phải bảng tính Excel .xlsx hoặc đã bị hỏng")):
            xlsx_to_catalog(content)
    with pytest.raises(CatalogLoadError, match=re.escape("không tìm thấy tệp 'khong-co.xlsx'")):
        xlsx_to_catalog(tmp_path / "khong-co.xlsx")


# -------------------------------------------------------------------------------------------------
# through the database


@pytest.mark.django_db
def test_database_round_trip_changes_nothing(demo_catalog: dict[str, Any]) -> None:
    dumped = dump_catalog()
    back = xlsx_to_catalog(catalog_to_xlsx(dumped))
    assert back == dumped
    summary = load_catalog(back)
    assert summary.total("created") == 0
    assert summary.total("updated") == 0
    assert summary.total("unchanged") > 0
    assert dump_catalog() == dumped


def test_a_decimal_survives_as_written() -> None:
    data = empty_catalog(
        offerings=[
            {
                "procedure": "1.001193",
                "agency": "000.00.01.H55",
                "fees": [{"kind": "charge", "name": "Lệ phí", "amount_vnd": Decimal("8000.50")}],
            }
        ]
    )
    assert data["offerings"][0]["fees"][0]["amount_vnd"] == "8000.50"
    assert xlsx_to_catalog(catalog_to_xlsx(data)) == data


def test_agency_record_is_the_agencies_sheet() -> None:
    assert record_lists()["agencies"] is AgencyRecord
