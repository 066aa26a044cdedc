"""Parser of the National Public Service Portal's procedure *detail records*.

A detail record is what a scraper kept of one procedure page of dichvucong.gov.vn: one JSON object whose
values are the page's sections flattened to text. The tables lost their cell separators on the way, so
``cach_thuc_thuc_hien`` reads ``Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việc25 USD(…)…``
and ``thanh_phan_ho_so`` reads ``…Tên giấy tờMẫu đơn, tờ khaiSố lượng<name><template file>1 bản chính…``.

This module rebuilds the cells from the shapes the portal gives its values, learnt from the 1,844 records
of five ministries and the courts (the shared data set's ``data/national-catalog/detail``):

- a channel row starts with its channel label (``Trực tiếp``, ``Trực tuyến``, ``Dịch vụ bưu chính``) glued
  to a time cell (``5 Ngày làm việc``, ``30 Ngày``, ``4 Giờ``, ``3 Tháng``, a bare number, a sentence, or
  ``Không có thông tin``), then a fee cell (``Miễn phí``, ``20,000,000 Việt Nam Đồng``, ``25 USD``, each
  with an optional parenthesised note, or ``Không có thông tin``), then the free description;
- a document row ends with a count cell ``N bản chính`` or ``N bản chính,M bản sao``; template file names
  (``….docx``) sit between the document's name and its count;
- a legal-basis entry is a title glued to the instrument's number (``…Luật Hộ tịch123/2015/NĐ-CP``);
- a result is a name glued to ``Mã: KQ.G15.000031``.

Nothing is guessed. Every structured value keeps its original text beside it, and what does not fit a
known shape is returned as a :class:`Problem` naming the field, the text and a stable reason code, so an
import can report it and a person can fix the catalogue. ``Không có thông tin`` ("no information") is an
empty value, not a problem. The module imports nothing from Django: it is run over whole data sets in
benchmarks and tests without a database; storing the result is the importer's job.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

__all__ = [
    "ChannelTerms",
    "Document",
    "FeeAmount",
    "LegalDocument",
    "ParsedRecord",
    "Problem",
    "ProcessingTime",
    "RecordError",
    "Result",
    "is_covered",
    "parse_amount",
    "parse_record",
    "parse_text",
]

#: The portal's placeholder for an empty section or cell.
NO_INFORMATION = "Không có thông tin"

#: Longest original text kept in a :class:`Problem`; enough to recognise the case, short enough to log.
PROBLEM_TEXT_LIMIT = 300


class RecordError(ValueError):
    """The input is not a usable detail record (not JSON, not an object, no procedure code, …)."""


@dataclass(frozen=True)
class Problem:
    """Something that could not be parsed: reported, never guessed and never silently dropped.

    ``reason`` is a stable code an import report can count and filter on:

    - ``no_unit``: a processing time is a bare number; the portal left the unit empty.
    - ``unknown_unit``: a processing time has a unit this parser does not know.
    - ``no_time``: the time cell is prose, not a duration.
    - ``ambiguous_time_fee``: a bare-number time runs into a fee amount and the digits split in more than
      one valid way (``1100 VNĐ`` is 1 + 100, 11 + 00 or 110 + 0).
    - ``unparsed_fee`` / ``unknown_currency``: the fee cell is not ``Miễn phí``, an amount with a known
      currency, or ``Không có thông tin``.
    - ``no_amount``: a number that cannot be read as an amount (``20.000 VNĐ``: twenty, or twenty thousand?).
    - ``unparsed_row`` / ``no_channels`` / ``no_header``: the table itself could not be read.
    - ``unknown_level``: an implementation level this parser does not know.
    - ``no_table``, ``template_boundary``, ``no_quantity``: the documents section (see :func:`_parse_documents`).
    - ``no_number``: a legal-basis entry whose instrument number could not be told from its title.
    - ``no_result_code``: a result without a readable ``Mã:`` code.
    - ``not_text``: a section holds something else than text (a number, a list…).
    """

    field: str
    text: str
    reason: str


@dataclass(frozen=True)
class ProcessingTime:
    """One processing time of a channel row; ``unit`` is a :class:`motcua.rules.workdays.Unit` value or
    one of the extra codes in :data:`UNITS` (``months``), ``None`` when the text has no known unit."""

    amount: Decimal | None
    unit: str | None
    text: str


@dataclass(frozen=True)
class FeeAmount:
    """One fee of a channel row. ``Miễn phí`` is ``amount == 0`` with ``currency is None`` (a free
    procedure has no currency, and inventing one would be a guess). ``note`` is the parenthesised text
    the portal prints after the amount (often the real tariff in prose); ``text`` is amount plus note."""

    amount: Decimal | None
    currency: str | None
    text: str
    note: str = ""


@dataclass(frozen=True)
class ChannelTerms:
    """One row of the "cách thức thực hiện" table. A channel may have several rows (the portal lists one
    row per case, e.g. one per agency level), so the same ``channel`` may appear more than once."""

    channel: str
    channel_text: str
    times: list[ProcessingTime]
    fees: list[FeeAmount]
    description: str
    text: str


@dataclass(frozen=True)
class Document:
    """One required document. ``originals``/``copies`` are the two counts of the portal's count cell
    (``1 bản chính,1 bản sao``); ``quantity`` and ``form`` summarise them (see :func:`_document_form`)."""

    name: str
    quantity: int | None
    form: str | None
    quantity_text: str
    templates: list[str]
    group: str
    originals: int | None = None
    copies: int | None = None


@dataclass(frozen=True)
class LegalDocument:
    """One entry of the legal basis: the instrument's number (``123/2015/NĐ-CP``) and its title."""

    number: str | None
    title: str
    text: str


@dataclass(frozen=True)
class Result:
    """One result document (``Giấy khai sinh``) with its national code (``KQ.G15.000031``)."""

    code: str | None
    name: str


@dataclass
class ParsedRecord:
    """A detail record in the catalogue's terms, with every problem met on the way."""

    code: str
    name: str
    decision_number: str
    levels: list[str]
    levels_text: str
    field_name: str
    procedure_type: str
    subjects: str
    channels: list[ChannelTerms]
    documents: list[Document]
    legal_basis: list[LegalDocument]
    results: list[Result]
    competent_authority: str
    resolving_agencies: str
    coordinating_agencies: str
    receiving_address: str
    source_url: str
    problems: list[Problem] = field(default_factory=list)
    #: Sections kept as text: the applicant's steps and the conditions (prose on the portal too).
    steps: str = ""
    conditions: str = ""
    authorised_agencies: str = ""


# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

#: Implementation levels (``cap_thuc_hien``). Districts were dissolved on 1 July 2025 (RULES.md §0) but
#: older records still name them, so the code stays known.
LEVELS: dict[str, str] = {
    "cấp bộ": "ministry",
    "cấp tỉnh": "province",
    "cấp huyện": "district",
    "cấp xã": "commune",
    "cơ quan khác": "other",
}

#: Channel labels of the "Hình thức nộp" column.
CHANNELS: dict[str, str] = {
    "Trực tiếp": "counter",
    "Trực tuyến": "online",
    "Dịch vụ bưu chính": "postal",
}

#: Units of the time cell, as the portal spells them (matched without regard to case). "Giờ" counts working
#: hours and "Ngày" calendar days (RULES.md §3); those codes are values of ``motcua.rules.workdays.Unit``.
#: "Tháng" occurs in a few records and has no working-time meaning, so it gets a code of its own. No record
#: spells a same-day time ("trong ngày") in the time cell, so ``same_day`` is never produced here.
UNITS: dict[str, str] = {
    "ngày làm việc": "working_days",
    "giờ": "working_hours",
    "ngày": "calendar_days",
    "tháng": "months",
}

#: Currencies after an amount, as the portal prints them, mapped to ISO 4217 codes. Matched with their case:
#: a lower-case "đồng" belongs to prose (a note or a description), not to a fee cell.
CURRENCIES: dict[str, str] = {
    "Việt Nam Đồng": "VND",
    "VNĐ": "VND",
    "VND": "VND",
    "Đồng": "VND",
    "USD": "USD",
}

FREE = "Miễn phí"
_TABLE_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"

_LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"

_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
# The start of a Vietnamese word: an initial consonant (cluster) then a vowel. "Nghị", "Thông", "Về" are;
# "Psửa" (the P of "NĐ-CP" glued to "sửa đổi") is not.
_WORD_START = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[" + _VOWELS + "]", re.IGNORECASE)


# A row starts where a channel label is glued to the start of a time cell: a digit or a capital letter.
# Descriptions mention channels too ("+ Trực tuyến: nộp hồ sơ…", "Trực tiếp tại…"), always followed by
# punctuation or a space, so they are not taken for rows; a candidate is kept only if a time cell and a
# fee cell can be read after it (see _read_cells).
_ROW_START = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=[0-9" + _UPPER + r"])")

_NUMBER = r"\d+(?:[.,]\d+)?"
_UNIT_WORDS = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_TIME = re.compile(r"(?P<amount>" + _NUMBER + r")\s*(?P<unit>(?i:" + _UNIT_WORDS + r"))(?![" + _LOWER + "])")
_BARE_NUMBER = re.compile(r"\d[\d,.]*")
_CURRENCY_WORDS = "|".join(sorted((re.escape(c) for c in CURRENCIES), key=len, reverse=True))
# An amount as the portal prints it: thousands grouped with commas, at most two decimals (cents). A dot
# followed by three digits ("20.000") is the Vietnamese thousands separator or a decimal: not an amount.
_AMOUNT_SHAPE = re.compile(r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d{1,2})?")
_FEE = re.compile(r"(?P<amount>[\d,.]+)\s*(?P<currency>" + _CURRENCY_WORDS + r")")
# A number followed by a word that is not a currency: reported as unknown_currency when it opens a fee cell.
_FEE_UNKNOWN = re.compile(r"(?P<amount>\d[\d,.]*)\s*(?P<word>[" + _UPPER + r"]{2,}|[" + _UPPER + "][" + _LOWER + r"]+)")
_CURRENCY_AFTER = re.compile(r"\s*(?P<currency>" + _CURRENCY_WORDS + ")")
_WORD = re.compile(r"\s*[" + _UPPER + _LOWER + "]")
# Where a prose time cell ends: the first thing that can open a fee cell.
_FEE_OPENING = re.compile(
    re.escape(FREE) + "|" + re.escape(NO_INFORMATION) + r"|\d[\d,.]*\s*(?:" + _CURRENCY_WORDS + ")"
)
#: Longest prose accepted as a time cell (the longest seen is ~100 characters); a longer run is a
#: description, not a cell. Searches for the fee cell after it stop there, so no text is scanned twice over.
_PROSE_TIME_LIMIT = 200
_OPENING_LENGTH = 40


def _is_capitalised_word(text: str, index: int) -> bool:
    """Whether a capitalised Vietnamese word ("Nghị", "Thông", "Áp") starts at ``index``."""
    return (
        index + 1 < len(text)
        and text[index].isupper()
        and text[index + 1].islower()
        and _WORD_START.match(text, index) is not None
    )


def _squeeze(text: str) -> str:
    """White space collapsed to single spaces and trimmed (faster than a regular expression)."""
    return " ".join(text.split())


def _clean(text: object) -> str:
    """A section's text with white space collapsed; ``Không có thông tin`` and non-strings become ""."""
    if not isinstance(text, str):
        return ""
    cleaned = _squeeze(text)
    return "" if cleaned == NO_INFORMATION else cleaned


def _short(text: str) -> str:
    """Trimmed text for a :class:`Problem`, cut to about :data:`PROBLEM_TEXT_LIMIT` characters."""
    text = _squeeze(text)
    return text if len(text) <= PROBLEM_TEXT_LIMIT else text[: PROBLEM_TEXT_LIMIT - 1] + "…"


def _decimal(text: str) -> Decimal | None:
    """A number as the portal prints it (``20,000,000``, ``1.5``, ``0,5``) or ``None`` if it is not one.

    Commas group thousands only when every group after the first has three digits; otherwise a single
    comma is a decimal comma (``0,5``), the Vietnamese habit. Dots are decimal points.
    """
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
        return None


def parse_amount(text: str) -> Decimal | None:
    """A fee amount printed by the portal: ``20,000,000`` → 20000000, ``25`` → 25, ``1.5`` → 1.5.

    Stricter than :func:`_decimal`: a fee never uses a decimal comma, a badly grouped number (``1,00``) is
    not an amount, and neither is ``20.000`` (twenty, or twenty thousand the Vietnamese way?).
    """
    if not _AMOUNT_SHAPE.fullmatch(text):
        return None
    return Decimal(text.replace(",", ""))


# --------------------------------------------------------------------------------------------------
# Channels: "cách thức thực hiện"
# --------------------------------------------------------------------------------------------------


@dataclass
class _Cells:
    """The time and fee cells read after a channel label, and where the description starts.

    ``unclosed`` says that a fee note never closed its parenthesis before the end of the text, so the
    row's end was not known when the cells were read; the caller reads them again up to the next row.
    """

    times: list[ProcessingTime]
    fees: list[FeeAmount]
    end: int
    problems: list[Problem]
    unclosed: bool = False


def _closing_paren(text: str, start: int, limit: int) -> tuple[int, bool]:
    """End of the parenthesis opened at ``start`` and whether it was closed before ``limit``.

    Some notes never close (``100,000 VNĐ((Phí thẩm định )Dịch vụ bưu chính…``); such a note ends at the
    last ``)`` before ``limit``, or at ``limit`` when there is none.
    """
    depth = 0
    for index in range(start, limit):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1, True
    last = text.rfind(")", start + 1, limit)
    return (last + 1 if last != -1 else limit), False


def _note_at(text: str, pos: int, limit: int) -> tuple[str, int, bool]:
    """The parenthesised note at ``pos``, if any: its inner text, where it ends, and whether it closed."""
    if pos >= limit or text[pos] != "(":
        return "", pos, True
    end, closed = _closing_paren(text, pos, limit)
    inner = text[pos + 1 : end - 1] if end - 1 > pos and text[end - 1] == ")" else text[pos + 1 : end]
    return inner.strip(), end, closed


def _read_fees(text: str, pos: int, limit: int, field_name: str) -> _Cells:
    """Read the fee cell at ``pos``: ``Không có thông tin``, or fee tokens each with an optional note.

    A fee token is ``Miễn phí`` or an amount with a known currency; its note is the parenthesis that
    follows at once. Reading stops at the first thing that is not a fee token: the description. (Every row
    of the data has at most one fee token, but the cell is read as a list, as the portal's model allows.)
    """
    if text.startswith(NO_INFORMATION, pos):
        return _Cells([], [], pos + len(NO_INFORMATION), [])
    fees: list[FeeAmount] = []
    problems: list[Problem] = []
    unclosed = False
    while pos < limit:
        start = pos
        amount: Decimal | None
        if text.startswith(FREE, pos):
            amount, currency = Decimal(0), None
            pos += len(FREE)
        else:
            match = _FEE.match(text, pos, limit)
            if match is None:
                break
            amount = parse_amount(match["amount"])
            currency = CURRENCIES[match["currency"]]
            if amount is None:
                problems.append(Problem(field_name, _short(match.group()), "no_amount"))
            pos = match.end()
        note, pos, closed = _note_at(text, pos, limit)
        unclosed = unclosed or not closed
        fees.append(FeeAmount(amount, currency, text[start:pos].strip(), note))
    if not fees:
        reason = "unknown_currency" if _FEE_UNKNOWN.match(text, pos, limit) else "unparsed_fee"
        problems.append(Problem(field_name, _short(text[pos:limit]), reason))
    return _Cells([], fees, pos, problems, unclosed)


def _with_times(times: list[ProcessingTime], problems: list[Problem], fees: _Cells) -> _Cells:
    """Join the time cell read first with the fee cell read after it."""
    return _Cells(times, fees.fees, fees.end, problems + fees.problems, fees.unclosed)


def _time_fee_splits(digits: str) -> list[tuple[str, str]]:
    """Ways to cut a digit run glued to a currency (``1100 VNĐ``) into a bare time and a valid amount."""
    return [
        (digits[:cut], digits[cut:])
        for cut in range(1, len(digits))
        if re.fullmatch(r"[1-9]\d*", digits[:cut]) and parse_amount(digits[cut:]) is not None
    ]


def _read_cells(text: str, pos: int, limit: int, field_name: str) -> _Cells | None:
    """Read the time cell and the fee cell of a row whose channel label ends at ``pos``.

    The time cell is one of: ``Không có thông tin``; one or more ``<number> <unit>``; a bare number (the
    portal's unit was empty) glued to the fee cell; a number with an unknown word; a short sentence. Returns
    ``None`` when what follows the label is none of these, so the label belongs to a description.
    """
    if text.startswith(NO_INFORMATION, pos):
        after = pos + len(NO_INFORMATION)
        fees = _read_fees(text, after, limit, field_name)
        if fees.problems and not fees.fees:
            # One "Không có thông tin" for both cells, the description follows at once.
            return _Cells([], [], after, [])
        return fees

    times: list[ProcessingTime] = []
    problems: list[Problem] = []
    match = _TIME.match(text, pos, limit)
    if match is not None:
        while match is not None:
            amount = _decimal(match["amount"])
            times.append(ProcessingTime(amount, UNITS[match["unit"].lower()], match.group().strip()))
            if amount is None:
                problems.append(Problem(field_name, _short(match.group()), "no_amount"))
            pos = match.end()
            match = _TIME.match(text, pos, limit)
        return _with_times(times, problems, _read_fees(text, pos, limit, field_name))

    bare = _BARE_NUMBER.match(text, pos, limit)
    if bare is not None:
        digits, after = bare.group(), bare.end()
        if text.startswith(FREE, after) or text.startswith(NO_INFORMATION, after):
            times.append(ProcessingTime(_decimal(digits), None, digits))
            problems.append(Problem(field_name, _short(digits), "no_unit"))
            return _with_times(times, problems, _read_fees(text, after, limit, field_name))
        currency = _CURRENCY_AFTER.match(text, after, limit)
        if currency is not None:
            splits = _time_fee_splits(digits)
            if len(splits) == 1:
                head = splits[0][0]
                times.append(ProcessingTime(Decimal(head), None, head))
                problems.append(Problem(field_name, _short(head), "no_unit"))
                return _with_times(times, problems, _read_fees(text, pos + len(head), limit, field_name))
            # The time and the amount cannot be told apart: keep the text, parse neither.
            glued = text[pos : currency.end()]
            problems.append(Problem(field_name, _short(glued), "ambiguous_time_fee"))
            note, end, closed = _note_at(text, currency.end(), limit)
            fee = FeeAmount(None, CURRENCIES[currency["currency"]], text[pos:end].strip(), note)
            return _Cells([ProcessingTime(None, None, glued)], [fee], end, problems, not closed)
        opening = _FEE_OPENING.search(text, after, min(limit, pos + _PROSE_TIME_LIMIT + _OPENING_LENGTH))
        if opening is not None and opening.start() - pos <= _PROSE_TIME_LIMIT and _WORD.match(text, after, limit):
            # A number with a word that is neither a unit nor a currency.
            cell = text[pos : opening.start()].strip()
            times.append(ProcessingTime(_decimal(digits), None, cell))
            problems.append(Problem(field_name, _short(cell), "unknown_unit"))
            return _with_times(times, problems, _read_fees(text, opening.start(), limit, field_name))
        return None

    # A sentence instead of a time ("Không quy định", "Không phải trả kết quả cho người nộp thuế", …).
    opening = _FEE_OPENING.search(text, pos, min(limit, pos + _PROSE_TIME_LIMIT + _OPENING_LENGTH))
    if opening is None or opening.start() == pos or opening.start() - pos > _PROSE_TIME_LIMIT:
        return None
    cell = text[pos : opening.start()]
    if "\n" in cell or _ROW_START.search(cell):
        return None
    times.append(ProcessingTime(None, None, cell.strip()))
    problems.append(Problem(field_name, _short(cell), "no_time"))
    return _with_times(times, problems, _read_fees(text, opening.start(), limit, field_name))


def _parse_channels(raw: str, field_name: str = "cach_thuc_thuc_hien") -> tuple[list[ChannelTerms], list[Problem]]:
    """Rows of the "cách thức thực hiện" table.

    A row starts at a channel label glued to a readable time cell and fee cell; a label inside the cells
    just read (a fee note) or without readable cells (a description: "Trực tiếp tại…") starts nothing. The
    cells of each row are then read again up to the next row, so that a note that never closes its
    parenthesis cannot swallow the rows after it.
    """
    text = raw.strip()
    if not text or text == NO_INFORMATION:
        return [], []
    problems: list[Problem] = []
    body_start = 0
    if text.startswith(_TABLE_HEADER):
        body_start = len(_TABLE_HEADER)
    else:
        problems.append(Problem(field_name, _short(text), "no_header"))

    starts: list[tuple[re.Match[str], _Cells]] = []
    for match in _ROW_START.finditer(text, body_start):
        if starts and not starts[-1][1].unclosed and match.start() < starts[-1][1].end:
            continue
        cells = _read_cells(text, match.end(), len(text), field_name)
        if cells is not None:
            starts.append((match, cells))

    if not starts:
        problems.append(Problem(field_name, _short(text[body_start:] or text), "no_channels"))
        return [], problems
    leading = text[body_start : starts[0][0].start()].strip()
    if leading:
        problems.append(Problem(field_name, _short(leading), "unparsed_row"))

    rows: list[ChannelTerms] = []
    for index, (match, cells) in enumerate(starts):
        row_end = starts[index + 1][0].start() if index + 1 < len(starts) else len(text)
        if cells.end > row_end or cells.unclosed:
            cells = _read_cells(text, match.end(), row_end, field_name) or _Cells([], [], match.end(), [])
        label = match.group(1)
        rows.append(
            ChannelTerms(
                channel=CHANNELS[label],
                channel_text=label,
                times=cells.times,
                fees=cells.fees,
                description=text[cells.end : row_end].strip(),
                text=text[match.start() : row_end].strip(),
            )
        )
        problems.extend(cells.problems)
    return rows, problems


# --------------------------------------------------------------------------------------------------
# Documents: "thành phần hồ sơ"
# --------------------------------------------------------------------------------------------------

# The count cell. Names also quote counts ("…nhập khẩu: 01 bản chính; …"), but a real count cell is glued
# to the next row's first character (or ends the text), never followed by white space or punctuation.
_COUNT = re.compile(r"(\d+) bản chính(?:,(\d+) bản sao)?(?![\s;.,:)])")
_EXTENSION = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|odt|rtf|zip|rar)", re.IGNORECASE)
#: How far before a template's extension its start is looked for (the longest file name seen is ~90).
_TEMPLATE_WINDOW = 160


def _glued_at(text: str, index: int) -> bool:
    """Whether two cells were glued at ``index``: a pair of characters prose and file names do not make.

    - ``;``, ``.``, ``:`` or ``)`` directly followed by a letter or digit (after a full stop, a digit only
      when a word or parenthesis ends there: ``giáp lai.31-Mẫu``, ``(NA2).4-Mẫu``, not ``1.5`` or ``I.3``);
    - a lower-case letter directly followed by a capital (``theo mẫuTK 1.0``, ``BộMau02``), or by a digit
      at the end of a word (``theo mẫu1.000312.docx``, but not ``4x6``);
    - a capital or digit directly followed by a capitalised Vietnamese word (``NĐ-CPMẫu số``,
      ``2023Mẫu``), which codes such as ``QĐ-TTg``, ``9B`` or ``CPmẫu`` are not.
    """
    before, char = text[index - 1], text[index]
    if before in ";.:)" and char.isalnum():
        # but "1.5", "I.3", "BM.NCC.20.03" are numbers and section marks, not a sentence's end
        return not (
            before == "."
            and char.isdigit()
            and index >= 2
            and not (text[index - 2].islower() or text[index - 2] == ")")
        )
    if before.islower() and char.isupper():
        return True
    if before.islower() and char.isdigit():
        return index >= 2 and text[index - 2].isalpha()  # "theo mẫu1.000312.docx", not "4x6"
    if before.isupper() or before.isdigit():
        return _is_capitalised_word(text, index) and text[index + 1 : index + 3].isalpha()
    return False


def _split_templates(segment: str) -> tuple[str, list[str], bool]:
    """Cut ``<name><file>.docx<file>.docx`` into the name and the template file names.

    File names sit at the end of the segment, each ending with its extension, so they are cut after each
    extension; the first one starts at the earliest glue point (:func:`_glued_at`) in the window before
    its extension. Returns ``(name, templates, found)``; ``found`` is false when the segment ends with a
    file name whose start cannot be seen (``theo quy địnhvăn bản đề nghị.docx``): then nothing is cut.
    """
    extensions = list(_EXTENSION.finditer(segment))
    if not extensions or extensions[-1].end() != len(segment):
        return segment.strip(), [], True
    first = extensions[0]
    window_start = max(1, first.start() - _TEMPLATE_WINDOW)
    start = next((i for i in range(window_start, first.start()) if _glued_at(segment, i)), None)
    if start is None:
        return segment.strip(), [], False
    templates: list[str] = []
    chunk_start = start
    for extension in extensions:
        chunk = segment[chunk_start : extension.end()].strip()
        if templates and chunk == extension.group():
            templates[-1] += chunk  # "….docx.docx": a doubled extension, not a second file
        elif chunk:
            templates.append(chunk)
        chunk_start = extension.end()
    return segment[:start].strip(), templates, True


def _document_form(originals: int, copies: int | None, group: str) -> tuple[int | None, str | None]:
    """Quantity and form from the count cell, and from the group: documents "phải xuất trình" are shown.

    ``N bản chính`` → N originals; ``0 bản chính,M bản sao`` → M copies; ``N bản chính,N bản sao`` → N,
    original or copy (the portal fills both columns for "bản chính hoặc bản sao"). Different non-zero
    counts (``1 bản chính,3 bản sao``) have no single quantity: it is ``None``, the counts stay in the
    document. ``0 bản chính`` alone (a heading row or a note) has quantity 0 and no form.
    """
    if "xuất trình" in group.lower():
        form: str | None = "present_only"
    elif originals and copies:
        form = "original_or_copy"
    elif originals:
        form = "original"
    elif copies:
        form = "copy"
    else:
        form = None
    if originals and copies:
        return (originals if originals == copies else None), form
    return (copies if copies else originals), form


def _group_heading(text: str) -> str:
    """A group's sub-heading; the scraper writes ``--`` (or ``----``) where there is none."""
    heading = _squeeze(text)
    return "" if not heading.strip("-").strip() else heading


def _parse_documents(raw: str, field_name: str = "thanh_phan_ho_so") -> tuple[list[Document], list[Problem]]:
    """Documents grouped under their sub-headings.

    The section is cut at each table header ``Tên giấy tờMẫu đơn, tờ khaiSố lượng``: the text before a
    header is that group's heading, and in the text after it each count cell ends a document. A count
    quoted in a name right before the real one (``…: 01 bản chính1 bản chính``) is not a cell. A count's
    digits may be glued to a name that ends in digits (``ngày 24/7/20231 bản chính``); the portal's counts
    are single digits in every record seen, so only the last digit is the count and the others go back to
    the name.
    """
    text = raw.strip()
    if not text or text == NO_INFORMATION or not text.strip("-").strip():
        return [], []
    parts = text.split(_DOCUMENT_HEADER)
    if len(parts) == 1:
        return [], [Problem(field_name, _short(text), "no_table")]
    documents: list[Document] = []
    problems: list[Problem] = []
    group = _group_heading(parts[0])
    for index, body in enumerate(parts[1:], start=1):
        counts = list(_COUNT.finditer(body))
        counts = [m for i, m in enumerate(counts) if i + 1 == len(counts) or counts[i + 1].start() != m.end()]
        position = 0
        for match in counts:
            digits = match.group(1)
            segment = body[position : match.start()] + digits[:-1]
            originals = int(digits[-1])
            copies = int(match.group(2)) if match.group(2) is not None else None
            name, templates, found = _split_templates(segment)
            if not found:
                problems.append(Problem(field_name, _short(segment), "template_boundary"))
            quantity, form = _document_form(originals, copies, group)
            documents.append(
                Document(
                    name=_squeeze(name),
                    quantity=quantity,
                    form=form,
                    quantity_text=match.group()[len(digits) - 1 :],
                    templates=templates,
                    group=group,
                    originals=originals,
                    copies=copies,
                )
            )
            position = match.end()
        trailing = _group_heading(body[position:])
        if index < len(parts) - 1:
            group = trailing
        elif trailing:
            problems.append(Problem(field_name, _short(trailing), "no_quantity"))
    return documents, problems


# --------------------------------------------------------------------------------------------------
# Legal basis: "căn cứ pháp lý"
# --------------------------------------------------------------------------------------------------

# The number of a legal instrument: number (``66.7``, ``09b``, ``08.a`` for some), optional year, issuer code.
# Issuer codes are capitals (with Đ) joined by hyphens or slashes, the legislature's with its term (QH13,
# UBTVQH14), and the one mixed-case code of the Prime Minister (TTg). A space may follow a hyphen
# ("TTLT- BQP"). Other digits after a code are the next cell ("NĐ-CP62/2021/NĐ-CP"), not part of it. A
# number does not start inside another number or a date, except right after a legislature code or a
# date's year, where the scraper glued the number cell ("QH1361/2014/QH13", "ngày 29/11/202457/2024/QH15").
_ISSUER_PART = r"(?:TTg|[A-ZĐ]*QH\d{2}|[A-ZĐ]+)"
_LEGAL_NUMBER = re.compile(
    r"(?:(?<![/\d])|(?<=QH\d\d)|(?<=/(?:19|20)\d\d))"
    r"(?P<number>\d{1,8}(?:\.\d{1,3}|\.?[a-zđ])?)(?:/(?P<year>(?:19|20)\d{2}))?/(?P<issuer>"
    + _ISSUER_PART
    + r"(?:[-/] ?"
    + _ISSUER_PART
    + r")*)"
)
# Words a title written in capitals starts with ("…NĐ-CPLUẬT HÀNG KHÔNG…").
_CAPITAL_TITLE_WORDS = re.compile(r"(?:BỘ LUẬT|LUẬT|NGHỊ|THÔNG|QUYẾT|PHÁP|BAN|QUY|SỬA|HƯỚNG|VĂN|CHỈ|HIẾN|VỀ)\b")


def _legal_number_at(text: str, match: re.Match[str]) -> tuple[str, int] | None:
    """The instrument number at ``match`` if it ends a legal-basis entry, with where it ends.

    The next title is glued to the number, so the issuer code may have swallowed its first letter
    (``NĐ-CPNghị định`` → ``NĐ-CPN`` + ``ghị``) or first capitals (``NĐ-CPLUẬT``): the code is shortened
    to leave a capitalised Vietnamese word or a title word in capitals. The number ends an entry when it
    is glued to its title or to the next one (the scraper removed the separators between cells), or ends
    the text; a number with spaces on both sides, or followed by ``ngày``, ``)``, ``,``…, is quoted inside
    a title.
    """
    start, end = match.start(), match.end()
    issuer_start = match.start("issuer")
    following = text[end : end + 1]
    if following and following.islower() and text[end - 1].isupper() and text[end - 2 : end + 1] != "TTg":
        if text.startswith("ngày", end):
            return None  # "53/2025/TT-BCAngày 01/7/2025": the date of the instrument, inside a title
        if _WORD_START.match(text, end - 1) and end - 1 > issuer_start:
            end -= 1  # "NĐ-CPNghị": the N starts the next title
    elif following and following.isupper():
        # "QH15Nghị", "BTCLUẬT", "CPLU|ẬT": the title starts at the capitals that begin a title word.
        run_start = end
        while run_start > issuer_start + 1 and text[run_start - 1].isupper():
            run_start -= 1
        cut = next(
            (
                k
                for k in range(min(run_start + 1, end), end + 1)
                if _CAPITAL_TITLE_WORDS.match(text, k) or (k == end and _is_capitalised_word(text, k))
            ),
            None,
        )
        if cut is None:
            return None
        end = cut
    elif not following or following.isspace():
        # "TT-BCAQUY ĐỊNH MỨC": a title in capitals glued to the code, its first word then a space.
        run_start = end
        while run_start > issuer_start + 1 and text[run_start - 1].isupper():
            run_start -= 1
        cut = next((k for k in range(run_start + 1, end) if _CAPITAL_TITLE_WORDS.match(text, k)), None)
        if cut is not None:
            end = cut
    number = text[start:end]
    after = text[end:]
    glued_before = start == 0 or not text[start - 1].isspace()
    if not after.strip():
        return number, end
    first = after[0]
    if first.isalpha():
        return number, end
    if first.isspace() and glued_before:
        return (number, end) if after.lstrip()[0].isupper() else None
    return None


def _parse_legal_basis(raw: str, field_name: str = "can_cu_phap_ly") -> tuple[list[LegalDocument], list[Problem]]:
    """Entries of the legal-basis table: ``<title><number>`` repeated.

    Numbers are read from left to right; each one that ends an entry (:func:`_legal_number_at`) closes the
    title before it. A title quoting its own number just before the number cell
    (``Luật 54/2014/QH1354/2014/QH13``) works because the quoted number is followed by a digit, which no
    title starts with. A year glued in front of the number cell (``Luật Cư trú 202068/2020/QH14``) is given
    back to the title. Text after the last number (a cell holding something else than a number) is
    reported as ``no_number`` and kept as an entry without number.
    """
    text = _squeeze(raw)
    if text.startswith(_LEGAL_HEADER):
        text = text[len(_LEGAL_HEADER) :].strip()
    if not text or text == NO_INFORMATION:
        return [], []
    entries: list[LegalDocument] = []
    problems: list[Problem] = []
    position = 0
    search_from = 0
    while (match := _LEGAL_NUMBER.search(text, search_from)) is not None:
        found = _legal_number_at(text, match)
        if found is None:
            search_from = match.end()
            continue
        number, end = found
        start = match.start()
        title = text[position:start]
        year = re.fullmatch(r"((?:19|20)\d{2})(\d{1,4})", match["number"])
        if year and match["year"]:
            # An instrument numbered with its year has at most four digits before it, so a longer run is a
            # year glued to the number cell ("Luật Doanh nghiệp 202076/2025/QH15"): the year is the title's.
            title += year.group(1)
            number = number[len(year.group(1)) :]
        entries.append(LegalDocument(number=number, title=title.strip(), text=text[position:end].strip()))
        position = search_from = end
    rest = text[position:].strip()
    if rest:
        problems.append(Problem(field_name, _short(rest), "no_number"))
        entries.append(LegalDocument(number=None, title=rest, text=rest))
    return entries, problems


# --------------------------------------------------------------------------------------------------
# Results: "kết quả xử lý"
# --------------------------------------------------------------------------------------------------

_RESULT_MARK = re.compile(r"Mã:\s*")
# A result code runs up to its last digit (KQ.G15.000031, 000.00.00.G12-KQ0001, TP-G15.0000001), so the
# next result's name may start with capitals (``KQ.G12.000031KBNN…``) without being taken into the code.
_RESULT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_]*\d")


def _parse_results(raw: str, field_name: str = "ket_qua_xu_ly") -> tuple[list[Result], list[Problem]]:
    """Result documents: ``<name>Mã: <code>`` repeated, then ``Từ khóa…Mô tả…`` and the page's chooser.

    A code without digits can only be told from the next name when nothing follows it (``Mã: VBTT``);
    elsewhere such a result gets no code and a ``no_result_code`` problem. A section without any ``Mã:``
    is kept as one result without code, reported the same way.
    """
    text = _squeeze(raw)
    if not text or text == NO_INFORMATION:
        return [], []
    tail = text.rfind("Từ khóa")
    if tail != -1 and tail > text.rfind("Mã:"):
        text = text[:tail].strip()
    pieces = _RESULT_MARK.split(text)
    results: list[Result] = []
    problems: list[Problem] = []
    name = pieces[0].strip()
    for index, piece in enumerate(pieces[1:], start=1):
        piece = piece.strip()
        is_last = index == len(pieces) - 1
        if is_last and piece and " " not in piece:
            code: str | None = piece
            rest = ""
        elif (match := _RESULT_CODE.match(piece)) is not None:
            code, rest = match.group(), piece[match.end() :].strip()
        else:
            code, rest = None, piece
            problems.append(Problem(field_name, _short(f"{name} Mã: {piece}"), "no_result_code"))
        results.append(Result(code=code, name=name))
        name = rest
    if len(pieces) == 1 or name:
        problems.append(Problem(field_name, _short(name), "no_result_code"))
        results.append(Result(code=None, name=name))
    return results, problems


# --------------------------------------------------------------------------------------------------
# Levels
# --------------------------------------------------------------------------------------------------


def _parse_levels(raw: str, field_name: str = "cap_thuc_hien") -> tuple[list[str], list[Problem]]:
    """``Cấp bộ, Cấp tỉnh, Cấp xã`` → ``["ministry", "province", "commune"]``; unknown names are reported."""
    levels: list[str] = []
    problems: list[Problem] = []
    for part in _clean(raw).split(","):
        name = part.strip()
        if not name:
            continue
        code = LEVELS.get(name.lower())
        if code is None:
            problems.append(Problem(field_name, _short(name), "unknown_level"))
        elif code not in levels:
            levels.append(code)
    return levels, problems


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------


def _text_field(data: dict[str, object], key: str, problems: list[Problem]) -> str:
    """A text section: collapsed white space, "" for no information; a non-text value is reported."""
    return _clean(_raw_field(data, key, problems))


def _raw_field(data: dict[str, object], key: str, problems: list[Problem]) -> str:
    """A section's text in Unicode NFC; a missing section is "", a non-text value is reported.

    Some records are typed in decomposed form (``e`` + combining hook for ``ẻ``); NFC makes them equal to
    the rest, so the portal's words are recognised whichever way they were typed. The two forms are
    canonically equivalent: nothing of the original text is lost.
    """
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    problems.append(Problem(key, _short(repr(value)), "not_text"))
    return ""


def parse_record(data: object) -> ParsedRecord:
    """Parse one detail record (a decoded JSON object).

    Raises :class:`RecordError` only when the input is not a record at all (not an object, or no
    procedure code); everything else that cannot be parsed ends up in :attr:`ParsedRecord.problems`.
    """
    if not isinstance(data, dict):
        raise RecordError(f"a detail record must be a JSON object, not {type(data).__name__}")
    code = data.get("ma_thu_tuc")
    if not isinstance(code, str) or not code.strip():
        raise RecordError("the record has no procedure code (ma_thu_tuc)")
    code = unicodedata.normalize("NFC", code)
    problems: list[Problem] = []
    levels_text = _text_field(data, "cap_thuc_hien", problems)
    levels, level_problems = _parse_levels(levels_text)
    channels, channel_problems = _parse_channels(_raw_field(data, "cach_thuc_thuc_hien", problems))
    documents, document_problems = _parse_documents(_raw_field(data, "thanh_phan_ho_so", problems))
    legal_basis, legal_problems = _parse_legal_basis(_raw_field(data, "can_cu_phap_ly", problems))
    results, result_problems = _parse_results(_raw_field(data, "ket_qua_xu_ly", problems))
    record = ParsedRecord(
        code=code.strip(),
        name=_text_field(data, "ten_thu_tuc", problems),
        decision_number=_text_field(data, "so_quyet_dinh", problems),
        levels=levels,
        levels_text=levels_text,
        field_name=_text_field(data, "linh_vuc", problems),
        procedure_type=_text_field(data, "loai_thu_tuc", problems),
        subjects=_text_field(data, "doi_tuong_thuc_hien", problems),
        channels=channels,
        documents=documents,
        legal_basis=legal_basis,
        results=results,
        competent_authority=_text_field(data, "co_quan_co_tham_quyen", problems),
        resolving_agencies=_text_field(data, "co_quan_thuc_hien", problems),
        coordinating_agencies=_text_field(data, "co_quan_phoi_hop", problems),
        receiving_address=_text_field(data, "dia_chi_tiep_nhan", problems),
        source_url=_text_field(data, "detail_url", problems),
        steps=_text_field(data, "trinh_tu_thuc_hien", problems),
        conditions=_text_field(data, "yeu_cau_dieu_kien", problems),
        authorised_agencies=_text_field(data, "co_quan_duoc_uy_quyen", problems),
    )
    record.problems = problems + level_problems + channel_problems + document_problems + legal_problems
    record.problems += result_problems
    return record


def parse_text(text: str) -> ParsedRecord:
    """Parse one detail record from its JSON text; invalid or truncated JSON raises :class:`RecordError`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        where = "the text ends too early (truncated file?)" if truncated else "it is not valid JSON"
        raise RecordError(
            f"not a JSON record: {where}: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise RecordError("not a JSON record: nested too deeply") from None
    return parse_record(data)


def is_covered(record: ParsedRecord) -> bool:
    """Whether every channel row of the record has a processing time (amount and unit) and readable fees.

    The measure of :mod:`bench.parse_coverage`: a record counts when it lists at least one channel, each
    row has at least one time and all its times have an amount and a unit, every fee has an amount (and a
    currency unless it is free), and no problem was reported for the channel table. A fee cell saying
    ``Không có thông tin`` is read (it states that no fee is published), so it does not fail the measure;
    an empty time cell does, since a deadline cannot be computed from it.
    """
    if not record.channels:
        return False
    if any(problem.field == "cach_thuc_thuc_hien" for problem in record.problems):
        return False
    for row in record.channels:
        if not row.times or any(t.amount is None or t.unit is None for t in row.times):
            return False
        if any(f.amount is None or (f.currency is None and f.amount != 0) for f in row.fees):
            return False
    return True
