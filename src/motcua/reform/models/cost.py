"""The inputs and result of a compliance-cost assessment, kept per procedure version with who entered them.

A *version* of a procedure is a catalogue ``Procedure`` row: a simplification plan drafts the new version as
a new (draft) procedure beside the one in force (``reform.services.plans``). Each assessment is a new row:
the latest is the procedure's current figure, the earlier ones its history.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.rules.compliance_cost import hourly_income


class IncomeSetting(models.Model):
    """The average income figure of a year, with where it comes from (RULES.md §8: hourly income = monthly
    income ÷ working days per month ÷ 8)."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    monthly_income_vnd = models.DecimalField(
        _("thu nhập bình quân tháng (đồng)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )
    working_days_per_month = models.DecimalField(
        _("số ngày làm việc trong tháng"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(22),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    source = models.TextField(_("nguồn số liệu"), help_text=_("Văn bản, niên giám thống kê… cho con số này."))

    class Meta:
        verbose_name = _("thu nhập bình quân năm")
        verbose_name_plural = _("thu nhập bình quân năm")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.monthly_income_vnd:,.0f} đ/tháng"

    @property
    def hourly_income_vnd(self) -> Decimal:
        return hourly_income(self.monthly_income_vnd, self.working_days_per_month)


class CostAssessment(models.Model):
    """One Standard Cost Model computation for one procedure version (Circular 02/2017/TT-VPCP)."""

    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="cost_assessments", verbose_name=_("thủ tục")
    )
    year = models.PositiveSmallIntegerField(_("năm số liệu"))
    activities = models.JSONField(
        _("các công việc"), default=list, help_text=_('Danh sách {"name", "hours", "times"}.')
    )
    hourly_income_vnd = models.DecimalField(_("thu nhập bình quân giờ (đồng)"), max_digits=20, decimal_places=6)
    income_source = models.TextField(_("nguồn thu nhập bình quân"), blank=True)
    fees_vnd = models.DecimalField(_("phí, lệ phí (đồng)"), max_digits=15, decimal_places=0, default=0)
    other_costs_vnd = models.DecimalField(_("chi phí khác (đồng)"), max_digits=15, decimal_places=0, default=0)
    executions_per_year = models.PositiveIntegerField(_("số lần thực hiện/năm"))
    subjects = models.PositiveIntegerField(_("số đối tượng"))
    cost_per_execution_vnd = models.BigIntegerField(_("chi phí một lần thực hiện (đồng)"))
    annual_cost_vnd = models.BigIntegerField(_("chi phí cả năm (đồng)"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nhập")
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)

    class Meta:
        verbose_name = _("chi phí tuân thủ")
        verbose_name_plural = _("chi phí tuân thủ")
        ordering = ["procedure", "-entered_at", "-id"]
        indexes = [models.Index(fields=["procedure", "-entered_at"])]

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.cost_per_execution_vnd:,} đ/lần"
