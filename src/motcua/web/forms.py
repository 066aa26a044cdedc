"""Forms of the officer workbench: intake at the counter and the actions on a dossier."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.availability import receivable_channels
from motcua.catalog.models import DocumentForm, Offering
from motcua.dossiers.models import ApplicantType
from motcua.rules import payloads
from motcua.rules.lifecycle import ENDING_ACTIONS, ActionType


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text area, trimmed: how the workbench takes a list (one item a line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class IdempotentForm(forms.Form):
    """Carries a key generated when the form is shown: submitting it twice writes once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class IntakeForm(IdempotentForm):
    channel = forms.ChoiceField(label=_("Hình thức nộp"), choices=[])
    applicant_type = forms.ChoiceField(label=_("Loại đối tượng"), choices=ApplicantType.choices)
    applicant_name = forms.CharField(label=_("Họ tên / tên tổ chức"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân / mã số thuế"), max_length=30, help_text=_("12 chữ số (CCCD) hoặc mã số thuế.")
    )
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    subject = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)
    incomplete = forms.BooleanField(
        label=_("Hồ sơ chưa đầy đủ: ghi nhận và lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        required=False,
        help_text=_("Phiếu liệt kê mọi thành phần bắt buộc chưa nhận và các nội dung ghi dưới đây."),
    )
    missing = forms.CharField(
        label=_("Nội dung cần bổ sung khác (mỗi dòng một mục)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=20000,
    )
    #: the connected database the applicant's data were taken from, with their consent (``DSKetNoiCSDL``)
    consulted_databases = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, offering: Offering, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offering = offering
        receivable = set(receivable_channels(offering, timezone.localdate()))
        self.fields["channel"].choices = [
            (c.channel, c.get_channel_display()) for c in offering.channels.all() if c.channel in receivable
        ]
        self.documents = list(offering.procedure.documents.all())
        for document in self.documents:
            self.fields[f"doc_{document.pk}"] = forms.BooleanField(
                label=document.name, required=False, help_text=document.condition
            )
            self.fields[f"form_{document.pk}"] = forms.ChoiceField(
                label=_("Hình thức"), choices=DocumentForm.choices, initial=document.form
            )
            self.fields[f"scan_{document.pk}"] = forms.FileField(label=_("Bản quét"), required=False)

    def document_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "document": d,
                "received": self[f"doc_{d.pk}"],
                "form": self[f"form_{d.pk}"],
                "scan": self[f"scan_{d.pk}"],
            }
            for d in self.documents
        ]


SHORT_TEXT = forms.Textarea(attrs={"rows": 2})

#: Labels of the payload fields an officer fills in (the fields themselves come from ``rules.payloads``).
FIELD_LABELS = {
    "note": _("Ghi chú"),
    "reason": _("Lý do"),
    "reasons": _("Lý do (mỗi dòng một lý do)"),
    "missing": _("Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)"),
    "new_appointment": _("Ngày hẹn mới"),
    "amount_vnd": _("Số tiền (đồng)"),
    "receipt_number": _("Số biên lai"),
    "on_paper": _("Chuyển bằng hồ sơ giấy (ngoài hệ thống)"),
    "documents": _("Tệp đính kèm"),
}
#: Payload fields the workbench does not ask for (filled by the service, or only through the API).
NOT_ASKED = {"checklist", "to_position", "online"}


def _field_for(name: str, info: Any, action: ActionType) -> forms.Field:
    """A form field for one payload field, required when the payload requires it."""
    required = info.is_required()
    label = FIELD_LABELS.get(name, name)
    if name == "documents":
        label = _("Văn bản kết quả đã ký") if action is ActionType.RECORD_RESULT else _("Tệp hồ sơ bổ sung")
        return forms.FileField(label=label, required=required)
    if name in {"reasons", "missing"}:
        return forms.CharField(label=label, widget=SHORT_TEXT, required=required, max_length=20000)
    if name == "new_appointment":
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.DateTimeField(label=label, required=required, widget=widget)
    if name == "on_paper":
        return forms.BooleanField(label=label, required=False)
    if name == "amount_vnd":
        return forms.IntegerField(label=label, required=required, min_value=1, max_value=10**12)
    return forms.CharField(label=label, widget=SHORT_TEXT, required=required, max_length=2000)


class ActionForm(IdempotentForm):
    """The form of one action, built from the action's typed payload (``rules.payloads``): the same
    fields, the same requirements, validated again by the service. An action that ends the dossier asks
    for an explicit confirmation."""

    def __init__(
        self, action: ActionType, *args: Any, documents: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        """``documents``: for the desk's acceptance of a dossier registered at the counter, the required
        documents of its terms, to check off as received (the receipt lists them)."""
        super().__init__(*args, **kwargs)
        self.action = action
        model = payloads.PAYLOADS[action]
        for name, info in model.model_fields.items():
            if name not in NOT_ASKED:
                self.fields[name] = _field_for(name, info, action)
        self.documents = documents if action is ActionType.ACCEPT and documents else []
        for document in self.documents:
            help_text = (
                _("Trường hợp: %(condition)s") % {"condition": document["condition"]} if document["condition"] else ""
            )
            self.fields[f"doc_{document['id']}"] = forms.BooleanField(
                label=document["name"], required=False, help_text=help_text
            )
        if action in ENDING_ACTIONS:
            self.fields["confirm"] = forms.BooleanField(
                label=_("Tôi xác nhận thao tác này kết thúc hồ sơ và không thể hoàn tác."), required=True
            )

    @property
    def ends_dossier(self) -> bool:
        return self.action in ENDING_ACTIONS

    def uploads(self) -> list[Any]:
        upload = self.cleaned_data.get("documents")
        return [upload] if upload else []

    def payload(self) -> dict[str, Any]:
        """The payload's fields as the service takes them (uploaded files are passed apart)."""
        data: dict[str, Any] = {}
        if self.documents:
            data["checklist"] = [
                {"document_id": d["id"], "form": d["form"] or "original"}
                for d in self.documents
                if self.cleaned_data.get(f"doc_{d['id']}")
            ]
        for name, value in self.cleaned_data.items():
            if (
                name in {"idempotency_key", "confirm", "documents"}
                or name.startswith("doc_")
                or value in (None, "", False)
            ):
                continue
            if name in {"reasons", "missing"}:
                value = lines_of(value)
            if isinstance(value, datetime) and timezone.is_naive(value):
                value = timezone.make_aware(value)
            data[name] = value
        return data


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Mã hồ sơ, tên hoặc số định danh chủ hồ sơ"), "size": 36}
        ),
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[])
    channel = forms.ChoiceField(label=_("Hình thức"), required=False, choices=[])
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[("due", _("Hạn giải quyết")), ("received", _("Mới tiếp nhận")), ("code", _("Mã hồ sơ"))],
    )
