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


class MonthlyCount(models.Model):
    """The same counters summed by calendar month (``month`` = its first day): the roll-up the province-wide
    reads sum instead of every day's row (a year: 12 rows per key instead of 365; decision 53).

    Kept exact by construction: ``metrics.services.add_to_counters`` upserts the month's row in the same
    statement batch and transaction as the day's, and every rebuild of daily counters re-folds the months of
    the metrics it replaced. A period is read as its whole months from here and its partial months from
    ``DailyCount`` (``metrics.rollup``)."""

    month = models.DateField(_("tháng"))
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan"))
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)
    metric = models.CharField(_("chỉ tiêu"), max_length=40)
    value = models.BigIntegerField(_("giá trị"), default=0)

    class Meta:
        verbose_name = _("số liệu theo tháng")
        verbose_name_plural = _("số liệu theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "channel", "metric"], name="monthly_count_unique"
            )
        ]
        indexes = [models.Index(fields=["agency", "metric", "month"]), models.Index(fields=["metric", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.procedure_id} {self.channel} {self.metric}={self.value}"


class StepDurationCount(models.Model):
    """The per-step duration summary the early warning reads (decision 53): how many passages through step
    ``position`` of dossiers of ``procedure`` resolved by ``agency`` ended in ``month`` having lasted
    ``seconds`` working seconds (rounded up, ``rules.early_warning.bucket_of``).

    Added to in the transaction of the action that ends the passage (``metrics.services.add_step_durations``),
    rebuilt from the control sheets by ``motcua rebuild-metrics``. A year of one step is a few hundred rows,
    read by one indexed query for all the procedures of a list, instead of the newest dossiers' control sheets."""

    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan"))
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    position = models.PositiveSmallIntegerField(_("bước"))
    month = models.DateField(_("tháng"))
    seconds = models.IntegerField(_("thời gian (giây làm việc)"))
    passages = models.IntegerField(_("số lượt"), default=0)

    class Meta:
        verbose_name = _("thời gian xử lý theo bước")
        verbose_name_plural = _("thời gian xử lý theo bước")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "procedure", "position", "month", "seconds"], name="step_duration_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.agency_id} {self.procedure_id} #{self.position} {self.month:%Y-%m} {self.seconds}s×{self.passages}"
        )
