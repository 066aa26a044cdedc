"""Catalogue administration: agencies, fields, procedures, offerings and process templates.

Model validation (identifiers, dates) runs through the forms; process templates are checked against
the processing times of the channels they apply to, both when a template is edited and when an
offering's processing times change, so the admin never saves a template that does not add up.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    Agency,
    Fee,
    Field,
    Offering,
    OfferingChannel,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    ProcessTemplate,
    RequiredDocument,
)
from motcua.catalog.selectors import filter_by_text
from motcua.catalog.services import check_template
from motcua.rules.process import Duration
from motcua.rules.workdays import Unit


def _live_forms(formset: BaseInlineFormSet) -> list[Any]:
    return [
        form
        for form in formset.forms
        if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE", False)
    ]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "identifier", "identifier_is_placeholder", "level", "kind", "valid_from", "valid_to")
    list_filter = ("level", "kind", "identifier_is_placeholder")
    search_fields = ("name", "identifier", "admin_unit_code")
    autocomplete_fields = ["parent", "successor"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


class ProcedureLevelInline(admin.TabularInline):
    model = ProcedureLevel
    extra = 0
    min_num = 1


class RequiredDocumentInline(admin.StackedInline):
    model = RequiredDocument
    extra = 0
    fields = (("position", "quantity", "form"), "name", "condition", "group", ("document_type", "templates"))


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "online_level", "status")
    list_filter = ("status", "online_level", "levels__level", "field")
    search_fields = ("code", "name", "search_text")
    autocomplete_fields = ["field"]
    inlines = [ProcedureLevelInline, RequiredDocumentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("code", "name", "field", "issuing_body", "decision_number")}),
        (_("Công bố và hiệu lực"), {"fields": ("status", "online_level", ("valid_from", "valid_to"))}),
        (_("Căn cứ và kết quả"), {"fields": ("legal_basis", "results")}),
        (
            _("Theo danh mục quốc gia"),
            {
                "classes": ["collapse"],
                "fields": (
                    "procedure_type",
                    "subjects",
                    "competent_authority",
                    "resolving_agencies",
                    "coordinating_agencies",
                    "portal_terms",
                    "import_problems",
                ),
            },
        ),
        (_("Khác"), {"fields": ("notes", "source_url")}),
    )

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        if not search_term:
            return queryset, False
        return filter_by_text(queryset, search_term), False


class OfferingChannelFormSet(BaseInlineFormSet):
    """Changing a channel's processing time must keep the offering's templates consistent."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        rows = [form.instance for form in _live_forms(self)]
        problems: list[str] = []
        for template in self.instance.templates.prefetch_related("steps"):
            steps = [step.duration for step in template.steps.all()]
            try:
                check_template(rows, template.channel, steps)
            except ValidationError as error:
                problems.extend(f"{template}: {message}" for message in error.messages)
        if problems:
            raise ValidationError(problems)


class OfferingChannelInline(admin.TabularInline):
    model = OfferingChannel
    formset = OfferingChannelFormSet
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ("procedure", "agency", "receiving_agency", "active")
    list_filter = ("active", "agency__level")
    search_fields = ("procedure__code", "procedure__name", "agency__name")
    autocomplete_fields = ["procedure", "agency", "receiving_agency"]
    inlines = [OfferingChannelInline, FeeInline]
    readonly_fields = ("template_links",)

    @admin.display(description=_("Quy trình xử lý"))
    def template_links(self, obj: Offering) -> str:
        links = (
            [(reverse("admin:catalog_processtemplate_change", args=[t.pk]), str(t)) for t in obj.templates.all()]
            if obj.pk
            else []
        )
        add = reverse("admin:catalog_processtemplate_add")
        return format_html(
            "{}<a href='{}?offering={}'>{}</a>",
            format_html_join("", "<a href='{}'>{}</a><br>", links),
            add,
            obj.pk or "",
            _("Thêm quy trình"),
        )


class ProcessStepFormSet(BaseInlineFormSet):
    """The steps must add up to the processing time of every channel the template applies to."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        template: ProcessTemplate = self.instance
        if template.offering_id is None:
            return  # the parent form reports the missing offering
        steps = [
            Duration(form.cleaned_data["allotted_amount"], Unit(form.cleaned_data["allotted_unit"]))
            for form in _live_forms(self)
        ]
        check_template(template.offering.channels.all(), template.channel, steps)


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    formset = ProcessStepFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ["executing_agency"]


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ("__str__", "offering", "channel")
    search_fields = ("offering__procedure__code", "offering__procedure__name", "offering__agency__name", "name")
    autocomplete_fields = ["offering"]
    inlines = [ProcessStepInline]
