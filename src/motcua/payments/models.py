"""Payments of a dossier's fees, one row per attempt, and every callback received, kept raw (issue 11).

A ``Payment`` is one attempt to pay a dossier's fee lines through one provider; its ``reference`` is unique per
attempt (``vnp_TxnRef``, the national platform's ``MaThamChieu``) and every state change is one conditional
UPDATE on it (``rules.payments``). A ``PaymentCallback`` is what a gateway sent (or a query answered), as it
came, with the verdict we reached: the evidence of a dispute.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.rules.payments import PaymentState


class State(models.TextChoices):
    CREATED = PaymentState.CREATED.value, _("Mới tạo")
    STARTED = PaymentState.STARTED.value, _("Đang thanh toán")
    SUCCEEDED = PaymentState.SUCCEEDED.value, _("Đã thanh toán")
    FAILED = PaymentState.FAILED.value, _("Không thành công")
    EXPIRED = PaymentState.EXPIRED.value, _("Hết hạn")
    CANCELLED = PaymentState.CANCELLED.value, _("Đã hủy")
    REFUNDED = PaymentState.REFUNDED.value, _("Đã hoàn tiền")


class Payment(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(_("mã tham chiếu"), max_length=64, unique=True)
    provider = models.CharField(_("hình thức thanh toán"), max_length=20)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.CREATED)
    amount_vnd = models.BigIntegerField(_("số tiền (đồng)"))
    # the fee lines paid, as the dossier received them: [{id, kind, name, amount_vnd}]
    fee_lines = models.JSONField(_("các khoản phí, lệ phí"), default=list)
    provider_transaction = models.CharField(_("mã giao dịch của cổng"), max_length=100, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=60, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"))
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    settled_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    settled_by = models.CharField(_("xác nhận bởi"), max_length=20, blank=True)  # callback, query, counter, expiry
    refunded_at = models.DateTimeField(_("hoàn tiền lúc"), null=True, blank=True)
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    refund_reason = models.TextField(_("lý do hoàn tiền"), blank=True)
    # the dossier action the success was recorded as (record_payment), or why none could be
    dossier_action_seq = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lần thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "-created_at"], name="payment_dossier_created"),
            # reconciliation: open attempts by age
            models.Index(fields=["state", "created_at"], name="payment_open_by_age"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.state}"


class Verdict(models.TextChoices):
    RECORDED = "recorded", _("Đã ghi nhận")
    FORGED = "forged", _("Sai chữ ký")
    NOT_FOUND = "not_found", _("Không có giao dịch")
    AMOUNT = "amount", _("Sai số tiền")
    ALREADY = "already", _("Đã xác nhận trước đó")
    PENDING = "pending", _("Chưa có kết quả")
    ERROR = "error", _("Lỗi khác")


class PaymentCallback(models.Model):
    """One message from a gateway (a callback, or the answer to our query), raw, with its verdict."""

    provider = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)  # ipn, callback, query, return
    received_at = models.DateTimeField()
    reference = models.CharField(max_length=255, blank=True, db_index=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, related_name="callbacks")
    query = models.TextField(blank=True)  # the raw query string
    body = models.TextField(blank=True)  # the raw body (decoded as UTF-8, invalid bytes replaced)
    remote_addr = models.CharField(max_length=64, blank=True)
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    changed_state = models.BooleanField(default=False)
    answer = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("thông báo từ cổng thanh toán")
        verbose_name_plural = _("thông báo từ cổng thanh toán")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider}/{self.channel} {self.reference} {self.verdict}"
