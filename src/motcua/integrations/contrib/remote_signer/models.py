"""The pending state of a remote signature, kept between worker attempts.

The official confirms in their app when they get to it; a worker attempt never waits for that. The first attempt
prepares the document (pyHanko's interrupted signing: the PDF with its placeholder, the byte range's digest, the
CMS signed attributes — ``signatures.pades.PreparedSignature``), keeps it here, and asks the remote service once,
under the cause's key (the outbox row's idempotency key, sent as ``reference``). Later attempts read the
request's state and, once it is confirmed, finish *this* prepared document with the signature — the document is
never prepared again, so the hash the official confirmed is the one signed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemoteState(models.TextChoices):
    PREPARED = "prepared", _("Đã chuẩn bị, chưa gửi yêu cầu ký")
    ASKED = "asked", _("Đang chờ người ký xác nhận trên ứng dụng")
    CONFIRMED = "confirmed", _("Người ký đã xác nhận")
    REJECTED = "rejected", _("Người ký đã từ chối")
    EXPIRED = "expired", _("Hết thời gian chờ người ký xác nhận")


class RemoteSigning(models.Model):
    key = models.CharField(_("khóa nguồn"), max_length=200, unique=True)
    agency = models.CharField(_("cơ quan"), max_length=40)
    certificates = models.TextField(_("chứng thư và chuỗi (PEM)"))  # the signer's first
    prepared_pdf = models.BinaryField(_("văn bản đã chuẩn bị"))
    document_digest = models.BinaryField()
    reserved_region_start = models.PositiveBigIntegerField()
    reserved_region_end = models.PositiveBigIntegerField()
    signed_attributes = models.BinaryField()
    to_sign = models.CharField(_("mã băm gửi ký (SHA-256, hex)"), max_length=64)
    remote_id = models.CharField(_("mã yêu cầu ở dịch vụ ký"), max_length=100, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=RemoteState.choices, default=RemoteState.PREPARED)
    signature = models.BinaryField(_("chữ ký"), blank=True, default=b"")
    reason = models.TextField(_("lý do"), blank=True)
    created_at = models.DateTimeField(_("thời điểm chuẩn bị"), auto_now_add=True)
    asked_at = models.DateTimeField(_("thời điểm gửi yêu cầu ký"), null=True, blank=True)
    decided_at = models.DateTimeField(_("thời điểm người ký quyết định"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu ký số từ xa")
        verbose_name_plural = _("yêu cầu ký số từ xa")

    def __str__(self) -> str:
        return f"{self.key}: {self.state}"
