"""The province's own texts of the notices: one template per notice and channel, edited in the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.rules.notices import Notice


class NoticeKind(models.TextChoices):
    RECEIVED = Notice.RECEIVED.value, _("Đã tiếp nhận hồ sơ")
    SUPPLEMENT_REQUESTED = Notice.SUPPLEMENT_REQUESTED.value, _("Yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSED = Notice.REFUSED.value, _("Từ chối tiếp nhận")
    RESULT_READY = Notice.RESULT_READY.value, _("Đã có kết quả")
    APOLOGY = Notice.APOLOGY.value, _("Xin lỗi và hẹn lại")
    PAYMENT_REQUESTED = Notice.PAYMENT_REQUESTED.value, _("Yêu cầu nộp phí, lệ phí")
    RETURNED = Notice.RETURNED.value, _("Đã trả kết quả")
    STOPPED = Notice.STOPPED.value, _("Dừng xử lý")


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class NotificationTemplate(models.Model):
    """Subject and body, in Django's template language, rendered with only the notice's variables.

    No row, a row switched off, or a row that fails to render: the default text of ``notify.defaults`` is
    sent, and a failure is written on the outbox message (``template_problem``) so that it is seen.
    """

    notice = models.CharField(_("thông báo"), max_length=30, choices=NoticeKind.choices)
    channel = models.CharField(_("kênh"), max_length=20, choices=ChannelKind.choices)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True, help_text=_("Thư điện tử; SMS không dùng."))
    body = models.TextField(_("nội dung"))
    active = models.BooleanField(_("đang dùng"), default=True, help_text=_("Tắt: gửi nội dung mặc định."))
    updated_at = models.DateTimeField(_("sửa lần cuối"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo cho người nộp hồ sơ")
        ordering = ["channel", "notice"]
        constraints = [models.UniqueConstraint(fields=["notice", "channel"], name="notification_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_notice_display()} — {self.get_channel_display()}"
