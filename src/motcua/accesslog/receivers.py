"""Logins, failed logins, logouts and admin changes into the access log (Django's own signals)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.accesslog.services import record
from motcua.rules.access import AccessKind


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(AccessKind.LOGIN, request, user=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AccessKind.LOGOUT, request, user=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Django masks the password in ``credentials``; only the name typed is kept
    typed = str(credentials.get("username") or credentials.get("email") or "")[:150]
    record(AccessKind.LOGIN_FAILED, request, username=typed or "?")


@receiver(post_save, sender=LogEntry)
def _admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """The admin writes a ``LogEntry`` per addition, change and deletion: the access log adds the address."""
    if not created:
        return
    what = f"{instance.get_action_flag_display()} {instance.content_type} «{instance.object_repr}»"
    message = instance.get_change_message()
    record(
        AccessKind.ADMIN_CHANGE,
        None,
        user=instance.user,
        detail=f"{what}: {message}" if message else what,
    )
