"""In which capacities a user can act on a dossier: their memberships, and being its applicant.

Read by the services (to find the capacity in which the reducer accepts an action) and by the selectors
(to list the actions a user may perform now); neither imports the other.
"""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.rules.lifecycle import Actor
from motcua.rules.roles import OFFICER_ROLES, Role


def actor_capacities(user: User, dossier: Dossier | None) -> list[Actor]:
    """Every capacity in which ``user`` could act on ``dossier`` (reads ``user.memberships``; prefetch it)."""
    actors = [Actor(Role(m.role), m.agency_id) for m in user.memberships.all() if m.role in OFFICER_ROLES]
    if dossier is None or (dossier.applicant_user_id is not None and dossier.applicant_user_id == user.pk):
        actors.append(Actor(Role.APPLICANT, None))
    return actors
