from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.rules.codes import (
    InvalidCode,
    format_dossier_code,
    is_legacy_agency_identifier,
    is_national_procedure_code,
    is_valid_agency_identifier,
    is_valid_dossier_code,
    is_valid_procedure_code,
    national_part,
    parse_dossier_code,
)


@pytest.mark.parametrize("value", ["000.00.12.H55", "000.00.00.G15", "H55.01.002", "M01.234.56", "999.00.01.H55"])
def test_valid_agency_identifiers(value: str) -> None:
    assert is_valid_agency_identifier(value)


@pytest.mark.parametrize(
    "value", ["", "H55", "H55.242", "000-00-12-H55", "000.00.12.h55", "000..12.H55", "000.00.12.H55."]
)
def test_invalid_agency_identifiers(value: str) -> None:
    assert not is_valid_agency_identifier(value)


def test_legacy_form() -> None:
    assert is_legacy_agency_identifier("000.00.12.H55")
    assert not is_legacy_agency_identifier("M01.234.56")


def test_procedure_codes() -> None:
    assert is_national_procedure_code("1.001193")
    assert is_valid_procedure_code("2.000815.000.00.00.H55")
    assert national_part("2.000815.000.00.00.H55") == "2.000815"
    assert national_part("1.001193") == "1.001193"
    assert is_valid_procedure_code("H55-X13")
    assert is_national_procedure_code("6.006597")  # Ministry of Construction
    for bad in ["1.00119", "A.001193", "1001193", "KQ.G15.000031", "TN-X13", "1.0011934"]:
        assert not is_valid_procedure_code(bad)


def test_dossier_code_example_from_the_rules() -> None:
    code = parse_dossier_code("000.00.12.H55-250315-0007")
    assert (code.agency_identifier, code.day, code.sequence) == ("000.00.12.H55", date(2025, 3, 15), 7)
    assert format_dossier_code("000.00.12.H55", date(2025, 3, 15), 7) == "000.00.12.H55-250315-0007"


def test_sequence_grows_past_four_digits() -> None:
    assert format_dossier_code("000.00.12.H55", date(2025, 3, 15), 12345) == "000.00.12.H55-250315-12345"
    assert parse_dossier_code("000.00.12.H55-250315-12345").sequence == 12345


@pytest.mark.parametrize(
    "value",
    ["000.00.12.H55-250230-0001", "000.00.12.H55-250315-001", "000.00.12.H55-250315-0000", "H55-250315-0001", "x"],
)
def test_invalid_dossier_codes(value: str) -> None:
    assert not is_valid_dossier_code(value)
    with pytest.raises(InvalidCode):
        parse_dossier_code(value)


def test_formatting_refuses_bad_parts() -> None:
    with pytest.raises(InvalidCode):
        format_dossier_code("H55.242", date(2025, 3, 15), 1)
    with pytest.raises(InvalidCode):
        format_dossier_code("000.00.12.H55", date(2025, 3, 15), 0)


identifiers = st.from_regex(r"\A[0-9A-Z]{1,6}(\.[0-9A-Z]{1,6}){2,5}\Z")


@given(identifiers, st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(1, 10**6))
def test_format_parse_round_trip(identifier: str, day: date, sequence: int) -> None:
    code = format_dossier_code(identifier, day, sequence)
    parsed = parse_dossier_code(code)
    assert (parsed.agency_identifier, parsed.day, parsed.sequence) == (identifier, day, sequence)
    assert is_valid_dossier_code(code)
