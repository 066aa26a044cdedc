"""Catalogue administration: agencies, fields, procedures, offerings and process templates.

Model validation (identifiers, dates) runs through the forms; process templates are checked against
the processing times of the channels they apply to, both when a template is edited and when an
offering's processing times change, so the admin never saves a template that does not add up.

Administrators import catalogue files from the procedure list ("Nhập danh mục"): the same pipeline as
``motcua import-catalog`` (``catalog.importing``), one transaction per uploaded file, so officers who have
no shell can take in what the national portal publishes. The largest accepted file is the setting
``MOTCUA_CATALOG_IMPORT_MAX_BYTES``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.catalog.availability import intake_problems, with_what_intake_reads
from motcua.catalog.importing import IMPORTABLE, FileReport, ImportReport, import_data
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
from motcua.catalog.models.procedure import DISPLAY_CHARS
from motcua.catalog.selectors import filter_by_text
from motcua.catalog.services import check_template
from motcua.rules.process import Duration
from motcua.rules.workdays import Unit

#: Text fields hold whole texts of the portal; in a tabular row they get a small box.
SMALL_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class RetiringFormSet(BaseInlineFormSet):
    """Deleting a catalogue child row in an inline retires it (``models.retirable``): dossiers may refer to it."""

    def delete_existing(self, obj: Any, commit: bool = True) -> None:
        if commit:
            obj.retire()


class RetiringInline(admin.options.InlineModelAdmin):
    """An inline of retirable rows: current rows only (the default manager), and "delete" retires.

    Django's inline refuses to delete a row that protected rows refer to (a dossier's document, once the
    dossier side protects its link); a retired row stays, so nothing is deleted and nothing needs refusing.
    """

    formset = RetiringFormSet
    formfield_overrides = SMALL_TEXT

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.hand_clean_DELETE = _nothing_is_deleted  # the form class is made for this call
        return formset


def _nothing_is_deleted(form: Any) -> None:
    """Replaces the inline form's check of what a deletion would cascade to: retiring cascades to nothing."""


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
    formfield_overrides = SMALL_TEXT
    autocomplete_fields = ["parent", "successor"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    formfield_overrides = SMALL_TEXT


class ProcedureLevelInline(admin.TabularInline):
    model = ProcedureLevel
    extra = 0
    min_num = 1


class RequiredDocumentInline(RetiringInline, admin.StackedInline):
    model = RequiredDocument
    extra = 0
    fields = (("position", "quantity", "form"), "name", "condition", "group", ("document_type", "templates"))


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "field", "online_level", "status")
    list_filter = ("status", "online_level", "business_related", "levels__level", "field")
    search_fields = ("code", "name", "search_text")
    autocomplete_fields = ["field"]
    inlines = [ProcedureLevelInline, RequiredDocumentInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "field", "issuing_body", "decision_number")}),
        (_("Công bố và hiệu lực"), {"fields": ("status", "online_level", ("valid_from", "valid_to"))}),
        (_("Cải cách hành chính"), {"fields": ("business_related",)}),
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

    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})},
    }

    @admin.display(description=_("tên thủ tục"), ordering="name")
    def short_name(self, obj: Procedure) -> str:
        """The name as the list shows it: the portal's longest run to hundreds of characters (kept whole)."""
        return Truncator(obj.name).chars(DISPLAY_CHARS)

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        if not search_term:
            return queryset, False
        return filter_by_text(queryset, search_term), False

    # import ----------------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        # before the model's own patterns, whose "<path:object_id>/" would otherwise take "import/"
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="catalog_procedure_import"), *super().get_urls()]

    def has_import_permission(self, request: HttpRequest) -> bool:
        """An import creates and changes procedures, so it needs both permissions."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import_catalog": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload catalogue files and import each in its own transaction; the summary is shown on the page.

        ``admin_view`` has already required a staff login and CSRF protection; the permissions are checked
        here because the page is not one of the model's standard views.
        """
        if not self.has_import_permission(request):
            raise PermissionDenied
        report: ImportReport | None = None
        if request.method == "POST":
            form = CatalogImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = ImportReport([_import_upload(upload) for upload in form.cleaned_data["files"]])
                _announce(request, report)
                form = CatalogImportForm()
        else:
            form = CatalogImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập danh mục thủ tục"),
            "form": form,
            "report": report,
            "summary": _ImportSummary.of(report) if report is not None else None,
            "max_size": import_size_limit(),
            "formats": ", ".join(IMPORTABLE),
        }
        return TemplateResponse(request, "admin/catalog/procedure/import.html", context)


# --------------------------------------------------------------------------------------------------
# importing catalogue files from the admin

#: What each kind of file is, for the summary table.
FILE_KINDS = {
    "portal-detail": _("Bản ghi chi tiết (Cổng DVCQG)"),
    "portal-list": _("Danh sách Excel (Cổng DVCQG)"),
    "motcua-json": _("Danh mục motcua (JSON)"),
    "motcua-yaml": _("Danh mục motcua (YAML)"),
    "motcua-xlsx": _("Danh mục motcua (Excel)"),
}

#: Kinds of records, in the order of the catalogue format.
RECORD_KINDS = {
    "agencies": _("Cơ quan"),
    "fields": _("Lĩnh vực"),
    "procedures": _("Thủ tục"),
    "offerings": _("Thủ tục tại cơ quan"),
    "calendar_overrides": _("Ngày nghỉ, ngày làm việc điều chỉnh"),
}


def import_size_limit() -> int:
    """Largest accepted file, in bytes (a whole catalogue exported as JSON is about 15 MB)."""
    return int(settings.MOTCUA_CATALOG_IMPORT_MAX_BYTES)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: each is checked as a file, the value is the list."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        check_one = super().clean
        return [check_one(upload, initial) for upload in uploads]


class CatalogImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Tệp danh mục"),
        error_messages={"required": _("Hãy chọn ít nhất một tệp.")},
        help_text=_(
            "Bản ghi chi tiết JSON hoặc danh sách Excel tải từ Cổng Dịch vụ công quốc gia; tệp danh mục motcua "
            "(JSON, YAML, Excel). Có thể chọn nhiều tệp."
        ),
    )

    def clean_files(self) -> list[UploadedFile]:
        """Refuse the whole upload when one file has a format or a size that cannot be imported, naming it:
        importing the others while silently leaving one out would let it be forgotten."""
        uploads: list[UploadedFile] = self.cleaned_data["files"]
        limit = import_size_limit()
        problems = []
        for upload in uploads:
            name = upload.name or ""
            if Path(name).suffix.lower() not in IMPORTABLE:
                problems.append(
                    ValidationError(
                        _("Tệp “%(name)s”: chỉ nhận tệp %(formats)s."),
                        code="format",
                        params={"name": name, "formats": ", ".join(IMPORTABLE)},
                    )
                )
            elif upload.size is not None and upload.size > limit:
                problems.append(
                    ValidationError(
                        _("Tệp “%(name)s” (%(size)s) lớn hơn giới hạn %(limit)s."),
                        code="size",
                        params={"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                    )
                )
        if problems:
            raise ValidationError(problems)
        return uploads


def _import_upload(upload: UploadedFile) -> FileReport:
    """One uploaded file through the import pipeline (its own transaction, all or nothing)."""
    try:
        data = upload.read()
    finally:
        upload.close()
    return import_data(upload.name or "", data)


def _announce(request: HttpRequest, report: ImportReport) -> None:
    imported = len(report.files) - len(report.failed)
    if imported:
        messages.success(
            request,
            ngettext("Đã nhập %(count)d tệp.", "Đã nhập %(count)d tệp.", imported) % {"count": imported},
        )
    if report.failed:
        count = len(report.failed)
        messages.error(
            request,
            ngettext(
                "%(count)d tệp không nhập được, không có gì của tệp đó được ghi; xem lý do bên dưới.",
                "%(count)d tệp không nhập được, không có gì của các tệp đó được ghi; xem lý do bên dưới.",
                count,
            )
            % {"count": count},
        )


@dataclass
class _ImportSummary:
    """The report laid out for the page's tables."""

    kinds: list[tuple[str, int, int, int]]  # label, created, updated, unchanged
    files: list[tuple[str, str, int, int, int, str, list[str]]]  # name, kind, counts, error, warnings
    unparsed: list[tuple[str, int]]
    totals: tuple[int, int, int]

    @classmethod
    def of(cls, report: ImportReport) -> _ImportSummary:
        by_kind = report.by_kind()
        kinds = [
            (str(label), by_kind[kind]["created"], by_kind[kind]["updated"], by_kind[kind]["unchanged"])
            for kind, label in RECORD_KINDS.items()
            if kind in by_kind
        ]
        files = []
        for file_report in report.files:
            counts: Counter[str] = Counter()
            for kind_counts in file_report.summary.counts.values():
                counts.update(kind_counts)
            kind = str(FILE_KINDS.get(file_report.kind, file_report.kind or "—"))
            files.append(
                (
                    file_report.name,
                    kind,
                    counts["created"],
                    counts["updated"],
                    counts["unchanged"],
                    file_report.error,
                    file_report.warnings,
                )
            )
        totals = (report.total("created"), report.total("updated"), report.total("unchanged"))
        return cls(kinds, files, report.unparsed.most_common(), totals)


class OfferingChannelFormSet(RetiringFormSet):
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


class OfferingChannelInline(RetiringInline, admin.TabularInline):
    model = OfferingChannel
    formset = OfferingChannelFormSet
    extra = 0


class FeeInline(RetiringInline, admin.TabularInline):
    model = Fee
    extra = 0


class ReceivableFilter(admin.SimpleListFilter):
    """Whether an offering can receive a dossier today (``catalog.availability``, the rule intake applies)."""

    title = _("tiếp nhận hồ sơ hôm nay")
    parameter_name = "receivable"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Tiếp nhận được")), ("no", _("Không tiếp nhận được"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Offering]) -> models.QuerySet[Offering]:
        if self.value() not in {"yes", "no"}:
            return queryset
        today = timezone.localdate()
        blocked = [o.pk for o in with_what_intake_reads(queryset) if intake_problems(o, today)]
        return queryset.filter(pk__in=blocked) if self.value() == "no" else queryset.exclude(pk__in=blocked)


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ("procedure", "agency", "receiving_agency", "active", "why_not_receivable")
    list_filter = (ReceivableFilter, "active", "agency__level")
    search_fields = ("procedure__code", "procedure__name", "agency__name")
    autocomplete_fields = ["procedure", "agency", "receiving_agency"]
    inlines = [OfferingChannelInline, FeeInline]
    readonly_fields = ("template_links", "why_not_receivable")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Offering]:
        return with_what_intake_reads(super().get_queryset(request))

    @admin.display(description=_("Vì sao chưa tiếp nhận được hồ sơ"))
    def why_not_receivable(self, obj: Offering) -> str:
        if obj.pk is None:
            return ""
        problems = intake_problems(obj, timezone.localdate())
        return " ".join(p.message for p in problems) or str(_("Tiếp nhận được"))

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


class ProcessStepFormSet(RetiringFormSet):
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


class ProcessStepInline(RetiringInline, admin.TabularInline):
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
    formfield_overrides = SMALL_TEXT
