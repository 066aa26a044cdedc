"""Dossiers. For now: the per-agency, per-day sequence behind dossier codes (RULES.md §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierCodeSequence(models.Model):
    """Last sequence number given to an agency on a day; incremented by one atomic statement."""

    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("số thứ tự mã hồ sơ")
        verbose_name_plural = _("số thứ tự mã hồ sơ")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_value}"
