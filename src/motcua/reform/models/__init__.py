"""Reform management: compliance cost per procedure version, simplification plans, the PAR Index."""

from motcua.reform.models.cost import CostAssessment, IncomeSetting
from motcua.reform.models.par import ParCriterion, ParEvidence, ParScore
from motcua.reform.models.plans import PlanItem, PlanState, SimplificationPlan

__all__ = [
    "CostAssessment",
    "IncomeSetting",
    "ParCriterion",
    "ParEvidence",
    "ParScore",
    "PlanItem",
    "PlanState",
    "SimplificationPlan",
]
