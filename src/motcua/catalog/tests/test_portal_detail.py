"""The portal detail-record parser against real records, broken inputs and generated text.

The expected values in the tables below were written by hand from the records' raw text (never from the
parser's output): channel rows with their times and fees, levels, documents with their templates and counts,
legal-basis numbers, result codes. The records are those of the sample committed with the tests
(``motcua.testing``; chosen from the full set by ``scripts/sample_national_catalog.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections import Counter
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.importers.portal_detail import (
    UNITS,
    ChannelTerms,
    ParsedRecord,
    Problem,
    RecordError,
    is_covered,
    parse_amount,
    parse_record,
    parse_text,
)
from motcua.rules.workdays import Unit
from motcua.testing import national_catalog_dir, sample_records, sampled_for

DETAIL_DIR = national_catalog_dir() / "detail"
HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
D = Decimal


@cache
def _raw(name: str) -> str:
    return (DETAIL_DIR / name).read_text(encoding="utf-8")


def record(name: str) -> ParsedRecord:
    """The parsed record ``<ministry>/<code>.json`` of the sample."""
    return parse_text(_raw(name))


def raw_data(name: str) -> dict[str, Any]:
    return json.loads(_raw(name))


def summary(
    row: ChannelTerms,
) -> tuple[str, list[tuple[Decimal | None, str | None]], list[tuple[Decimal | None, str | None]]]:
    return (row.channel, [(t.amount, t.unit) for t in row.times], [(f.amount, f.currency) for f in row.fees])


def reasons(parsed: ParsedRecord, field_name: str) -> dict[str, int]:
    return dict(Counter(p.reason for p in parsed.problems if p.field == field_name))


WD, WH, CD = "working_days", "working_hours", "calendar_days"
FREE = [(D(0), None)]


def same(channels: list[str], times: list[tuple[Decimal | None, str | None]], fees: list[Any]) -> list[Any]:
    return [(channel, times, fees) for channel in channels]


# --------------------------------------------------------------------------------------------------
# Channel rows: (record, rows, problem reasons of cach_thuc_thuc_hien, covered)
# --------------------------------------------------------------------------------------------------

CHANNEL_CASES = [
    # bare number of days: the portal left the unit empty
    ("bo-tu-phap/1.000080.json", same(["online", "postal", "counter"], [(D(7), None)], FREE), {"no_unit": 3}, False),
    # "1100 VNĐ": 1 + 100, 11 + 00 or 110 + 0 — never guessed
    (
        "bo-tu-phap/1.005136.json",
        same(["online", "postal", "counter"], [(None, None)], [(None, "VND")]),
        {"ambiguous_time_fee": 3},
        False,
    ),
    ("bo-tu-phap/1.001233.json", same(["postal", "counter", "online"], [(D(5), WD)], FREE), {}, True),
    ("bo-tu-phap/1.000426.json", same(["online", "postal", "counter"], [(D(5), WD)], FREE), {}, True),
    ("bo-tu-phap/2.000908.json", same(["online", "postal", "counter"], [(D(1), WD)], FREE), {}, True),
    (
        "bo-xay-dung/1.004268.json",
        [
            ("online", [(D(1), WD)], [(D(9000000), "VND")]),
            ("postal", [(D(1), WD)], [(D(10500000), "VND")]),
            ("counter", [(D(1), WD)], [(D(9000000), "VND")]),
        ],
        {},
        True,
    ),
    # both cells "Không có thông tin": empty, not a problem, but no deadline either
    ("bo-xay-dung/5.003732.json", same(["counter", "online", "postal"], [], []), {}, False),
    # fee notes that never close their parenthesis must not swallow the next rows
    ("bo-xay-dung/1.009444.json", same(["online", "postal", "counter"], [(D(5), WD)], [(D(100000), "VND")]), {}, True),
    (
        "bo-xay-dung/1.013097.json",
        same(["online", "postal", "counter"], [(D("1.5"), WD)], [(D(40000), "VND")]),
        {},
        True,
    ),
    (
        "bo-tai-chinh/1.007857.json",
        [("online", [(None, None)], [(None, "VND")]), ("counter", [(D(2), WH)], FREE)],
        {"ambiguous_time_fee": 1},
        False,
    ),
    (
        "bo-tai-chinh/1.008562.json",
        [("online", [(D(6), WD)], FREE), ("postal", [(D(40), CD)], FREE), ("counter", [(D(6), WD)], FREE)],
        {},
        True,
    ),
    ("bo-tai-chinh/1.009056.json", [("online", [(D(1), WH)], FREE)], {}, True),
    ("bo-tai-chinh/1.007846.json", same(["postal", "counter"], [], [(D(200000), "VND")]), {}, False),
    # a sentence instead of a time
    ("bo-tai-chinh/1.007689.json", same(["online", "postal", "counter"], [(None, None)], FREE), {"no_time": 3}, False),
    ("bo-tai-chinh/1.009825.json", same(["counter", "online", "postal"], [(None, None)], []), {"no_time": 3}, False),
    ("bo-tai-chinh/1.008312.json", same(["online", "postal", "counter"], [(None, None)], FREE), {"no_time": 3}, False),
    (
        "bo-tai-chinh/2.001199.json",
        [
            ("online", [(D(3), WD)], [(D(100000), "VND")]),
            ("postal", [(D(3), WD)], [(D(100000), "VND")]),
            ("counter", [(D(3), WD)], [(D(50000), "VND")]),
        ],
        {},
        True,
    ),
    (
        "bo-tai-chinh/1.000014.json",
        same(["online", "counter"], [(None, None)], [(None, "VND")]),
        {"ambiguous_time_fee": 2},
        False,
    ),
    # nine rows, several per channel, USD and VND
    (
        "bo-cong-an/1.003358.json",
        [
            ("online", [(D(5), WD)], [(D(145), "USD")]),
            ("postal", [(D(5), WD)], [(D(145), "USD")]),
            ("counter", [(D(5), WD)], [(D(155), "VND")]),
            ("online", [(D(5), WD)], [(D(155), "USD")]),
            ("online", [(D(5), WD)], [(D(165), "USD")]),
            ("postal", [(D(5), WD)], [(D(155), "USD")]),
            ("postal", [(D(5), WD)], [(D(165), "USD")]),
            ("counter", [(D(5), WD)], [(D(145), "VND")]),
            ("counter", [(D(5), WD)], [(D(165), "VND")]),
        ],
        {},
        True,
    ),
    (
        "bo-cong-an/1.003133.json",
        [("online", [(D(1), WD)], [(D(5000), "VND")]), ("counter", [(D(1), WD)], [(D(40), "VND")])],
        {},
        True,
    ),
    ("bo-cong-an/1.004073.json", [("counter", [(D(3), "months")], [])], {}, True),
    ("bo-cong-an/1.003777.json", same(["counter", "counter", "counter"], [(D(10), CD)], []), {}, True),
    ("bo-cong-an/1.000236.json", same(["online", "postal", "counter"], [(D(3), WD)], FREE), {}, True),
    # a description quoting a tab-separated row ("Dịch vụ bưu chính\t02 Ngày làm việc\tPhí : …") is no row
    ("bo-cong-an/3.000382.json", same(["online", "postal", "counter"], [(D(2), WD)], FREE), {}, True),
    ("toa-an-nhan-dan/3.000163.json", same(["online", "counter"], [(D(1), None)], FREE), {"no_unit": 2}, False),
    ("toa-an-nhan-dan/3.000164.json", same(["online", "counter"], [(D(1), None)], FREE), {"no_unit": 2}, False),
    ("toa-an-nhan-dan/3.000165.json", same(["online", "counter"], [(D(1), None)], FREE), {"no_unit": 2}, False),
]


@pytest.mark.parametrize(("name", "rows", "problems", "covered"), CHANNEL_CASES, ids=[c[0] for c in CHANNEL_CASES])
def test_channel_rows(name: str, rows: list[Any], problems: dict[str, int], covered: bool) -> None:
    parsed = record(name)
    assert [summary(row) for row in parsed.channels] == rows
    assert reasons(parsed, "cach_thuc_thuc_hien") == problems
    assert is_covered(parsed) is covered
    for row in parsed.channels:
        assert row.channel_text in {"Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"}
        assert row.text.startswith(row.channel_text)
        assert row.text in parsed_raw_channels(name)


def parsed_raw_channels(name: str) -> str:
    return unicodedata.normalize("NFC", raw_data(name)["cach_thuc_thuc_hien"])


def test_descriptions_and_notes_are_kept_verbatim() -> None:
    rows = record("bo-cong-an/1.003777.json").channels
    assert [row.description for row in rows] == [
        "Trực tiếp tại cơ quan Công an cấp huyện nơi cán bộ, chiến sĩ hoặc thân nhân cán bộ, chiến sĩ thường trú."
        " - Công an cấp huyện: 10 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "- Công an cấp tỉnh: 10 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "- Cục Tổ chức cán bộ: 10 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.",
    ]
    assert [t.text for row in rows for t in row.times] == ["10 Ngày"] * 3

    rows = record("bo-tu-phap/1.001233.json").channels
    assert [row.description for row in rows] == [
        "Gửi hồ sơ qua dịch vụ bưu chính đến Sở Tư pháp tỉnh/thành phố.",
        "Nộp hồ sơ trực tiếp tại Sở Tư pháp tỉnh/thành phố.",
        "Nộp hồ sơ trực tuyến đến Sở Tư pháp tỉnh/thành phố.",
    ]
    assert [row.channel_text for row in rows] == ["Dịch vụ bưu chính", "Trực tiếp", "Trực tuyến"]

    rows = record("bo-xay-dung/5.003732.json").channels
    assert [row.description for row in rows] == ["gửi qua hệ thống quản lý văn bản"] * 3

    online, counter = record("bo-cong-an/1.003133.json").channels
    assert online.description == (
        "+ Trực tuyến: nộp hồ sơ trực tuyến qua Cổng Dịch vụ công quốc gia hoặc Cổng Dịch vụ công Bộ Công an."
    )
    assert online.fees[0].note == "5.000đ/giấy thông hành (Thông tư số 25/2021/TT-BTC ngày 07/4/2021 của Bộ Tài chính)."
    assert online.fees[0].text.startswith("5,000 Việt Nam Đồng(")
    assert counter.fees[0].note.startswith("4.000 đ/giấy thông hành")
    assert counter.description.startswith("+ Trực tiếp: nộp hồ sơ trực tiếp tại Công an xã")

    rows = record("bo-xay-dung/1.004268.json").channels
    assert [row.fees[0].note for row in rows] == [
        "9.000.000 đồng /lần đối với tàu nhóm I",
        "10.500.000 đồng /lần đối với tàu nhóm II",
        "9.000.000 đồng /lần đối với tàu nhóm I",
    ]
    assert [row.description for row in rows] == ["", "", ""]
    assert [row.times[0].text for row in rows] == ["1 Ngày làm việc"] * 3

    online, postal, counter = record("bo-tu-phap/1.000080.json").channels
    assert postal.fees[0].note.startswith("Đồng (Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh")
    assert postal.fees[0].note.endswith("của Bộ Tài chính.)")
    assert online.fees[0].note.startswith("Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh")
    assert online.times[0].text == "7"
    assert online.description == postal.description == counter.description == ""

    online, _postal, _counter = record("bo-cong-an/3.000382.json").channels
    assert online.fees[0].note == "Không thu lệ phí"
    assert "Dịch vụ bưu chính\t02 Ngày làm việc\tPhí : Đồng Không thu lệ phí" in online.description

    rows = record("bo-tai-chinh/1.007689.json").channels
    assert [row.times[0].text for row in rows] == ["Không phải trả kết quả cho người nộp thuế"] * 3
    assert rows[0].description.startswith("Bằng phương thức điện tử qua Cổng dịch vụ công Quốc gia")
    problem = next(p for p in record("bo-tai-chinh/1.007689.json").problems if p.reason == "no_time")
    assert problem.text == "Không phải trả kết quả cho người nộp thuế"

    rows = record("bo-xay-dung/1.009444.json").channels
    assert [row.description for row in rows] == ["", "", ""]
    assert all(row.fees[0].note.startswith("(Phí Thẩm tra, thẩm định") for row in rows)

    online, counter = record("bo-tai-chinh/1.007857.json").channels
    assert online.times[0].text == "220 VNĐ"
    assert online.fees[0].note == "lệ phí hải quan 20.000 đồng/ tờ khai hải quan."
    assert counter.times[0].text == "2 Giờ"


# --------------------------------------------------------------------------------------------------
# Levels and plain fields
# --------------------------------------------------------------------------------------------------

LEVEL_CASES = [
    ("bo-tu-phap/1.000080.json", ["commune"]),
    ("bo-tai-chinh/1.008562.json", ["ministry", "province", "commune"]),
    ("bo-tai-chinh/1.007846.json", ["ministry", "commune"]),
    ("bo-tai-chinh/1.007689.json", ["province", "commune"]),
    ("bo-tu-phap/2.000908.json", ["ministry", "province", "commune", "other"]),
    ("bo-xay-dung/1.013097.json", ["other"]),
    ("bo-tai-chinh/2.001199.json", ["ministry", "province"]),
    ("bo-cong-an/1.003777.json", ["province"]),
    ("toa-an-nhan-dan/3.000163.json", ["ministry", "province", "commune"]),
]


@pytest.mark.parametrize(("name", "levels"), LEVEL_CASES, ids=[c[0] for c in LEVEL_CASES])
def test_levels(name: str, levels: list[str]) -> None:
    parsed = record(name)
    assert parsed.levels == levels
    assert parsed.levels_text == raw_data(name)["cap_thuc_hien"]
    assert reasons(parsed, "cap_thuc_hien") == {}


def test_plain_fields_are_kept_with_white_space_collapsed() -> None:
    parsed = record("bo-tu-phap/1.000080.json")
    assert parsed.code == "1.000080"
    assert parsed.name == "Thủ tục đăng ký nhận cha, mẹ, con có yếu tố nước ngoài tại khu vực biên giới"
    assert parsed.decision_number == "163/QĐ-BTP"
    assert parsed.field_name == "Hộ tịch"
    assert parsed.procedure_type == "TTHC được giao luật quy định chi tiết"
    assert parsed.subjects == "Công dân Việt Nam, Người nước ngoài"
    assert parsed.competent_authority == "Ủy ban Nhân dân xã, phường, thị trấn."  # non-breaking spaces in the source
    assert parsed.resolving_agencies == "Ủy ban Nhân dân xã, phường, thị trấn."
    assert parsed.coordinating_agencies == ""
    assert parsed.receiving_address == ""
    assert parsed.conditions == ""  # "Không có thông tin"
    assert parsed.source_url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-380b-73df-9a18-5658e09794d3"


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------

RESULT_CASES = [
    ("bo-tu-phap/1.000080.json", [("KQ.G15.000033", "Trích lục đăng ký nhận cha, mẹ, con")]),
    ("bo-tu-phap/1.000426.json", [("KQ.G15.000077", "Thẻ tư vấn viên pháp luật")]),
    (
        "bo-tu-phap/1.001233.json",
        [("KQ.G15.000326", "Giấy đăng ký tham gia trợ giúp pháp lý được bổ sung nội dung thay đổi")],
    ),
    (
        "bo-cong-an/1.003777.json",
        [
            ("KQ.G01.000105", "Quyết định về việc hưởng chế độ trợ cấp hàng tháng (Mẫu số 05A)"),
            ("KQ.G01.000106", "Quyết định về việc hưởng chế độ trợ cấp một lần (Mẫu số 05B)"),
        ],
    ),
    (
        "bo-cong-an/1.000236.json",
        [
            ("KQ.G01.000020", "Công văn thông báo từ chối cấp tài khoản điện tử (NB9)"),
            (
                "KQ.G01.000021",
                "Công văn trả lời của Cục Quản lý xuất nhập cảnh về việc cấp tài khoản điện tử (mẫu NB8) ban hành kèm"
                " theo Thông tư số 22/2023/TT-BCA ngày 30/6/2023 của Bộ Công an.",
            ),
        ],
    ),
    (
        "bo-cong-an/1.004073.json",
        [("KQ.G01.00268", "Quyết định tạm tuyển, Quyết định tuyển dụng vào Công an nhân dân")],
    ),
    (
        "bo-cong-an/1.014980.json",
        [
            (
                "KQ.G01.000268",
                "Thông báo về việc đồng ý đề nghị huấn luyện kỹ thuật an toàn trong sản xuất, quản lý, bảo quản, sử"
                " dụng pháo hoa, pháo hoa nổ, thuốc pháo",
            )
        ],
    ),
    ("bo-xay-dung/1.009444.json", [("000.00.00.G04-KQ3194", "Văn bản gia hạn hoạt động cảng, bến thủy nội địa")]),
    ("bo-xay-dung/1.010702.json", [("KQ.G17.000298", "Giấy phép vận tải đường bộ quốc tế ASEAN.")]),
    ("bo-xay-dung/1.013097.json", [("KQ.G04.000496", "Giấy chứng nhận cải tạo (xe cơ giới, xe máy chuyên dùng)")]),
    ("bo-tai-chinh/1.009825.json", [("KQ.G12.01128", "Không phải trả kết quả cho người nộp thuế")]),
    ("bo-tai-chinh/1.000014.json", []),
    ("toa-an-nhan-dan/3.000163.json", [("VBTT", "Văn bản tố tụng của Tòa án theo tiến trình giải quyết")]),
]


@pytest.mark.parametrize(("name", "results"), RESULT_CASES, ids=[c[0] for c in RESULT_CASES])
def test_results(name: str, results: list[tuple[str, str]]) -> None:
    parsed = record(name)
    assert [(r.code, r.name) for r in parsed.results] == results
    assert reasons(parsed, "ket_qua_xu_ly") == {}


def test_a_result_section_holding_other_text_is_reported() -> None:
    # the scraper put document rows into ket_qua_xu_ly: no "Mã:" at all
    parsed = record("bo-tai-chinh/1.009539.json")
    assert len(parsed.results) == 1
    assert parsed.results[0].code is None
    assert parsed.results[0].name.startswith("hợp đồng đã ký với khách hàng.")
    assert reasons(parsed, "ket_qua_xu_ly") == {"no_result_code": 1}


# --------------------------------------------------------------------------------------------------
# Legal basis
# --------------------------------------------------------------------------------------------------

LEGAL_CASES = [
    (
        "bo-tu-phap/1.000080.json",
        [
            "85/2019/TT-BTC",
            "104/2022/NĐ-CP",
            "123/2015/NĐ-CP",
            "08/2025/TT-BTP",
            "87/2020/NĐ-CP",
            "18/2026/NĐ-CP",
            "04/2024/TT-BTP",
            "106/2021/TT-BTC",
            "04/2020/TT-BTP",
            "07/2025/NĐ-CP",
            "120/2025/NĐ-CP",
            "66.7/2025/NQ-CP",
            "01/2022/TT-BTP",
            "03/2023/TT-BTP",
            "42/2020/NĐ-CP",
            "60/2014/QH13",
        ],
    ),
    ("bo-cong-an/1.003777.json", ["53/2010/QĐ-TTg", "41/2023/TT-BCA"]),
    ("bo-xay-dung/5.002581.json", ["95/2024/NĐ-CP", "144/2025/NĐ-CP", "27/2023/QH15"]),
    ("bo-cong-an/1.003799.json", ["21/2008/TTLT- BQP-BLĐTBXH-BTC", "290/2005/QĐ-TTg", "191/2005/TTLT/BQP-BLĐTBXH-BTC"]),
    ("bo-xay-dung/1.004709.json", ["64/2022/NĐ-CP", "05/2021/NĐ-CP", "20/2024/NĐ-CP", "61/2014/QH13", "66/2006/QH11"]),
    (
        "bo-tai-chinh/1.010995.json",
        [
            "46/2024/TT-BTC",
            "40/2025/TT-BTC",
            "125/2025/NĐ-CP",
            "91/2022/NĐ-CP",
            "12/2022/QH15",
            "122/2025/NĐ-CP",
            "80/2021/TT-BTC",
            "19/2021/TT-BTC",
            "38/2019/QH14",
            "126/2020/NĐ-CP",
            "373/2025/NĐ-CP",
            "100/2009/NĐ-CP",
            "22/2010/TT-BTC",
        ],
    ),
    ("bo-tu-phap/1.001233.json", ["08/2017/TT-BTP", "10/2023/TT-BTP", "11/2017/QH14"]),
    ("bo-tai-chinh/1.012340.json", []),  # "Không có thông tin"
]


@pytest.mark.parametrize(("name", "numbers"), LEGAL_CASES, ids=[c[0] for c in LEGAL_CASES])
def test_legal_basis_numbers(name: str, numbers: list[str]) -> None:
    parsed = record(name)
    assert [entry.number for entry in parsed.legal_basis] == numbers
    assert reasons(parsed, "can_cu_phap_ly") == {}


def test_legal_basis_titles() -> None:
    entries = record("bo-xay-dung/5.002581.json").legal_basis
    assert [e.title for e in entries] == [
        "Nghị định số 95/2024/NĐ-CP ngày 24 tháng 7 năm 2024 của Chính phủ về quy định chi tiết một số điều của"
        " Luật Nhà ở;",
        "quy định về phân quyền, phân cấp trong lĩnh vực quản lý nhà nước của Bộ Xây dựng",
        "Luật Nhà ở số 27/2023/QH15",  # the title quotes the number glued to the number cell
    ]
    assert entries[2].text == "Luật Nhà ở số 27/2023/QH1527/2023/QH15"

    entries = record("bo-xay-dung/1.004709.json").legal_basis
    assert [e.title for e in entries][-2:] == ["Luật 61/2014/QH13", "LUẬT HÀNG KHÔNG DÂN DỤNG VIỆT NAM"]
    assert entries[2].title.startswith("sửa đổi, bổ sung một số điều của Nghị định số 05/2021/NĐ-CP ngày 25 tháng 01")

    entries = record("bo-tu-phap/1.000080.json").legal_basis
    assert entries[0].title == (
        "Thông tư Hướng dẫn về phí và lệ phí thuộc thẩm quyền quyết định của Hội đồng nhân dân tỉnh, thành phố trực"
        " thuộc Trung ương"
    )
    assert entries[3].title == (
        "Thông tư số 08/2025/TT-BTP ngày 12/6/2025 của Bộ trưởng Bộ Tư pháp quy định về phân định thẩm quyền của chính"
        " quyền địa phương 02 cấp và phân cấp trong lĩnh vực quản lý nhà nước của Bộ Tư pháp"
    )
    assert entries[4].title == "Nghị định quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến"

    entries = record("bo-tai-chinh/1.010995.json").legal_basis
    assert entries[1].title.startswith("Thông tư số 40/2025/TT-BTC Sửa đổi, bổ sung một số điều")
    assert entries[4].title == "Luật Dầu khí"
    assert entries[8].title == "Luật Quản lý thuế"

    entries = record("bo-cong-an/1.003799.json").legal_basis
    assert entries[0].title == "Thông tư liên tịch 21/2008/TTLT- BQP-BLĐTBXH-BTC"
    assert entries[2].title.startswith("Hướng dẫn thực hiện Quyết định số 290/2005/QĐ-TTg ngày 08/11/2005")

    entries = record("bo-tu-phap/1.001233.json").legal_basis
    assert [e.title for e in entries] == [
        "Thông tư 08/2017/TT-BTP - Quy định chi tiết một số điều của Luật Trợ giúp pháp lý và hướng dẫn giấy tờ"
        " trong hoạt động trợ giúp pháp lý",
        "Thông tư của Bộ trưởng Bộ Tư pháp",
        "Luật 11/2017/QH14 - Trợ giúp pháp lý",
    ]


# --------------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------------

TT41_HEADING_1 = (
    "Hồ sơ hưởng chế độ hằng tháng chuyển đến Sở Lao động - Thương binh và Xã hội nơi cán bộ, chiến sĩ thường trú"
    " để thực hiện chế độ, gồm:"
)
TT41_HEADING_3 = (
    "Trường hợp xuất ngũ, thôi việc nhưng thiếu giấy tờ, tài liệu thể hiện toàn bộ thời gian công tác được tính"
    " hưởng chế độ thì hồ sơ phải có thêm các giấy tờ sau:"
)


def test_documents_with_templates_and_groups() -> None:
    documents = record("bo-cong-an/1.003777.json").documents
    group_2 = "Hồ sơ đề nghị xét hưởng chế độ trợ cấp"
    expected = [
        ("Bản khai cá nhân (Mẫu số 03).", ["Mẫu 03.TT41.doc"], TT41_HEADING_1),
        ("Quyết định về việc hưởng chế độ trợ cấp hằng tháng của Cục trưởng", ["Mẫu 05A.TT41.doc"], TT41_HEADING_1),
        ("Giấy giới thiệu của Cục Tổ chức cán bộ (Mẫu số 06);", ["Mẫu 06.TT41.doc"], TT41_HEADING_1),
        ("kèm theo danh sách đề nghị giải quyết chế độ trợ cấp của Công an cấp tỉnh", ["Mẫu 02.TT41.doc"], group_2),
        ("hoặc bản khai cá nhân dùng cho thân nhân của cán bộ, chiến sĩ (Mẫu số 04);", [], group_2),
        ("Giấy tờ gốc hoặc được coi là giấy tờ gốc hoặc giấy tờ liên quan", ["Mẫu 04.TT41.doc"], group_2),
        ("Bản khai cá nhân (Mẫu số 03)", ["Mẫu 03.TT41.doc"], group_2),
        ("Công văn đề nghị xét hưởng chế độ trợ cấp (Mẫu số 01)", ["Mau so 01.TT41.doc"], group_2),
        ("Giấy xác nhận thời gian công tác (Mẫu số 07) của Thủ trưởng", ["Mẫu 07.TT41.doc"], TT41_HEADING_3),
        ("Biên bản thẩm tra, xác minh (Mẫu số 08) của Công an cấp huyện", ["Mẫu 08.TT41.doc"], TT41_HEADING_3),
        ("Biên bản xét duyệt, đề nghị giải quyết chế độ trợ cấp theo Quyết định", ["Mẫu 09.TT41.doc"], TT41_HEADING_3),
    ]
    assert len(documents) == len(expected)
    for document, (prefix, templates, group) in zip(documents, expected, strict=True):
        assert document.name.startswith(prefix), document.name
        assert document.templates == templates, document.name
        assert document.group == group, document.name
    assert documents[0].name == "Bản khai cá nhân (Mẫu số 03)."
    assert documents[6].name == "Bản khai cá nhân (Mẫu số 03)"
    assert documents[2].name == "Giấy giới thiệu của Cục Tổ chức cán bộ (Mẫu số 06);"
    assert documents[0].group == TT41_HEADING_1
    assert documents[-1].group == TT41_HEADING_3
    assert documents[4].name == (
        "hoặc bản khai cá nhân dùng cho thân nhân của cán bộ, chiến sĩ (Mẫu số 04); trường hợp ủy quyền thực hiện"
        " theo quy định của pháp luật;"
    )
    assert documents[5].name.endswith("giấy chứng tử hoặc giấy báo tử (đối với trường hợp từ trần).")
    assert documents[10].name == (
        "Biên bản xét duyệt, đề nghị giải quyết chế độ trợ cấp theo Quyết định số 53/2010/QĐ-TTg của Công an cấp"
        " tỉnh (Mẫu số 09)."
    )
    assert {(d.quantity, d.form, d.quantity_text) for d in documents} == {(1, "original", "1 bản chính")}
    assert reasons(record("bo-cong-an/1.003777.json"), "thanh_phan_ho_so") == {}


DOCUMENT_CASES = [
    (
        "bo-xay-dung/1.010702.json",
        [
            (
                "Giấy đề nghị cấp, cấp lại Giấy phép vận tải đường bộ quốc tế ASEAN theo mẫu",
                1,
                "original",
                "1 bản chính",
                ["TK 1.010702.docx"],
                "",
            )
        ],
    ),
    (
        "bo-tu-phap/1.000426.json",
        [
            (
                "Giấy xác nhận về thời gian công tác pháp luật của người được đề nghị",
                1,
                "original",
                "1 bản chính",
                [],
                "",
            ),
            ("Giấy đề nghị cấp Thẻ tư vấn viên pháp luật", 1, "original", "1 bản chính", ["Mẫu TP-TVPL-05-sđ.doc"], ""),
            ("Bản sao Bằng cử nhân luật", 1, "copy", "0 bản chính,1 bản sao", [], ""),
        ],
    ),
    (
        "bo-tu-phap/1.001233.json",
        [
            (
                "Trong trường hợp nộp bằng hình thức trực tuyến thì tổ chức đăng ký tham gia trợ giúp pháp lý gửi bản"
                " chính Giấy đăng ký tham gia trợ giúp pháp lý đã được cấp qua đường bưu điện.",
                0,
                None,
                "0 bản chính",
                [],
                "",
            ),
            ("- Giấy đăng ký tham gia trợ giúp pháp lý đã được cấp.", 1, "original", "1 bản chính", [], ""),
            (
                "- Đơn đề nghị thay đổi nội dung Giấy đăng ký tham gia trợ giúp pháp lý theo mẫu ban hành kèm theo"
                " Thông tư số 08/2017/TT-BTP (Mẫu TP-TGPL-04);",
                1,
                "original",
                "1 bản chính",
                [],
                "",
            ),
        ],
    ),
    # the count is glued to a date: "ngày 24/07/20231 bản chính"
    (
        "bo-cong-an/1.014980.json",
        [
            (
                "Văn bản đề nghị ghi đầy đủ nội dung theo mẫu quy định tại Phụ lục IX ban hành kèm theo Nghị định số"
                " 56/2023/NĐ-CP ngày 24/07/2023",
                1,
                "original",
                "1 bản chính",
                [],
                "",
            ),
            (
                "Danh sách cá nhân tham gia huấn luyện ghi rõ họ tên, ngày, tháng, năm sinh, chức vụ, trình độ chuyên"
                " môn, số định danh cá nhân hoặc số hộ chiếu.",
                1,
                "original",
                "1 bản chính",
                [],
                "",
            ),
        ],
    ),
]


@pytest.mark.parametrize(("name", "documents"), DOCUMENT_CASES, ids=[c[0] for c in DOCUMENT_CASES])
def test_documents(name: str, documents: list[Any]) -> None:
    parsed = record(name)
    assert [(d.name, d.quantity, d.form, d.quantity_text, d.templates, d.group) for d in parsed.documents] == documents
    assert reasons(parsed, "thanh_phan_ho_so") == {}


def test_counts_quoted_inside_names_are_not_cells() -> None:
    parsed = record("bo-tai-chinh/1.000020.json")
    documents = parsed.documents
    groups = Counter(d.group for d in documents)
    assert groups == {
        "Hồ sơ hải quan đối với xăng dầu, hóa chất, khí tái xuất:": 7,
        "Hồ sơ hải quan đối với xăng dầu, hóa chất, khí xuất khẩu:": 8,
    }
    # "…nộp 02 bản chính tờ khai…" is part of the name; the cell is the "1 bản chính" after it
    assert documents[0].name.startswith("Tờ khai hàng hóa xuất khẩu theo các chỉ tiêu thông tin tại Phụ lục II")
    assert "nộp 02 bản chính tờ khai hàng hóa nhập khẩu" in documents[0].name
    assert documents[0].name.endswith("Thông tư số 38/2015/TT-BTC;")
    assert (documents[0].quantity, documents[0].form) == (1, "original")
    # "…: 01 bản chính1 bản chính": the first count is quoted in the name
    assert documents[5].name == "Giấy phép xuất khẩu đối với hàng hóa phải có giấy phép nhập khẩu: 01 bản chính"
    assert (documents[5].quantity, documents[5].form, documents[5].quantity_text) == (1, "original", "1 bản chính")
    assert documents[2].name == "Hóa đơn thương mại: 01 bản chụp;"
    assert (documents[2].quantity, documents[2].form, documents[2].quantity_text) == (
        1,
        "copy",
        "0 bản chính,1 bản sao",
    )
    assert (documents[2].originals, documents[2].copies) == (0, 1)
    assert documents[10].name.startswith(
        "h) Giấy phép xuất khẩu đối với hàng hóa phải có giấy phép nhập khẩu: 01 bản chính."
    )
    assert documents[12].name.startswith("a) Tờ khai hàng hóa xuất khẩu")
    assert (documents[12].quantity, documents[12].form, documents[12].quantity_text) == (2, "original", "2 bản chính")
    assert [d.name[:3] for d in documents[7:]] == ["b) ", "c) ", "đ) ", "h) ", "d) ", "a) ", "g) ", "e) "]
    assert reasons(parsed, "thanh_phan_ho_so") == {}


def test_documents_to_present_are_present_only() -> None:
    documents = record("bo-tu-phap/1.000080.json").documents
    assert Counter(d.group for d in documents) == {
        "* Giấy tờ phải nộp:": 3,
        "* Giấy tờ phải xuất trình:": 7,
        "* Lưu ý:": 15,
        "": 3,
    }
    submitted = [d for d in documents if d.group == "* Giấy tờ phải nộp:"]
    assert [(d.quantity, d.form) for d in submitted] == [(1, "original"), (0, None), (1, "original")]
    assert submitted[1].name == "- Chứng cứ chứng minh quan hệ cha, con hoặc quan hệ mẹ, con gồm:"
    shown = [d for d in documents if d.group == "* Giấy tờ phải xuất trình:"]
    assert {d.form for d in shown} == {"present_only"}
    assert [d.quantity for d in shown] == [0, 0, 1, 0, 1, 1, 0]
    assert shown[4].name.startswith("- Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử")
    last = documents[-1]
    assert last.name.startswith("- Người có yêu cầu đăng ký nhận cha, mẹ, con thực hiện việc nộp/xuất trình")
    assert (last.quantity, last.form, last.group) == (0, None, "")


def test_original_or_copy() -> None:
    documents = record("bo-tu-phap/2.000908.json").documents
    assert len(documents) == 2
    assert documents[0].name.startswith("Một trong các giấy tờ sau: Căn cước điện tử; bản chính hoặc bản sao")
    assert documents[1].name.startswith("Bản chính hoặc bản sao có chứng thực giấy tờ chứng minh quan hệ")
    assert documents[1].name.endswith("trên Cơ sở dữ liệu hộ tịch điện tử)")
    assert [(d.quantity, d.form) for d in documents] == [(1, "original"), (1, "original")]
    documents = record("bo-tai-chinh/1.013483.json").documents
    assert [(d.quantity, d.form, d.quantity_text) for d in documents] == [
        (1, "original_or_copy", "1 bản chính,1 bản sao")
    ] * 5


def test_a_documents_section_holding_other_text_is_reported() -> None:
    parsed = record("bo-tai-chinh/1.001521.json")
    assert parsed.documents == []
    assert reasons(parsed, "thanh_phan_ho_so") == {"no_table": 1}


# --------------------------------------------------------------------------------------------------
# Broken inputs
# --------------------------------------------------------------------------------------------------


def minimal(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {"ma_thu_tuc": "1.000001", "ten_thu_tuc": "Thủ tục thử"}
    data.update(fields)
    return data


def test_truncated_json_is_a_record_error() -> None:
    text = json.dumps(minimal(cach_thuc_thuc_hien=HEADER + "Trực tuyến5 Ngày làm việcMiễn phí"), ensure_ascii=False)
    with pytest.raises(RecordError, match="truncated"):
        parse_text(text[: len(text) // 2])
    with pytest.raises(RecordError, match="truncated"):
        parse_text(text[:-1])


def test_truncated_real_file_is_a_record_error() -> None:
    text = _raw("bo-xay-dung/1.004268.json")
    with pytest.raises(RecordError, match="truncated"):
        parse_text(text[:200])


def test_invalid_json_is_a_record_error() -> None:
    with pytest.raises(RecordError, match="not valid JSON"):
        parse_text('{"ma_thu_tuc": 1.000001,, }')
    with pytest.raises(RecordError):
        parse_text("")


@pytest.mark.parametrize("data", [[], ["1.000001"], "1.000001", 42, None, True])
def test_a_non_object_is_a_record_error(data: object) -> None:
    with pytest.raises(RecordError, match="JSON object"):
        parse_record(data)
    with pytest.raises(RecordError, match="JSON object"):
        parse_text(json.dumps(data))


@pytest.mark.parametrize("code", [None, "", "   ", 1.000001, ["1.000001"]])
def test_a_record_without_code_is_a_record_error(code: object) -> None:
    data = minimal()
    data["ma_thu_tuc"] = code
    with pytest.raises(RecordError, match="ma_thu_tuc"):
        parse_record(data)
    del data["ma_thu_tuc"]
    with pytest.raises(RecordError, match="ma_thu_tuc"):
        parse_record(data)


def test_missing_and_empty_sections_are_empty() -> None:
    parsed = parse_record(minimal(cach_thuc_thuc_hien=""))
    assert parsed.channels == []
    assert parsed.documents == parsed.legal_basis == parsed.results == []
    assert parsed.problems == []
    assert parsed.levels == []
    assert is_covered(parsed) is False
    parsed = parse_record(minimal(cach_thuc_thuc_hien="Không có thông tin", can_cu_phap_ly="Không có thông tin"))
    assert parsed.channels == parsed.legal_basis == []
    assert parsed.problems == []


def test_non_text_sections_are_reported() -> None:
    parsed = parse_record(minimal(cach_thuc_thuc_hien=["Trực tuyến"], linh_vuc=12))
    assert parsed.channels == []
    assert parsed.field_name == ""
    assert {(p.field, p.reason) for p in parsed.problems} == {
        ("cach_thuc_thuc_hien", "not_text"),
        ("linh_vuc", "not_text"),
    }


def test_unknown_level_is_reported() -> None:
    parsed = parse_record(minimal(cap_thuc_hien="Cấp tỉnh, Cấp thôn"))
    assert parsed.levels == ["province"]
    assert parsed.problems == [Problem("cap_thuc_hien", "Cấp thôn", "unknown_level")]


def test_a_table_without_rows_is_reported() -> None:
    parsed = parse_record(minimal(cach_thuc_thuc_hien=HEADER + "nộp tại cơ quan"))
    assert parsed.channels == []
    assert reasons(parsed, "cach_thuc_thuc_hien") == {"no_channels": 1}


def test_unknown_currency_and_unknown_unit_are_reported() -> None:
    parsed = parse_record(minimal(cach_thuc_thuc_hien=HEADER + "Trực tuyến5 Ngày làm việc25 EURNộp trực tuyến"))
    assert [summary(row) for row in parsed.channels] == [("online", [(D(5), WD)], [])]
    assert reasons(parsed, "cach_thuc_thuc_hien") == {"unknown_currency": 1}
    parsed = parse_record(minimal(cach_thuc_thuc_hien=HEADER + "Trực tiếp2 TuầnMiễn phí"))
    assert [summary(row) for row in parsed.channels] == [("counter", [(D(2), None)], FREE)]
    assert parsed.channels[0].times[0].text == "2 Tuần"
    assert reasons(parsed, "cach_thuc_thuc_hien") == {"unknown_unit": 1}


def test_amounts_that_could_be_read_two_ways_are_reported() -> None:
    assert parse_amount("20.000") is None  # twenty, or twenty thousand written the Vietnamese way
    assert parse_amount("1,00") is None
    assert parse_amount("1.5") == D("1.5")
    parsed = parse_record(minimal(cach_thuc_thuc_hien=HEADER + "Trực tiếp5 Ngày làm việc20.000 VNĐ"))
    assert [summary(row) for row in parsed.channels] == [("counter", [(D(5), WD)], [(None, "VND")])]
    assert reasons(parsed, "cach_thuc_thuc_hien") == {"no_amount": 1}
    assert not is_covered(parsed)
    # a description that starts with an amount in prose is not a second fee
    parsed = parse_record(minimal(cach_thuc_thuc_hien=HEADER + "Trực tiếp5 Ngày làm việcMiễn phí20.000 đồng/lần"))
    (row,) = parsed.channels
    assert [(f.amount, f.currency) for f in row.fees] == FREE
    assert row.description == "20.000 đồng/lần"
    assert parsed.problems == []


def test_text_typed_in_decomposed_unicode_is_recognised() -> None:
    text = unicodedata.normalize("NFD", HEADER + "Trực tuyến3 Ngày làm việc25 USDDịch vụ bưu chính2 GiờMiễn phí")
    parsed = parse_record(minimal(cach_thuc_thuc_hien=text, cap_thuc_hien=unicodedata.normalize("NFD", "Cấp xã")))
    assert [summary(row) for row in parsed.channels] == [
        ("online", [(D(3), WD)], [(D(25), "USD")]),
        ("postal", [(D(2), WH)], FREE),
    ]
    assert parsed.levels == ["commune"]
    assert parsed.problems == []


def test_problem_texts_are_shortened() -> None:
    prose = "Không " + "rất dài " * 100
    parsed = parse_record(minimal(cap_thuc_hien=prose))
    (problem,) = parsed.problems
    assert problem.reason == "unknown_level"
    assert len(problem.text) <= 300
    assert problem.text.startswith("Không rất dài")


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**15))
def test_formatted_amounts_round_trip(amount: int) -> None:
    assert parse_amount(f"{amount:,}") == amount
    assert parse_amount(str(amount)) == amount


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(sorted(UNITS)),
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(["VNĐ", "Việt Nam Đồng", "USD", "Đồng"]),
    st.sampled_from(["Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"]),
)
def test_generated_rows_round_trip(amount: int, unit: str, fee: int, currency: str, label: str) -> None:
    unit_text = unit[0].upper() + unit[1:]
    text = f"{HEADER}{label}{amount} {unit_text}{fee:,} {currency}(ghi chú (phụ))Nộp hồ sơ {label.lower()}."
    parsed = parse_record(minimal(cach_thuc_thuc_hien=text))
    (row,) = parsed.channels
    assert summary(row) == (
        {"Trực tiếp": "counter", "Trực tuyến": "online", "Dịch vụ bưu chính": "postal"}[label],
        [(D(amount), UNITS[unit])],
        [(D(fee), "USD" if currency == "USD" else "VND")],
    )
    assert row.fees[0].note == "ghi chú (phụ)"
    assert row.description == f"Nộp hồ sơ {label.lower()}."
    assert parsed.problems == []
    assert is_covered(parsed)


FIELDS = [
    "ten_thu_tuc",
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "co_quan_thuc_hien",
    "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen",
    "co_quan_phoi_hop",
    "thu_tuc_lien_quan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
    "detail_url",
    "raw_text",
]
# Pieces of the portal's vocabulary, so that generated text reaches the parser's inner branches.
TOKENS = [
    HEADER,
    "Trực tiếp",
    "Trực tuyến",
    "Dịch vụ bưu chính",
    "Không có thông tin",
    "Miễn phí",
    " Ngày làm việc",
    " Ngày",
    " Giờ",
    " Tháng",
    "20,000,000",
    "1100",
    " VNĐ",
    " USD",
    " Việt Nam Đồng",
    "(",
    ")",
    "Tên giấy tờMẫu đơn, tờ khaiSố lượng",
    "1 bản chính",
    "0 bản chính,1 bản sao",
    ".docx",
    "Mẫu 01",
    ";",
    ".",
    "Tên văn bản pháp lýMã văn bản",
    "123/2015/NĐ-CP",
    "60/2014/QH13",
    "QĐ-TTg",
    "Nghị định",
    "LUẬT",
    "ngày",
    "Mã: ",
    "KQ.G15.000031",
    "Từ khóa",
    "Cấp tỉnh",
    ", ",
    "--",
    "\t",
    "\n",
]
text_strategy = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=30).map("".join)


@given(st.fixed_dictionaries({}, optional={name: text_strategy for name in FIELDS}))
def test_arbitrary_text_never_raises(fields: dict[str, str]) -> None:
    parsed = parse_record(minimal(**fields))
    assert isinstance(parsed, ParsedRecord)
    for problem in parsed.problems:
        assert isinstance(problem, Problem)
        assert problem.reason
        assert len(problem.text) <= 300
    for row in parsed.channels:
        assert row.text in unicodedata.normalize("NFC", fields["cach_thuc_thuc_hien"])
        for time in row.times:
            assert (time.amount is None) or time.amount >= 0
    is_covered(parsed)


# --------------------------------------------------------------------------------------------------
# Whole data set and module hygiene
# --------------------------------------------------------------------------------------------------


#: Every kind of problem the parser reports over the full set of 1,844 records (``bench/parse_coverage.py``), by
#: section; the sample holds a record of each (``SAMPLE.json`` names it). Other documented reasons do not occur
#: in the published records and are tested on text built here.
PROBLEMS_OF_THE_FULL_SET = {
    ("cach_thuc_thuc_hien", "no_unit"),
    ("cach_thuc_thuc_hien", "no_time"),
    ("cach_thuc_thuc_hien", "ambiguous_time_fee"),
    ("thanh_phan_ho_so", "no_quantity"),
    ("thanh_phan_ho_so", "template_boundary"),
    ("thanh_phan_ho_so", "no_table"),
    ("can_cu_phap_ly", "no_number"),
    ("ket_qua_xu_ly", "no_result_code"),
}


def test_every_record_of_the_sample_parses_and_each_kind_of_problem_is_in_it() -> None:
    paths = sorted(DETAIL_DIR.rglob("*.json"))
    assert {p.relative_to(DETAIL_DIR).with_suffix("").as_posix() for p in paths} == set(sample_records())
    documented = {
        "no_unit",
        "unknown_unit",
        "no_time",
        "ambiguous_time_fee",
        "unparsed_fee",
        "unknown_currency",
        "no_amount",
        "unparsed_row",
        "no_channels",
        "no_header",
        "unknown_level",
        "no_table",
        "template_boundary",
        "no_quantity",
        "no_number",
        "no_result_code",
        "not_text",
    }
    seen = set()
    for path in paths:
        parsed = parse_text(path.read_text(encoding="utf-8"))
        assert parsed.code == path.stem
        assert {p.reason for p in parsed.problems} <= documented, path
        assert set(parsed.levels) <= {"ministry", "province", "district", "commune", "other"}
        seen |= {(p.field, p.reason) for p in parsed.problems}
    assert seen == PROBLEMS_OF_THE_FULL_SET
    for section, reason in PROBLEMS_OF_THE_FULL_SET:
        name = sampled_for(f"problem:{section}/{reason}")
        assert (section, reason) in {(p.field, p.reason) for p in record(f"{name}.json").problems}


def test_unit_codes_are_the_deadline_engines() -> None:
    assert set(UNITS.values()) - {u.value for u in Unit} == {"months"}


def test_the_parser_does_not_import_django() -> None:
    code = "import sys, motcua.catalog.importers.portal_detail; print(any(m.startswith('django') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
