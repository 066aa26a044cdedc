"""Writes and write-time validation of the catalogue."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Channel, OfferingChannel
from motcua.rules.process import Duration, TemplateMismatch, check_steps_total

_MEASURES = {"working_hours": gettext_lazy("giờ làm việc"), "calendar_days": gettext_lazy("ngày")}


def check_template(channels: Iterable[OfferingChannel], template_channel: str, steps: list[Duration]) -> None:
    """Refuse a process template whose steps do not add up to the processing time (RULES.md §3).

    The template applies to ``template_channel`` or, when blank, to every channel the offering
    offers; its steps must add up to the processing time of each of them.
    """
    if not steps:
        raise ValidationError(_("Quy trình cần ít nhất một bước."))
    applicable = [row for row in channels if not template_channel or row.channel == template_channel]
    if not applicable:
        raise ValidationError(_("Thủ tục tại cơ quan này chưa có hình thức nộp mà quy trình áp dụng."))
    problems = []
    for row in applicable:
        label = Channel(row.channel).label
        total = row.duration
        if total is None:
            problems.append(_("Hình thức %(channel)s chưa có thời hạn giải quyết xác định.") % {"channel": label})
            continue
        try:
            check_steps_total(steps, total)
        except TemplateMismatch as mismatch:
            problems.append(_mismatch_message(mismatch, label))
    if problems:
        raise ValidationError(problems)


def _mismatch_message(mismatch: TemplateMismatch, channel_label: str) -> str:
    measure = _MEASURES[mismatch.measure]
    if mismatch.reason == "units":
        return _(
            "Đơn vị thời gian của các bước không cộng được với thời hạn của hình thức %(channel)s (%(measure)s)."
        ) % {
            "channel": channel_label,
            "measure": measure,
        }
    return _(
        "Tổng thời gian các bước là %(steps)s %(measure)s, khác thời hạn giải quyết của hình thức %(channel)s "
        "(%(expected)s %(measure)s)."
    ) % {
        "steps": _number(mismatch.steps_total),
        "expected": _number(mismatch.expected),
        "measure": measure,
        "channel": channel_label,
    }


def _number(value: object) -> str:
    text = f"{value:f}" if value is not None else "?"
    return text.rstrip("0").rstrip(".") if "." in text else text
