"""How long an SMS is: its encoding and the number of segments it is sent and billed as.

3GPP TS 23.038 §6.2.1 defines the GSM 7-bit default alphabet and its extension table (a character of the
extension table is sent as ESC + itself: two septets); a message with any character outside both is sent in
UCS-2 (UTF-16 code units, two octets each). One segment carries 140 octets: 160 septets or 70 UCS-2 units; a
longer message is concatenated (TS 23.040 §9.2.3.24.1) and each segment loses 6 octets to its user-data header,
leaving 153 septets or 67 units. Vietnamese with its diacritics is UCS-2, so a province usually sends SMS
without them (``plain_text``) — a reading of the providers' practice [R], behind ``MOTCUA_SMS_UNICODE``.
Counting rule used here: septets (or units) ÷ 153 (or 67) rounded up; handsets that avoid splitting an escape
pair or a surrogate pair across two segments may need one segment more in rare cases.
"""

from __future__ import annotations

import math
import unicodedata

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7, UCS2 = "gsm7", "ucs2"
SINGLE = {GSM7: 160, UCS2: 70}
PER_PART = {GSM7: 153, UCS2: 67}

#: Punctuation word processors put in texts, and the GSM characters that stand for it.
_PLAIN = str.maketrans(
    {"đ": "d", "Đ": "D", "…": "...", "–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " "}
)


def encoding_of(text: str) -> str:
    """``gsm7`` when every character is in the GSM 7-bit alphabet or its extension, else ``ucs2``."""
    return GSM7 if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else UCS2


def length_in(text: str, encoding: str) -> int:
    """Septets (GSM 7-bit: two for an extension character) or UTF-16 code units (UCS-2)."""
    if encoding == GSM7:
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> tuple[str, int]:
    """The encoding ``text`` is sent in and how many segments it takes (0 for an empty text)."""
    encoding = encoding_of(text)
    length = length_in(text, encoding)
    if length <= SINGLE[encoding]:
        return encoding, 1 if length else 0
    return encoding, math.ceil(length / PER_PART[encoding])


def plain_text(text: str) -> str:
    """``text`` in the GSM 7-bit alphabet: Vietnamese without diacritics ("Hồ sơ đã được tiếp nhận" → "Ho so da
    duoc tiep nhan"), typographic punctuation as its plain form, anything else left over as ``?``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_PLAIN))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(
        ch if ch in GSM7_BASIC or ch in GSM7_EXTENSION else "?" for ch in unicodedata.normalize("NFC", stripped)
    )


def fit(text: str, max_segments: int, *, ellipsis: str = "...") -> str:
    """``text`` cut at a word, with ``ellipsis``, so that it takes at most ``max_segments`` segments."""
    if segments(text)[1] <= max_segments:
        return text
    words = text.split(" ")
    low, high = 0, len(words)  # the longest prefix of words that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if segments(" ".join(words[:middle]) + ellipsis)[1] <= max_segments:
            low = middle
        else:
            high = middle - 1
    cut = " ".join(words[:low]) + ellipsis
    if low == 0:  # one word longer than everything allowed: cut inside it
        cut = ellipsis
        for ch in text:
            if segments(cut[: -len(ellipsis)] + ch + ellipsis)[1] > max_segments:
                break
            cut = cut[: -len(ellipsis)] + ch + ellipsis
    return cut
