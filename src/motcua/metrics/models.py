"""Live counters per day × agency × procedure × channel × metric, projected from the dossiers' action log.

A narrow table: one row per non-zero metric of a key, so a metric the service index needs is a name in
``rules.counters``, not a column and a migration. Reports read O(agencies × days × metrics) rows through
the (agency, metric, day) index, never the dossiers.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel


class DailyCount(models.Model):
    day = models.DateField(_("ngày"))
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan"))
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)
    metric = models.CharField(_("chỉ tiêu"), max_length=40)
    # may go below zero on a day for ``open_by_due_day`` (a due moment moved away); sums are what count
    value = models.IntegerField(_("giá trị"), default=0)

    class Meta:
        verbose_name = _("số liệu theo ngày")
        verbose_name_plural = _("số liệu theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "channel", "metric"], name="daily_count_unique"
            )
        ]
        indexes = [models.Index(fields=["agency", "metric", "day"]), models.Index(fields=["metric", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_id} {self.channel} {self.metric}={self.value}"
