"""Procedures (thủ tục hành chính) as published nationally, with their required documents."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models.agency import Level
from motcua.catalog.models.retirable import Retirable
from motcua.rules.codes import is_valid_procedure_code
from motcua.rules.text import fold

#: Characters of a long name shown where a row is listed; the name itself is kept whole.
DISPLAY_CHARS = 160


def validate_procedure_code(value: str) -> None:
    """National (``1.001193``), localised (``2.000815.000.00.00.H55``) or provisional (``H55-X13``)."""
    if not is_valid_procedure_code(value):
        raise ValidationError(
            _("Mã thủ tục “%(value)s” không hợp lệ (ví dụ 1.001193, 2.000815.000.00.00.H55 hoặc mã tạm H55-X13)."),
            code="invalid_procedure_code",
            params={"value": value},
        )


class Field(models.Model):
    """Lĩnh vực: the domain a procedure belongs to (Hộ tịch, Đất đai, …)."""

    code = models.SlugField(_("mã"), max_length=80, unique=True)
    name = models.TextField(_("tên"), unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnlineLevel(models.TextChoices):
    """Online public service levels of Decree 42/2022/NĐ-CP Art. 11 (RULES.md §9, [V])."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True, validators=[validate_procedure_code])
    name = models.TextField(_("tên thủ tục"))
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, null=True, blank=True, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    issuing_body = models.TextField(_("cơ quan ban hành"), blank=True)
    decision_number = models.TextField(_("quyết định công bố"), blank=True)
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"), max_length=10, choices=OnlineLevel.choices, blank=True
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProcedureStatus.choices, default=ProcedureStatus.DRAFT
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.JSONField(
        _("căn cứ pháp lý"),
        default=list,
        blank=True,
        help_text=_('Danh sách {"number": "123/2015/NĐ-CP", "title": "…"}.'),
    )
    results = models.JSONField(
        _("kết quả thực hiện"),
        default=list,
        blank=True,
        help_text=_('Danh sách {"code": "KQ.G15.000031", "name": "…"}.'),
    )
    procedure_type = models.TextField(_("loại thủ tục"), blank=True)
    subjects = models.TextField(_("đối tượng thực hiện"), blank=True)
    competent_authority = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    resolving_agencies = models.TextField(_("cơ quan thực hiện"), blank=True, help_text=_("Theo danh mục công bố."))
    coordinating_agencies = models.TextField(_("cơ quan phối hợp"), blank=True)
    portal_terms = models.JSONField(
        _("cách thức thực hiện (theo Cổng DVCQG)"),
        default=list,
        blank=True,
        help_text=_("Từng hình thức nộp với thời hạn, phí, lệ phí đã phân tích, kèm nguyên văn."),
    )
    import_problems = models.JSONField(
        _("nội dung chưa phân tích được"),
        default=list,
        blank=True,
        help_text=_('Danh sách {"field", "text", "reason"} do trình nhập danh mục báo.'),
    )
    business_related = models.BooleanField(
        _("liên quan đến hoạt động kinh doanh"),
        default=False,
        help_text=_(
            "Thủ tục liên quan đến hoạt động sản xuất, kinh doanh: tính vào chỉ tiêu cắt giảm, đơn giản hóa "
            "quy định và chi phí tuân thủ của tỉnh. Do tỉnh đánh dấu; trình nhập danh mục không thay đổi."
        ),
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    # the longest address URLValidator accepts: an address is kept whole or refused, never cut
    source_url = models.URLField(_("nguồn"), max_length=2048, blank=True)
    # Folded code + name + field, kept in step by save(): accent- and case-insensitive search on any database.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        indexes = [models.Index(fields=["status", "field"])]

    def __str__(self) -> str:
        # display only (admin lists, select boxes): the portal's names run to hundreds of characters
        return f"{self.code} — {Truncator(self.name).chars(DISPLAY_CHARS)}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})
        for entry in self.legal_basis or []:
            if not isinstance(entry, dict) or not (entry.get("number") or entry.get("title")):
                raise ValidationError({"legal_basis": _("Mỗi căn cứ pháp lý cần số hiệu hoặc tên văn bản.")})
        for entry in self.results or []:
            if not isinstance(entry, dict) or not entry.get("name"):
                raise ValidationError({"results": _("Mỗi kết quả cần có tên.")})

    def build_search_text(self) -> str:
        field_name = self.field.name if self.field_id else ""
        return fold(f"{self.code} {self.name} {field_name}")


class ProcedureLevel(models.Model):
    """A level at which a procedure is carried out; a procedure may be at several (cấp thực hiện)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("cấp thực hiện"), max_length=20, choices=Level.choices)

    class Meta:
        verbose_name = _("cấp thực hiện")
        verbose_name_plural = _("cấp thực hiện")
        constraints = [models.UniqueConstraint(fields=["procedure", "level"], name="procedure_level_unique")]
        indexes = [models.Index(fields=["level", "procedure"])]

    def __str__(self) -> str:
        return self.get_level_display()


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    ORIGINAL_OR_COPY = "original_or_copy", _("Bản chính hoặc bản sao")
    PRESENT_ONLY = "present_only", _("Xuất trình")


class RequiredDocument(Retirable):
    """A component of the dossier (thành phần hồ sơ).

    Attached to the procedure, not to each agency's offering: the composition of a dossier is set
    by the national catalogue and the same at every agency that resolves the procedure. Its natural key is
    (name, group) and, for a name repeated in one group, its occurrence; dossiers refer to it, so it is
    retired rather than deleted (``retirable``).
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="documents", verbose_name=_("thủ tục")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.TextField(_("tên giấy tờ"))
    quantity = models.PositiveSmallIntegerField(_("số lượng"), null=True, blank=True, default=1)
    form = models.CharField(
        _("hình thức"), max_length=20, choices=DocumentForm.choices, default=DocumentForm.ORIGINAL, blank=True
    )
    condition = models.TextField(_("điều kiện"), blank=True, help_text=_("Để trống nếu luôn phải nộp."))
    document_type = models.SlugField(
        _("loại giấy tờ"),
        max_length=80,
        blank=True,
        help_text=_("Khóa dùng để tái sử dụng giấy tờ đã nộp (ví dụ: giay-khai-sinh)."),
    )
    templates = models.JSONField(_("mẫu đơn, tờ khai"), default=list, blank=True, help_text=_("Tên các tệp mẫu."))
    group = models.TextField(_("nhóm giấy tờ"), blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.name[:80]

    @property
    def is_required(self) -> bool:
        return not self.condition
