"""Document kinds: hand-worked against the real catalogue (Thái Nguyên sample, the demo fixture) and properties."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.document_kinds import (
    FORM_OPENINGS,
    NO_KIND,
    Kind,
    add_months,
    effective_kind,
    first_kind,
    is_valid,
    match_kind,
    valid_until,
)

# a copy of ../shared/data/catalog/thai-nguyen-sample.yaml, kept with the test so that any clone runs it
SAMPLE = Path(__file__).resolve().parent / "data" / "thai-nguyen-sample.yaml"
FIXTURE = Path(__file__).resolve().parents[2] / "catalog" / "fixtures" / "demo_catalog.yaml"

#: Names copied from the catalogue data, with the kind a person reading them gives them.
HAND_WORKED = [
    ("Giấy chứng sinh (hoặc văn bản người làm chứng / giấy cam đoan về việc sinh)", "giay-chung-sinh"),
    ("Giấy báo tử hoặc giấy tờ thay Giấy báo tử", "giay-bao-tu"),
    ("Giấy xác nhận tình trạng hôn nhân đã cấp trước đó", "xac-nhan-tinh-trang-hon-nhan"),
    ("Phiếu lý lịch tư pháp của người chịu trách nhiệm về ANTT", "phieu-ly-lich-tu-phap"),
    ("Giấy tờ hợp pháp về đất đai (GCN QSDĐ...)", "giay-chung-nhan-quyen-su-dung-dat"),
    (
        "Giấy chứng nhận quyền sở hữu/sử dụng (bản chính hoặc bản sao có chứng thực/bản sao điện tử)",
        "giay-chung-nhan-quyen-su-dung-dat",
    ),
    ("Bản sao Giấy chứng nhận đăng ký hộ kinh doanh", "giay-chung-nhan-dang-ky-ho-kinh-doanh"),
    ("Bản sao giấy khai sinh", "giay-khai-sinh"),
    ("Bản sao thẻ Căn cước/CCCD của người ủy quyền", "giay-to-tuy-than"),
    ("Hộ chiếu còn hạn", "giay-to-tuy-than"),
    # application forms, whatever they name afterwards
    ("Tờ khai đăng ký khai sinh", None),
    ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu (nộp trực tiếp/bưu chính)", None),
    ("Đơn đề nghị cấp giấy phép xây dựng (theo mẫu)", None),
    ("Tờ khai yêu cầu cấp Phiếu LLTP (Mẫu 01/2025/LLTP; 02/2025/LLTP khi ủy quyền)", None),
    ("Giấy đề nghị đăng ký hộ kinh doanh", None),
    # papers of no shared kind
    ("Văn bản ủy quyền", None),
    ("Mảnh trích đo bản đồ địa chính", None),
    ("Dự thảo giao dịch", None),
]

#: Results of procedures in the sample, as the catalogue names them.
RESULTS = [
    (["Giấy khai sinh (bản chính)"], "giay-khai-sinh"),
    (["Giấy chứng nhận kết hôn (mỗi bên 01 bản chính)"], "giay-chung-nhan-ket-hon"),
    (["Trích lục khai tử"], "trich-luc-khai-tu"),
    (["Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"], "giay-chung-nhan-quyen-su-dung-dat"),
    (["(hoặc) Thông báo nội dung cần sửa đổi, bổ sung", "Giấy chứng nhận đăng ký hộ kinh doanh"], None),
    (["Thẻ bảo hiểm y tế"], None),
]


@pytest.mark.parametrize(("name", "kind"), HAND_WORKED)
def test_hand_worked_names(name: str, kind: str | None) -> None:
    assert match_kind(name) == kind


def test_result_kind_is_the_first_matching_name() -> None:
    for names, kind in RESULTS[:4]:
        assert first_kind(names) == kind
    assert first_kind(RESULTS[4][0]) == "giay-chung-nhan-dang-ky-ho-kinh-doanh"
    assert first_kind(RESULTS[5][0]) is None


def _catalogue_names(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [d["name"] for p in data["procedures"] for d in (p.get("documents") or [])]


@pytest.mark.parametrize("path", [SAMPLE, FIXTURE], ids=["sample", "fixture"])
def test_real_catalogue(path: Path) -> None:
    """Over the real data: every birth-registration form is no birth certificate, every name the hand-worked
    table holds is in it matched as listed, and some requirements of each kind the data has are recognised."""
    names = _catalogue_names(path)
    assert names
    matched = {name: match_kind(name) for name in names}
    for name, kind in matched.items():
        if name.lower().startswith("tờ khai") or name.lower().startswith("đơn "):
            assert kind is None, name
    listed = dict(HAND_WORKED)
    for name in set(names) & set(listed):
        assert matched[name] == listed[name], name
    assert {"giay-chung-sinh", "giay-to-tuy-than"} <= set(matched.values())


def test_officer_correction_wins() -> None:
    assert effective_kind("", "Bản sao giấy khai sinh") == "giay-khai-sinh"
    assert effective_kind("giay-chung-sinh", "Bản sao giấy khai sinh") == "giay-chung-sinh"
    assert effective_kind(NO_KIND, "Bản sao giấy khai sinh") is None
    assert effective_kind("to-khai", "Bản sao giấy khai sinh") is None  # a key of no kind of the table
    assert effective_kind("giay-khai-sinh", "Tờ khai đăng ký khai sinh") == "giay-khai-sinh"


VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ /(),.-"


@given(st.sampled_from([n for n, _ in HAND_WORKED]), st.sampled_from(["", " ", "  ", "\t"]))
def test_case_accents_and_spacing_do_not_change_a_match(name: str, space: str) -> None:
    from motcua.rules.text import fold

    expected = match_kind(name)
    assert match_kind(fold(name)) == match_kind(name.upper()) == match_kind(f"{space}{name}{space}") == expected
    if expected:  # a copy of the paper is the same kind of paper
        assert match_kind(f"Bản sao {name}") == expected


@given(st.sampled_from(FORM_OPENINGS), st.sampled_from([n for n, _ in HAND_WORKED]))
def test_a_form_never_matches(opening: str, rest: str) -> None:
    assert match_kind(f"{opening.capitalize()} {rest}") is None


@given(st.text(alphabet="abcdefghiklmnopqrstuvxy0123456789", min_size=1, max_size=8))
def test_only_whole_words_match(glued: str) -> None:
    """A phrase glued to another word is no match: "giấy khai sinhx" is not a birth certificate."""
    kind = Kind("k", "k", ("giay khai sinh",))
    assert match_kind(f"Bản sao {glued}giấy khai sinh", [kind]) is None
    assert match_kind(f"Bản sao giấy khai sinh{glued}", [kind]) is None
    assert match_kind(f"Bản sao {glued} giấy khai sinh/{glued}", [kind]) == "k"


def test_add_months_by_hand() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert valid_until(date(2026, 1, 15), None) is None
    assert valid_until(date(2026, 1, 15), 6) == date(2026, 7, 15)
    assert is_valid(date(2026, 7, 15), date(2026, 7, 15))
    assert not is_valid(date(2026, 7, 15), date(2026, 7, 16))
    assert is_valid(None, date(2100, 1, 1))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
def test_add_months_properties(day: date, months: int) -> None:
    later = add_months(day, months)
    assert later >= day
    assert (later.year - day.year) * 12 + later.month - day.month == months
    # the same day of the month, or the last day of a shorter month
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)
