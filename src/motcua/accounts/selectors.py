"""Reads of who may read what, shared by the apps that authorise reads (dossiers, metrics)."""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.catalog.models import Level
from motcua.rules.roles import PROVINCE_WIDE_READ_ROLES


def reads_province_wide(user: User) -> bool:
    """Whether ``user`` reads every dossier: a monitoring role held at a province-level agency (``roles``)."""
    if not user.is_authenticated:
        return False
    return user.memberships.filter(role__in=PROVINCE_WIDE_READ_ROLES, agency__level=Level.PROVINCE).exists()
