"""Reads of the live counters: the Decision 766 service index of an agency, a level or the province over a period.

Computed from the counters only — a period's whole months from the monthly roll-up, its partial months from
the daily rows (``metrics.rollup``), a few grouped queries over O(agencies × procedures × months) rows, never the
dossiers (DESIGN.md principle 5). The formulas are
``rules.service_index``'s; this module sums the counter rows each term names.

Who may read it (issue 13): the province's monitoring officer (``catalog.selectors.reads_province_wide``) and
any reform officer, every agency and the province; an agency's leader or monitoring officer, their agency.
The index is aggregate (no personal data), so a reform officer held at any agency reads all of it: reading,
the reform officer measures the whole programme.

**Per-procedure indicators from the catalogue** (766 3.4 and 3.5, RULES.md §7 "snapshot"): the offerings of the
scope as the catalogue stands now (reading: the catalogue keeps no history of its fee lines, so "at the period's
end" is read as "now"), counted by ``rules.payments.procedure_payment_counts``, with the procedures paid online
in the period read from the ``paid_online`` counters. Whether an online gateway is configured is the payments
app's to say: it sets :data:`online_payment_configured` when it starts (metrics cannot import it — payments
builds on dossiers, which write these counters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Agency, Offering
from motcua.catalog.selectors import reads_province_wide
from motcua.metrics import rollup
from motcua.metrics.models import DailyCount
from motcua.rules.counters import METRICS
from motcua.rules.payments import procedure_payment_counts
from motcua.rules.roles import Role
from motcua.rules.service_index import (
    IndexResult,
    IndexVersion,
    Term,
    Window,
    evaluate,
    overdue_cutoff,
    values_from,
    version_for,
)

#: The catalogue's per-procedure inputs of 3.4 and 3.5 (not counters: read from the offerings of the scope).
CATALOGUE_METRICS = frozenset({"procedures_with_fees", "procedures_fees_payable_online", "procedures_paid_online"})


#: Whether an online payment gateway is configured now; replaced by the payments app (``PaymentsConfig.ready``).
def _no_gateway() -> bool:
    return False


online_payment_configured: Callable[[], bool] = _no_gateway

#: Roles that read the index of every agency and of the province (besides the province-wide monitor).
PROVINCE_INDEX_ROLES = frozenset({Role.REFORM})
#: Roles that read the index of the agency they are a member of.
AGENCY_INDEX_ROLES = frozenset({Role.LEADER, Role.MONITOR, Role.REFORM})


@dataclass(frozen=True)
class Scope:
    """Whose counters: one agency, the agencies of one level, or (both None) the whole province."""

    agency: Agency | None = None
    level: str | None = None

    def filter(self, rows: QuerySet[DailyCount]) -> QuerySet[DailyCount]:
        if self.agency is not None:
            return rows.filter(agency_id=self.agency.pk)
        if self.level is not None:
            return rows.filter(agency__level=self.level)
        return rows


def reads_every_index(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return reads_province_wide(user) or user.memberships.filter(role__in=PROVINCE_INDEX_ROLES).exists()


def may_read_index(user: User, scope: Scope) -> bool:
    """Whether ``user`` may read the index of ``scope`` (see the module's docstring)."""
    if reads_every_index(user):
        return True
    if scope.agency is None:
        return False
    return user.memberships.filter(agency_id=scope.agency.pk, role__in=AGENCY_INDEX_ROLES).exists()


def index_agencies(user: User) -> list[Agency]:
    """The agencies whose index ``user`` may pick (the dashboard's list), by name."""
    agencies = Agency.objects.order_by("level", "name")
    if reads_every_index(user):
        return list(agencies)
    ids = user.memberships.filter(role__in=AGENCY_INDEX_ROLES).values_list("agency_id", flat=True)
    return list(agencies.filter(pk__in=ids))


def summed_terms(terms: Iterable[Term], scope: Scope, first: date, last: date, today: date) -> dict[Term, int]:
    """Each term summed over its window: event counters over the days ``first``…``last``; the overdue
    window over the due days before :func:`rules.service_index.overdue_cutoff`."""
    wanted = set(terms)
    found: dict[Term, int] = {}
    in_period = {t.metric for t in wanted if t.window is Window.PERIOD and t.metric in METRICS}
    for metric, value in rollup.total(scope, in_period, first, last).items():
        found[Term(metric, Window.PERIOD)] = value
    overdue = {t.metric for t in wanted if t.window is Window.OVERDUE_AT_END and t.metric in METRICS}
    if overdue:
        before = overdue_cutoff(last, today) - timedelta(days=1)
        for metric, value in rollup.total(scope, overdue, None, before).items():
            found[Term(metric, Window.OVERDUE_AT_END)] = value
    return found


def catalogue_terms(scope: Scope, first: date, last: date) -> dict[Term, int]:
    """3.4 and 3.5's inputs for ``scope``: its active offerings' fee lines (one query with their fees) and the
    procedures with a payment confirmed by a gateway in ``first``…``last`` (``metrics.rollup``: whole months from
    the roll-up, the rest by day)."""
    offerings = Offering.objects.filter(active=True).prefetch_related("fees")
    if scope.agency is not None:
        offerings = offerings.filter(agency_id=scope.agency.pk)
    elif scope.level is not None:
        offerings = offerings.filter(agency__level=scope.level)
    by_procedure = rollup.sums(scope, ["paid_online"], first, last, by=("procedure_id",))
    paid = [procedure for (procedure,), sums in by_procedure.items() if sums.get("paid_online", 0) > 0]
    counts = procedure_payment_counts(
        ((o.procedure_id, [{"amount_vnd": f.amount_vnd} for f in o.fees.all()]) for o in offerings),
        gateway=online_payment_configured(),
        paid=paid,
    )
    return {
        Term("procedures_with_fees"): counts.with_fees,
        Term("procedures_fees_payable_online"): counts.payable_online,
        Term("procedures_paid_online"): counts.paid_online,
    }


def service_index(
    scope: Scope,
    first: date,
    last: date,
    *,
    today: date | None = None,
    version: IndexVersion | None = None,
) -> IndexResult:
    """The service index of ``scope`` over ``first``…``last`` (inclusive), scored by the version in force on
    ``first`` unless one is given."""
    version = version or version_for(first)
    wanted = {term for indicator in version.indicators for term in indicator.inputs()}
    found = summed_terms(wanted, scope, first, last, today or timezone.localdate())
    if any(term.metric in CATALOGUE_METRICS for term in wanted):
        found |= catalogue_terms(scope, first, last)
    return evaluate(version, values_from(found, set(METRICS) | CATALOGUE_METRICS))
