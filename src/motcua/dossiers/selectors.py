"""Reads of dossiers. Authorisation is applied inside the query (DESIGN.md principle 6)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.accounts.models import User
from motcua.catalog.selectors import reads_province_wide
from motcua.dossiers.actors import actor_capacities
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.plans import plan_from
from motcua.dossiers.state import current_state
from motcua.rules.lifecycle import OPENING_ACTIONS, SYSTEM_ONLY_ACTIONS, ActionType, allowed_actions, may_act
from motcua.rules.roles import OFFICER_ROLES


def public_dossier(code: str) -> Dossier | None:
    """The dossier the public tracking page may show (no authorisation: it shows no personal data)."""
    return Dossier.objects.select_related("procedure", "receiving_agency").filter(code=code).first()


def officer_agency_ids(user: User) -> list[int]:
    return list({m.agency_id for m in user.memberships.all()})


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    """Dossiers ``user`` may see: the province's monitoring officer all of them; an officer those of their
    agencies (resolving, receiving, or at one of their agency's steps now or before); a citizen their own;
    nobody else anything. Seeing is not acting: what a user may do is the transition table's answer."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    if reads_province_wide(user):
        return Dossier.objects.all()
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


def queue(user: User) -> QuerySet[Dossier]:
    """The officer's queue: dossiers whose current step is at one of their agencies in one of their roles.

    No status filter: a dossier that ends has no current agency (``services.project``), so only active
    dossiers match — and the ``dossier_queue`` index (agency, role, due, id) then serves the workbench's
    order directly, without sorting the whole queue.
    """
    scope = Q(pk__in=[])
    for membership in user.memberships.all():
        if membership.role in OFFICER_ROLES:
            scope |= Q(current_agency_id=membership.agency_id, current_role=membership.role)
    return Dossier.objects.filter(scope)


def queue_listing(user: User) -> QuerySet[Dossier]:
    """The officer's queue with the columns the workbench shows (not the plan, not the procedure's texts)."""
    return (
        queue(user)
        .select_related("procedure")
        .only("code", "applicant_name", "status", "step_due_at", "due_at", "received_at", "procedure__name")
    )


def visible_page(user: User, dossiers: QuerySet[Dossier], *, before: int | None, limit: int) -> list[Dossier]:
    """The newest ``limit`` dossiers of ``dossiers`` that ``user`` may see, with ids below ``before``.

    The same scope as :func:`visible_dossiers`, but asked one branch at a time — resolving agency,
    receiving desk, an agency that held a step, the applicant — each served by its own index in id order,
    then merged: an ``OR`` of the branches would make the database scan dossiers newest first until
    enough match (seconds for a quiet agency among millions of dossiers).
    """
    if not user.is_authenticated:
        return []
    if before is not None:
        dossiers = dossiers.filter(pk__lt=before)
    if reads_province_wide(user):
        return list(dossiers.order_by("-pk")[:limit])
    agencies = officer_agency_ids(user)
    branches = [dossiers.filter(applicant_user=user)]
    if agencies:
        branches += [
            dossiers.filter(resolving_agency_id__in=agencies),
            dossiers.filter(receiving_agency_id__in=agencies),
            dossiers.filter(steps__agency_id__in=agencies).distinct(),
        ]
    ids: set[int] = set()
    for branch in branches:
        ids.update(branch.order_by("-pk").values_list("pk", flat=True)[:limit])
    newest = sorted(ids, reverse=True)[:limit]
    found = {d.pk: d for d in dossiers.filter(pk__in=newest)}
    return [found[pk] for pk in newest if pk in found]


def allowed_actions_for(user: User, dossier: Dossier) -> list[ActionType]:
    """The actions ``user`` may perform on ``dossier`` now (the workbench's buttons)."""
    state = current_state(dossier)
    plan = plan_from(dossier.plan)
    capacities = actor_capacities(user, dossier)
    return [
        kind
        for kind in allowed_actions(state)
        if kind not in OPENING_ACTIONS
        and kind not in SYSTEM_ONLY_ACTIONS
        and any(may_act(state, plan, kind, actor) for actor in capacities)
    ]
