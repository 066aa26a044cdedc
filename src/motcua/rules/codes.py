"""Identifiers: agencies' electronic identifiers, procedure codes and dossier codes.

- Agency electronic identifier (mã định danh điện tử), Decision 20/2020/QĐ-TTg as amended by Decision
  09/2025/QĐ-TTg (RULES.md §1). The pre-2025 form ``000.00.00.H55`` is verified [V]; the post-2025
  layout ``MX1X2.Y1Y2Y3.Z1Z2`` is recalled [R], so identifiers are validated loosely: groups of
  upper-case letters and digits separated by dots, not a hard-coded list.
- National procedure codes ``1.001193`` (digit, dot, six digits — the portal also publishes codes
  starting with 5 and 6, e.g. ``6.006597`` of the Ministry of Construction), optionally localised with
  a suffix such as ``.000.00.00.H55`` [V]. A province may hold procedures not yet given a national code; they
  carry a provisional local code ``H55-X13`` (province suffix, hyphen, local reference) that can never
  be mistaken for a national one.
- Dossier code ``{agency e-ID}-{yyMMdd}-{NNNN}``: receiving agency, receipt date, a sequence per agency
  reset every day with at least four digits, growing past 9999 when needed (Circular 03/2025/TT-VPCP
  Art. 13, RULES.md §2, [V]). Circular 04/2025/TT-VPCP's variant for nationally centralised services,
  ``…-YYMMDD-AAXXXX`` (AA: two digits of the platform owner), has the same shape and parses the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

#: Loose structure of an electronic identifier: 3 to 6 dot-separated groups of 1–6 letters/digits.
AGENCY_IDENTIFIER_RE = re.compile(r"^[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){2,5}$")
#: The verified pre-2025 form: ``000.00.00.H55`` (province H + 2 digits, ministry G + 2 digits).
LEGACY_AGENCY_IDENTIFIER_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[GH]\d{2}$")

NATIONAL_PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}$")
LOCALISED_PROCEDURE_CODE_RE = re.compile(r"^(?P<national>\d\.\d{6})(?P<suffix>(?:\.[0-9A-Z]{1,6}){4})$")
PROVISIONAL_PROCEDURE_CODE_RE = re.compile(r"^[GH]\d{2}-[0-9A-Z]{1,12}$")

DOSSIER_SEQUENCE_MIN_DIGITS = 4
DOSSIER_CODE_RE = re.compile(r"^(?P<agency>[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){2,5})-(?P<day>\d{6})-(?P<sequence>\d{4,})$")


class InvalidCode(ValueError):
    """A code does not have the shape the regulations give it."""


def is_valid_agency_identifier(value: str) -> bool:
    """Whether ``value`` has the structure of an electronic identifier (Decision 20/2020/QĐ-TTg)."""
    return bool(AGENCY_IDENTIFIER_RE.match(value))


def is_legacy_agency_identifier(value: str) -> bool:
    """Whether ``value`` is in the verified pre-2025 form ``000.00.00.H55``."""
    return bool(LEGACY_AGENCY_IDENTIFIER_RE.match(value))


def is_national_procedure_code(value: str) -> bool:
    """``1.001193``-style national code (RULES.md §1, [V])."""
    return bool(NATIONAL_PROCEDURE_CODE_RE.match(value))


def is_provisional_procedure_code(value: str) -> bool:
    """A province's own code for a procedure with no national code yet (e.g. ``H55-X13``)."""
    return bool(PROVISIONAL_PROCEDURE_CODE_RE.match(value))


def is_valid_procedure_code(value: str) -> bool:
    """National, localised (``2.000815.000.00.00.H55``) or provisional local code."""
    return bool(
        NATIONAL_PROCEDURE_CODE_RE.match(value)
        or LOCALISED_PROCEDURE_CODE_RE.match(value)
        or PROVISIONAL_PROCEDURE_CODE_RE.match(value)
    )


def national_part(code: str) -> str:
    """The national code inside a localised one (``2.000815.000.00.00.H55`` → ``2.000815``)."""
    match = LOCALISED_PROCEDURE_CODE_RE.match(code)
    return match.group("national") if match else code


@dataclass(frozen=True)
class DossierCode:
    """A parsed dossier code (Circular 03/2025/TT-VPCP Art. 13)."""

    agency_identifier: str
    day: date
    sequence: int

    def __str__(self) -> str:
        return format_dossier_code(self.agency_identifier, self.day, self.sequence)


def format_dossier_code(agency_identifier: str, day: date | datetime, sequence: int) -> str:
    """``{agency e-ID}-{yyMMdd}-{NNNN}``; ``day`` is the receipt date in local time."""
    if not is_valid_agency_identifier(agency_identifier):
        raise InvalidCode(f"not an electronic identifier: {agency_identifier!r}")
    if sequence < 1:
        raise InvalidCode("the daily sequence starts at 1")
    if isinstance(day, datetime):
        day = day.date()
    if not 2000 <= day.year <= 2099:
        raise InvalidCode("a dossier code holds a two-digit year of the 2000s")
    return f"{agency_identifier}-{day:%y%m%d}-{sequence:0{DOSSIER_SEQUENCE_MIN_DIGITS}d}"


def parse_dossier_code(value: str) -> DossierCode:
    """Parse and validate a dossier code; raises :class:`InvalidCode` with the reason."""
    match = DOSSIER_CODE_RE.match(value.strip())
    if not match:
        raise InvalidCode(f"not a dossier code: {value!r}")
    raw_day = match.group("day")
    try:  # the two-digit year is of the 2000s (strptime's %y would read 69–99 as 1969–1999)
        day = date(2000 + int(raw_day[:2]), int(raw_day[2:4]), int(raw_day[4:]))
    except ValueError as exc:
        raise InvalidCode(f"no such date in dossier code: {raw_day}") from exc
    sequence = int(match.group("sequence"))
    if sequence < 1:
        raise InvalidCode("the daily sequence starts at 1")
    return DossierCode(match.group("agency"), day, sequence)


def is_valid_dossier_code(value: str) -> bool:
    try:
        code = parse_dossier_code(value)
    except InvalidCode:
        return False
    return str(code) == value
