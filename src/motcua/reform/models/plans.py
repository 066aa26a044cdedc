"""Simplification plans (phương án đơn giản hóa): a decision, its items, and their state.

An item names the procedure in force (``before``) and what changes; the new version is drafted in the
catalogue as a draft procedure (``after``), and *implemented* means that version is published and offered
through the catalogue's own mechanism (``Procedure.status`` published, ``Offering.active``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanState(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    APPROVED = "approved", _("Đã phê duyệt")
    IMPLEMENTED = "implemented", _("Đã thực thi")


class SimplificationPlan(models.Model):
    decision_number = models.CharField(_("số quyết định"), max_length=60, unique=True)
    decision_date = models.DateField(_("ngày quyết định"))
    title = models.TextField(_("trích yếu"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=PlanState.choices, default=PlanState.PROPOSED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người lập")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    implemented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    implemented_on = models.DateField(_("ngày thực thi"), null=True, blank=True)

    class Meta:
        verbose_name = _("phương án đơn giản hóa")
        verbose_name_plural = _("phương án đơn giản hóa")
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return f"{self.decision_number} — {self.title[:80]}"


class PlanItem(models.Model):
    plan = models.ForeignKey(SimplificationPlan, on_delete=models.CASCADE, related_name="items")
    before = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục hiện hành")
    )
    after = models.OneToOneField(
        "catalog.Procedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="simplified_from",
        verbose_name=_("phiên bản mới (dự thảo)"),
    )
    changes = models.JSONField(
        _("nội dung thay đổi"),
        default=list,
        help_text=_(
            'Danh sách {"kind": "remove_document" | "cut_time" | "merge_steps" | "raise_online" | "lower_fee", …}.'
        ),
    )
    description = models.TextField(_("mô tả phương án"), blank=True)

    class Meta:
        verbose_name = _("nội dung phương án")
        verbose_name_plural = _("nội dung phương án")
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "before"], name="plan_item_unique")]

    def __str__(self) -> str:
        return f"{self.plan.decision_number}: {self.before_id}"
