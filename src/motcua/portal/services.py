"""Writes of the citizens' portal: local accounts (sign-up, verification, password reset) and ratings.

Every write is one transaction; a code leaves through the outbox (``portal.codes``) in the same transaction as the
row that holds its hash, so a code is sent if and only if it can be checked.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import AccountType, CodePurpose, User, VerificationCode
from motcua.accounts.services import hash_token
from motcua.dossiers.errors import ActionRefused, InvalidInput, NotPermitted
from motcua.dossiers.models import Dossier
from motcua.integrations.notifications import notification_channels
from motcua.integrations.services import enqueue
from motcua.metrics.services import add_to_counters
from motcua.portal.codes import DESTINATION, SCHEMA
from motcua.portal.counting import rating_deltas
from motcua.portal.models import Draft, Rating
from motcua.rules.identity import is_citizen_id, is_tax_code, normalise_identifier
from motcua.rules.phones import normalise_mobile
from motcua.rules.rating import InvalidRating, may_rate, parse_rating

CODE_MINUTES = 15
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SignUp:
    account_type: str
    full_name: str
    id_number: str
    contact: str  # an e-mail address or a Vietnamese mobile number
    password: str


def normalise_contact(text: str) -> tuple[str, str] | None:
    """``("email", address)`` or ``("sms", +84…)`` for what a person typed as their e-mail or phone, else ``None``."""
    text = text.strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            return None
        return "email", text.lower()
    phone = normalise_mobile(text)
    return ("sms", phone) if phone else None


def _send_code(user: User, purpose: str, channel: str, to: str, at: datetime) -> None:
    """A fresh code for ``user`` (the earlier unused ones of this purpose end now), written with its outbox row."""
    VerificationCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=at)
    code = f"{secrets.randbelow(10**6):06d}"
    row = VerificationCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=hash_token(code),
        created_at=at,
        expires_at=at + timedelta(minutes=CODE_MINUTES),
    )
    what = _("đăng ký tài khoản") if purpose == CodePurpose.SIGN_UP else _("đặt lại mật khẩu")
    subject = _("Mã xác minh %(what)s Một cửa điện tử") % {"what": what}
    body = _("Mã xác minh %(what)s của bạn là %(code)s (hiệu lực %(minutes)s phút). Không chia sẻ mã này.") % {
        "what": what,
        "code": code,
        "minutes": CODE_MINUTES,
    }
    plugin = notification_channels.get(channel)
    if plugin is not None:
        subject, body = plugin.compose(subject, body)
    key = f"{DESTINATION}:{row.pk}"
    enqueue(
        destination=DESTINATION,
        event=f"account.{purpose}",
        idempotency_key=key,
        ordering_key=key,
        payload={"schema": SCHEMA, "channel": channel, "to": to, "subject": subject, "body": body},
    )


def _clean_sign_up(data: SignUp) -> tuple[str, str, str, str]:
    if data.account_type not in AccountType.values:
        raise InvalidInput(_("Loại tài khoản không hợp lệ."), field="account_type")
    name = " ".join(data.full_name.split())[:200]
    if not name:
        raise InvalidInput(_("Hãy nhập họ và tên (hoặc tên doanh nghiệp)."), field="full_name")
    number = normalise_identifier(data.id_number)
    if data.account_type == AccountType.CITIZEN and not is_citizen_id(number):
        raise InvalidInput(_("Số định danh cá nhân phải gồm 12 chữ số."), field="id_number")
    if data.account_type == AccountType.ENTERPRISE and not is_tax_code(number):
        raise InvalidInput(
            _("Mã số thuế phải gồm 10 chữ số (hoặc 10 chữ số, dấu gạch ngang và 3 chữ số)."), field="id_number"
        )
    contact = normalise_contact(data.contact)
    if contact is None:
        raise InvalidInput(_("Hãy nhập một địa chỉ thư điện tử hoặc số điện thoại di động hợp lệ."), field="contact")
    return name, number, *contact


def sign_up(data: SignUp, *, at: datetime | None = None) -> User:
    """Create a local account, inactive until the code sent to its e-mail or phone is typed back.

    An address already used by an active account is refused; an inactive one (an abandoned sign-up) is taken
    over by the new sign-up, which gets its own code — the old one ends.
    """
    at = at or timezone.now()
    name, number, channel, to = _clean_sign_up(data)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=to).first()
        if user is not None and user.is_active:
            raise InvalidInput(_("Địa chỉ này đã có tài khoản. Hãy đăng nhập hoặc đặt lại mật khẩu."), field="contact")
        user = user or User(username=to)
        user.is_active = False
        user.account_type = data.account_type
        user.full_name = name
        user.personal_id_number = number
        user.email, user.phone = (to, "") if channel == "email" else ("", to)
        try:
            validate_password(data.password, user)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages), field="password") from error
        user.set_password(data.password)
        user.save()
        _send_code(user, CodePurpose.SIGN_UP, channel, to, at)
    return user


def _use_code(user: User, purpose: str, code: str, at: datetime) -> bool:
    """Whether ``code`` is the user's live code of ``purpose``; a wrong try counts, five end the code."""
    row = (
        VerificationCode.objects.select_for_update()
        .filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=at)
        .order_by("-created_at")
        .first()
    )
    if row is None:
        return False
    if not secrets.compare_digest(hash_token(code.strip()), row.code_hash):
        row.attempts += 1
        row.used_at = at if row.attempts >= MAX_ATTEMPTS else None
        row.save(update_fields=["attempts", "used_at"])
        return False
    row.used_at = at
    row.save(update_fields=["used_at"])
    return True


def confirm_sign_up(user_id: int, code: str, *, at: datetime | None = None) -> User | None:
    """Activate the account when the code is right (the address is then verified); ``None`` otherwise."""
    at = at or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=False).first()
        if user is None or not _use_code(user, CodePurpose.SIGN_UP, code, at):
            return None
        user.is_active = True
        user.contact_verified = True
        user.save(update_fields=["is_active", "contact_verified"])
    return user


def start_password_reset(contact: str, *, at: datetime | None = None) -> None:
    """Send a reset code when an active local account has this address; say nothing either way (the page
    answers the same, so it does not tell who has an account)."""
    at = at or timezone.now()
    found = normalise_contact(contact)
    if found is None:
        return
    channel, to = found
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=to, is_active=True).first()
        if user is not None and user.has_usable_password():
            _send_code(user, CodePurpose.RESET, channel, to, at)


def reset_password(contact: str, code: str, password: str, *, at: datetime | None = None) -> User | None:
    """Set a new password when the code is right; ``None`` when it is not (or the address has no account)."""
    at = at or timezone.now()
    found = normalise_contact(contact)
    if found is None:
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=found[1], is_active=True).first()
        if user is None:
            return None
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages), field="password") from error
        if not _use_code(user, CodePurpose.RESET, code, at):
            return None
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def rate_dossier(
    dossier: Dossier,
    *,
    user: User,
    scores: Mapping[str, object],
    satisfaction: object,
    comment: str = "",
    at: datetime | None = None,
) -> Rating:
    """The applicant's evaluation of the service (RULES §5): once per dossier, after it has ended, by its own
    applicant; the counters of indicator 5.3 (``rated``, ``rated_dissatisfied``) in the same transaction.

    A second evaluation, or two at once, is refused by the one-to-one key (one conditional INSERT)."""
    at = at or timezone.now()
    try:
        parsed = parse_rating(scores, satisfaction)
    except InvalidRating as error:
        raise InvalidInput(str(error), field=error.field) from error
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().filter(pk=dossier.pk, applicant_user=user).first()
        if locked is None:
            raise NotPermitted(_("Chỉ người nộp hồ sơ đánh giá được hồ sơ này."))
        if not may_rate(locked.status, Rating.objects.filter(dossier=locked).exists()):
            raise ActionRefused(_("Hồ sơ này đã được đánh giá, hoặc chưa giải quyết xong."))
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    dossier=locked,
                    user=user,
                    scores=dict(parsed.scores),
                    total=parsed.total,
                    satisfaction=parsed.satisfaction.value,
                    comment=" ".join(comment.split())[:2000],
                    rated_at=at,
                )
        except IntegrityError as error:
            raise ActionRefused(_("Hồ sơ này đã được đánh giá.")) from error
        add_to_counters(locked.resolving_agency_id, locked.procedure_id, locked.channel, rating_deltas(rating))
    return rating


def save_draft(user: User, offering_id: int, data: Mapping[str, object]) -> None:
    """Keep the form of an application not yet submitted (one draft per user and offering)."""
    Draft.objects.update_or_create(user=user, offering_id=offering_id, defaults={"data": dict(data)})


def discard_draft(user: User, offering_id: int) -> None:
    Draft.objects.filter(user=user, offering_id=offering_id).delete()
