"""Users and their memberships in agencies.

An officer acts for an agency in a role (counter, specialist, leader, …); what they may see and do is
derived from their memberships, inside the query (DESIGN.md principle 6). A citizen is a user without
memberships: they see only their own dossiers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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


class AccountType(models.TextChoices):
    """Who a portal account files for (RULES.md §4 ``LoaiDoiTuong``: 1 citizen, 2 enterprise)."""

    CITIZEN = "citizen", _("Công dân")
    ENTERPRISE = "enterprise", _("Doanh nghiệp, tổ chức")


class User(AbstractUser):
    """A person who signs in: an officer (with memberships) or a citizen (without).

    ``personal_id_number`` is the 12-digit personal identification number (or, for a business account, the tax
    code); ``identity_verified`` is true only when an identity provider vouched for it at sign-in (OpenID
    Connect, e.g. VNeID) — it feeds ``TaiKhoanDuocXacThucVoiVNeID`` (RULES §6, §10) of the dossiers filed by it.
    """

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    account_type = models.CharField(
        _("loại tài khoản"),
        max_length=20,
        choices=AccountType.choices,
        default=AccountType.CITIZEN,
        db_default=AccountType.CITIZEN,
    )
    personal_id_number = models.CharField(
        _("số định danh cá nhân / mã số thuế"), max_length=14, blank=True, default="", db_default=""
    )
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True, default="", db_default="")
    identity_verified = models.BooleanField(_("đã xác thực định danh"), default=False, db_default=False)
    contact_verified = models.BooleanField(
        _("đã xác minh thư điện tử / số điện thoại"), default=False, db_default=False
    )

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


class TokenScope(models.TextChoices):
    """What a token may do: ``read`` answers only reads (GET, HEAD, OPTIONS); ``act`` may also write."""

    READ = "read", _("Chỉ đọc")
    ACT = "act", _("Đọc và thao tác")


#: lifetime of a token when none is given, and the longest one accepted
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365


def default_token_expiry() -> datetime:
    """Tokens existing before expiry was introduced get the default lifetime from the migration on (and the
    scope ``act``, what they could do before)."""
    return timezone.now() + timedelta(days=DEFAULT_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is stored (the token is 256 random bits, so a plain hash is
    enough); the token is shown once, at creation. It ends at ``expires_at`` or when its owner revokes it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng"))
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    scope = models.CharField(_("phạm vi"), max_length=10, choices=TokenScope.choices, default=TokenScope.ACT)
    expires_at = models.DateTimeField(_("hết hạn lúc"), default=default_token_expiry)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, at: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (at or timezone.now())


class ExternalIdentity(models.Model):
    """A sign-in through an identity provider: the provider's issuer and its stable subject for one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    last_login_at = models.DateTimeField()

    class Meta:
        verbose_name = _("định danh bên ngoài")
        verbose_name_plural = _("định danh bên ngoài")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class CodePurpose(models.TextChoices):
    SIGN_UP = "sign_up", _("Xác minh đăng ký")
    RESET = "reset", _("Đặt lại mật khẩu")


class VerificationCode(models.Model):
    """A one-time code sent to an account's e-mail or phone (through the outbox); only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"], name="code_user_purpose")]

    def __str__(self) -> str:
        return f"{self.user} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
