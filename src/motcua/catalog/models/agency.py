"""Agencies (cơ quan, đơn vị) with their electronic identifiers, hierarchy and history."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.rules.codes import is_valid_agency_identifier


class Level(models.TextChoices):
    """Administrative levels. Districts were dissolved on 1 July 2025 (RULES.md §0) and are kept for
    the history of dossiers and procedures received before."""

    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (đến 30/06/2025)")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Cơ quan chuyên môn")
    SERVICE_CENTRE = "service_centre", _("Trung tâm phục vụ hành chính công")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Đơn vị sự nghiệp")
    POLICE = "police", _("Công an")
    OTHER = "other", _("Khác")


def validate_agency_identifier(value: str) -> None:
    """Decision 20/2020/QĐ-TTg (amended by Decision 09/2025/QĐ-TTg): see ``rules.codes``."""
    if not is_valid_agency_identifier(value):
        raise ValidationError(
            _("Mã định danh điện tử “%(value)s” không đúng cấu trúc (ví dụ đúng: 000.00.12.H55)."),
            code="invalid_identifier",
            params={"value": value},
        )


class Agency(models.Model):
    identifier = models.CharField(
        _("mã định danh điện tử"), max_length=40, unique=True, validators=[validate_agency_identifier]
    )
    identifier_is_placeholder = models.BooleanField(
        _("mã định danh giả định"),
        default=False,
        help_text=_("Đánh dấu khi chưa có mã định danh chính thức (dữ liệu mẫu)."),
    )
    name = models.TextField(_("tên"))
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=30, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("cơ quan kế thừa"),
        help_text=_("Cơ quan tiếp nhận chức năng sau sáp nhập, hợp nhất hoặc giải thể."),
    )
    admin_unit_code = models.CharField(_("mã đơn vị hành chính"), max_length=10, blank=True)
    address = models.TextField(_("địa chỉ"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
        if self.pk and self.parent_id == self.pk:
            errors["parent"] = _("Một cơ quan không thể là cấp trên của chính nó.")
        if self.pk and self.successor_id == self.pk:
            errors["successor"] = _("Một cơ quan không thể kế thừa chính nó.")
        if self.successor_id and not self.valid_to:
            errors["valid_to"] = _("Cơ quan đã có cơ quan kế thừa phải có ngày hết hiệu lực.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)
