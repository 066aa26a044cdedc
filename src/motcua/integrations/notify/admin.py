"""The notices' templates in the admin: edited by the province, checked when saved, previewed with sample values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from motcua.integrations.models import OutboxMessage
from motcua.integrations.notify.context import VARIABLES, sample_context
from motcua.integrations.notify.models import NotificationTemplate
from motcua.integrations.notify.templates import TemplateProblem, render_text


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ("notice", "channel", "subject", "body", "active")
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 100})}

    def _checked(self, field: str) -> str:
        value = self.cleaned_data.get(field, "")
        try:
            render_text(value, sample_context())
        except TemplateProblem as problem:
            raise forms.ValidationError(str(problem)) from problem
        return value

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body(self) -> str:
        return self._checked("body")


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ("notice", "channel", "subject", "active", "updated_at")
    list_filter = ("channel", "notice", "active")
    readonly_fields = ("variables", "preview", "problems", "updated_at")
    fields = ("notice", "channel", "subject", "body", "active", "variables", "preview", "problems", "updated_at")

    @admin.display(description=_("biến dùng được"))
    def variables(self, obj: NotificationTemplate | None) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><code>{{{{ {} }}}}</code>: {}</li>", ((n, d) for n, d in VARIABLES.items())),
        )

    @admin.display(description=_("xem trước (giá trị mẫu)"))
    def preview(self, obj: NotificationTemplate | None) -> str:
        if obj is None or not obj.pk:
            return "—"
        try:
            text = render_text(obj.subject, sample_context()) + "\n\n" + render_text(obj.body, sample_context())
        except TemplateProblem as problem:
            return str(problem)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)

    @admin.display(description=_("lỗi khi gửi (đã dùng nội dung mặc định)"))
    def problems(self, obj: NotificationTemplate | None) -> str:
        """The latest messages of this notice and channel for which this template failed and the default was sent."""
        if obj is None or not obj.pk:
            return "—"
        failed = (
            OutboxMessage.objects.filter(destination=obj.channel, event=f"notice.{obj.notice}")
            .filter(payload__has_key="template_problem")
            .order_by("-pk")
            .values_list("idempotency_key", "created_at", "payload__template_problem")[:5]
        )
        if not failed:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} ({}): {}</li>", failed))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # a row is one (notice, channel): once it exists, only its texts change
        return (*self.readonly_fields, "notice", "channel") if obj is not None else self.readonly_fields
