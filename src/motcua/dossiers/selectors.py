"""Reads of dossiers. Authorisation is applied inside the query (DESIGN.md principle 6)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.services import actor_capacities, plan_from, state_of
from motcua.rules.lifecycle import ACTIVE_STATUSES, OPENING_ACTIONS, ActionType, allowed_actions, may_act


def public_dossier(code: str) -> Dossier | None:
    """The dossier the public tracking page may show (no authorisation: it shows no personal data)."""
    return Dossier.objects.select_related("procedure", "receiving_agency").filter(code=code).first()


def officer_agency_ids(user: User) -> list[int]:
    return list({m.agency_id for m in user.memberships.all()})


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    """Dossiers ``user`` may see: an officer those of their agencies (resolving, receiving, or at one of
    their agency's steps now or before); a citizen their own; nobody else anything."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    agencies = officer_agency_ids(user)
    scope = Q(applicant_user=user)
    if agencies:
        passed_through = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agencies)
        scope |= (
            Q(resolving_agency_id__in=agencies)
            | Q(receiving_agency_id__in=agencies)
            | Q(current_agency_id__in=agencies)
            | Exists(passed_through)
        )
    return Dossier.objects.filter(scope)


OFFICER_ROLES = ("counter", "specialist", "leader")


def queue(user: User) -> QuerySet[Dossier]:
    """The officer's queue: active dossiers whose current step is at one of their agencies in one of
    their roles (the ``dossier_queue`` index serves it)."""
    scope = Q(pk__in=[])
    for membership in user.memberships.all():
        if membership.role in OFFICER_ROLES:
            scope |= Q(current_agency_id=membership.agency_id, current_role=membership.role)
    return Dossier.objects.filter(scope, status__in=[s.value for s in ACTIVE_STATUSES])


def allowed_actions_for(user: User, dossier: Dossier) -> list[ActionType]:
    """The actions ``user`` may perform on ``dossier`` now (the workbench's buttons)."""
    state = state_of(dossier)
    plan = plan_from(dossier.plan)
    capacities = actor_capacities(user, dossier)
    return [
        kind
        for kind in allowed_actions(state)
        if kind not in OPENING_ACTIONS and any(may_act(state, plan, kind, actor) for actor in capacities)
    ]
