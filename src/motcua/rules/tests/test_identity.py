from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.identity import is_citizen_id, is_tax_code, normalise_identifier

digits = st.text(alphabet="0123456789", min_size=1, max_size=16)


def test_examples() -> None:
    assert is_citizen_id("019099012345")
    assert not is_citizen_id("000099012345")  # no province 000
    assert not is_citizen_id("097099012345")  # beyond 096
    assert not is_citizen_id("01909901234")
    assert is_tax_code("0101234567")
    assert is_tax_code("0101234567-001")
    assert not is_tax_code("0101234567001")
    assert normalise_identifier(" 019 099.012 345 ") == "019099012345"


@given(st.integers(1, 96), st.integers(0, 10**9 - 1))
def test_every_province_code_with_nine_digits_is_a_citizen_id(province: int, rest: int) -> None:
    assert is_citizen_id(f"{province:03d}{rest:09d}")


@given(digits)
def test_only_twelve_digits_can_be_a_citizen_id(value: str) -> None:
    if len(value) != 12:
        assert not is_citizen_id(value)


@given(digits)
def test_tax_codes_are_ten_digits(value: str) -> None:
    assert is_tax_code(value) == (len(value) == 10)
