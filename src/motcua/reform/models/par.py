"""The PAR Index (Decision 876/QĐ-BNV, RULES.md §14): a year's criteria tree as data, agencies' self-scores
with evidence, and the reform officer's appraisal.

The tree (area → criterion → sub-criterion) changes yearly by guidance: it is data the province edits or
loads from a file (``reform.services.par.load_tree``). Points are scored on leaves; a node's maximum is
its own figure, and the totals add the leaves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """Live measures a criterion can be bound to (pre-filled, with a link to the evidence)."""

    ON_TIME_RATE = "on_time_rate", _("Tỷ lệ hồ sơ giải quyết trước và đúng hạn")
    ONLINE_SHARE = "online_share", _("Tỷ lệ hồ sơ nộp trực tuyến")
    DIGITISED_SHARE = "digitised_share", _("Tỷ lệ hồ sơ số hóa")
    REUSED_SHARE = "reused_share", _("Tỷ lệ hồ sơ tái sử dụng dữ liệu đã số hóa")
    COST_CUT = "compliance_cost_cut", _("Tỷ lệ cắt giảm chi phí tuân thủ")
    REGULATIONS_SIMPLIFIED = "regulations_simplified", _("Tỷ lệ quy định được đơn giản hóa")


class ParCriterion(models.Model):
    year = models.PositiveSmallIntegerField(_("năm"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(_("mã"), max_length=20, help_text=_("Ví dụ 3, 3.2, 3.2.1."))
    title = models.TextField(_("tên tiêu chí"))
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2)
    evidence_required = models.TextField(_("tài liệu kiểm chứng cần có"), blank=True)
    measure = models.CharField(_("gắn với số liệu"), max_length=30, choices=Measure.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiêu chí Chỉ số CCHC")
        verbose_name_plural = _("tiêu chí Chỉ số CCHC")
        ordering = ["year", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="par_criterion_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.code}. {self.title[:80]}"


class ParScore(models.Model):
    """An agency's self-score of a leaf criterion, and the reform officer's appraisal of it."""

    criterion = models.ForeignKey(ParCriterion, on_delete=models.CASCADE, related_name="scores")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(_("điểm tự chấm"), max_digits=6, decimal_places=2, null=True, blank=True)
    self_comment = models.TextField(_("giải trình"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appraised_score = models.DecimalField(_("điểm thẩm định"), max_digits=6, decimal_places=2, null=True, blank=True)
    appraisal_comment = models.TextField(_("ý kiến thẩm định"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm Chỉ số CCHC")
        verbose_name_plural = _("điểm Chỉ số CCHC")
        constraints = [models.UniqueConstraint(fields=["criterion", "agency"], name="par_score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion.code} @ {self.agency}: {self.self_score} / {self.appraised_score}"


class ParEvidence(models.Model):
    score = models.ForeignKey(ParScore, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp kiểm chứng"), upload_to="par-evidence/%Y/")
    name = models.CharField(_("tên tài liệu"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.name
