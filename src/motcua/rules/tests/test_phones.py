"""Vietnamese mobile numbers: the typed forms against a hand-written table, and a property over every shape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.phones import is_mobile_e164, normalise_mobile

TABLE = [
    ("0912345678", "+84912345678"),
    ("0912 345 678", "+84912345678"),
    ("0912.345.678", "+84912345678"),
    ("0912-345-678", "+84912345678"),
    ("(091) 234 5678", "+84912345678"),
    ("+84912345678", "+84912345678"),
    ("+84 912 345 678", "+84912345678"),
    ("+84 0912 345 678", "+84912345678"),
    ("84912345678", "+84912345678"),
    ("0084912345678", "+84912345678"),
    ("0352345678", "+84352345678"),  # Viettel 035
    ("0562345678", "+84562345678"),  # Vietnamobile 056
    ("0702345678", "+84702345678"),  # MobiFone 070
    ("0862345678", "+84862345678"),  # Viettel 086
    (" 0987654321 ", "+84987654321"),
    ("", None),
    ("02083855123", None),  # a fixed line of Thái Nguyên: no SMS
    ("01234567890", None),  # an old 11-digit mobile form, converted in 2018
    ("091234567", None),  # one digit short
    ("09123456789", None),  # one digit too many
    ("+1 912 345 678", None),  # another country
    ("0912 345 67a", None),
    ("0912３45678", None),  # a full-width digit
    ("0612345678", None),  # 06x is no mobile range
    ("8491234567", None),  # 84 + 8 digits: neither form
]


@pytest.mark.parametrize(("typed", "normal"), TABLE)
def test_typed_forms(typed: str, normal: str | None) -> None:
    assert normalise_mobile(typed) == normal
    if normal is not None:
        assert is_mobile_e164(normal)


SUBSCRIBER = st.tuples(st.sampled_from("35789"), st.text("0123456789", min_size=8, max_size=8)).map("".join)
SEPARATOR = st.sampled_from(["", " ", ".", "-"])


@given(SUBSCRIBER, st.sampled_from(["0", "+84", "+84 ", "84", "0084", "+84 0"]), SEPARATOR)
def test_every_form_of_a_mobile_number_gives_the_e164_form(subscriber: str, prefix: str, separator: str) -> None:
    # the independent statement: whatever the prefix and the grouping, it is +84 followed by the 9 digits
    grouped = separator.join([subscriber[:2], subscriber[2:5], subscriber[5:]])
    assert normalise_mobile(prefix + grouped) == "+84" + subscriber


@given(st.text("0123456789", min_size=9, max_size=9).filter(lambda s: s[0] not in "35789"))
def test_no_other_range_is_a_mobile(national: str) -> None:
    assert normalise_mobile("0" + national) is None
    assert not is_mobile_e164("+84" + national)
