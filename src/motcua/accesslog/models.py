"""The access log: who read or downloaded what, who logged in or failed to, every admin change (issue 15).

Append-only like the action log (``dossiers.models.AppendOnlyQuerySet``). It keeps the name typed at a failed
login and the user's name at the time, so it still reads when an account is renamed or removed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import AppendOnlyQuerySet
from motcua.rules.access import AccessKind


class AccessKindChoice(models.TextChoices):
    LOGIN = AccessKind.LOGIN.value, _("Đăng nhập")
    LOGIN_FAILED = AccessKind.LOGIN_FAILED.value, _("Đăng nhập không thành công")
    LOGOUT = AccessKind.LOGOUT.value, _("Đăng xuất")
    READ_DOSSIER = AccessKind.READ_DOSSIER.value, _("Xem hồ sơ")
    DOWNLOAD = AccessKind.DOWNLOAD.value, _("Tải giấy tờ")
    ADMIN_CHANGE = AccessKind.ADMIN_CHANGE.value, _("Thay đổi trong trang quản trị")


class AccessEvent(models.Model):
    at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("loại"), max_length=20, choices=AccessKindChoice.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("tài khoản"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True)
    document = models.CharField(_("giấy tờ"), max_length=40, blank=True)
    detail = models.TextField(_("chi tiết"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện truy cập")
        verbose_name_plural = _("nhật ký truy cập")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["at"], name="access_at"),
            models.Index(fields=["dossier_code", "at"], name="access_dossier_at"),
            models.Index(fields=["username", "at"], name="access_username_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind} {self.dossier_code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the access log is append-only")
