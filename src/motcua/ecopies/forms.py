"""The counter's form for a certified e-copy (every control labelled; the confirmation is an explicit checkbox)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CertifyForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    agency = forms.TypedChoiceField(label=_("Cơ quan chứng thực"), coerce=int, choices=[])
    owner_number = forms.CharField(
        label=_("Số định danh cá nhân hoặc mã số thuế của người yêu cầu"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    owner_name = forms.CharField(label=_("Họ tên người yêu cầu (hoặc tên tổ chức)"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại giấy tờ"), choices=[])
    name = forms.CharField(
        label=_("Tên giấy tờ"),
        max_length=300,
        required=False,
        help_text=_("Để trống: dùng tên loại giấy tờ."),
    )
    scan = forms.FileField(
        label=_("Bản quét của bản chính (PDF, JPEG, PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    matches_original = forms.BooleanField(
        label=_(
            "Tôi đã đối chiếu và chứng thực bản quét này đúng với bản chính do người yêu cầu xuất trình "
            "(bản sao sẽ được ký số bằng chứng thư số của cơ quan, không thể hủy)."
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, agencies: list[tuple[int, str]], kinds: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies
        self.fields["kind"].choices = [("", _("— Chọn loại giấy tờ —")), *kinds]
        self.fields["scan"].help_text = _("Tối đa %(mb)d MB.") % {"mb": settings.MOTCUA_MAX_UPLOAD_BYTES // 1_048_576}
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            if len(agencies) == 1:
                self.initial.setdefault("agency", agencies[0][0])
