"""What an agency offers: a procedure with its local processing times, fees and process template."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.catalog.models.agency import Agency
from motcua.catalog.models.procedure import Procedure
from motcua.catalog.models.retirable import CURRENT, Retirable
from motcua.rules.process import Duration
from motcua.rules.workdays import Unit


class Channel(models.TextChoices):
    """Submission channels, with the national portal's ``KenhThucHien`` code (RULES.md §4, [V])."""

    COUNTER = "counter", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")

    @property
    def national_code(self) -> int:
        return {"counter": 1, "online": 2, "postal": 3}[self.value]


class TimeUnit(models.TextChoices):
    WORKING_DAYS = Unit.WORKING_DAYS.value, _("ngày làm việc")
    WORKING_HOURS = Unit.WORKING_HOURS.value, _("giờ làm việc")
    CALENDAR_DAYS = Unit.CALENDAR_DAYS.value, _("ngày")
    SAME_DAY = Unit.SAME_DAY.value, _("trong ngày")


class StepUnit(models.TextChoices):
    WORKING_DAYS = Unit.WORKING_DAYS.value, _("ngày làm việc")
    WORKING_HOURS = Unit.WORKING_HOURS.value, _("giờ làm việc")
    CALENDAR_DAYS = Unit.CALENDAR_DAYS.value, _("ngày")


class Offering(models.Model):
    """A procedure as resolved by one agency (procedure × agency)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("thủ tục")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("cơ quan giải quyết")
    )
    receiving_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_offerings",
        verbose_name=_("nơi tiếp nhận"),
        help_text=_("Bộ phận một cửa tiếp nhận hồ sơ (để trống nếu chính cơ quan giải quyết tiếp nhận)."),
    )
    active = models.BooleanField(_("đang áp dụng"), default=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thủ tục tại cơ quan")
        verbose_name_plural = _("thủ tục tại cơ quan")
        constraints = [models.UniqueConstraint(fields=["procedure", "agency"], name="offering_unique")]
        indexes = [models.Index(fields=["agency", "procedure"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.agency}"

    @property
    def intake_agency(self) -> Agency:
        return self.receiving_agency or self.agency


class OfferingChannel(Retirable):
    """A submission channel of an offering with its processing time; a channel is offered iff it has a current
    row. Its natural key is the channel."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    processing_amount = models.DecimalField(
        _("thời hạn giải quyết"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    processing_unit = models.CharField(_("đơn vị"), max_length=20, choices=TimeUnit.choices, blank=True)
    processing_text = models.TextField(
        _("mô tả thời hạn"), blank=True, help_text=_("Nguyên văn theo danh mục công bố.")
    )

    class Meta:
        verbose_name = _("hình thức nộp và thời hạn")
        verbose_name_plural = _("hình thức nộp và thời hạn")
        constraints = [
            models.UniqueConstraint(fields=["offering", "channel"], condition=CURRENT, name="offering_channel_unique")
        ]
        ordering = ["offering", "channel"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.processing_amount or '?'} {self.get_processing_unit_display()}"

    def clean(self) -> None:
        if self.processing_unit == TimeUnit.SAME_DAY:
            return
        if self.processing_unit and self.processing_amount is None:
            raise ValidationError({"processing_amount": _("Cần nhập thời hạn khi đã chọn đơn vị.")})

    @property
    def duration(self) -> Duration | None:
        """The processing time in the deadline engine's terms, or ``None`` while it is unknown."""
        if self.processing_unit == TimeUnit.SAME_DAY:
            return Duration(Decimal(1), Unit.SAME_DAY)
        if self.processing_amount is None or not self.processing_unit:
            return None
        return Duration(self.processing_amount, Unit(self.processing_unit))


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class Fee(Retirable):
    """A fee or charge (phí, lệ phí) of an offering, in VND, with its conditions.

    Its natural key is (kind, name, channel) and, for a repeated one, its occurrence; ``position`` keeps the
    order of the file, which the ids no longer tell once rows are updated in place."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices)
    name = models.TextField(_("tên"))
    amount_vnd = models.DecimalField(
        _("mức thu (đồng)"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Để trống nếu chưa xác định; 0 nếu miễn."),
    )
    condition = models.TextField(_("điều kiện, ghi chú"), blank=True)
    channel = models.CharField(
        _("áp dụng cho hình thức"),
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text=_("Để trống: mọi hình thức."),
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["offering", "position", "id"]

    def __str__(self) -> str:
        amount = f"{self.amount_vnd:,.0f} đ" if self.amount_vnd is not None else "?"
        return f"{self.name}: {amount}"


class ProcessTemplate(Retirable):
    """The internal process of an offering (quy trình nội bộ), for one channel or for all of them; its natural
    key is the channel."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="templates", verbose_name=_("thủ tục tại cơ quan")
    )
    channel = models.CharField(
        _("hình thức nộp"),
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text=_("Để trống: áp dụng cho mọi hình thức."),
    )
    name = models.TextField(_("tên quy trình"), blank=True)

    class Meta:
        verbose_name = _("quy trình xử lý")
        verbose_name_plural = _("quy trình xử lý")
        constraints = [
            models.UniqueConstraint(fields=["offering", "channel"], condition=CURRENT, name="process_template_unique")
        ]

    def __str__(self) -> str:
        return self.name or f"{self.offering} ({self.get_channel_display() or _('mọi hình thức')})"


class ProcessStep(Retirable):
    """One step of a process template, with its executing agency and allotted time (RULES.md §3); its natural
    key is its position in the template."""

    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.TextField(_("tên bước"))
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    executing_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan thực hiện"),
        help_text=_("Để trống nếu là cơ quan giải quyết; chọn cơ quan khác cho bước liên thông."),
    )
    allotted_amount = models.DecimalField(
        _("thời gian"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    allotted_unit = models.CharField(
        _("đơn vị"), max_length=20, choices=StepUnit.choices, default=StepUnit.WORKING_HOURS
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], condition=CURRENT, name="process_step_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def duration(self) -> Duration:
        return Duration(self.allotted_amount, Unit(self.allotted_unit))
