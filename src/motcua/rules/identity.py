"""Shapes of applicants' identifiers: citizen identity numbers and tax codes.

- Citizen identity number (số định danh cá nhân, printed on the căn cước card): 12 digits — 3 for the
  province of birth registration, 1 for sex and century of birth, 2 for the year of birth, 6 random
  (Decree 137/2015/NĐ-CP Art. 7, kept by Decree 70/2024/NĐ-CP). [R] — only the shape is checked: 12 digits,
  with a province code from 001 to 096.
- Tax code (mã số thuế): 10 digits for an enterprise or organisation, 10 + "-" + 3 digits for a dependent
  unit (Circular 105/2020/TT-BTC Art. 5). [R] — shape only; since July 2025 individuals use their
  identity number as tax code, which the citizen rule accepts.
"""

from __future__ import annotations

import re

CITIZEN_ID_RE = re.compile(r"^(?P<province>\d{3})\d{9}$")
TAX_CODE_RE = re.compile(r"^\d{10}(?:-\d{3})?$")
#: Province codes of the identity number run from 001 to 096 (Circular 07/2016/TT-BCA annex). [R]
MAX_PROVINCE_CODE = 96


def is_citizen_id(value: str) -> bool:
    match = CITIZEN_ID_RE.match(value)
    return bool(match) and 1 <= int(match.group("province")) <= MAX_PROVINCE_CODE


def is_tax_code(value: str) -> bool:
    return bool(TAX_CODE_RE.match(value))


def normalise_identifier(value: str) -> str:
    """Drop spaces and dots people type inside numbers ("001 099 012 345" → "001099012345")."""
    return re.sub(r"[\s.]", "", value)
