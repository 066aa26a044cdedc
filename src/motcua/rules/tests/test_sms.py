"""SMS length: encodings and segments against hand-counted examples and a slow, independent reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules import sms

TABLE = [
    ("", "gsm7", 0),
    ("a", "gsm7", 1),
    ("a" * 160, "gsm7", 1),
    ("a" * 161, "gsm7", 2),  # 161 septets: two parts of at most 153
    ("a" * 306, "gsm7", 2),
    ("a" * 307, "gsm7", 3),
    ("€" * 80, "gsm7", 1),  # 80 extension characters = 160 septets
    ("€" * 81, "gsm7", 2),
    ("Ho so da duoc tiep nhan", "gsm7", 1),
    ("Hồ sơ", "ucs2", 1),  # ồ and ơ are outside the GSM alphabet
    ("ơ" * 70, "ucs2", 1),
    ("ơ" * 71, "ucs2", 2),
    ("ơ" * 134, "ucs2", 2),
    ("ơ" * 135, "ucs2", 3),
    ("😀" * 35, "ucs2", 1),  # outside the BMP: two UTF-16 units each
    ("😀" * 36, "ucs2", 2),
    ("é" * 160, "gsm7", 1),  # é is in the GSM alphabet
]


@pytest.mark.parametrize(("text", "encoding", "count"), TABLE)
def test_hand_counted(text: str, encoding: str, count: int) -> None:
    assert sms.segments(text) == (encoding, count)


def reference_segments(text: str) -> int:
    """Encode, then cut into parts: the septets (ESC + char for the extension) or the UTF-16 units."""
    if all(ch in sms.GSM7_BASIC or ch in sms.GSM7_EXTENSION for ch in text):
        units: list[str] = []
        for ch in text:
            units.extend(["\x1b", ch] if ch in sms.GSM7_EXTENSION else [ch])
        single, part = 160, 153
    else:
        raw = text.encode("utf-16-le")
        units = [raw[i : i + 2].hex() for i in range(0, len(raw), 2)]
        single, part = 70, 67
    if not units:
        return 0
    if len(units) <= single:
        return 1
    parts = [units[i : i + part] for i in range(0, len(units), part)]
    return len(parts)


ALPHABET = st.sampled_from([*sorted(sms.GSM7_BASIC | sms.GSM7_EXTENSION), "ơ", "ư", "đ", "ộ", "😀"])


@given(st.text(ALPHABET, max_size=700))
def test_segments_agree_with_the_reference(text: str) -> None:
    assert sms.segments(text)[1] == reference_segments(text)


@given(st.text(max_size=300))
def test_plain_text_is_gsm(text: str) -> None:
    assert sms.encoding_of(sms.plain_text(text)) == "gsm7"


def test_plain_text_drops_the_diacritics_only() -> None:
    assert (
        sms.plain_text("Hồ sơ ĐÃ được tiếp nhận… “Đúng hạn” – Ưu tiên")
        == 'Ho so DA duoc tiep nhan... "Dung han" - Uu tien'
    )


@given(st.text(ALPHABET, max_size=800), st.integers(1, 4))
def test_fit_keeps_within_the_segments_and_keeps_a_prefix(text: str, limit: int) -> None:
    cut = sms.fit(text, limit)
    assert sms.segments(cut)[1] <= limit
    if cut != text:
        assert cut.endswith("...")
        assert text.startswith(cut[:-3])
