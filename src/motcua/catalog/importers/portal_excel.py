"""Reader of the National Public Service Portal's "Danh sách thủ tục hành chính" Excel export.

The portal (dichvucong.gov.vn) lets a ministry's or a province's list of procedures be downloaded as an
xlsx file: a title block in merged cells ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM … DANH SÁCH THỦ TỤC HÀNH
CHÍNH"), then a header row ``Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực``, then one
procedure a row. It is the cheapest way for a province to learn which procedures exist, so this module
turns it into plain records and nothing else: no database access, no guessing. Matching the rows with the
catalogue (agencies, fields) is the importer's job, not the reader's.

The file is read as the portal writes it and as people re-save it: the header row is found by its cells
(case, spacing and Unicode normalisation may differ, columns may be reordered or interleaved with others),
not by a fixed row number; cells carry trailing spaces and several agencies separated by line breaks;
blank rows may appear anywhere. A row that cannot be used (bad or duplicate code, no name) is reported
with its row number in :attr:`PortalList.problems` and left out, so one bad line does not stop an import
of hundreds.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from motcua.rules.codes import is_valid_procedure_code

#: What the reader accepts: a path, the file's bytes, or a binary file object (e.g. an upload).
Source = str | os.PathLike[str] | bytes | bytearray | IO[bytes]

#: How far down the header row is looked for; the portal puts it on row 2, people may add a few lines.
HEADER_SEARCH_ROWS = 30

#: The header's cells as the portal writes them, by the attribute each column fills.
HEADERS: dict[str, str] = {
    "code": "Mã số",
    "name": "Tên",
    "issuing_body": "Cơ quan ban hành",
    "executing_agencies": "Cơ quan thực hiện",
    "field_name": "Lĩnh vực",
}
_HEADER_LABEL = " | ".join(HEADERS.values())

#: Leading bytes of the legacy binary Excel format (OLE2 compound file), which openpyxl cannot read.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: What a damaged or foreign file raises inside openpyxl, zipfile and the XML parser.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError, TypeError, ParseError)


class SpreadsheetError(ValueError):
    """The file cannot be read as the portal's list: not an xlsx, damaged, empty, or without the header row.

    The message is in Vietnamese because it is shown as is to the officer who uploaded the file.
    """


@dataclass(frozen=True)
class PortalListRow:
    """One procedure as the portal lists it, cleaned of surrounding whitespace."""

    row_number: int  # 1-based row in the sheet, so that an officer can find the line in Excel
    code: str
    name: str
    issuing_body: str
    executing_agencies: list[str]  # one cell holds several agencies, one per line
    field_name: str


@dataclass
class PortalList:
    """The usable rows of a list and, separately, why the other rows were left out."""

    rows: list[PortalListRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# -------------------------------------------------------------------------------------------------
# public functions


def is_portal_list(path_or_file: Source) -> bool:
    """Whether the file looks like the portal's list: an xlsx with the header row near the top.

    Cheap (only the first rows of each sheet are parsed) so that an upload form can route a file to the
    right importer; a file that cannot be read at all is simply "not a portal list".
    """
    try:
        with _open_workbook(path_or_file) as workbook:
            return any(_find_header(sheet) is not None for sheet in workbook.worksheets)
    except SpreadsheetError:
        return False


def read_portal_list(path_or_file: Source) -> PortalList:
    """Read every procedure row below the header row of the first sheet that has one.

    Raises :class:`SpreadsheetError` when the file cannot be read or has no header row; problems of
    single rows are collected in the result instead, each naming its row.
    """
    header: tuple[int, dict[str, int]] | None = None
    rows: list[tuple[Any, ...]] = []
    with _open_workbook(path_or_file) as workbook:
        empty = True
        for sheet in workbook.worksheets:
            header = _find_header(sheet)
            if header is not None:
                # read everything while the file is open; parse after, so that a bug of ours is not
                # reported as a damaged file
                rows = list(sheet.iter_rows(min_row=header[0] + 1, values_only=True))
                break
            empty = empty and not _has_content(sheet)
    if header is not None:
        return _parse_rows(rows, header[0] + 1, header[1])
    if empty:
        raise SpreadsheetError("bảng tính trống: không có dữ liệu nào để đọc")
    raise SpreadsheetError(
        f"không tìm thấy dòng tiêu đề '{_HEADER_LABEL}' trong {HEADER_SEARCH_ROWS} dòng đầu của bảng tính; "
        "tệp có phải danh sách thủ tục hành chính tải từ Cổng Dịch vụ công quốc gia không?"
    )


# -------------------------------------------------------------------------------------------------
# opening the file


@contextmanager
def _open_workbook(source: Source) -> Iterator[Workbook]:
    """Open read-only (a list of thousands of rows is streamed, not loaded) and turn every reading
    failure, at opening or later while rows are parsed lazily, into a :class:`SpreadsheetError`."""
    name = _display_name(source)
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    _reject_legacy_excel(source, name)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise SpreadsheetError(f"không tìm thấy tệp {name}") from exc
    except InvalidFileException as exc:  # raised for a path whose extension is not an Excel one
        suffix = Path(os.fspath(source)).suffix if isinstance(source, str | os.PathLike) else ""
        suffix = suffix or "không có phần mở rộng"
        raise SpreadsheetError(
            f"tệp {name} không phải bảng tính Excel .xlsx (định dạng {suffix} không được hỗ trợ)"
        ) from exc
    except _READ_ERRORS as exc:
        raise SpreadsheetError(f"tệp {name} không phải bảng tính Excel .xlsx hoặc đã bị hỏng") from exc
    try:
        yield workbook
    except SpreadsheetError:
        raise
    except _READ_ERRORS as exc:
        raise SpreadsheetError(f"tệp {name} đã bị hỏng, không đọc được hết nội dung") from exc
    finally:
        workbook.close()  # read-only workbooks keep the file open until closed


def _display_name(source: Source) -> str:
    """How the file is named in messages: its file name when there is one."""
    if isinstance(source, str | os.PathLike):
        return f"'{Path(source).name}'"
    name = getattr(source, "name", None)
    return f"'{Path(name).name}'" if isinstance(name, str) else "đã tải lên"


def _reject_legacy_excel(source: str | os.PathLike[str] | IO[bytes], name: str) -> None:
    """The old binary .xls format is common in offices; say so rather than "damaged file"."""
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as handle:
                head = handle.read(len(_OLE2_MAGIC))
        elif source.seekable():
            position = source.tell()
            head = source.read(len(_OLE2_MAGIC))
            source.seek(position)
        else:
            return
    except OSError:
        return  # openpyxl will report the file as missing or unreadable
    if head == _OLE2_MAGIC:
        raise SpreadsheetError(
            f"tệp {name} ở định dạng Excel cũ (.xls), không được hỗ trợ: hãy mở bằng Excel và lưu lại thành .xlsx"
        )


# -------------------------------------------------------------------------------------------------
# header and rows


def _normalise_label(value: object) -> str:
    """A header cell reduced to what matters: NFC form, single spaces, no case."""
    if not isinstance(value, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


_LABELS = {_normalise_label(label): key for key, label in HEADERS.items()}


def _header_columns(row: tuple[Any, ...]) -> dict[str, int] | None:
    """The column index of each expected header in ``row``, or None unless all of them are there."""
    columns: dict[str, int] = {}
    for index, value in enumerate(row):
        key = _LABELS.get(_normalise_label(value))
        if key is not None:
            columns.setdefault(key, index)
    return columns if len(columns) == len(HEADERS) else None


def _find_header(sheet: Any) -> tuple[int, dict[str, int]] | None:
    """The header row's number and columns, looked for in the first rows of ``sheet``."""
    if not hasattr(sheet, "iter_rows"):
        return None
    for number, row in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        columns = _header_columns(row)
        if columns is not None:
            return number, columns
    return None


def _has_content(sheet: Any) -> bool:
    return any(_text(value) for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True) for value in row)


#: OOXML's escape of a character in a cell (``_x000D_`` for the carriage return of a re-saved Windows
#: line break); Excel decodes it, openpyxl leaves it as is.
_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _text(value: object) -> str:
    """A cell as trimmed NFC text (the portal writes text; dates or numbers only come from re-saved files).

    NFC because the portal's cells mix composed and decomposed Vietnamese (the same field name is stored
    both ways), which would otherwise make one field or agency look like two.
    """
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = _ESCAPED_CHARACTER.sub(lambda match: chr(int(match.group(1), 16)), str(value))
    return unicodedata.normalize("NFC", text).strip()


def _split_lines(value: object) -> list[str]:
    """Several agencies in one cell, one per line; blank lines and repeats (the portal has both) dropped."""
    parts = (part.strip() for part in _text(value).splitlines())
    return list(dict.fromkeys(part for part in parts if part))


def _parse_rows(rows: list[tuple[Any, ...]], first_row: int, columns: dict[str, int]) -> PortalList:
    result = PortalList()
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        cells = {key: row[index] if index < len(row) else None for key, index in columns.items()}
        if not any(_text(value) for value in row):
            continue  # blank separator lines and trailing formatted-but-empty rows
        problems = _row_problems(number, cells["code"], _text(cells["name"]), seen)
        if problems:
            result.problems.extend(problems)
            continue
        code = _text(cells["code"])
        seen[code] = number
        result.rows.append(
            PortalListRow(
                row_number=number,
                code=code,
                name=_text(cells["name"]),
                issuing_body=_text(cells["issuing_body"]),
                executing_agencies=_split_lines(cells["executing_agencies"]),
                field_name=_text(cells["field_name"]),
            )
        )
    return result


def _row_problems(number: int, raw_code: object, name: str, seen: dict[str, int]) -> list[str]:
    """Why row ``number`` cannot be used (empty when it can)."""
    problems = []
    code = _text(raw_code)
    if isinstance(raw_code, int | float) and not isinstance(raw_code, bool):
        # Excel turned "1.001190" into the number 1.00119: the trailing zeros are lost, do not guess them
        problems.append(
            f"dòng {number}: mã thủ tục {code} được lưu dạng số nên có thể đã mất chữ số 0 ở cuối; "
            "hãy định dạng cột 'Mã số' là văn bản"
        )
    elif not code:
        problems.append(f"dòng {number}: thiếu mã thủ tục")
    elif not is_valid_procedure_code(code):
        problems.append(f"dòng {number}: mã thủ tục '{code}' không hợp lệ")
    elif code in seen:
        problems.append(f"dòng {number}: mã thủ tục '{code}' trùng với dòng {seen[code]}")
    if not name:
        problems.append(f"dòng {number}: thiếu tên thủ tục")
    return problems
