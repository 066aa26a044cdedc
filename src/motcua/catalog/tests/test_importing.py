"""The import pipeline end to end: real portal files in, the catalogue, its API and its search out.

A directory of 33 real detail records of the five publishers (copied from the sample committed with the
tests, ``motcua.testing``) is imported together with broken files, twice, merged
with local edits and with the portal's Excel lists, exported and imported back. The values the API test
expects were read by hand from the records' JSON text, never from the parser's output.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from motcua.catalog.importers.portal_detail import parse_text
from motcua.catalog.importers.portal_excel import read_portal_list
from motcua.catalog.importing import ImportReport, import_paths
from motcua.catalog.interchange import dump_catalog, load_catalog
from motcua.catalog.models import Agency, Field, Offering, Procedure, RequiredDocument
from motcua.catalog.selectors import search_procedures
from motcua.catalog.spreadsheet import CONTINUATION_MARK
from motcua.rules.text import fold
from motcua.testing import national_catalog_dir, sampled_for

NATIONAL = national_catalog_dir()
DETAIL = NATIONAL / "detail"

#: Varied records: every publisher, units (working days, hours, calendar days, months, none), fees (VND
#: in two spellings, USD, free, none published), several channels, templates, and unparsed parts.
SAMPLE = [
    "bo-tu-phap/1.000080",
    "bo-tu-phap/1.001233",
    "bo-tu-phap/2.000908",
    "bo-tu-phap/1.000426",
    "bo-tu-phap/1.005136",
    "bo-tu-phap/1.001193",
    "bo-cong-an/1.003777",
    "bo-cong-an/3.000382",
    "bo-cong-an/1.014980",
    "bo-cong-an/1.004073",
    "bo-cong-an/1.003799",
    "bo-cong-an/1.003133",
    "bo-cong-an/1.000236",
    "bo-cong-an/1.000771",
    "bo-cong-an/1.010047",
    "bo-tai-chinh/1.007689",
    "bo-tai-chinh/2.001199",
    "bo-tai-chinh/1.010995",
    "bo-tai-chinh/1.009825",
    "bo-tai-chinh/1.008562",
    "bo-tai-chinh/1.001612",
    "bo-tai-chinh/2.000720",
    "bo-tai-chinh/1.000014",
    "bo-xay-dung/1.013097",
    "bo-xay-dung/1.009444",
    "bo-xay-dung/1.004268",
    "bo-xay-dung/5.003732",
    "bo-xay-dung/5.002581",
    "bo-xay-dung/1.010702",
    "bo-xay-dung/1.004709",
    "toa-an-nhan-dan/3.000163",
    "toa-an-nhan-dan/3.000164",
    "toa-an-nhan-dan/3.000165",
]
SAMPLE_CODES = sorted(name.split("/")[1] for name in SAMPLE)

#: Records used for the broken files; none of them is in the sample, so none may reach the database.
TRUNCATED_SOURCE = "bo-cong-an/1.000807"
NO_CODE_SOURCE = "bo-tai-chinh/2.000575"
#: The portal list header, for lists built in the tests.
LIST_HEADER = ["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"]
LIST_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - DANH SÁCH THỦ TỤC HÀNH CHÍNH"


def detail_path(name: str) -> Path:
    return DETAIL / f"{name}.json"


def copy_records(names: list[str], target: Path) -> Path:
    """Copy real detail records into ``target/<ministry>/<code>.json`` (the data set's layout)."""
    for name in names:
        destination = target / f"{name}.json"
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(detail_path(name), destination)
    return target


def workbook_bytes(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def broken_files(directory: Path) -> dict[str, Path]:
    """One file per way an import can fail, each with content that must not reach the database."""
    directory.mkdir(parents=True, exist_ok=True)
    text = detail_path(TRUNCATED_SOURCE).read_text(encoding="utf-8")
    truncated = directory / "cut-in-half.json"
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    record = json.loads(detail_path(NO_CODE_SOURCE).read_text(encoding="utf-8"))
    del record["ma_thu_tuc"]
    no_code = directory / "no-code.json"
    no_code.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    headerless = directory / "no-header.xlsx"
    headerless.write_bytes(
        workbook_bytes(
            [
                [LIST_TITLE],
                ["1.999901", "Thủ tục không có dòng tiêu đề", "Bộ Tư pháp", "Sở Tư pháp", "Lĩnh vực không tiêu đề"],
                ["1.999902", "Thủ tục thứ hai", "Bộ Tư pháp", "Sở Tư pháp", "Lĩnh vực không tiêu đề"],
            ]
        )
    )
    # a file of our own format whose first records are valid and whose last one is not: all or nothing
    half_valid = directory / "half-valid.json"
    half_valid.write_text(
        json.dumps(
            {
                "format": "motcua-catalog/1",
                "fields": [{"code": "linh-vuc-nua-hop-le", "name": "Lĩnh vực nửa hợp lệ"}],
                "procedures": [
                    {"code": "1.999911", "name": "Thủ tục hợp lệ", "field": "linh-vuc-nua-hop-le"},
                    {"code": "không-phải-mã", "name": "Thủ tục sai mã"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return {"truncated": truncated, "no_code": no_code, "headerless": headerless, "half_valid": half_valid}


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    return copy_records(SAMPLE, tmp_path / "catalog")


@pytest.fixture
def imported(db: None, sample_dir: Path) -> ImportReport:
    report = import_paths([sample_dir])
    assert report.failed == [], [f.error for f in report.failed]
    return report


def expected_unparsed(names: list[str]) -> Counter[str]:
    """Records with problems by field, counted from the parser directly (the pipeline must add them up)."""
    counts: Counter[str] = Counter()
    for name in names:
        parsed = parse_text(detail_path(name).read_text(encoding="utf-8"))
        counts.update({problem.field for problem in parsed.problems})
    return counts


def nothing_of_the_broken_files() -> None:
    codes = ["1.000807", "2.000575", "1.999901", "1.999902", "1.999911"]
    assert not Procedure.objects.filter(code__in=codes).exists()
    assert not Field.objects.filter(code="linh-vuc-nua-hop-le").exists()
    assert not Field.objects.filter(name="Lĩnh vực không tiêu đề").exists()


# -------------------------------------------------------------------------------------------------
# a directory with good and broken files


@pytest.mark.django_db
def test_good_files_are_imported_and_each_broken_file_is_named(sample_dir: Path, tmp_path: Path) -> None:
    broken = broken_files(sample_dir / "hong")
    text_file = tmp_path / "ghi-chu.txt"
    text_file.write_text("không phải danh mục", encoding="utf-8")

    report = import_paths([sample_dir, text_file])

    assert len(report.files) == len(SAMPLE) + len(broken) + 1
    reasons = {Path(f.name).name: f.error for f in report.failed}
    assert set(reasons) == {"cut-in-half.json", "no-code.json", "no-header.xlsx", "half-valid.json", "ghi-chu.txt"}
    assert reasons["cut-in-half.json"].startswith("JSON không hợp lệ hoặc bị cắt cụt (dòng ")
    assert reasons["no-code.json"] == "bản ghi thủ tục không có mã thủ tục (trường “ma_thu_tuc” thiếu hoặc trống)"
    assert reasons["no-header.xlsx"].startswith(
        "bảng tính không phải danh sách thủ tục của Cổng DVCQG (thiếu dòng tiêu đề 'Mã số | Tên | …')"
    )
    assert reasons["half-valid.json"].startswith("procedures[1].code: Mã thủ tục “không-phải-mã” không hợp lệ")
    assert reasons["ghi-chu.txt"] == "không nhận dạng được định dạng tệp (.txt)"

    assert sorted(Procedure.objects.values_list("code", flat=True)) == SAMPLE_CODES
    nothing_of_the_broken_files()

    procedures = report.by_kind()["procedures"]
    assert (procedures["created"], procedures["updated"], procedures["unchanged"]) == (len(SAMPLE), 0, 0)
    field_names = {fold(parse_text(detail_path(n).read_text(encoding="utf-8")).field_name) for n in SAMPLE}
    assert report.by_kind()["fields"]["created"] == len(field_names) == Field.objects.count()
    assert report.total("created") == len(SAMPLE) + len(field_names)
    unparsed = expected_unparsed(SAMPLE)
    assert unparsed["cach_thuc_thuc_hien"] > 0
    assert unparsed["can_cu_phap_ly"] > 0
    assert report.unparsed == unparsed

    lines = report.lines()
    assert lines[0] == (
        f"Tệp: {len(report.files)} (lỗi: 5). Bản ghi: tạo mới {len(SAMPLE) + len(field_names)}, "
        "cập nhật 0, không đổi 0."
    )
    assert f"  thủ tục: tạo mới {len(SAMPLE)}, cập nhật 0, không đổi 0" in lines
    assert "Bản ghi có nội dung chưa phân tích được, theo trường:" in lines
    assert f"  cach_thuc_thuc_hien: {unparsed['cach_thuc_thuc_hien']}" in lines
    for path in (*broken.values(), text_file):
        assert any(line.startswith(f"LỖI {path}: ") for line in lines), path


@pytest.mark.django_db
def test_importing_the_same_directory_twice_changes_nothing(sample_dir: Path) -> None:
    broken_files(sample_dir / "hong")
    first = import_paths([sample_dir])
    dumped = dump_catalog()
    second = import_paths([sample_dir])
    assert second.total("created") == second.total("updated") == 0
    assert second.by_kind() == {"procedures": Counter(unchanged=len(SAMPLE))}
    assert [f.name for f in second.failed] == [f.name for f in first.failed]
    assert second.unparsed == first.unparsed  # still reported: the records still have unparsed parts
    assert dump_catalog() == dumped
    nothing_of_the_broken_files()


# -------------------------------------------------------------------------------------------------
# merging: the portal's facts replace ours, the province's additions stay


@pytest.mark.django_db
def test_local_edits_survive_a_new_import_of_the_record(tmp_path: Path) -> None:
    directory = copy_records(["bo-tu-phap/1.000426"], tmp_path)
    import_paths([directory])
    procedure = Procedure.objects.get(code="1.000426")
    national = dump_catalog()["procedures"][0]
    procedure.status = "draft"
    procedure.notes = "Tỉnh bổ sung: nhận hồ sơ cả thứ Bảy."
    procedure.online_level = "full"
    procedure.name = "Tên bị sửa tay"  # a national fact: the portal's name comes back
    procedure.portal_terms = []
    procedure.save()
    procedure.levels.update(level="commune")
    request = procedure.documents.get(name="Giấy đề nghị cấp Thẻ tư vấn viên pháp luật")
    request.document_type = "giay-de-nghi-cap-the-tvpl"
    request.save()

    report = import_paths([directory])

    assert report.by_kind()["procedures"] == Counter(updated=1)
    procedure = Procedure.objects.get(code="1.000426")
    assert (procedure.status, procedure.notes, procedure.online_level) == (
        "draft",
        "Tỉnh bổ sung: nhận hồ sơ cả thứ Bảy.",
        "full",
    )
    assert procedure.name == "Cấp thẻ tư vấn viên pháp luật"
    assert [level.level for level in procedure.levels.all()] == ["province"]
    assert len(procedure.portal_terms) == 3
    types = {d.name: d.document_type for d in procedure.documents.all()}
    assert types == {
        "Giấy xác nhận về thời gian công tác pháp luật của người được đề nghị": "",
        "Giấy đề nghị cấp Thẻ tư vấn viên pháp luật": "giay-de-nghi-cap-the-tvpl",
        "Bản sao Bằng cử nhân luật": "",
    }
    merged = dump_catalog()["procedures"][0]
    local = {"status", "notes", "online_level", "documents"}
    assert {k: v for k, v in merged.items() if k not in local} == {k: v for k, v in national.items() if k not in local}
    # and once merged, the same file changes nothing
    assert import_paths([directory]).by_kind()["procedures"] == Counter(unchanged=1)


@pytest.mark.django_db
def test_the_courts_list_creates_procedures_and_fields_once() -> None:
    path = NATIONAL / "danh-sach-tthc-ToaAnNhanDan.xlsx"
    report = import_paths([path])
    assert report.failed == []
    assert [f.kind for f in report.files] == ["portal-list"]
    assert report.by_kind() == {"fields": Counter(created=1), "procedures": Counter(created=3)}
    procedure = Procedure.objects.get(code="3.000164")
    assert procedure.name == "Đăng ký nhận các thông báo, văn bản tố tụng bằng phương tiện điện tử"
    assert procedure.field.name == "Tòa án"
    assert procedure.issuing_body == "Tòa án nhân dân"
    assert procedure.resolving_agencies.splitlines() == [
        "Tòa án nhân dân cấp cao",
        "Tòa án nhân dân tỉnh, thành phố trực thuộc trung ương",
        "Tòa án nhân dân cấp huyện, quận, thị xã, thành phố thuộc tỉnh và tương đương",
    ]
    assert procedure.status == "published"
    again = import_paths([path])
    assert again.by_kind() == {"procedures": Counter(unchanged=3)}


@pytest.mark.django_db
def test_a_larger_list_imports_once() -> None:
    path = NATIONAL / "danh-sach-tthc-BoTuPhap.xlsx"
    rows = read_portal_list(path).rows
    report = import_paths([path])
    assert report.failed == []
    field_names = {fold(row.field_name) for row in rows}
    assert report.by_kind() == {
        "fields": Counter(created=len(field_names)),
        "procedures": Counter(created=len(rows)),
    }
    assert Procedure.objects.count() == len(rows) == 271
    assert {fold(name) for name in Field.objects.values_list("name", flat=True)} == field_names
    dumped = dump_catalog()
    assert import_paths([path]).by_kind() == {"procedures": Counter(unchanged=len(rows))}
    assert dump_catalog() == dumped


@pytest.mark.django_db
def test_a_list_after_the_detail_records_keeps_what_they_brought(tmp_path: Path) -> None:
    courts = [name for name in SAMPLE if name.startswith("toa-an-nhan-dan/")]
    directory = copy_records(courts, tmp_path / "detail")
    import_paths([directory])
    before = {p["code"]: p for p in dump_catalog()["procedures"]}

    report = import_paths([NATIONAL / "danh-sach-tthc-ToaAnNhanDan.xlsx"])

    assert report.by_kind() == {"procedures": Counter(updated=3)}  # the list adds the issuing body
    after = {p["code"]: p for p in dump_catalog()["procedures"]}
    for code, procedure in after.items():
        assert procedure["issuing_body"] == "Tòa án nhân dân"
        for name in ("documents", "portal_terms", "legal_basis", "results", "levels", "import_problems"):
            assert procedure[name] == before[code][name], (code, name)
        assert procedure["documents"]
        assert procedure["portal_terms"]
    # the detail records again: they do not state an issuing body, so the list's stays
    import_paths([directory])
    assert {p.issuing_body for p in Procedure.objects.all()} == {"Tòa án nhân dân"}


@pytest.mark.django_db
def test_a_detail_record_without_agencies_keeps_those_the_list_gave(tmp_path: Path) -> None:
    """The detail record of 1.001612 says "Không có thông tin" for its resolving agencies; the Ministry of
    Finance's list names them. No information is not a fact, so it erases nothing."""
    rows = [row for row in read_portal_list(NATIONAL / "danh-sach-tthc-BoTaiChinh.xlsx").rows if row.code == "1.001612"]
    assert [row.executing_agencies for row in rows] == [["Ủy ban nhân dân cấp xã"]]
    excerpt = tmp_path / "trich-danh-sach.xlsx"
    excerpt.write_bytes(
        workbook_bytes(
            [[LIST_TITLE], LIST_HEADER]
            + [[r.code, r.name, r.issuing_body, "\n".join(r.executing_agencies), r.field_name] for r in rows]
        )
    )
    directory = copy_records(["bo-tai-chinh/1.001612"], tmp_path / "detail")
    import_paths([excerpt])
    report = import_paths([directory])
    assert report.by_kind()["procedures"] == Counter(updated=1)
    procedure = Procedure.objects.get(code="1.001612")
    assert procedure.resolving_agencies == "Ủy ban nhân dân cấp xã"
    assert procedure.issuing_body == "Bộ Tài chính"
    assert procedure.documents.count() == 8
    assert import_paths([excerpt, directory]).total("updated") == 0


@pytest.mark.django_db
def test_both_publications_of_a_procedure_import_twice_without_change(tmp_path: Path) -> None:
    """The list prints "cai nghiện  ma túy" (two spaces) where the detail record's name, white space collapsed,
    has one: both are the same name, so importing both again updates nothing."""
    rows = [row for row in read_portal_list(NATIONAL / "danh-sach-tthc-BoCongAn.xlsx").rows if row.code == "3.000526"]
    assert len(rows) == 1
    assert "cai nghiện  ma túy" in rows[0].name
    excerpt = tmp_path / "trich-danh-sach.xlsx"
    excerpt.write_bytes(
        workbook_bytes(
            [[LIST_TITLE], LIST_HEADER]
            + [[r.code, r.name, r.issuing_body, "\n".join(r.executing_agencies), r.field_name] for r in rows]
        )
    )
    directory = copy_records(["bo-cong-an/3.000526"], tmp_path / "detail")
    first = import_paths([excerpt, directory])
    assert first.failed == []
    assert Procedure.objects.get(code="3.000526").name.startswith("Công bố cơ sở cai nghiện ma túy tự nguyện")
    second = import_paths([excerpt, directory])
    assert second.by_kind() == {"procedures": Counter(unchanged=2)}


# -------------------------------------------------------------------------------------------------
# round trip through motcua's own format


def export(path: Path, *options: str) -> None:
    out = io.StringIO()
    call_command("export_catalog", str(path), *options, stdout=out)
    assert out.getvalue().startswith("Đã xuất ")


def empty_catalogue() -> None:
    """Remove the catalogue (offerings first: they protect their procedures)."""
    Offering.objects.all().delete()
    Procedure.objects.all().delete()


def assert_round_trips(tmp_path: Path) -> None:
    exported = {suffix: tmp_path / f"danh-muc.{suffix}" for suffix in ("json", "yaml", "xlsx")}
    for path in exported.values():
        export(path)
    data = json.loads(exported["json"].read_text(encoding="utf-8"))
    assert data == dump_catalog()
    for suffix, path in exported.items():
        report = import_paths([path])
        assert report.failed == [], (suffix, report.failed[0].error if report.failed else "")
        assert report.total("created") == report.total("updated") == 0, suffix
        assert report.total("unchanged") > 0
        empty_catalogue()
        report = import_paths([path])
        assert report.failed == []
        assert report.by_kind()["procedures"]["created"] == len(data["procedures"]), suffix
        assert dump_catalog() == data, suffix


@pytest.mark.usefixtures("imported")
def test_the_imported_catalogue_round_trips(tmp_path: Path) -> None:
    assert_round_trips(tmp_path)


#: The portal's longest document list (51,526 characters of ``thanh_phan_ho_so``) and the smallest record whose
#: list is longer than an Excel cell (34,270): as JSON they do not fit in one cell.
LONGEST = [sampled_for("documents:longest-section"), sampled_for("documents:longer-than-a-cell")]


@pytest.mark.django_db
def test_the_longest_records_round_trip_through_excel_too(tmp_path: Path) -> None:
    report = import_paths([copy_records(LONGEST, tmp_path / "catalog")])
    assert report.failed == []
    assert_round_trips(tmp_path)
    workbook = openpyxl.load_workbook(tmp_path / "danh-muc.xlsx", read_only=True)
    header = [cell.value for cell in next(workbook["procedures"].iter_rows(max_row=1))]
    assert f"documents{CONTINUATION_MARK}2" in header


@pytest.mark.usefixtures("demo_catalog")
def test_the_demo_catalogue_round_trips(tmp_path: Path) -> None:
    assert Offering.objects.exists()
    assert_round_trips(tmp_path)


def agencies_needed(data: dict[str, Any]) -> set[str]:
    """Agencies the offerings of ``data`` refer to, with their parents and successors."""
    wanted: set[str] = set()
    for offering in data["offerings"]:
        wanted |= {offering["agency"], offering["receiving_agency"]}
        wanted |= {step["executing_agency"] for t in offering["templates"] for step in t["steps"]}
    wanted.discard(None)
    pending = list(wanted)
    while pending:
        agency = Agency.objects.get(identifier=pending.pop())
        for linked in (agency.parent, agency.successor):
            if linked is not None and linked.identifier not in wanted:
                wanted.add(linked.identifier)
                pending.append(linked.identifier)
    return wanted


@pytest.mark.usefixtures("demo_catalog")
def test_a_filtered_export_holds_the_procedures_and_what_they_need(tmp_path: Path) -> None:
    path = tmp_path / "cap-xa.yaml"
    export(path, "--level", "commune")
    json_path = tmp_path / "cap-xa.json"
    export(json_path, "--level", "commune")
    data = json.loads(json_path.read_text(encoding="utf-8"))

    commune = Procedure.objects.filter(levels__level="commune").distinct()
    assert [p["code"] for p in data["procedures"]] == sorted(p.code for p in commune) != []
    assert len(data["procedures"]) == 19
    assert all("commune" in p["levels"] for p in data["procedures"])
    assert {o["procedure"] for o in data["offerings"]} <= {p["code"] for p in data["procedures"]}
    assert len(data["offerings"]) == Offering.objects.filter(procedure__in=commune).count()
    assert [f["code"] for f in data["fields"]] == sorted({p["field"] for p in data["procedures"] if p["field"]})
    assert {a["identifier"] for a in data["agencies"]} == agencies_needed(data)
    assert len(data["agencies"]) < Agency.objects.count()
    assert data["calendar_overrides"] == []

    # what it holds is enough: it loads into a database without the rest of the catalogue
    everything = dump_catalog()
    empty_catalogue()
    Field.objects.all().delete()
    while Agency.objects.exists():  # leaves first: parents and successors are protected
        Agency.objects.filter(children__isnull=True, predecessors__isnull=True).delete()
    report = import_paths([path])
    assert report.failed == []
    assert dump_catalog() == data
    # and the whole catalogue comes back over it unchanged where they overlap
    load_catalog(copy.deepcopy(everything))
    assert dump_catalog() == everything


# -------------------------------------------------------------------------------------------------
# the API over imported records (expected values read by hand from the JSON text)


def detail(client: Client, code: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/procedures/{code}")
    assert response.status_code == 200, response.content
    return response.json()


def terms(data: dict[str, Any]) -> list[tuple[str, list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """(channel, [(amount, unit, text)], [(amount, currency)]) per row of the portal's table, amounts
    written as decimal text so that the expectations below read as the portal prints them."""
    return [
        (
            row["channel"],
            [(as_text(t["amount"]), t["unit"], t["text"]) for t in row["times"]],
            [(as_text(f["amount"]), f["currency"]) for f in row["fees"]],
        )
        for row in data["portal_terms"]
    ]


# Amounts are JSON numbers (docs/openapi.json says "number"): 0.5 day, 20000000 đồng.


def as_text(value: object) -> str | None:
    if value is None:
        return None
    assert isinstance(value, int | float), f"{value!r} is not a JSON number"
    return str(Decimal(str(value)))


def number(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@pytest.mark.usefixtures("imported")
def test_usd_fees_and_working_days_on_three_channels(client: Client) -> None:
    """bo-cong-an/1.000771: "Trực tuyến5 Ngày làm việc10 USD(/lần)Dịch vụ bưu chính5 Ngày làm việc10 USD(/lần)
    Trực tiếp5 Ngày làm việc10 USD(/lần)"."""
    data = detail(client, "1.000771")
    assert data["name"] == (
        "Gia hạn tạm trú cho người đã được cấp giấy miễn thị thực tại Cục Quản lý xuất nhập cảnh Bộ Công an"
    )
    assert data["field"] == {"code": "quan-ly-xuat-nhap-canh", "name": "Quản lý xuất nhập cảnh"}
    assert data["levels"] == ["ministry"]
    assert data["decision_number"] == "5568/QĐ-BCA"
    assert data["resolving_agencies"] == "Cục quản lý xuất nhập cảnh"
    row = (
        [("5", "working_days", "5 Ngày làm việc")],
        [("10", "USD")],
    )
    assert terms(data) == [("online", *row), ("postal", *row), ("counter", *row)]
    for portal_row in data["portal_terms"]:
        assert number(portal_row["times"][0]["amount"]) == 5
        assert number(portal_row["fees"][0]["amount"]) == 10
        assert portal_row["fees"][0]["text"] == "10 USD(/lần)"
        assert portal_row["fees"][0]["note"] == "/lần"
    assert [row["text"] for row in data["portal_terms"]] == [
        "Trực tuyến5 Ngày làm việc10 USD(/lần)",
        "Dịch vụ bưu chính5 Ngày làm việc10 USD(/lần)",
        "Trực tiếp5 Ngày làm việc10 USD(/lần)",
    ]
    documents = [(d["name"], d["quantity"], d["form"], d["templates"]) for d in data["documents"]]
    assert documents[2:] == [
        (
            "Tờ khai đề nghị cấp thị thực, gia hạn tạm trú (mẫu NA5) ban hành kèm theo Thông tư số 22/2023/TT-BCA "
            "ngày 30/6/2023 của Bộ Công an.",
            1,
            "original",
            ["NA5.doc"],
        ),
        ("Giấy miễn thị thực.", 1, "original", []),
    ]
    assert documents[1][1:] == (0, "", [])  # "…bưu chính công ích.0 bản chính": a note, no count, no form
    assert data["results"] == [{"code": "KQ.G01.000074", "name": "Gia hạn tạm trú (không quá 06 tháng)"}]
    assert data["import_problems"] == []


@pytest.mark.usefixtures("imported")
def test_legal_basis_numbers_before_a_title_in_capitals(client: Client) -> None:
    """bo-cong-an/1.000771: "…cư trú của người nước ngoài tại Việt Nam04/2015/TT-BCAQUY ĐỊNH MỨC THU, …"."""
    assert [law["number"] for law in detail(client, "1.000771")["legal_basis"]] == [
        "23/2023/QH15",
        "51/2019/QH14",
        "47/2014/QH13",
        "04/2015/TT-BCA",
        "25/2021/TT-BTC",
        "22/2023/TT-BCA",
        "82/2015/NĐ-CP",
    ]


@pytest.mark.usefixtures("imported")
def test_hours_and_fees_not_published(client: Client) -> None:
    """bo-cong-an/1.010047: "Trực tuyến1 GiờKhông có thông tinĐăng ký qua Cổng…Trực tiếp1 GiờKhông có thông tin…"."""
    data = detail(client, "1.010047")
    assert terms(data) == [
        ("online", [("1", "working_hours", "1 Giờ")], []),
        ("counter", [("1", "working_hours", "1 Giờ")], []),
    ]
    assert data["portal_terms"][0]["description"] == (
        "Đăng ký qua Cổng dịch vụ công Bộ Công an trước khi đến nộp trực tiếp hồ sơ. Thông báo kết quả ngay sau "
        "khi nhận đủ hồ sơ của công dân Việt Nam hoặc người nước ngoài."
    )
    assert data["portal_terms"][1]["description"].startswith("Trực tiếp nộp hồ sơ. Thông báo kết quả ngay")
    assert data["documents"][1]["templates"] == ["Mẫu M02, xnc tự động - BCA.docx"]
    assert data["documents"][1]["name"].startswith("+ Tờ khai đăng ký, bổ sung thông tin xuất cảnh, nhập cảnh")
    assert [law["number"] for law in data["legal_basis"]] == ["47/2014/QH13", "51/2019/QH14", "77/2020/NĐ-CP"]
    assert data["results"] == [{"code": "Test_P001", "name": "Công an Xã"}]  # as published


@pytest.mark.usefixtures("imported")
def test_vnd_fees_in_two_spellings_without_a_time(client: Client) -> None:
    """bo-tai-chinh/1.001612: "Trực tuyếnKhông có thông tin150,000 Việt Nam Đồng(- Mức lệ phí…" and
    "Trực tiếpKhông có thông tin50,000 VNĐ(- Mức lệ phí…"."""
    data = detail(client, "1.001612")
    assert data["levels"] == ["commune", "ministry"]
    assert terms(data) == [
        ("online", [], [("150000", "VND")]),
        ("postal", [], [("150000", "VND")]),
        ("counter", [], [("50000", "VND")]),
    ]
    assert number(data["portal_terms"][0]["fees"][0]["amount"]) == 150_000
    fees = [row["fees"][0] for row in data["portal_terms"]]
    assert fees[0]["text"].startswith("150,000 Việt Nam Đồng(- Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh")
    assert fees[2]["text"].startswith("50,000 VNĐ(- Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh")
    assert fees[0]["note"].startswith("- Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định")
    assert [law["number"] for law in data["legal_basis"]] == [
        "76/2025/QH15",
        "68/2025/TT-BTC",
        "168/2025/NĐ-CP",
        "85/2019/TT-BTC",
        "59/2020/QH14",
    ]
    assert data["results"] == [
        {
            "code": "KQ.G12.001009",
            "name": "Thông báo bằng văn bản nội dung cần sửa đổi, bổ sung của Cơ quan đăng ký kinh doanh cấp xã",
        },
        # "Giấy chứng nhận đăng ký  hộ kinh doanh" in the record: white space collapsed
        {"code": "KQ.G12.001041", "name": "Giấy chứng nhận đăng ký hộ kinh doanh"},
    ]
    assert data["resolving_agencies"] == ""  # "Không có thông tin"
    assert data["import_problems"] == []


@pytest.mark.usefixtures("imported")
def test_free_procedure_with_a_template_and_a_copy(client: Client) -> None:
    """bo-tu-phap/1.000426: "Trực tuyến5 Ngày làm việcMiễn phí…", "…pháp luậtMẫu TP-TVPL-05-sđ.doc1 bản chính",
    "Bản sao Bằng cử nhân luật0 bản chính,1 bản sao"."""
    data = detail(client, "1.000426")
    row = ([("5", "working_days", "5 Ngày làm việc")], [("0", None)])
    assert terms(data) == [("online", *row), ("postal", *row), ("counter", *row)]
    assert {(f["text"], f["note"]) for r in data["portal_terms"] for f in r["fees"]} == {("Miễn phí", "")}
    assert [(d["name"], d["quantity"], d["form"], d["templates"]) for d in data["documents"]] == [
        ("Giấy xác nhận về thời gian công tác pháp luật của người được đề nghị", 1, "original", []),
        ("Giấy đề nghị cấp Thẻ tư vấn viên pháp luật", 1, "original", ["Mẫu TP-TVPL-05-sđ.doc"]),
        ("Bản sao Bằng cử nhân luật", 1, "copy", []),
    ]
    assert [law["number"] for law in data["legal_basis"]] == [
        "08/2025/TT-BTP",
        "01/2010/TT-BTP",
        "19/2011/TT-BTP",
        "03/2024/TT-BTP",
        "77/2008/NĐ-CP",
        "05/2012/NĐ-CP",
    ]
    assert data["results"] == [{"code": "KQ.G15.000077", "name": "Thẻ tư vấn viên pháp luật"}]


@pytest.mark.usefixtures("imported")
def test_unparsed_parts_are_shown_beside_what_was_parsed(client: Client) -> None:
    """toa-an-nhan-dan/3.000163: "Trực tuyến1Miễn phíTrực tiếp1Miễn phí" (no unit), and a legal-basis table
    ending with "Cơ quan thực hiệnTòa án nhân dân tỉnh, …" (no number)."""
    data = detail(client, "3.000163")
    assert data["levels"] == ["commune", "ministry", "province"]
    assert terms(data) == [
        ("online", [("1", None, "1")], [("0", None)]),
        ("counter", [("1", None, "1")], [("0", None)]),
    ]
    agencies = "Tòa án nhân dân tỉnh, thành phố trực thuộc trung ương, Tòa án nhân dân tối cao, Tòa án nhân dân khu vực"
    assert data["import_problems"] == [
        {"field": "cach_thuc_thuc_hien", "text": "1", "reason": "no_unit"},
        {"field": "cach_thuc_thuc_hien", "text": "1", "reason": "no_unit"},
        {"field": "can_cu_phap_ly", "text": f"Cơ quan thực hiện{agencies}", "reason": "no_number"},
    ]
    assert [law["number"] for law in data["legal_basis"]] == [
        "02/2014/TTLT-TANDTC-VKSNDTC-BTP-BTC",
        "110/2015/QH13",
        "21/2014/L-CTN",
        "56/2010/QH12",
        "",
    ]
    assert data["results"] == [{"code": "VBTT", "name": "Văn bản tố tụng của Tòa án theo tiến trình giải quyết"}]
    assert [(d["group"], d["name"], d["quantity"], d["form"]) for d in data["documents"]] == [
        ("Giấy tờ phải nộp", "Đơn khởi kiện", 1, "original"),
        ("Giấy tờ phải nộp", "Tài liệu, chứng cứ kèm theo (nếu có)", 1, "copy"),
        ("", "Tài liệu, chứng cứ kèm theo (nếu có)", 1, "original_or_copy"),
    ]
    assert RequiredDocument.objects.filter(procedure__code="3.000163").count() == 3


# -------------------------------------------------------------------------------------------------
# the command


@pytest.mark.django_db
def test_the_command_prints_the_summary(sample_dir: Path) -> None:
    out = io.StringIO()
    call_command("import_catalog", str(sample_dir), "--no-progress", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"Tệp: {len(SAMPLE)} (lỗi: 0). Bản ghi: tạo mới ")
    assert f"  thủ tục: tạo mới {len(SAMPLE)}, cập nhật 0, không đổi 0" in lines
    assert "Bản ghi có nội dung chưa phân tích được, theo trường:" in lines
    assert Procedure.objects.count() == len(SAMPLE)


@pytest.mark.django_db
def test_the_command_fails_naming_the_broken_files_after_importing_the_others(sample_dir: Path) -> None:
    broken = broken_files(sample_dir / "hong")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^4 tệp không nhập được \(các tệp khác đã nhập\)\.$") as caught:
        call_command("import_catalog", str(sample_dir), "--no-progress", stdout=out)
    assert caught.value.returncode == 2
    printed = out.getvalue()
    for path in broken.values():
        assert f"LỖI {path}: " in printed
    assert sorted(Procedure.objects.values_list("code", flat=True)) == SAMPLE_CODES
    nothing_of_the_broken_files()


@pytest.mark.django_db
def test_the_command_refuses_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.json"
    with pytest.raises(CommandError, match=f"^{re.escape(f'Không tìm thấy: {missing}')}$"):
        call_command("import_catalog", str(missing), "--no-progress", stdout=io.StringIO())
    (tmp_path / "rong").mkdir()
    with pytest.raises(CommandError, match="Không có tệp nào nhập được"):
        call_command("import_catalog", str(tmp_path / "rong"), "--no-progress", stdout=io.StringIO())
    assert not Procedure.objects.exists()


# -------------------------------------------------------------------------------------------------
# search over the imported catalogue


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang ky ho kinh doanh", {"1.001612", "2.000720"}),
        ("ĐĂNG KÝ HỘ KINH DOANH", {"1.001612", "2.000720"}),
        ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", {"2.000720"}),
        # the field is searched too: "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)"
        ("thanh lap ho kinh doanh", {"1.001612", "2.000720"}),
        ("tu van vien phap luat", {"1.000426"}),
        ("Gia hạn tạm trú", {"1.000771"}),
        ("VĂN BẢN TỐ TỤNG", {"3.000163", "3.000164"}),
        ("1.010047", {"1.010047"}),
    ],
)
@pytest.mark.usefixtures("imported")
def test_search_ignores_diacritics_and_case(client: Client, query: str, expected: set[str]) -> None:
    assert {p.code for p in search_procedures(query=query)} == expected
    response = client.get("/api/v1/procedures", {"q": query, "limit": 100})
    assert response.status_code == 200
    assert {item["code"] for item in response.json()["items"]} == expected


@pytest.mark.usefixtures("imported")
def test_search_with_a_level_filter() -> None:
    found = {p.code for p in search_procedures(query="ho kinh doanh", level="commune")}
    assert found == {"1.001612", "2.000720"}
    assert not search_procedures(query="ho kinh doanh", level="province").exists()


@pytest.mark.django_db
def test_the_database_has_what_the_search_needs() -> None:
    """On PostgreSQL a trigram GIN index serves ``LIKE '%term%'``; SQLite scans the folded column."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'catalog_procedure' AND indexname = %s",
                ["catalog_procedure_search_trgm"],
            )
            rows = cursor.fetchall()
        assert len(rows) == 1
        assert "USING gin (search_text gin_trgm_ops)" in rows[0][0]
    else:
        assert connection.vendor == "sqlite"
