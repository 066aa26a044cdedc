"""Vietnamese mobile numbers: the forms people type, and the one form providers are sent (E.164).

Reading [R] of the national numbering plan (Circular 22/2014/TT-BTTTT, with the move of mobile numbers from 11
to 10 digits completed in 2018 under Decision 798/QĐ-BTTTT): a mobile number is ``0`` + 9 digits whose first
digit is 3, 5, 7, 8 or 9 (Viettel 03x/086/096–098, VinaPhone 081–085/088/091/094, MobiFone 070/076–079/089/090/093,
Vietnamobile 052/056/058/092, Gmobile 059/099, Itel 087, Reddi 055); internationally the leading ``0`` is
replaced by the country code 84 (``+84 9xx xxx xxx``). Only the shape is checked — no list of allocated
prefixes, which changes with each allocation — and the old 11-digit forms (``01xx…``) are refused: they have
not reached a subscriber since 2018. Fixed lines (``02x…``) cannot receive SMS and are refused too.
"""

from __future__ import annotations

import re

#: What people type between digits: spaces, dots, dashes, brackets.
_SEPARATORS = re.compile(r"[\s.\-()]")
#: The national significant number of a mobile subscriber: 9 digits, the first 3, 5, 7, 8 or 9.
_MOBILE = re.compile(r"[35789]\d{8}")
COUNTRY_CODE = "84"


def normalise_mobile(text: str) -> str | None:
    """``+84`` and the 9 digits of a Vietnamese mobile number typed as ``0912 345 678``, ``+84 912345678``,
    ``84912345678``, ``0084 912 345 678`` or ``+84 0912 345 678``; ``None`` when ``text`` is not one (empty,
    fixed line, old form, foreign number, letters)."""
    compact = _SEPARATORS.sub("", text.strip())
    if compact.startswith("+"):
        compact = compact[1:]
        national = compact[len(COUNTRY_CODE) :] if compact.startswith(COUNTRY_CODE) else None
    elif compact.startswith("00"):
        national = compact[2 + len(COUNTRY_CODE) :] if compact[2:].startswith(COUNTRY_CODE) else None
    elif compact.startswith("0"):
        national = compact[1:]
    elif compact.startswith(COUNTRY_CODE) and len(compact) == len(COUNTRY_CODE) + 9:
        national = compact[len(COUNTRY_CODE) :]
    else:
        national = None
    if national is not None and national.startswith("0"):  # "+84 0912 …": the trunk 0 typed after the country code
        national = national[1:]
    if national is None or not national.isascii() or not _MOBILE.fullmatch(national):
        return None
    return f"+{COUNTRY_CODE}{national}"


def is_mobile_e164(text: str) -> bool:
    """Whether ``text`` is already the normal form ``+84`` + 9 digits (what a provider must be sent)."""
    return text.startswith("+" + COUNTRY_CODE) and bool(_MOBILE.fullmatch(text[3:]))
