"""The catalogue (``motcua-catalog/1``) as an Excel workbook, written and read back unchanged.

Reform officers review and edit the catalogue in Excel, not in YAML. The workbook is the same format laid
out as tables, so it goes through the same validation (:class:`~motcua.catalog.interchange.CatalogDocument`)
and the same idempotent loader as a YAML file:

- one sheet per top-level list (``agencies``, ``fields``, ``procedures``, ``offerings``,
  ``calendar_overrides``), first row = the record's keys in schema order, one record a row;
- a ``meta`` sheet of ``key | value`` rows holding ``format = motcua-catalog/1``;
- scalars in cells as they are (text as text cells, so that ``1.001193`` or ``2025-07-01`` never become a
  number or a date; booleans as booleans); nested values (``levels``, ``documents``, ``channels``, …) as
  compact JSON text.

Sheets and columns are derived from the pydantic record models, so a field added to a record appears in the
workbook without touching this module.

What a cell means on reading: an empty cell is an absent key (the schema's default applies). The writer
leaves a cell empty only when the value *is* that default, and spells out the two values an empty cell
cannot carry otherwise: ``=""`` (a formula giving the empty string) for an empty string that is not the
default, ``=NA()`` for a None that is not the default. Text that Excel cannot hold as is (carriage
returns, control characters) is escaped the way Excel itself does (``_x000D_``). Every text cell is written
with :func:`text_cell`, the one helper of every Excel export of motcua (this catalogue and the dossier book): an
explicit string cell, marked with Excel's ``quotePrefix`` when it begins like a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return), so that Excel and LibreOffice show ``=SUM(A1)`` as text, never evaluate it, and
keep it text when someone edits the cell; its characters are not touched. A text longer than Excel's
32,767 characters a cell (the portal's longest document lists and step descriptions are) continues in
continuation columns placed right after its column, ``documents~2``, ``documents~3``, …, added to a sheet only
when one of its records needs them; a cell is cut only between characters, never inside an escape, and the
reader joins the pieces before decoding. So ``xlsx_to_catalog(catalog_to_xlsx(d)) == d`` for every normalised
catalogue ``d``, the whole national catalogue included.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import types
import typing
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Literal, Union, get_args, get_origin
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from pydantic import BaseModel
from pydantic import ValidationError as SchemaError
from pydantic.fields import FieldInfo

from motcua.catalog.interchange import FORMAT, CatalogDocument, CatalogLoadError, parse_document

#: What the reader accepts: a path, the file's bytes, or a binary file object (e.g. an upload).
Source = str | os.PathLike[str] | bytes | bytearray | IO[bytes]

META_SHEET = "meta"
META_HEADER = ("key", "value")

#: Excel's hard limits: characters in a cell (counted in UTF-16 units), rows in a sheet, title of a sheet.
EXCEL_CELL_LIMIT = 32_767
EXCEL_ROW_LIMIT = 1_048_576
EXCEL_SHEET_TITLE_LIMIT = 31
EXCEL_COLUMN_LIMIT = 16_384

#: A continuation column's header: the column's name, this mark, the piece's number (2, 3, …).
CONTINUATION_MARK = "~"
_CONTINUATION_RE = re.compile(rf"(?P<name>.+){re.escape(CONTINUATION_MARK)}(?P<number>[2-9]|[1-9]\d+)")

#: The two formulas that stand for values an empty cell cannot carry.
EMPTY_STRING_FORMULA = '=""'
NONE_FORMULA = "=NA()"

#: Number format "Text": what an officer types into such a cell stays text (no 1.001190 → 1.00119).
TEXT_FORMAT = "@"

#: What a damaged or foreign file raises inside openpyxl, zipfile and the XML parser.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError, TypeError, ParseError)

#: Characters XML 1.0 cannot carry at all (control characters, lone surrogates, non-characters).
_XML_ILLEGAL_CHARACTER = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
#: Those, plus the carriage return that XML parsers turn into a line feed.
_UNSAFE_CHARACTER = r"[\x00-\x08\x0b-\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
#: OOXML's escape of a character, ``_xHHHH_`` (ECMA-376 ST_Xstring). An underscore that could be read as
#: the start of one (followed by "x" and four hex digits) is itself escaped, as ``_x005F_``.
_ESCAPE_RE = re.compile(rf"(_)(?=x[0-9A-Fa-f]{{4}})|({_UNSAFE_CHARACTER})")
_UNESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_XML_ILLEGAL_RE = re.compile(_XML_ILLEGAL_CHARACTER)

#: What a replaced character becomes in an export that need not give it back (see :func:`excel_text`).
REPLACEMENT_CHARACTER = "\ufffd"
#: First characters that make Excel or LibreOffice take a typed text for a formula (or, in a CSV, run it):
#: the list of OWASP's "CSV injection" advice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class CatalogSpreadsheetError(ValueError):
    """A catalogue cannot be written as a workbook without losing something (e.g. a cell too long)."""


class _Required:
    """Marker of a field without default: no value of it is ever left as an empty cell."""


_REQUIRED = _Required()


@dataclass(frozen=True)
class _Column:
    """How one key of a record is written to and read from a cell."""

    name: str
    nested: bool  # lists, dicts and models go in the cell as JSON text
    default: Any  # the schema default, or _REQUIRED


@dataclass
class _SheetRows:
    """The records read from a sheet, with where each came from (for error messages)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)  # column name → column letter


# -------------------------------------------------------------------------------------------------
# the layout, derived from the schema


def record_lists() -> dict[str, type[BaseModel]]:
    """The top-level lists of the format and the model of their records, in schema order."""
    lists: dict[str, type[BaseModel]] = {}
    for name, info in CatalogDocument.model_fields.items():
        if get_origin(info.annotation) is list:
            (item,) = get_args(info.annotation)
            if isinstance(item, type) and issubclass(item, BaseModel):
                lists[name] = item
    return lists


def _meta_columns() -> dict[str, _Column]:
    """The document's own scalars (``format``), written as ``key | value`` rows of the meta sheet."""
    lists = record_lists()
    return {name: _column(name, info) for name, info in CatalogDocument.model_fields.items() if name not in lists}


def _columns(model: type[BaseModel]) -> list[_Column]:
    return [_column(name, info) for name, info in model.model_fields.items()]


def _column(name: str, info: FieldInfo) -> _Column:
    default = _REQUIRED if info.is_required() else info.get_default(call_default_factory=True)
    if isinstance(default, BaseModel):
        default = default.model_dump(mode="json")
    return _Column(name=name, nested=_is_nested(info.annotation), default=default)


def _is_nested(annotation: Any) -> bool:
    """Whether values of this type are containers (written as JSON) rather than scalars."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_is_nested(arg) for arg in get_args(annotation) if arg is not type(None))
    if origin is typing.Annotated:
        return _is_nested(get_args(annotation)[0])
    if origin is Literal:
        return False
    if origin is not None:
        annotation = origin
    return isinstance(annotation, type) and issubclass(annotation, BaseModel | list | dict | tuple | set | frozenset)


# -------------------------------------------------------------------------------------------------
# writing


def catalog_to_xlsx(data: dict[str, Any]) -> bytes:
    """The catalogue as an xlsx workbook (bytes), after validating and normalising it like a load would.

    Raises :class:`~motcua.catalog.interchange.CatalogLoadError` when ``data`` is not a valid catalogue and
    :class:`CatalogSpreadsheetError` when a value cannot be held by Excel without loss. Every cell is
    checked before the file is started, so a refusal leaves nothing half-written behind.
    """
    document = parse_document(data).model_dump(mode="json")
    return _write([_plan_meta(document), *_plan_lists(document)])


@dataclass(frozen=True)
class _Cell:
    """What one cell will hold, decided and checked against Excel's limits before writing."""

    value: str | bool | int | float
    text: bool = False  # a text cell whatever the text looks like (a number, a date, a formula, an error)


@dataclass
class _SheetPlan:
    title: str
    header: list[str]
    widths: list[int]
    rows: list[list[_Cell | None]] = field(default_factory=list)


def _plan_meta(document: dict[str, Any]) -> _SheetPlan:
    plan = _SheetPlan(META_SHEET, list(META_HEADER), [16, 24])
    for row_number, (name, column) in enumerate(_meta_columns().items(), start=2):
        where = f"trang '{META_SHEET}', dòng {row_number}"
        value = _encode(column, document[name], f"{where}, cột 'value'")
        if value is not None and value.text and _units(value.value) > EXCEL_CELL_LIMIT:
            raise CatalogSpreadsheetError(f"{where}: vượt giới hạn {EXCEL_CELL_LIMIT} ký tự của một ô Excel")
        plan.rows.append([_text(name), value])
    return plan


def _plan_lists(document: dict[str, Any]) -> list[_SheetPlan]:
    plans = []
    for list_name, model in record_lists().items():
        if len(list_name) > EXCEL_SHEET_TITLE_LIMIT or list_name == META_SHEET:
            raise CatalogSpreadsheetError(f"danh sách '{list_name}' không dùng được làm tên trang Excel")
        records = document[list_name]
        if len(records) >= EXCEL_ROW_LIMIT:
            raise CatalogSpreadsheetError(
                f"trang '{list_name}': {len(records)} bản ghi, vượt giới hạn {EXCEL_ROW_LIMIT - 1} dòng của Excel"
            )
        columns = _columns(model)
        rows = [
            [_pieces(_encode(c, record.get(c.name), f"trang '{list_name}', dòng {n}, cột '{c.name}'")) for c in columns]
            for n, record in enumerate(records, start=2)
        ]
        # each column gets as many cells as its longest value needs: itself, then its continuation columns
        spans = [max((len(row[i]) for row in rows), default=1) for i in range(len(columns))]
        if sum(spans) > EXCEL_COLUMN_LIMIT:
            raise CatalogSpreadsheetError(f"trang '{list_name}': cần {sum(spans)} cột, vượt giới hạn của Excel")
        plan = _SheetPlan(list_name, [], [])
        for column, span in zip(columns, spans, strict=True):
            plan.header += [column.name] + [f"{column.name}{CONTINUATION_MARK}{k}" for k in range(2, span + 1)]
            plan.widths += [40 if column.nested else 20] * span
        for row in rows:
            plan.rows.append([cell for pieces, span in zip(row, spans, strict=True) for cell in _padded(pieces, span)])
        plans.append(plan)
    return plans


def _pieces(cell: _Cell | None) -> list[_Cell | None]:
    """A cell, or the cells a text too long for one continues in (cut between characters, never inside an
    ``_xHHHH_`` escape, so that each piece decodes on its own and the decoded pieces join into the text)."""
    if cell is None or not cell.text or _units(cell.value) <= EXCEL_CELL_LIMIT:
        return [cell]
    text = str(cell.value)
    escapes = {i for m in _UNESCAPE_RE.finditer(text) for i in range(m.start() + 1, m.end())}
    pieces: list[_Cell | None] = []
    start = 0
    while start < len(text):
        end, units = start, 0
        while end < len(text) and units + _units(text[end]) <= EXCEL_CELL_LIMIT:
            units += _units(text[end])
            end += 1
        while end < len(text) and end in escapes:  # do not cut inside an escape
            end -= 1
        pieces.append(_Cell(text[start:end], text=True))
        start = end
    return pieces


def _padded(pieces: list[_Cell | None], span: int) -> list[_Cell | None]:
    return pieces + [None] * (span - len(pieces))


def _units(text: object) -> int:
    """Length as Excel counts it: UTF-16 code units."""
    return len(str(text).encode("utf-16-le")) // 2


def _encode(column: _Column, value: Any, where: str) -> _Cell | None:
    """The cell that reads back as ``value`` (None: an empty cell, i.e. the schema default)."""
    if value in (None, "", [], {}) and type(value) is type(column.default) and value == column.default:
        return None
    if column.nested:
        return _text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if value is None:
        return _Cell(NONE_FORMULA)
    if value == "":
        return _Cell(EMPTY_STRING_FORMULA)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool) or (isinstance(value, int | float) and math.isfinite(value) and abs(value) <= 2**53):
        return _Cell(value)  # Excel holds numbers as doubles: exact up to 2**53
    raise CatalogSpreadsheetError(f"{where}: giá trị {value!r} không ghi được vào một ô Excel")


def _text(text: str) -> _Cell:
    """``text`` escaped for a cell (a list's cell longer than Excel's limit is split by :func:`_pieces`)."""
    return _Cell(excel_text(text, unsafe="escape"), text=True)


def _write(plans: list[_SheetPlan]) -> bytes:
    """Write the planned sheets (write-only mode: rows are streamed to the file, not kept as cell objects)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for plan in plans:
        sheet = workbook.create_sheet(plan.title)
        for index, width in enumerate(plan.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for name in plan.header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in plan.rows:
            sheet.append([None if cell is None else _written(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _written(sheet: Any, planned: _Cell) -> WriteOnlyCell:
    if not planned.text:
        return WriteOnlyCell(sheet, value=planned.value)
    cell = text_cell(sheet, str(planned.value))
    cell.number_format = TEXT_FORMAT
    return cell


# -------------------------------------------------------------------------------------------------
# text cells of every export (this catalogue and the dossier book)


def excel_text(text: str, *, unsafe: Literal["escape", "replace"]) -> str:
    """``text`` as a cell stores it, so that Excel shows exactly ``text`` (give the result to :func:`text_cell`).

    Carriage returns and underscores that would read as an ``_xHHHH_`` escape are always escaped. The
    characters XML cannot hold at all (NUL and the other control characters but tab and line feed), which
    would make the file unwritable, are escaped with ``unsafe="escape"`` (the catalogue: its reader gives
    them back) or replaced by U+FFFD with ``unsafe="replace"`` (a register printed for people: the mark shows
    that something unprintable was there). Only the exported cell changes, never the stored data.
    """
    if unsafe == "replace":
        text = _XML_ILLEGAL_RE.sub(REPLACEMENT_CHARACTER, text)
    return _escape(text)


def begins_like_a_formula(stored: str) -> bool:
    """Whether the text a cell shows (``stored`` decoded) begins with a character of :data:`FORMULA_TRIGGERS`."""
    return _unescape(stored[:7])[:1] in FORMULA_TRIGGERS if stored else False


def text_cell(sheet: Any, stored: str) -> WriteOnlyCell:
    """A write-only cell that Excel and LibreOffice show as the text ``stored`` (from :func:`excel_text`).

    The cell is an explicit string (an inline string: openpyxl would otherwise write ``=…`` as a formula and
    ``#N/A`` as an error), and one that begins like a formula also gets ``quotePrefix``, the style Excel
    itself gives a text typed after an apostrophe, so that editing it in Excel keeps it text. The characters
    are left as they are: a reader gets back exactly what was written.
    """
    cell = WriteOnlyCell(sheet, value=stored)
    cell.data_type = "s"
    if begins_like_a_formula(stored):
        cell.quotePrefix = True
    return cell


def _escape(text: str) -> str:
    """Escape the characters a cell cannot carry so that :func:`_unescape` (and Excel) give them back."""

    def replace(match: re.Match[str]) -> str:
        return f"_x{ord(match.group(1) or match.group(2)):04X}_"

    return _ESCAPE_RE.sub(replace, text)


def _unescape(text: str) -> str:
    """Decode ``_xHHHH_`` escapes, left to right, as Excel does."""
    return _UNESCAPE_RE.sub(lambda match: chr(int(match.group(1), 16)), text)


# -------------------------------------------------------------------------------------------------
# reading


def is_catalog_workbook(path_or_file: Source) -> bool:
    """Whether the file is a catalogue workbook (a ``meta`` sheet with ``format = motcua-catalog/…``).

    Any version counts, so that a workbook of a newer format is recognised and then refused by
    :func:`xlsx_to_catalog` with a clear message rather than routed to another importer.
    """
    try:
        with _open_workbook(path_or_file) as workbook:
            if META_SHEET not in workbook.sheetnames:
                return False
            for row in workbook[META_SHEET].iter_rows(max_row=50, max_col=2, values_only=True):
                key, value = (*row, None, None)[:2]
                if key == "format":
                    return isinstance(value, str) and value.startswith(FORMAT.split("/")[0] + "/")
    except CatalogLoadError:
        return False
    return False


def xlsx_to_catalog(path_or_file: Source) -> dict[str, Any]:
    """Read a catalogue workbook back into a normalised ``motcua-catalog/1`` dict.

    Raises :class:`~motcua.catalog.interchange.CatalogLoadError` whose ``problems`` name the sheet, row and
    column of every bad cell (or say why the file cannot be read at all).
    """
    with _open_workbook(path_or_file) as workbook:
        sheets = {title: list(workbook[title].iter_rows()) for title in workbook.sheetnames}

    problems: list[str] = []
    lists = record_lists()
    for title in sheets:
        if title != META_SHEET and title not in lists:
            problems.append(f"trang '{title}' không thuộc định dạng {FORMAT}")
    if META_SHEET not in sheets:
        problems.append(f"không có trang '{META_SHEET}' ghi định dạng (format = {FORMAT})")

    data: dict[str, Any] = {}
    meta_rows = _read_meta(sheets.get(META_SHEET, []), data, problems)
    read: dict[str, _SheetRows] = {}
    for list_name, model in lists.items():
        if list_name in sheets:
            read[list_name] = _read_records(list_name, sheets[list_name], _columns(model), problems)
            data[list_name] = read[list_name].records
    if problems:
        raise CatalogLoadError(problems)

    try:
        return CatalogDocument.model_validate(data).model_dump(mode="json")
    except SchemaError as exc:
        raise CatalogLoadError([_locate(error, read, meta_rows) for error in exc.errors()]) from exc


@contextmanager
def _open_workbook(source: Source) -> Iterator[Workbook]:
    """Open read-only, formulas as written (``=""`` and ``=NA()`` carry values); every reading failure
    becomes a :class:`CatalogLoadError` the upload form can show."""
    name = _display_name(source)
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=False)
    except FileNotFoundError as exc:
        raise CatalogLoadError([f"không tìm thấy tệp {name}"]) from exc
    except (InvalidFileException, *_READ_ERRORS) as exc:
        raise CatalogLoadError([f"tệp {name} không phải bảng tính Excel .xlsx hoặc đã bị hỏng"]) from exc
    try:
        yield workbook
    except CatalogLoadError:
        raise
    except _READ_ERRORS as exc:
        raise CatalogLoadError([f"tệp {name} đã bị hỏng, không đọc được hết nội dung"]) from exc
    finally:
        workbook.close()


def _display_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return f"'{Path(source).name}'"
    name = getattr(source, "name", None)
    return f"'{Path(name).name}'" if isinstance(name, str) else "đã tải lên"


def _read_meta(rows: list[tuple[Any, ...]], data: dict[str, Any], problems: list[str]) -> dict[str, int]:
    """Fill ``data`` with the meta sheet's values; returns the row of each key (for error messages)."""
    columns = _meta_columns()
    found: dict[str, int] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        key_cell, value_cell = (*row, None, None)[:2]
        key = key_cell.value if key_cell is not None else None
        if key is None or key == "":
            continue
        where = f"trang '{META_SHEET}', dòng {row_number}"
        if key not in columns:
            problems.append(f"{where}: khóa '{key}' không thuộc định dạng {FORMAT}")
            continue
        if key in found:
            problems.append(f"{where}: khóa '{key}' đã có ở dòng {found[key]}")
            continue
        found[key] = row_number
        present, value = _cell_value(value_cell, columns[key], f"{where}, cột 'value'", problems)
        if present:
            data[key] = value
    return found


def _read_records(
    sheet_name: str, rows: list[tuple[Any, ...]], columns: list[_Column], problems: list[str]
) -> _SheetRows:
    """The records of one sheet: a dict per non-blank row, keyed by the header row's names."""
    result = _SheetRows()
    if not rows:
        return result
    known = {column.name: column for column in columns}
    header: dict[int, tuple[_Column, int]] = {}  # column index → the column and the piece it holds (1, 2, …)
    for index, cell in enumerate(rows[0]):
        name = cell.value
        if name is None or name == "":
            continue
        letter = get_column_letter(index + 1)
        where = f"trang '{sheet_name}', cột {letter}"
        continued = _CONTINUATION_RE.fullmatch(name) if isinstance(name, str) else None
        if name in result.letters:
            problems.append(f"{where}: cột '{name}' lặp lại (đã có ở cột {result.letters[name]})")
        elif name in known:
            header[index] = (known[name], 1)
            result.letters[name] = letter
        elif continued and continued["name"] in known:
            header[index] = (known[continued["name"]], int(continued["number"]))
            result.letters[name] = letter
        else:
            problems.append(f"{where}: cột '{name}' không thuộc định dạng {FORMAT}")
    for row_number, row in enumerate(rows[1:], start=2):
        record: dict[str, Any] = {}
        pieces: dict[str, list[_Piece]] = {}  # column name → its cell and its continuation cells
        # what the row's cells say, in their order: a column's value (read once all its pieces are found)
        # or a problem with the cell
        order: list[tuple[Literal["column", "problem"], str]] = []
        for index, cell in enumerate(row):
            if cell.value is None or cell.value == "":
                continue
            where = f"trang '{sheet_name}', dòng {row_number}, cột {get_column_letter(index + 1)}"
            if index not in header:
                order.append(("problem", f"{where}: ô có dữ liệu nhưng cột không có tiêu đề hợp lệ"))
                continue
            column, number = header[index]
            if column.name not in pieces:
                order.append(("column", column.name))
            pieces.setdefault(column.name, []).append(_Piece(number, cell, f"{where} ('{rows[0][index].value}')"))
        for kind, text in order:
            if kind == "problem":
                problems.append(text)
                continue
            found = sorted(pieces[text], key=lambda piece: piece.number)
            if len(found) == 1 and found[0].number == 1:
                present, value = _cell_value(found[0].cell, known[text], found[0].where, problems)
            else:
                present, value = _joined_value(found, known[text], problems)
            if present:
                record[text] = value
        if order:
            result.records.append(record)
            result.row_numbers.append(row_number)
    return result


@dataclass(frozen=True)
class _Piece:
    """A cell of a column (``number`` 1) or of one of its continuation columns (2, 3, …)."""

    number: int
    cell: Any
    where: str


def _joined_value(found: list[_Piece], column: _Column, problems: list[str]) -> tuple[bool, Any]:
    """The value of a text continued in continuation cells, joined in piece order: every piece is text."""
    if found[0].number != 1:
        problems.append(f"{found[0].where}: ô tiếp nối có dữ liệu nhưng ô '{column.name}' trống")
        return False, None
    texts = []
    for piece in found:
        if not isinstance(piece.cell.value, str) or piece.cell.data_type in ("f", "e"):
            problems.append(f"{piece.where}: một văn bản viết tiếp qua nhiều ô chỉ gồm ô văn bản")
            return False, None
        texts.append(_unescape(piece.cell.value))
    return _from_text("".join(texts), column, found[0].where, problems)


def _cell_value(cell: Any, column: _Column, where: str, problems: list[str]) -> tuple[bool, Any]:
    """``(present, value)`` of a cell; a cell that means nothing valid is reported and counts as absent."""
    value = None if cell is None else cell.value
    if value is None or value == "":
        return False, None
    data_type = cell.data_type
    if data_type == "f":
        formula = str(value).replace(" ", "").upper()
        if formula == EMPTY_STRING_FORMULA:
            return True, ""
        if formula == NONE_FORMULA:
            return True, None
        problems.append(
            f"{where}: công thức {value} không được hỗ trợ (chỉ dùng {EMPTY_STRING_FORMULA} hoặc {NONE_FORMULA})"
        )
        return False, None
    if data_type == "e":
        problems.append(f"{where}: ô lỗi {value}")
        return False, None
    if isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == time() else value.isoformat()
    elif isinstance(value, date | time):
        value = value.isoformat()
    elif isinstance(value, str):
        return _from_text(_unescape(value), column, where, problems)
    if not column.nested:
        return True, value
    problems.append(f"{where}: cần văn bản JSON, gặp {value!r}")
    return False, None


def _from_text(text: str, column: _Column, where: str, problems: list[str]) -> tuple[bool, Any]:
    """A decoded text cell's value: the text, or for a nested column the JSON it holds."""
    if not column.nested:
        return True, text
    try:
        return True, json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"{where}: không phải JSON hợp lệ ({exc.msg}, vị trí {exc.pos})")
        return False, None


def _locate(error: Any, read: dict[str, _SheetRows], meta_rows: dict[str, int]) -> str:
    """A schema error told as the sheet, row and column of the cell it is about."""
    location = list(error["loc"])
    message = error["msg"]
    top = location[0] if location else None
    if top in read and len(location) >= 2 and isinstance(location[1], int):
        sheet = read[top]
        where = f"trang '{top}', dòng {sheet.row_numbers[location[1]]}"
        if len(location) >= 3:
            column = str(location[2])
            letter = sheet.letters.get(column)
            where += f", cột '{column}'" + (f" ({letter})" if letter else "")
            if len(location) > 3:
                where += " — " + ".".join(str(part) for part in location[3:])
        return f"{where}: {message}"
    if top in meta_rows:
        return f"trang '{META_SHEET}', dòng {meta_rows[top]}, cột 'value': {message}"
    if top is not None and error["type"] == "missing":
        return f"trang '{META_SHEET}': thiếu khóa '{top}'"
    return f"{'.'.join(str(part) for part in location)}: {message}"
