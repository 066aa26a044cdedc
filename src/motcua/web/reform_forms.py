"""Forms of the reform pages: a plan, an item's changes, a cost assessment, a PAR score."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import OnlineLevel
from motcua.rules.compliance_cost import Activity


class PlanForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Trích yếu"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(forms.Form):
    """The changes an item can carry (``reform.drafting.CHANGE_KINDS``), each optional."""

    procedure = forms.CharField(label=_("Mã thủ tục hiện hành"), max_length=40)
    new_code = forms.CharField(
        label=_("Mã phiên bản mới"), max_length=40, required=False, help_text=_("Để trống: mã tạm của tỉnh.")
    )
    remove_documents = forms.CharField(
        label=_("Bỏ thành phần hồ sơ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một tên giấy tờ, đúng như trong danh mục."),
    )
    new_time = forms.DecimalField(label=_("Thời hạn mới"), min_value=0, max_digits=8, decimal_places=2, required=False)
    online_level = forms.ChoiceField(
        label=_("Nâng mức trực tuyến"), choices=[("", "—"), *OnlineLevel.choices], required=False
    )
    fee_name = forms.CharField(label=_("Giảm phí, lệ phí (tên khoản thu)"), max_length=500, required=False)
    fee_amount = forms.DecimalField(
        label=_("Mức thu mới (đồng)"), min_value=0, max_digits=15, decimal_places=0, required=False
    )
    merge_steps = forms.CharField(
        label=_("Gộp các bước"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một tên bước cần gộp (ít nhất hai)."),
    )
    description = forms.CharField(label=_("Mô tả phương án"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def changes(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        changes: list[dict[str, Any]] = [
            {"kind": "remove_document", "document": line.strip()}
            for line in data["remove_documents"].splitlines()
            if line.strip()
        ]
        if data["new_time"] is not None:
            changes.append({"kind": "cut_time", "amount": str(data["new_time"])})
        steps = [line.strip() for line in data["merge_steps"].splitlines() if line.strip()]
        if steps:
            changes.append({"kind": "merge_steps", "steps": steps, "name": " + ".join(steps)})
        if data["online_level"]:
            changes.append({"kind": "raise_online", "level": data["online_level"]})
        if data["fee_name"] and data["fee_amount"] is not None:
            changes.append(
                {"kind": "lower_fee", "fee": data["fee_name"].strip(), "amount_vnd": str(data["fee_amount"])}
            )
        return changes


class CostForm(forms.Form):
    year = forms.IntegerField(label=_("Năm số liệu"), min_value=2000, max_value=2100)
    hourly_income_vnd = forms.DecimalField(
        label=_("Thu nhập bình quân/giờ (đồng)"),
        min_value=0,
        max_digits=20,
        decimal_places=6,
        required=False,
        help_text=_("Để trống: tính từ thu nhập bình quân tháng đã khai báo cho năm đó."),
    )
    income_source = forms.CharField(label=_("Nguồn số liệu thu nhập"), max_length=500, required=False)
    activities = forms.CharField(
        label=_("Các công việc"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Mỗi dòng: tên công việc | số giờ | số lần (ví dụ: Chuẩn bị hồ sơ | 4 | 1)."),
    )
    fees_vnd = forms.DecimalField(label=_("Phí, lệ phí (đồng)"), min_value=0, max_digits=15, decimal_places=0)
    other_costs_vnd = forms.DecimalField(
        label=_("Chi phí khác (đồng)"), min_value=0, max_digits=15, decimal_places=0, initial=0
    )
    executions_per_year = forms.IntegerField(label=_("Số lần thực hiện/năm"), min_value=0, max_value=10**6)
    subjects = forms.IntegerField(label=_("Số đối tượng"), min_value=0, max_value=10**8)

    def clean_activities(self) -> list[Activity]:
        found = []
        for number, line in enumerate(self.cleaned_data["activities"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            try:
                name, hours, times = parts
                activity = Activity(name, Decimal(hours.replace(",", ".")), int(times))
            except (ValueError, ArithmeticError):
                raise forms.ValidationError(
                    _("Dòng %(n)s cần dạng: tên | số giờ | số lần (số lần là số nguyên).") % {"n": number}
                ) from None
            if activity.hours < 0 or activity.times < 0 or not activity.hours.is_finite() or activity.hours > 10_000:
                raise forms.ValidationError(_("Dòng %(n)s: số giờ, số lần không hợp lệ.") % {"n": number})
            found.append(activity)
        return found


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) theo mẫu"))


class ScoreForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    agency = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("Điểm"), min_value=0, max_digits=6, decimal_places=2)
    comment = forms.CharField(label=_("Giải trình / ý kiến"), required=False, max_length=4000)
    evidence = forms.FileField(label=_("Tài liệu kiểm chứng"), required=False)
