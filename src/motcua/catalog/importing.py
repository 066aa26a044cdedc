"""Importing catalogue files: the portal's detail records and Excel lists, and motcua's own format.

Every file is imported in its own transaction through the one loader (``interchange.load_catalog``),
so a broken file changes nothing and is named with its reason while the others still import, and
importing the same files twice changes nothing the second time (the loader writes only what differs).

What the portal publishes is *merged* into what the database holds: national facts (name, levels,
documents, legal basis, times and fees as published, …) are replaced by the file's, while what the
province added (status, validity, notes, online level, its offerings) is kept. A section the portal
leaves empty ("Không có thông tin", an empty cell of the list) states nothing, so it does not erase what
the other publication gave.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from motcua.catalog.importers.portal_detail import ParsedRecord, RecordError, parse_record
from motcua.catalog.importers.portal_excel import PortalList, SpreadsheetError, is_portal_list, read_portal_list
from motcua.catalog.interchange import (
    FORMAT,
    CatalogLoadError,
    LoadSummary,
    load_catalog,
    read_yaml,
)
from motcua.catalog.models import Field
from motcua.catalog.spreadsheet import is_catalog_workbook, xlsx_to_catalog
from motcua.rules.text import fold

KIND_LABELS = {
    "agencies": "cơ quan",
    "fields": "lĩnh vực",
    "procedures": "thủ tục",
    "offerings": "thủ tục tại cơ quan",
    "calendar_overrides": "ngày nghỉ, ngày làm việc điều chỉnh",
}

#: File endings looked at when a directory is imported.
IMPORTABLE = (".json", ".yaml", ".yml", ".xlsx")


@dataclass
class FileReport:
    """What happened to one file."""

    name: str
    kind: str = ""  # portal-detail, portal-list, motcua-json, motcua-yaml, motcua-xlsx
    error: str = ""
    summary: LoadSummary = field(default_factory=LoadSummary)
    unparsed: Counter[str] = field(default_factory=Counter)  # records with problems, by source field
    warnings: list[str] = field(default_factory=list)  # rows left out, with their reason

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    def total(self, outcome: str) -> int:
        return sum(f.summary.total(outcome) for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    @property
    def unparsed(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for report in self.files:
            counts.update(report.unparsed)
        return counts

    def by_kind(self) -> dict[str, Counter[str]]:
        kinds: dict[str, Counter[str]] = {}
        for report in self.files:
            for kind, counts in report.summary.counts.items():
                kinds.setdefault(kind, Counter()).update(counts)
        return kinds

    def lines(self) -> list[str]:
        """The summary, in the interface language."""
        lines = [
            f"Tệp: {len(self.files)} (lỗi: {len(self.failed)}). "
            f"Bản ghi: tạo mới {self.total('created')}, cập nhật {self.total('updated')}, "
            f"không đổi {self.total('unchanged')}."
        ]
        for kind, counts in sorted(self.by_kind().items()):
            lines.append(
                f"  {KIND_LABELS.get(kind, kind)}: tạo mới {counts['created']}, cập nhật {counts['updated']}, "
                f"không đổi {counts['unchanged']}"
            )
        if self.unparsed:
            lines.append("Bản ghi có nội dung chưa phân tích được, theo trường:")
            lines.extend(f"  {name}: {count}" for name, count in self.unparsed.most_common())
        for report in self.files:
            lines.extend(f"CẢNH BÁO {report.name}: {warning}" for warning in report.warnings[:20])
        for report in self.failed:
            lines.append(f"LỖI {report.name}: {report.error}")
        return lines


class ImportFailed(ValueError):
    """A file cannot be imported; the message says why."""


# --------------------------------------------------------------------------------------------------
# fields: one per name, found again however its name is accented or cased


class _Fields:
    """Field codes by folded name, loaded once per import and extended as files bring new names."""

    def __init__(self) -> None:
        self.objects: dict[str, Field] = {f.code: f for f in Field.objects.all()}  # shared with the loader
        self.by_folded = {fold(f.name): f.code for f in self.objects.values()}
        self.codes = set(self.by_folded.values())
        self.new: dict[str, dict[str, str]] = {}

    def code_for(self, name: str) -> tuple[str | None, dict[str, str] | None]:
        """(code, field record to load if the field is new)."""
        name = " ".join(name.split())
        if not name:
            return None, None
        folded = fold(name)
        code = self.by_folded.get(folded)
        if code is not None:
            return code, self.new.get(code)
        base = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:70] or "linh-vuc"
        code, n = base, 1
        while code in self.codes:
            n += 1
            code = f"{base}-{n}"
        self.by_folded[folded] = code
        self.codes.add(code)
        self.new[code] = {"code": code, "name": name}
        return code, self.new[code]

    def forget_unsaved(self, codes: Iterable[str]) -> None:
        """A file failed: the fields it would have created do not exist."""
        for code in codes:
            self.objects.pop(code, None)
            record = self.new.pop(code, None)
            if record is not None:
                self.by_folded.pop(fold(record["name"]), None)
                self.codes.discard(code)

    def saved(self, codes: Iterable[str]) -> None:
        for code in codes:
            self.new.pop(code, None)


# --------------------------------------------------------------------------------------------------
# the portal's records, as motcua records


def record_from_detail(parsed: ParsedRecord, field_code: str | None) -> dict[str, Any]:
    """A ``motcua-catalog/1`` procedure with the portal's national facts (loaded in merge mode, so what
    the province added to a procedure it already holds stays)."""
    documents = []
    for document in parsed.documents:
        condition = document.group if document.group.lower().startswith("trường hợp") else ""
        documents.append(
            {
                "name": document.name,
                "quantity": document.quantity,
                "form": document.form or "",
                "condition": condition,
                "group": document.group,
                "templates": list(document.templates),
            }
        )
    record = {
        "code": parsed.code,
        "name": parsed.name,
        "field": field_code,
        "levels": sorted(set(parsed.levels)),
        "decision_number": parsed.decision_number,
        "procedure_type": parsed.procedure_type,
        "subjects": parsed.subjects,
        "competent_authority": parsed.competent_authority,
        "resolving_agencies": parsed.resolving_agencies,
        "coordinating_agencies": parsed.coordinating_agencies,
        "legal_basis": [{"number": law.number or "", "title": law.title} for law in parsed.legal_basis],
        "results": [{"code": result.code or "", "name": result.name} for result in parsed.results],
        "portal_terms": [
            {
                "channel": row.channel,
                "channel_text": row.channel_text,
                "times": [{"amount": t.amount, "unit": t.unit, "text": t.text} for t in row.times],
                "fees": [
                    {"amount": f.amount, "currency": f.currency, "text": f.text, "note": f.note} for f in row.fees
                ],
                "description": row.description,
                "text": row.text,
            }
            for row in parsed.channels
        ],
        "import_problems": [{"field": p.field, "text": p.text, "reason": p.reason} for p in parsed.problems],
        "documents": documents,
    }
    if parsed.source_url.startswith("http"):
        record["source_url"] = parsed.source_url  # whole: an address cut short leads elsewhere
    # An empty section is the portal's "Không có thông tin": no information, not the fact that there is
    # none. Left unstated, it keeps in merge mode what another source gave (the portal's Excel list names
    # the resolving agencies of about a thousand procedures whose detail record says nothing of them).
    for name in _UNSTATED_WHEN_EMPTY:
        if not record[name]:
            del record[name]
    return record


#: Sections of a detail record that do not erase what the database holds when the record leaves them empty.
_UNSTATED_WHEN_EMPTY = (
    "field",
    "decision_number",
    "procedure_type",
    "subjects",
    "competent_authority",
    "resolving_agencies",
    "coordinating_agencies",
)


def _squeeze(text: str) -> str:
    """White space collapsed to single spaces and trimmed."""
    return " ".join(text.split())


def records_from_list(portal_list: PortalList, fields: _Fields) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Procedures of the portal's Excel list (code, name, issuing body, agencies, field) merged in."""
    records, new_fields = [], []
    for row in portal_list.rows:
        code, new = fields.code_for(row.field_name)
        if new is not None and new not in new_fields:
            new_fields.append(new)
        # white space collapsed as the detail parser does, or the same name would differ between the two
        # sources by a double space and every import of both would update it
        record = {
            "code": row.code,
            "name": _squeeze(row.name),
            "field": code,
            "issuing_body": _squeeze(row.issuing_body),
            "resolving_agencies": "\n".join(_squeeze(agency) for agency in row.executing_agencies),
        }
        # an empty cell says nothing: it does not erase what a detail record gave (see record_from_detail)
        records.append({name: value for name, value in record.items() if value or name in ("code", "name")})
    return records, new_fields


# --------------------------------------------------------------------------------------------------
# one file


def import_data(name: str, data: bytes, fields: _Fields | None = None) -> FileReport:
    """Import one file's content (``name`` tells its format); one transaction, all or nothing."""
    fields = fields or _Fields()
    report = FileReport(name)
    new_codes: list[str] = []
    try:
        document, report.kind, report.unparsed, new_codes, report.warnings = _document(name, data, fields)
        report.summary = load_catalog(document, merge=report.kind.startswith("portal"), field_cache=fields.objects)
    except CatalogLoadError as error:
        report.error = "; ".join(error.problems[:10]) + (" …" if len(error.problems) > 10 else "")
    except ImportFailed as error:
        report.error = str(error)
    if report.ok:
        fields.saved(new_codes)
    else:
        fields.forget_unsaved(new_codes)
    return report


Parsed = tuple[dict[str, Any], str, Counter[str], list[str], list[str]]


def _document(name: str, data: bytes, fields: _Fields) -> Parsed:
    """(motcua-catalog/1 document, kind, records with unparsed fields, new field codes, warnings)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        try:
            content = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ImportFailed("không phải văn bản UTF-8") from exc
        except json.JSONDecodeError as exc:
            raise ImportFailed(f"JSON không hợp lệ hoặc bị cắt cụt (dòng {exc.lineno}, cột {exc.colno})") from exc
        if isinstance(content, dict) and "format" in content:
            return content, "motcua-json", Counter(), [], []
        return _detail_document(content, fields)
    if suffix in {".yaml", ".yml"}:
        try:
            content = read_yaml(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ImportFailed("không phải văn bản UTF-8") from exc
        except yaml.YAMLError as exc:
            raise ImportFailed(f"YAML không hợp lệ: {str(exc).splitlines()[0]}") from exc
        if not isinstance(content, dict) or content.get("format") != FORMAT:
            raise ImportFailed(f"tệp YAML không theo định dạng {FORMAT}")
        return content, "motcua-yaml", Counter(), [], []
    if suffix == ".xlsx":
        if is_catalog_workbook(data):
            return xlsx_to_catalog(data), "motcua-xlsx", Counter(), [], []
        if is_portal_list(data):
            try:
                portal_list = read_portal_list(data)
            except SpreadsheetError as exc:
                raise ImportFailed(str(exc)) from exc
            records, new_fields = records_from_list(portal_list, fields)
            unparsed = Counter({"Mã số": len(portal_list.problems)}) if portal_list.problems else Counter()
            document = {"format": FORMAT, "fields": new_fields, "procedures": records}
            return document, "portal-list", unparsed, [f["code"] for f in new_fields], list(portal_list.problems)
        raise ImportFailed(
            "bảng tính không phải danh sách thủ tục của Cổng DVCQG (thiếu dòng tiêu đề 'Mã số | Tên | …') "
            "cũng không phải tệp danh mục motcua"
        )
    raise ImportFailed(f"không nhận dạng được định dạng tệp ({suffix or 'không có đuôi tệp'})")


def _detail_document(content: Any, fields: _Fields) -> Parsed:
    # The parser's own messages are English (it is a library); the two cases it refuses are said here in the
    # interface's language, since the reason is shown as is to the officer who imported the file.
    if not isinstance(content, dict):
        raise ImportFailed(
            "tệp JSON không phải bản ghi thủ tục của Cổng DVCQG (một đối tượng JSON) "
            f"cũng không phải tệp danh mục {FORMAT}"
        )
    code = content.get("ma_thu_tuc")
    if not isinstance(code, str) or not code.strip():
        raise ImportFailed("bản ghi thủ tục không có mã thủ tục (trường “ma_thu_tuc” thiếu hoặc trống)")
    try:
        parsed = parse_record(content)
    except RecordError as exc:
        raise ImportFailed(f"bản ghi thủ tục không dùng được: {exc}") from exc
    code, new = fields.code_for(parsed.field_name)
    record = record_from_detail(parsed, code)
    document = {"format": FORMAT, "fields": [new] if new else [], "procedures": [record]}
    unparsed = Counter({name: 1 for name in {p.field for p in parsed.problems}})
    return document, "portal-detail", unparsed, [new["code"]] if new else [], []


# --------------------------------------------------------------------------------------------------
# many files


def expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the importable files inside directories named (in a stable order)."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMPORTABLE)
        else:
            yield path


def import_paths(
    paths: Iterable[str | Path], progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None
) -> ImportReport:
    """Import files and directories; ``progress`` may wrap the list of files (e.g. a progress bar)."""
    report = ImportReport()
    fields = _Fields()
    files = list(expand(paths))
    for path in progress(files) if progress else files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.files.append(FileReport(str(path), error=f"không đọc được tệp: {exc.strerror or exc}"))
            continue
        file_report = import_data(path.name, data, fields)
        file_report.name = str(path)
        report.files.append(file_report)
    return report
