"""Forms of the officer workbench: intake at the counter and the actions on a dossier."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import DocumentForm, Offering
from motcua.dossiers.models import ApplicantType
from motcua.rules.lifecycle import ActionType


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

    def __init__(self, offering: Offering, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offering = offering
        self.fields["channel"].choices = [(c.channel, c.get_channel_display()) for c in offering.channels.all()]
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


class ActionForm(IdempotentForm):
    """One form for every action; ``clean`` asks for what each action needs."""

    note = forms.CharField(label=_("Ghi chú"), widget=SHORT_TEXT, required=False, max_length=2000)
    reason = forms.CharField(label=_("Lý do"), widget=SHORT_TEXT, required=False, max_length=2000)
    items = forms.CharField(label=_("Danh sách (mỗi dòng một mục)"), widget=SHORT_TEXT, required=False, max_length=4000)
    new_appointment = forms.DateTimeField(
        label=_("Ngày hẹn mới"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    amount_vnd = forms.DecimalField(
        label=_("Số tiền (đồng)"), required=False, min_value=0, max_digits=15, decimal_places=0
    )
    file = forms.FileField(label=_("Văn bản kết quả đã ký"), required=False)

    NEEDS: dict[ActionType, tuple[str, ...]] = {
        ActionType.REFUSE: ("items",),
        ActionType.REQUEST_SUPPLEMENT: ("items",),
        ActionType.SEND_BACK: ("reason",),
        ActionType.WITHDRAW: ("reason",),
        ActionType.STOP: ("reason",),
        ActionType.APOLOGISE: ("reason", "new_appointment"),
        ActionType.RECORD_PAYMENT: ("amount_vnd",),
        ActionType.RECORD_RESULT: ("file",),
    }

    def __init__(self, action: ActionType, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        needed = self.NEEDS.get(action, ())
        for name in ("reason", "items", "new_appointment", "amount_vnd", "file"):
            if name not in needed:
                del self.fields[name]
            else:
                self.fields[name].required = True

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        lines = [line.strip() for line in data.get("items", "").splitlines() if line.strip()]
        payload: dict[str, Any] = {}
        if self.action is ActionType.REFUSE:
            payload["reasons"] = lines
        elif self.action is ActionType.REQUEST_SUPPLEMENT:
            payload["missing"] = lines
        if data.get("reason"):
            payload["reason"] = data["reason"]
        if data.get("new_appointment"):
            payload["new_appointment"] = data["new_appointment"]
        if data.get("amount_vnd") is not None:
            payload["amount_vnd"] = int(data["amount_vnd"])
        return payload


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
