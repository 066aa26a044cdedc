"""Numbers and titles of the official forms, per regime (Circular 01/2018 and Circular 03/2025)."""

import pytest

from motcua.rules.forms import (
    FORM_KINDS,
    FORMS,
    Certainty,
    FormKind,
    FormNotInRegime,
    form_spec,
    forms_of,
)
from motcua.rules.lifecycle import Regime

NUMBERS_2018 = {
    FormKind.RECEIPT: "01",
    FormKind.SUPPLEMENT_REQUEST: "02",
    FormKind.REFUSAL: "03",
    FormKind.APOLOGY: "04",
    FormKind.CONTROL_SHEET: "05",
    FormKind.BOOK: "06",
}
NUMBERS_2025 = {
    FormKind.RECEIPT: "01",
    FormKind.SUPPLEMENT_REQUEST: "02",
    FormKind.REFUSAL: "03",
    FormKind.APOLOGY: "04",
    FormKind.STOP_NOTICE: "05",
    FormKind.CONTROL_SHEET: "06",
    FormKind.BOOK: "07",
}


@pytest.mark.parametrize(
    ("regime", "numbers"), [(Regime.DECREE_61_2018, NUMBERS_2018), (Regime.DECREE_118_2025, NUMBERS_2025)]
)
def test_numbering_per_regime(regime: Regime, numbers: dict[FormKind, str]) -> None:
    assert {kind: form_spec(regime, kind).number for kind in numbers} == numbers
    assert set(FORMS[regime]) == set(numbers)
    assert [spec.number for spec in forms_of(regime)] == sorted(numbers.values())


def test_titles_and_instruments() -> None:
    receipt = form_spec("2018", "receipt")
    assert receipt.title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert receipt.instrument == "Thông tư số 01/2018/TT-VPCP"
    assert (
        form_spec(Regime.DECREE_118_2025, FormKind.CONTROL_SHEET).title == "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    )
    assert form_spec(Regime.DECREE_118_2025, FormKind.BOOK).instrument == "Thông tư số 03/2025/TT-VPCP"
    assert form_spec("2025", "supplement_request").title == "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    assert form_spec("2025", "refusal").title == "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    assert form_spec("2025", "apology").title == "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    assert form_spec("2018", "book").title == "Sổ theo dõi hồ sơ"
    # the same kind has the same title in both sets, and the button labels are those titles
    for kind, title in FORM_KINDS.items():
        assert all(FORMS[regime][kind].title == title for regime in Regime if kind in FORMS[regime])


def test_certainty_marks_follow_rules_md() -> None:
    """RULES.md §4: 2018 form 02 verified, the rest recalled; the 2025 numbering from a secondary source."""
    marks_2018 = {kind: spec.certainty for kind, spec in FORMS[Regime.DECREE_61_2018].items()}
    assert marks_2018.pop(FormKind.SUPPLEMENT_REQUEST) is Certainty.VERIFIED
    assert set(marks_2018.values()) == {Certainty.RECALLED}
    assert {spec.certainty for spec in FORMS[Regime.DECREE_118_2025].values()} == {Certainty.SECONDARY}


def test_stop_notice_only_in_2025() -> None:
    assert form_spec(Regime.DECREE_118_2025, FormKind.STOP_NOTICE).number == "05"
    with pytest.raises(FormNotInRegime, match=r"stop_notice.*2018.*01/2018/TT-VPCP"):
        form_spec(Regime.DECREE_61_2018, FormKind.STOP_NOTICE)


@pytest.mark.parametrize(("regime", "kind"), [("2018", "no_such_form"), ("1999", "receipt"), ("", "")])
def test_unknown_regime_or_kind(regime: str, kind: str) -> None:
    with pytest.raises(FormNotInRegime):
        form_spec(regime, kind)
