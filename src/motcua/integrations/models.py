"""The transactional outbox: one row per (destination, event), the truth of its delivery.

A row is written in the transaction of the action that causes it and is never deleted. Its state is what the
admin shows and what the worker acts on; the background task that wakes a worker for it (``wake_task_id``) is
only a reminder, and a lost reminder is found again by the sweep (docs/decisions.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    DEAD = "dead", _("Gửi không thành công")


class OutboxMessage(models.Model):
    destination = models.CharField(_("nơi nhận"), max_length=50)
    event = models.CharField(_("sự kiện"), max_length=50)
    #: the receiver deduplicates on it: ``<destination>:<dossier code>:<action seq>`` for dossier events
    idempotency_key = models.CharField(_("khóa chống trùng"), max_length=200, unique=True)
    #: rows of one destination with the same ordering key (the dossier code) are delivered in creation order
    ordering_key = models.CharField(_("khóa thứ tự"), max_length=100)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("hồ sơ"),
    )
    payload = models.JSONField(_("nội dung"))

    state = models.CharField(_("trạng thái"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(_("số lần đã thử"), default=0)
    created_at = models.DateTimeField(_("thời điểm tạo"))
    next_attempt_at = models.DateTimeField(_("lần thử tiếp theo"))
    last_attempt_at = models.DateTimeField(_("lần thử gần nhất"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("thời điểm gửi thành công"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    response = models.CharField(_("trả lời của nơi nhận"), max_length=500, blank=True)
    redrive_count = models.PositiveIntegerField(_("số lần gửi lại thủ công"), default=0)

    # the lease: who is delivering it now, and until when (a conditional UPDATE claims it)
    leased_by = models.CharField(_("tiến trình xử lý"), max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(_("giữ đến"), null=True, blank=True)
    wake_task_id = models.UUIDField(_("tác vụ nền"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông điệp gửi đi")
        verbose_name_plural = _("hộp thư đi (outbox)")
        ordering = ["-id"]
        indexes = [
            # the ordering rule: "is there an earlier undelivered row of this destination and key?"
            models.Index(fields=["destination", "ordering_key", "id"], name="outbox_order"),
            # what is due (the sweep, --until-idle, --retry-now): pending rows only, so delivered ones cost nothing
            models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name="outbox_pending_due"),
            models.Index(fields=["state", "destination"], name="outbox_state"),
            # a batch claim: a destination's pending rows in id order (integrations.batches)
            models.Index(
                fields=["destination", "id"], condition=models.Q(state="pending"), name="outbox_pending_order"
            ),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class WorkerHeartbeat(models.Model):
    """Each worker's last sign of life, upserted at every sweep (read by ``/healthz`` and the metrics)."""

    worker_id = models.CharField(_("tiến trình"), max_length=100, unique=True)
    seen_at = models.DateTimeField(_("lần cuối hoạt động"))

    class Meta:
        verbose_name = _("tiến trình nền")
        verbose_name_plural = _("tiến trình nền")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"
