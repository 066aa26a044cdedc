"""The dossier book (sổ theo dõi hồ sơ) as an Excel workbook.

The one-stop desk keeps a register of every dossier it receives: the last form of the set (form 06 of
Circular 01/2018/TT-VPCP [R], form 07 of Circular 03/2025/TT-VPCP Appendix I [S]; numbers and titles
from ``rules.forms``). A register may span the change of regime on 1 July 2025 (RULES.md §0): a book
whose dossiers all belong to one regime carries that regime's number; a mixed (or empty) book carries
the current, 2025, number and says so in its header.

The export is built for large registers: one query for the rows (related agencies and procedures joined,
the intake checklist and the count of uploaded components fetched by subqueries, never one query per
dossier), rows iterated with ``.iterator()`` and written to a write-only workbook, which keeps only the
current row in memory. Moments are written as real Excel date-times in local time (Asia/Ho_Chi_Minh),
naive because Excel has no time zones.

Texts come from people (an applicant's name, an address) and are written with the catalogue export's
helper (:func:`motcua.catalog.spreadsheet.text_cell`): a name that begins with ``=`` stays a text, never a
formula Excel would evaluate. Characters that XML cannot hold (a NUL, other control characters) would make
the file unwritable: in the book they are replaced by U+FFFD; the dossier itself keeps what was stored.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, JSONField, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from motcua.catalog.spreadsheet import excel_text, text_cell
from motcua.dossiers.models import DocumentKind, Dossier, DossierAction, DossierDocument, RegimeChoice
from motcua.rules.forms import LATEST_REGIME, FormKind, FormSpec, form_spec
from motcua.rules.lifecycle import ActionType

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
#: Rows of the heading before the column headers: title, instrument (and the mixed-regime note).
HEADER_ROW = 3
CHUNK_SIZE = 2000


def _columns() -> list[tuple[str, float]]:
    """Column headers and widths (in characters), in the order of the book."""
    return [
        (_("STT"), 6),
        (_("Mã hồ sơ"), 28),
        (_("Tên thủ tục hành chính"), 48),
        (_("Tên tổ chức, cá nhân"), 26),
        (_("Địa chỉ, số điện thoại"), 36),
        (_("Số thành phần hồ sơ nhận"), 12),
        (_("Ngày, giờ nhận hồ sơ"), 17),
        (_("Ngày, giờ hẹn trả kết quả"), 17),
        (_("Chuyển hồ sơ đến cơ quan giải quyết"), 34),
        (_("Ngày, giờ có kết quả giải quyết"), 17),
        (_("Ngày, giờ trả kết quả"), 17),
        (_("Trạng thái"), 22),
        (_("Kết quả về thời hạn"), 14),
        (_("Ghi chú"), 36),
    ]


def book_spec(regimes: Sequence[str]) -> tuple[FormSpec, bool]:
    """The book form for dossiers of ``regimes``, and whether the set is mixed (or empty).

    One regime: its own numbering. Mixed or empty: the latest regime's numbering (Circular 03/2025).
    """
    distinct = set(regimes)
    if len(distinct) == 1:
        return form_spec(distinct.pop(), FormKind.BOOK), False
    return form_spec(LATEST_REGIME, FormKind.BOOK), True


def _local(value: datetime | None) -> datetime | None:
    """An aware moment as a naive local date-time, the only kind Excel stores."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def _rows(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The book's single query: joins and subqueries, no per-dossier query."""
    intake = (
        DossierAction.objects.filter(dossier=OuterRef("pk"), type__in=[ActionType.RECEIVE, ActionType.ACCEPT])
        .order_by("-seq")
        .values("payload")[:1]
    )
    uploaded = (
        DossierDocument.objects.filter(dossier=OuterRef("pk"), kind=DocumentKind.SUBMITTED)
        .order_by()
        .values("dossier")
        .annotate(n=Count("required_document", distinct=True))
        .values("n")
    )
    return queryset.select_related("procedure", "current_agency", "resolving_agency").annotate(
        book_intake=Subquery(intake, output_field=JSONField()),
        book_uploaded=Subquery(uploaded),
    )


def received_count(dossier: Dossier) -> int:
    """Components received: the intake checklist, else (accepted online) the components uploaded."""
    payload = getattr(dossier, "book_intake", None) or {}
    checklist = payload.get("checklist") if isinstance(payload, dict) else None
    if checklist:
        return len(checklist)
    return int(getattr(dossier, "book_uploaded", None) or 0)


def _notes(dossier: Dossier, mixed: bool) -> str:
    notes = []
    if dossier.supplement_requests:
        notes.append(_("Yêu cầu bổ sung %(count)d lần") % {"count": dossier.supplement_requests})
    if dossier.apologised:
        notes.append(_("Đã xin lỗi và hẹn lại ngày trả kết quả"))
    if mixed:
        notes.append(_("Tiếp nhận theo %(regime)s") % {"regime": dossier.get_regime_display()})
    return "; ".join(notes)


def _row(dossier: Dossier, index: int, mixed: bool) -> list[Any]:
    contact = ", ".join(part for part in (dossier.applicant_address, dossier.applicant_phone) if part)
    agency = dossier.current_agency or dossier.resolving_agency
    return [
        index,
        dossier.code,
        dossier.procedure.name,
        dossier.applicant_name,
        contact,
        received_count(dossier),
        _local(dossier.received_at),
        _local(dossier.appointment_at),
        agency.name if agency else "",
        _local(dossier.finished_at) if dossier.outcome else None,  # a result, not a refusal or a stop
        _local(dossier.returned_at),
        dossier.get_status_display(),
        dossier.get_outcome_display() if dossier.outcome else "",
        _notes(dossier, mixed),
    ]


def dossier_book_xlsx(queryset: QuerySet[Dossier]) -> bytes:
    """The dossier book of ``queryset`` (in its order) as an ``.xlsx`` file; two queries whatever its size."""
    regimes = list(queryset.order_by().values_list("regime", flat=True).distinct())
    spec, mixed = book_spec(regimes)
    columns = _columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Sổ theo dõi hồ sơ")[:31])
    for position, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"

    title = WriteOnlyCell(
        sheet, value=_("Mẫu số %(number)s — %(title)s") % {"number": spec.number, "title": _(spec.title).upper()}
    )
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    source = _("Ban hành kèm theo %(instrument)s") % {"instrument": spec.instrument}
    if mixed and regimes:
        labels = dict(RegimeChoice.choices)
        source += ". " + _(
            "Sổ gồm hồ sơ tiếp nhận theo nhiều chế độ (%(regimes)s): dùng số hiệu mẫu của %(instrument)s."
        ) % {"regimes": ", ".join(str(labels.get(r, r)) for r in sorted(regimes)), "instrument": spec.instrument}
    elif mixed:
        source += ". " + _("Chưa có hồ sơ: dùng số hiệu mẫu của %(instrument)s.") % {"instrument": spec.instrument}
    note = WriteOnlyCell(sheet, value=source)
    note.font = Font(italic=True)
    sheet.append([note])

    headers = []
    for header, _width in columns:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        headers.append(cell)
    sheet.append(headers)

    for index, dossier in enumerate(_rows(queryset).iterator(chunk_size=CHUNK_SIZE), start=1):
        cells = []
        for value in _row(dossier, index, mixed):
            if isinstance(value, str):
                cells.append(text_cell(sheet, excel_text(value, unsafe="replace")))
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            cells.append(cell)
        sheet.append(cells)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
