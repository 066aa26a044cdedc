"""The portal's own rows: the applicant's evaluation of a dossier (RULES.md §5) and drafts of online applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.rules.rating import SATISFACTION_LABELS


class Rating(models.Model):
    """One evaluation per dossier (the one-to-one key makes a second one impossible), by its applicant."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="rating")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("điểm từng tiêu chí"))
    total = models.PositiveSmallIntegerField(_("tổng điểm"))
    satisfaction = models.CharField(
        _("mức độ hài lòng"), max_length=20, choices=[(k.value, v) for k, v in SATISFACTION_LABELS.items()]
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"))

    class Meta:
        verbose_name = _("đánh giá của người dân")
        verbose_name_plural = _("đánh giá của người dân")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.total}/18"


class Draft(models.Model):
    """An online application saved before submission: the form's fields (not its files, which are chosen again
    at submission — a reading: a draft that held uploads would keep personal papers of unsubmitted applications)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    offering = models.ForeignKey("catalog.Offering", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        constraints = [models.UniqueConstraint(fields=["user", "offering"], name="draft_user_offering")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.offering_id}"
