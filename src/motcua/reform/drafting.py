"""Drafting the new version of a procedure for a plan item: a copy in the catalogue, then the item's changes.

The copy is a *draft* procedure (``ProcedureStatus.DRAFT``) with its documents, levels and, for every
offering of the version in force, an **inactive** offering with its channels, fees and process: nothing
can receive a dossier for it until the plan is implemented, which publishes it and activates the offerings
(the catalogue's own publish/offer mechanism, ``catalog.availability``). The draft can be edited in the
admin like any procedure before then.

The changes an item can carry (``CHANGE_KINDS``): remove a document, cut the processing time, merge steps,
raise the online level, lower a fee. Cutting the time takes the difference off the process's longest step
so that the steps still add up (RULES.md §3); when they cannot, the officer is told to adjust the steps.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.models import (
    Fee,
    Offering,
    OfferingChannel,
    Procedure,
    ProcedureLevel,
    ProcedureStatus,
    ProcessStep,
    RequiredDocument,
)
from motcua.reform.errors import ReformError
from motcua.rules.process import TemplateMismatch, check_steps_total
from motcua.rules.workdays import HOURS_PER_WORKING_DAY, Unit

CHANGE_KINDS = ("remove_document", "cut_time", "merge_steps", "raise_online", "lower_fee")
_LEVEL_ORDER = {"": 0, "partial": 1, "full": 2}
_COPIED = (
    "name",
    "field",
    "issuing_body",
    "online_level",
    "legal_basis",
    "results",
    "procedure_type",
    "subjects",
    "competent_authority",
    "resolving_agencies",
    "coordinating_agencies",
    "business_related",
    "source_url",
)


def copy_procedure(before: Procedure, code: str, note: str) -> Procedure:
    after = Procedure(code=code, status=ProcedureStatus.DRAFT, notes=note)
    for name in _COPIED:
        setattr(after, name, getattr(before, name))
    after.full_clean(validate_unique=True)
    after.save()
    ProcedureLevel.objects.bulk_create(ProcedureLevel(procedure=after, level=lv.level) for lv in before.levels.all())
    for document in before.documents.all():
        document.pk, document.id, document.procedure = None, None, after
        document.save()
    for offering in Offering.objects.filter(procedure=before).prefetch_related("channels", "fees", "templates__steps"):
        copy = Offering.objects.create(
            procedure=after, agency=offering.agency, receiving_agency=offering.receiving_agency, active=False
        )
        for channel in offering.channels.all():
            channel.pk, channel.id, channel.offering = None, None, copy
            channel.save()
        for fee in offering.fees.all():
            fee.pk, fee.id, fee.offering = None, None, copy
            fee.save()
        for template in offering.templates.all():
            steps = list(template.steps.all())
            template.pk, template.id, template.offering = None, None, copy
            template.save()
            for step in steps:
                step.pk, step.id, step.template = None, None, template
                step.save()
    return after


def apply_changes(after: Procedure, changes: list[dict[str, Any]]) -> None:
    for index, change in enumerate(changes):
        kind = change.get("kind")
        where = f"changes.{index}"
        if kind == "remove_document":
            _remove_document(after, str(change.get("document", "")), where)
        elif kind == "cut_time":
            _cut_time(after, _amount(change.get("amount"), where), str(change.get("channel", "")), where)
        elif kind == "merge_steps":
            _merge_steps(after, [str(s) for s in change.get("steps", [])], str(change.get("name", "")), where)
        elif kind == "raise_online":
            _raise_online(after, str(change.get("level", "")), where)
        elif kind == "lower_fee":
            _lower_fee(after, str(change.get("fee", "")), _amount(change.get("amount_vnd"), where), where)
        else:
            raise ReformError(_("Loại thay đổi “%(kind)s” không được hỗ trợ.") % {"kind": kind}, field=where)


def _amount(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ReformError(_("Cần một số không âm."), field=where) from None
    if not amount.is_finite() or amount < 0:
        raise ReformError(_("Cần một số không âm."), field=where)
    return amount


def _remove_document(after: Procedure, name: str, where: str) -> None:
    document = RequiredDocument.objects.filter(procedure=after, name=name).first()
    if document is None:
        raise ReformError(_("Thủ tục không có thành phần hồ sơ “%(name)s”.") % {"name": name}, field=where)
    document.delete()  # a draft's own row, which no dossier refers to


def _offerings(after: Procedure) -> list[Offering]:
    return list(Offering.objects.filter(procedure=after).prefetch_related("channels", "templates__steps"))


def _cut_time(after: Procedure, amount: Decimal, channel: str, where: str) -> None:
    for offering in _offerings(after):
        rows = [c for c in offering.channels.all() if not channel or c.channel == channel]
        if not rows:
            raise ReformError(_("Thủ tục không có hình thức nộp đã chọn."), field=where)
        for row in rows:
            if row.processing_amount is None or amount >= row.processing_amount:
                raise ReformError(_("Thời hạn mới phải ngắn hơn thời hạn hiện hành."), field=where)
            cut = row.processing_amount - amount
            row.processing_amount = amount
            row.processing_text = _("%(amount)s %(unit)s (sau đơn giản hóa)") % {
                "amount": _plain(amount),
                "unit": row.get_processing_unit_display(),
            }
            row.save()
            _shorten_steps(offering, row, cut, where)


def _shorten_steps(offering: Offering, row: OfferingChannel, cut: Decimal, where: str) -> None:
    """Take the cut off the longest step of the template that covers ``row``, in that step's unit."""
    templates = [t for t in offering.templates.all() if t.channel in ("", row.channel)]
    for template in templates:
        steps = list(ProcessStep.objects.filter(template=template).order_by("position"))
        total = row.duration
        try:
            check_steps_total([s.duration for s in steps], total)  # type: ignore[arg-type]
            continue  # already adds up (another channel's cut did it)
        except TemplateMismatch:
            pass
        longest = max(steps, key=lambda s: s.allotted_amount)
        if row.processing_unit == Unit.WORKING_DAYS and longest.allotted_unit == Unit.WORKING_HOURS:
            cut_in_unit = cut * HOURS_PER_WORKING_DAY
        elif row.processing_unit == longest.allotted_unit:
            cut_in_unit = cut
        else:
            raise ReformError(
                _("Không tự điều chỉnh được các bước xử lý: xin sửa quy trình trong trang quản trị."), field=where
            )
        if longest.allotted_amount - cut_in_unit <= 0:
            raise ReformError(_("Thời hạn cắt giảm lớn hơn bước xử lý dài nhất: xin sửa quy trình."), field=where)
        longest.allotted_amount -= cut_in_unit
        longest.save()
        try:
            check_steps_total([s.duration for s in ProcessStep.objects.filter(template=template)], total)  # type: ignore[arg-type]
        except TemplateMismatch:
            raise ReformError(_("Các bước xử lý không khớp thời hạn mới: xin sửa quy trình."), field=where) from None


def _merge_steps(after: Procedure, names: list[str], name: str, where: str) -> None:
    if len(names) < 2:
        raise ReformError(_("Cần ít nhất hai bước để gộp."), field=where)
    for offering in _offerings(after):
        for template in offering.templates.all():
            steps = list(ProcessStep.objects.filter(template=template).order_by("position"))
            chosen = [s for s in steps if s.name in names]
            if len(chosen) != len(names):
                raise ReformError(_("Quy trình không có đủ các bước cần gộp."), field=where)
            if len({s.allotted_unit for s in chosen}) != 1:
                raise ReformError(_("Các bước cần gộp phải cùng đơn vị thời gian."), field=where)
            first, rest = chosen[0], chosen[1:]
            first.name = name or " + ".join(s.name for s in chosen)
            first.allotted_amount = sum((s.allotted_amount for s in chosen), Decimal(0))
            for step in rest:
                step.delete()
            first.save()
            for position, step in enumerate(ProcessStep.objects.filter(template=template).order_by("position"), 1):
                if step.position != position:
                    step.position = position
                    step.save(update_fields=["position"])


def _raise_online(after: Procedure, level: str, where: str) -> None:
    if level not in ("partial", "full") or _LEVEL_ORDER[level] <= _LEVEL_ORDER.get(after.online_level, 0):
        raise ReformError(_("Mức độ trực tuyến mới phải cao hơn mức hiện hành."), field=where)
    after.online_level = level
    after.save(update_fields=["online_level"])


def _lower_fee(after: Procedure, name: str, amount: Decimal, where: str) -> None:
    fees = list(Fee.objects.filter(offering__procedure=after, name=name))
    if not fees:
        raise ReformError(_("Thủ tục không có khoản phí, lệ phí “%(name)s”.") % {"name": name}, field=where)
    for fee in fees:
        if fee.amount_vnd is None or amount >= fee.amount_vnd:
            raise ReformError(_("Mức thu mới phải thấp hơn mức hiện hành."), field=where)
        fee.amount_vnd = amount
        fee.save(update_fields=["amount_vnd"])


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_code(before: Procedure, item_id: int) -> str:
    """A provisional local code for the draft (``H55-PA12``), from the province suffix of the agency codes."""
    offering = Offering.objects.filter(procedure=before).select_related("agency").order_by("agency__identifier").first()
    suffix = offering.agency.identifier.rsplit(".", 1)[-1] if offering else "H00"
    return f"{suffix}-PA{item_id}"
