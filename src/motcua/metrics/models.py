"""Live counters per day × agency × procedure × channel, projected from the dossiers' action log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel


class DailyCounter(models.Model):
    day = models.DateField(_("ngày"))
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan"))
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)
    received = models.PositiveIntegerField(_("tiếp nhận"), default=0)
    received_online = models.PositiveIntegerField(_("tiếp nhận trực tuyến"), default=0)
    refused = models.PositiveIntegerField(_("từ chối"), default=0)
    supplement_requested = models.PositiveIntegerField(_("yêu cầu bổ sung"), default=0)
    finished_early = models.PositiveIntegerField(_("giải quyết trước hạn"), default=0)
    finished_on_time = models.PositiveIntegerField(_("giải quyết đúng hạn"), default=0)
    finished_late = models.PositiveIntegerField(_("giải quyết quá hạn"), default=0)
    returned = models.PositiveIntegerField(_("đã trả kết quả"), default=0)
    withdrawn = models.PositiveIntegerField(_("rút hồ sơ"), default=0)
    stopped = models.PositiveIntegerField(_("dừng xử lý"), default=0)
    apologised = models.PositiveIntegerField(_("xin lỗi, hẹn lại"), default=0)
    paid_at_counter = models.PositiveIntegerField(_("nộp phí tại quầy"), default=0)

    class Meta:
        verbose_name = _("số liệu theo ngày")
        verbose_name_plural = _("số liệu theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "procedure", "channel"], name="daily_counter_unique")
        ]
        indexes = [models.Index(fields=["agency", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_id} {self.channel}"
