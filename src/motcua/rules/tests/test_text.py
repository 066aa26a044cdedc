from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.text import fold, search_terms


def test_fold_vietnamese() -> None:
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("  THỦ TỤC   đăng KÝ  ") == "thu tuc dang ky"
    assert fold("Chứng thực bản sao") == "chung thuc ban sao"
    assert search_terms("Đăng  ký") == ["dang", "ky"]


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert "đ" not in once
    assert "Đ" not in once


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ "))
def test_fold_of_vietnamese_letters_is_plain_ascii(text: str) -> None:
    assert fold(text).isascii()
    assert fold(text) == fold(text.upper())
