"""Reads of the reform module, authorisation inside the query: who is a reform officer, an assessment's
latest figure, a plan with its before/after, the PAR scores an agency may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from motcua.accounts.models import Membership, Role
from motcua.catalog.models import Agency, Procedure
from motcua.reform.models import CostAssessment, ParCriterion, ParScore, PlanItem, SimplificationPlan


def is_reform_officer(user: Any) -> bool:
    """A user holding the reform role in some agency (RULES.md §4's roles; ``Role.REFORM``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, role=Role.REFORM).exists()


def scoring_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose PAR items ``user`` may self-score: those they hold the leader or reform role in."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user, memberships__role__in=[Role.LEADER, Role.REFORM]).distinct()


def latest_assessment(procedure: Procedure) -> CostAssessment | None:
    return CostAssessment.objects.filter(procedure=procedure).select_related("entered_by").first()


def latest_assessments(procedure_ids: list[int]) -> dict[int, CostAssessment]:
    """The current assessment of each procedure (the latest entered), in one query."""
    latest: dict[int, CostAssessment] = {}
    for row in CostAssessment.objects.filter(procedure_id__in=procedure_ids).order_by(
        "procedure", "-entered_at", "-id"
    ):
        latest.setdefault(row.procedure_id, row)
    return latest


def plans() -> QuerySet[SimplificationPlan]:
    return SimplificationPlan.objects.prefetch_related("items")


def plan_with_items(plan_id: int) -> SimplificationPlan | None:
    items = PlanItem.objects.select_related("before__field", "after__field").order_by("id")
    return SimplificationPlan.objects.prefetch_related(Prefetch("items", queryset=items)).filter(pk=plan_id).first()


def par_tree(year: int) -> list[ParCriterion]:
    """Every criterion of the year, in order (parents before children)."""
    return list(ParCriterion.objects.filter(year=year).order_by("position", "id"))


def par_years() -> list[int]:
    return list(ParCriterion.objects.order_by("-year").values_list("year", flat=True).distinct())


def par_scores(year: int, agency_ids: list[int] | None = None) -> QuerySet[ParScore]:
    scores = ParScore.objects.filter(criterion__year=year).select_related("criterion", "agency")
    if agency_ids is not None:
        scores = scores.filter(agency_id__in=agency_ids)
    return scores.prefetch_related("evidence")
