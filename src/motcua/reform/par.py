"""Reads of the PAR Index (Decision 876/QĐ-BNV, RULES.md §14): a year's tree with an agency's scores, the
totals, the ranking of agencies, and the live measures criteria are bound to.

Readings (ours, RULES.md §14 marks the detail [R]):

- points are given on leaves; a node's total is the sum of its leaves, its maximum the sum of theirs (the
  file's figure for a parent is shown, the leaves' sum is what counts, so a tree that does not add up is
  never silently rescaled);
- an item's **final** score is the appraised score once the reform officer appraised it, else the agency's
  self-score, flagged as not yet appraised;
- index = total final score ÷ maximum × 100 (the method's "total ÷ maximum in %"), 2 decimals;
- a criterion bound to a live measure is pre-filled with ``max points × rate`` (the rate as a fraction),
  beside a link to the figures behind it; the agency may keep or change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from motcua.catalog.models import Agency
from motcua.metrics import rollup
from motcua.metrics.selectors import Scope
from motcua.reform.figures import province_figures
from motcua.reform.models import ParCriterion, ParScore
from motcua.reform.models.par import Measure
from motcua.reform.selectors import par_scores, par_tree
from motcua.rules.compliance_cost import share

DEFAULT_TREE = Path(__file__).parent / "fixtures" / "par_province_default.yaml"
TREE_FORMAT = "motcua-par/1"


def read_tree_file(text: str) -> list[dict[str, Any]]:
    """The areas of a tree file (YAML or JSON, format ``motcua-par/1``); ``ValueError`` with the reason."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"không đọc được tệp: {error}") from None
    if not isinstance(data, dict) or data.get("format") != TREE_FORMAT or not isinstance(data.get("areas"), list):
        raise ValueError(f"tệp cần 'format: {TREE_FORMAT}' và danh sách 'areas'")
    return data["areas"]


@dataclass
class Node:
    criterion: ParCriterion
    depth: int
    children: list[Node] = field(default_factory=list)
    score: ParScore | None = None
    suggestion: Decimal | None = None  # from the bound measure
    measure_rate: Decimal | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> list[Node]:
        return [self] if self.is_leaf else [leaf for child in self.children for leaf in child.leaves()]

    @property
    def max_points(self) -> Decimal:
        return sum((leaf.criterion.max_points for leaf in self.leaves()), Decimal(0))

    def total(self, which: str = "final") -> Decimal:
        return sum((_value(leaf.score, which) for leaf in self.leaves()), Decimal(0))

    @property
    def self_total(self) -> Decimal:
        return self.total("self")


def _value(score: ParScore | None, which: str) -> Decimal:
    if score is None:
        return Decimal(0)
    if which == "self":
        return score.self_score or Decimal(0)
    if which == "appraised":
        return score.appraised_score or Decimal(0)
    return score.appraised_score if score.appraised_score is not None else (score.self_score or Decimal(0))


@dataclass
class Assessment:
    agency: Agency
    year: int
    roots: list[Node]

    def flat(self) -> list[Node]:
        out: list[Node] = []

        def walk(node: Node) -> None:
            out.append(node)
            for child in node.children:
                walk(child)

        for root in self.roots:
            walk(root)
        return out

    @property
    def max_points(self) -> Decimal:
        return sum((r.max_points for r in self.roots), Decimal(0))

    def total(self, which: str = "final") -> Decimal:
        return sum((r.total(which) for r in self.roots), Decimal(0))

    def index(self, which: str = "final") -> Decimal | None:
        return share(self.total(which), self.max_points)

    @property
    def appraised(self) -> bool:
        leaves = [leaf for r in self.roots for leaf in r.leaves()]
        return bool(leaves) and all(
            leaf.score is not None and leaf.score.appraised_score is not None for leaf in leaves
        )


def assessment(year: int, agency: Agency, *, with_measures: bool = True) -> Assessment:
    criteria = par_tree(year)
    scores = {s.criterion_id: s for s in par_scores(year, [agency.pk])}
    nodes = {c.pk: Node(c, 0, score=scores.get(c.pk)) for c in criteria}
    roots: list[Node] = []
    for criterion in criteria:
        node = nodes[criterion.pk]
        if criterion.parent_id and criterion.parent_id in nodes:
            parent = nodes[criterion.parent_id]
            node.depth = parent.depth + 1
            parent.children.append(node)
        else:
            roots.append(node)
    if with_measures:
        for node in nodes.values():
            if node.criterion.measure and node.is_leaf:
                rate = measure_rate(node.criterion.measure, agency, year)
                node.measure_rate = rate
                if rate is not None:
                    node.suggestion = (node.criterion.max_points * min(rate, Decimal(100)) / 100).quantize(
                        Decimal("0.01"), rounding=ROUND_HALF_UP
                    )
    return Assessment(agency, year, roots)


def ranking(year: int) -> list[Assessment]:
    """Every agency that scored the year, best index first (final scores)."""
    agency_ids = ParScore.objects.filter(criterion__year=year).values_list("agency_id", flat=True).distinct()
    found = [assessment(year, a, with_measures=False) for a in Agency.objects.filter(pk__in=list(agency_ids))]
    return sorted(found, key=lambda a: (-(a.index() or Decimal(0)), a.agency.name))


# --------------------------------------------------------------------------------------------------
# live measures


def _sums(agency: Agency, year: int, metrics: list[str]) -> dict[str, int]:
    found = rollup.total(Scope(agency=agency), metrics, date(year, 1, 1), date(year, 12, 31))
    return {m: int(found.get(m, 0)) for m in metrics}


def measure_rate(measure: str, agency: Agency, year: int) -> Decimal | None:
    """The live figure (a percentage) of ``measure`` for ``agency`` in ``year``; ``None`` when not measurable.

    Dossier measures read the live counters (``metrics.DailyCount``) of the agency; the reform measures are the
    province's (``reform.figures``), the same for every agency."""
    if measure == Measure.ON_TIME_RATE:
        s = _sums(agency, year, ["finished_early", "finished_on_time", "finished_late"])
        return share(s["finished_early"] + s["finished_on_time"], sum(s.values()))
    if measure == Measure.ONLINE_SHARE:
        s = _sums(agency, year, ["received", "received_online"])
        return share(s["received_online"], s["received"])
    if measure == Measure.DIGITISED_SHARE:
        s = _sums(agency, year, ["received", "digitised"])
        return share(s["digitised"], s["received"])
    if measure == Measure.REUSED_SHARE:
        s = _sums(agency, year, ["received", "reused"])
        return share(s["reused"], s["received"])
    if measure in (Measure.COST_CUT, Measure.REGULATIONS_SIMPLIFIED):
        figures = province_figures()
        return figures.cost_rate if measure == Measure.COST_CUT else figures.regulation_rate
    return None
