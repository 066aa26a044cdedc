"""Excel in and out in the layout of Circular 02/2017/TT-VPCP's forms, as far as RULES.md describes them.

RULES.md §8 names the Circular and the formula but not the forms' layout: the layouts below are **our guess**
(the parts the formula needs, in the order it uses them, with the Circular's vocabulary), to be checked
against the Circular's annex:

- the *cost sheet* of one procedure version (cf. the Circular's form for computing the compliance cost):
  the procedure, the year's hourly income and its source, one row per activity (STT, công việc, số giờ, số
  lần, chi phí), then fees, other costs, the cost of one execution, executions per year, subjects, the annual
  cost. The same sheet is read back (``read_cost_sheet``): an officer fills the template offline;
- the *summary sheet* of the figures (cf. the Circular's summary of simplification results): one row per
  procedure with its regulations before, simplified, and its annual cost before and after.

Texts that begin like a formula stay texts (``quotePrefix``), as in the catalogue's export.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from motcua.catalog.models import Procedure
from motcua.catalog.spreadsheet import excel_text
from motcua.reform.figures import Figures
from motcua.reform.models import CostAssessment
from motcua.rules.compliance_cost import Activity, reduction_rate

COST_TITLE = "BIỂU TÍNH CHI PHÍ TUÂN THỦ THỦ TỤC HÀNH CHÍNH"
SUMMARY_TITLE = "BIỂU TỔNG HỢP KẾT QUẢ ĐƠN GIẢN HÓA, CẮT GIẢM CHI PHÍ TUÂN THỦ THỦ TỤC HÀNH CHÍNH"
ACTIVITY_HEADER = ("STT", "Các công việc khi thực hiện TTHC", "Số giờ", "Số lần", "Chi phí (đồng)")
_FIRST_ACTIVITY_ROW = 8
_BOLD = Font(bold=True)


class SheetError(ValueError):
    """A workbook that is not a filled cost sheet, with the Vietnamese reason."""


def _text(sheet: Any, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column, value=excel_text(value, unsafe="replace"))
    cell.data_type = "s"
    if value[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cost_sheet(procedure: Procedure, assessment: CostAssessment | None) -> bytes:
    """The cost sheet of ``procedure`` (filled with ``assessment``, or an empty template)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Chi phí tuân thủ"
    sheet["A1"], sheet["A1"].font = COST_TITLE, _BOLD
    sheet["A2"] = "(theo Thông tư 02/2017/TT-VPCP; bố cục do motcua dựng theo công thức, xem tài liệu)"
    sheet["A3"] = "Mã thủ tục"
    _text(sheet, 3, 2, procedure.code)
    sheet["A4"] = "Tên thủ tục"
    _text(sheet, 4, 2, procedure.name)
    sheet["A5"], sheet["B5"] = "Năm số liệu", assessment.year if assessment else None
    sheet["A6"], sheet["B6"] = "Thu nhập bình quân/giờ (đồng)", assessment.hourly_income_vnd if assessment else None
    sheet["C6"] = "Nguồn"
    _text(sheet, 6, 4, assessment.income_source if assessment else "")
    for column, title in enumerate(ACTIVITY_HEADER, 1):
        sheet.cell(row=7, column=column, value=title).font = _BOLD
    activities = assessment.activities if assessment else []
    row = _FIRST_ACTIVITY_ROW
    for number, activity in enumerate(activities, 1):
        sheet.cell(row=row, column=1, value=number)
        _text(sheet, row, 2, str(activity["name"]))
        sheet.cell(row=row, column=3, value=Decimal(str(activity["hours"])))
        sheet.cell(row=row, column=4, value=int(activity["times"]))
        sheet.cell(row=row, column=5, value=f"=C{row}*D{row}*$B$6")
        row += 1
    row += 1  # one empty row closes the activities (the reader stops there)
    totals = [
        ("Phí, lệ phí (đồng)", assessment.fees_vnd if assessment else None),
        ("Chi phí khác (đồng)", assessment.other_costs_vnd if assessment else None),
        ("Chi phí một lần thực hiện (đồng)", assessment.cost_per_execution_vnd if assessment else None),
        ("Số lần thực hiện/năm", assessment.executions_per_year if assessment else None),
        ("Số đối tượng", assessment.subjects if assessment else None),
        ("Chi phí cả năm (đồng)", assessment.annual_cost_vnd if assessment else None),
    ]
    for label, value in totals:
        sheet.cell(row=row, column=2, value=label).font = _BOLD
        sheet.cell(row=row, column=5, value=value)
        row += 1
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["E"].width = 20
    for line in sheet.iter_rows(min_row=1, max_row=row):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(book)


def _number(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise SheetError(f"Ô {where}: cần một số (đang là “{value}”).") from None
    if not number.is_finite() or number < 0:
        raise SheetError(f"Ô {where}: cần một số không âm.")
    return number


def read_cost_sheet(content: bytes) -> dict[str, Any]:
    """The inputs of a filled cost sheet: ``year``, ``hourly_income_vnd`` (or None), ``income_source``,
    ``activities``, ``fees_vnd``, ``other_costs_vnd``, ``executions_per_year``, ``subjects``."""
    try:
        book = load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook
        raise SheetError("Tệp không phải bảng tính Excel (.xlsx) đọc được.") from None
    sheet = book.worksheets[0]
    rows = [list(r) + [None] * 6 for r in sheet.iter_rows(values_only=True)]
    if not rows or str(rows[0][0] or "").strip() != COST_TITLE:
        raise SheetError(f"Tệp không theo mẫu “{COST_TITLE}” (tải mẫu từ trang chi phí tuân thủ).")
    year = rows[4][1] if len(rows) > 4 else None
    hourly = rows[5][1] if len(rows) > 5 else None
    activities: list[Activity] = []
    index = _FIRST_ACTIVITY_ROW - 1
    while index < len(rows) and any(v not in (None, "") for v in rows[index][1:4]):
        name, hours, times = rows[index][1], rows[index][2], rows[index][3]
        where = f"dòng {index + 1}"
        count = _number(times, f"D{index + 1}")
        if count != count.to_integral_value():
            raise SheetError(f"Ô D{index + 1}: số lần phải là số nguyên.")
        activities.append(Activity(str(name or "").strip() or where, _number(hours, f"C{index + 1}"), int(count)))
        index += 1
    totals = rows[index + 1 : index + 7]
    if len(totals) < 5:
        raise SheetError("Thiếu các dòng phí, lệ phí, chi phí khác, số lần thực hiện, số đối tượng.")

    def count_at(offset: int, label: str) -> int:
        value = _number(totals[offset][4], f"E{index + 2 + offset} ({label})")
        if value != value.to_integral_value():
            raise SheetError(f"Ô E{index + 2 + offset}: {label} phải là số nguyên.")
        return int(value)

    try:
        year_number = int(year)
    except (TypeError, ValueError):
        raise SheetError("Ô B5: cần năm số liệu.") from None
    return {
        "year": year_number,
        "hourly_income_vnd": None if hourly in (None, "") else _number(hourly, "B6"),
        "income_source": str(rows[5][3] or ""),
        "activities": activities,
        "fees_vnd": _number(totals[0][4] or 0, f"E{index + 2}"),
        "other_costs_vnd": _number(totals[1][4] or 0, f"E{index + 3}"),
        "executions_per_year": count_at(3, "số lần thực hiện/năm"),
        "subjects": count_at(4, "số đối tượng"),
    }


def summary_sheet(figures: Figures, title: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet["A1"], sheet["A1"].font = SUMMARY_TITLE, _BOLD
    _text(sheet, 2, 1, title)
    header = (
        "STT",
        "Mã TTHC",
        "Tên thủ tục hành chính",
        "Lĩnh vực",
        "Cơ quan giải quyết",
        "Số quy định",
        "Số quy định được đơn giản hóa",
        "Phiên bản mới",
        "Chi phí tuân thủ trước (đồng/năm)",
        "Chi phí tuân thủ sau (đồng/năm)",
        "Tỷ lệ cắt giảm (%)",
    )
    for column, name in enumerate(header, 1):
        sheet.cell(row=4, column=column, value=name).font = _BOLD
    row = 5
    for number, line in enumerate(figures.rows, 1):
        sheet.cell(row=row, column=1, value=number)
        _text(sheet, row, 2, line.procedure.code)
        _text(sheet, row, 3, line.procedure.name)
        _text(sheet, row, 4, line.procedure.field.name if line.procedure.field_id else "")
        _text(sheet, row, 5, "; ".join(line.agencies))
        sheet.cell(row=row, column=6, value=line.regulations)
        sheet.cell(row=row, column=7, value=line.simplified)
        _text(sheet, row, 8, line.item.after.code if line.item and line.item.after else "")
        sheet.cell(row=row, column=9, value=line.cost_before_vnd)
        sheet.cell(row=row, column=10, value=line.cost_after_vnd)
        if line.cost_before_vnd:
            rate = reduction_rate(line.cost_before_vnd, line.cost_after_vnd or 0)
            sheet.cell(row=row, column=11, value=float(rate) if rate is not None else None)
        row += 1
    sheet.cell(row=row, column=3, value="Tổng cộng").font = _BOLD
    sheet.cell(row=row, column=6, value=figures.regulations)
    sheet.cell(row=row, column=7, value=figures.simplified)
    sheet.cell(row=row, column=9, value=figures.cost_before_vnd)
    sheet.cell(row=row, column=10, value=figures.cost_after_vnd)
    sheet.cell(row=row, column=11, value=float(figures.cost_rate) if figures.cost_rate is not None else None)
    sheet.cell(row=row + 1, column=3, value="Tỷ lệ quy định được đơn giản hóa (%)")
    rate = figures.regulation_rate
    sheet.cell(row=row + 1, column=7, value=float(rate) if rate is not None else None)
    sheet.column_dimensions["C"].width = 60
    return _save(book)


PAR_TITLE = "BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"


def par_sheet(result: Any) -> bytes:
    """An agency's (or the province's own) self-assessment report: the tree with the maximum, self-score,
    appraised score, explanation and evidence of each item (layout ours: Decision 876/QĐ-BNV's forms are not
    in RULES.md)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"CCHC {result.year}"
    sheet["A1"], sheet["A1"].font = PAR_TITLE, _BOLD
    _text(sheet, 2, 1, f"{result.agency.name} — năm {result.year}")
    header = ("Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Điểm thẩm định", "Giải trình", "Tài liệu kiểm chứng")
    for column, name in enumerate(header, 1):
        sheet.cell(row=4, column=column, value=name).font = _BOLD
    row = 5
    for node in result.flat():
        score = node.score
        _text(sheet, row, 1, node.criterion.code)
        _text(sheet, row, 2, "    " * node.depth + node.criterion.title)
        sheet.cell(row=row, column=3, value=node.max_points)
        if node.is_leaf:
            sheet.cell(row=row, column=4, value=score.self_score if score else None)
            sheet.cell(row=row, column=5, value=score.appraised_score if score else None)
            _text(sheet, row, 6, score.self_comment if score else "")
            _text(sheet, row, 7, "; ".join(e.name for e in score.evidence.all()) if score else "")
        else:
            sheet.cell(row=row, column=4, value=node.total("self"))
            sheet.cell(row=row, column=5, value=node.total("appraised"))
            for column in range(1, 6):
                sheet.cell(row=row, column=column).font = _BOLD
        row += 1
    sheet.cell(row=row, column=2, value="Tổng điểm").font = _BOLD
    sheet.cell(row=row, column=3, value=result.max_points)
    sheet.cell(row=row, column=4, value=result.total("self"))
    sheet.cell(row=row, column=5, value=result.total("appraised"))
    sheet.cell(row=row + 1, column=2, value="Chỉ số (%)")
    index = result.index()
    sheet.cell(row=row + 1, column=5, value=float(index) if index is not None else None)
    sheet.column_dimensions["B"].width = 70
    return _save(book)
