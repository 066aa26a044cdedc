"""Vietnamese text folding for search.

Citizens type without diacritics ("dang ky khai sinh") as often as with them; a search must find
"Đăng ký khai sinh" either way, on SQLite and PostgreSQL alike. Folding once, in Python, and storing
the folded text in an indexed column gives both databases the same behaviour without relying on a
database extension such as ``unaccent``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ are letters of their own, not d + a combining mark, so NFD leaves them alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics (including đ → d) and collapse white space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a query; every one must occur in a match."""
    return [term for term in fold(query).split(" ") if term]


#: Characters no stored text may hold: C0 controls other than tab and line breaks, DEL, and lone
#: surrogates (JSON can carry ``"\ud800"``; PostgreSQL cannot store it and XML cannot hold a NUL).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def forbidden_characters(text: str) -> list[str]:
    """The characters of ``text`` that no stored text may hold, as ``U+XXXX`` (empty when it is clean)."""
    if _FORBIDDEN.search(text) is None:  # the common case, without building anything
        return []
    return sorted({f"U+{ord(ch):04X}" for ch in _FORBIDDEN.findall(text)})
