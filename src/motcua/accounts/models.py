"""Users and their memberships in agencies.

An officer acts for an agency in a role (counter, specialist, leader, …); what they may see and do is
derived from their memberships, inside the query (DESIGN.md principle 6). A citizen is a user without
memberships: they see only their own dossiers.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.rules.roles import Role as RoleValue


class Role(models.TextChoices):
    """The roles a user holds in an agency (RULES.md §4: intake, resolution, approval; reform; monitoring),
    with their labels; the values are ``rules.roles.Role``'s, where roles are defined."""

    COUNTER = RoleValue.COUNTER.value, _("Cán bộ tiếp nhận và trả kết quả (một cửa)")
    SPECIALIST = RoleValue.SPECIALIST.value, _("Chuyên viên xử lý")
    LEADER = RoleValue.LEADER.value, _("Lãnh đạo phê duyệt")
    REFORM = RoleValue.REFORM.value, _("Cán bộ cải cách hành chính")
    MONITOR = RoleValue.MONITOR.value, _("Cán bộ theo dõi, giám sát")


class User(AbstractUser):
    """A person who signs in: an officer (with memberships) or a citizen (without)."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A user acting for an agency in a role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("người dùng"))
    agency = models.ForeignKey(
        "catalog.Agency", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("cơ quan")
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class ApiToken(models.Model):
    """A bearer token for API clients. Only a hash is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng"))
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
