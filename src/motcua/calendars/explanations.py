"""Sentences, in the interface language, for the rules that moved a due moment."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.rules.workdays import Adjustment, AdjustmentKind, WorkCalendar


def _d(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        return f"{value:%H:%M %d/%m/%Y}"
    return f"{value:%d/%m/%Y}" if value else ""


def describe(adjustment: Adjustment, calendar: WorkCalendar) -> str:
    a = adjustment
    cutoff = f"{calendar.same_day_cutoff:%H:%M}"
    kind = a.kind
    if kind is AdjustmentKind.BEFORE_HOURS:
        return _("Tiếp nhận lúc %(at)s, trước giờ làm việc: tính từ %(start)s.") % {
            "at": _d(a.start),
            "start": _d(a.end),
        }
    if kind is AdjustmentKind.LUNCH_BREAK:
        return _("Tiếp nhận lúc %(at)s, trong giờ nghỉ trưa: tính từ %(start)s.") % {
            "at": _d(a.start),
            "start": _d(a.end),
        }
    if kind is AdjustmentKind.AFTER_HOURS:
        return _("Tiếp nhận lúc %(at)s, sau giờ làm việc: tính từ %(start)s của ngày làm việc tiếp theo.") % {
            "at": _d(a.start),
            "start": _d(a.end),
        }
    if kind is AdjustmentKind.RECEIVED_ON_DAY_OFF:
        return _("Tiếp nhận lúc %(at)s, vào ngày nghỉ: tính từ %(start)s.") % {"at": _d(a.start), "start": _d(a.end)}
    if kind is AdjustmentKind.WEEKEND:
        if a.end and a.end != a.start:
            return _("Nghỉ cuối tuần từ %(first)s đến %(last)s: không tính.") % {
                "first": _d(a.start),
                "last": _d(a.end),
            }
        return _("Nghỉ cuối tuần %(day)s: không tính.") % {"day": _d(a.start)}
    if kind is AdjustmentKind.HOLIDAY:
        return _("Nghỉ lễ, Tết %(day)s (%(name)s): không tính.") % {"day": _d(a.start), "name": a.name}
    if kind is AdjustmentKind.EXTRA_DAY_OFF:
        return _("Ngày nghỉ do tỉnh quy định %(day)s (%(name)s): không tính.") % {"day": _d(a.start), "name": a.name}
    if kind is AdjustmentKind.SWAPPED_WORKDAY:
        return _("Thứ Bảy %(day)s là ngày làm việc bù: được tính.") % {"day": _d(a.start)}
    if kind is AdjustmentKind.EXTRA_WORKING_DAY:
        return _("Ngày làm việc thêm do tỉnh quy định %(day)s (%(name)s): được tính.") % {
            "day": _d(a.start),
            "name": a.name,
        }
    if kind is AdjustmentKind.BREAKS_SKIPPED:
        return ngettext(
            "%(count)d lần nghỉ trưa trong khoảng thời gian: không tính.",
            "%(count)d lần nghỉ trưa trong khoảng thời gian: không tính.",
            a.count,
        ) % {"count": a.count}
    if kind is AdjustmentKind.SAME_DAY_BEFORE_CUTOFF:
        return _(
            "Thủ tục giải quyết trong ngày, tiếp nhận trước %(cutoff)s của ngày làm việc: trả kết quả trong ngày."
        ) % {"cutoff": cutoff}
    if kind is AdjustmentKind.SAME_DAY_AFTER_CUTOFF:
        return _(
            "Thủ tục giải quyết trong ngày, tiếp nhận từ %(cutoff)s: trả kết quả trong ngày làm việc tiếp theo."
        ) % {"cutoff": cutoff}
    if kind is AdjustmentKind.MOVED_TO_WORKING_DAY:
        return _(
            "Thời hạn tính theo ngày kết thúc vào ngày nghỉ %(day)s: chuyển sang ngày làm việc tiếp theo %(due)s."
        ) % {
            "day": _d(a.start),
            "due": _d(a.end),
        }
    raise ValueError(f"no sentence for {kind}")  # pragma: no cover
