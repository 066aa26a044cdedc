"""The dossiers behind a number of the service index (issue 13): from an indicator's numerator or denominator
to the dossiers it counts, within what the user may see (``selectors.visible_dossiers``, in the query).

Each counter the index reads is matched by a condition on the dossier row that selects exactly the dossiers
it counts (a test checks it on a hand-worked scenario): the dossier row is the projection of the same log the
counters are (``rules.counters``), keyed the same way — the resolving agency, the local (Vietnam) day of the
moment. A metric without such a condition (yet) has no drill-down: :func:`condition` answers None.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.accounts.models import User
from motcua.datastore.models import StoreUse
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import visible_dossiers
from motcua.metrics.selectors import Scope
from motcua.rules.dossier_state import Outcome
from motcua.rules.service_index import Expression, Indicator, Term, Window, overdue_cutoff
from motcua.rules.workdays import VIETNAM_TZ

_OUTCOMES = {"finished_early": Outcome.EARLY, "finished_on_time": Outcome.ON_TIME, "finished_late": Outcome.LATE}


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM_TZ)


def _during(field: str, first: date, last: date) -> Q:
    return Q(**{f"{field}__gte": _start(first), f"{field}__lt": _start(last + timedelta(days=1))})


def condition(term: Term, first: date, last: date, today: date) -> Q | None:
    """The dossiers ``term`` counts over the period, as a condition on their rows; None without one."""
    if term.window is Window.OVERDUE_AT_END:
        if term.metric != "open_by_due_day":
            return None
        # in processing (received, not finished, not waiting for a supplement), due before the cutoff day
        return Q(
            received_at__isnull=False,
            finished_at__isnull=True,
            paused_since__isnull=True,
            due_at__lt=_start(overdue_cutoff(last, today)),
        )
    if term.metric == "received":
        return _during("received_at", first, last)
    if term.metric == "received_online":
        return _during("received_at", first, last) & Q(channel="online")
    if term.metric == "data_store_connected":  # rules.counters: a document taken from the store, or a result
        taken = Exists(StoreUse.objects.filter(dossier=OuterRef("pk")))
        return _during("received_at", first, last) & (Q(result_recorded=True) | taken)
    if term.metric in _OUTCOMES:
        return _during("finished_at", first, last) & Q(outcome=_OUTCOMES[term.metric].value)
    return None


def expression_condition(expression: Expression, first: date, last: date, today: date) -> Q | None:
    """The dossiers a sum of terms counts: the terms of one expression count distinct dossiers (results by
    outcome, and unfinished ones), so their union is their sum."""
    found = Q(pk__in=[])
    for term in expression:
        part = condition(term, first, last, today)
        if part is None:
            return None
        found |= part
    return found if expression else None


def has_drilldown(indicator: Indicator, part: str, first: date, last: date, today: date) -> bool:
    expression = indicator.numerator if part == "numerator" else indicator.denominator
    return expression_condition(expression, first, last, today) is not None


def dossiers_behind(
    user: User, indicator: Indicator, part: str, scope: Scope, first: date, last: date, today: date
) -> QuerySet[Dossier] | None:
    """The dossiers counted by ``indicator``'s numerator or denominator (``part``) for ``scope`` over the
    period, among those ``user`` may see; None when that number has no drill-down."""
    expression = indicator.numerator if part == "numerator" else indicator.denominator
    found = expression_condition(expression, first, last, today)
    if found is None:
        return None
    dossiers = visible_dossiers(user).filter(found)
    if scope.agency is not None:
        dossiers = dossiers.filter(resolving_agency_id=scope.agency.pk)
    elif scope.level is not None:
        dossiers = dossiers.filter(resolving_agency__level=scope.level)
    return dossiers


#: The operations dashboard's present-day numbers (issue 13) and the counters they read.
OPEN_KINDS = ("late", "soon_late", "backlog")


def open_dossiers(
    user: User, kind: str, scope: Scope, today: date, next_working_day: date, procedure_id: int | None = None
) -> QuerySet[Dossier]:
    """The dossiers behind the operations dashboard's ``late`` (``open_by_due_day`` before today), ``soon_late``
    (due today or on the next working day) and ``backlog`` (``open_by_received_day``: received, not finished)
    numbers of ``scope`` (and one procedure), among those ``user`` may see — each condition the counter's own."""
    backlog = Q(received_at__isnull=False, finished_at__isnull=True)
    processing = backlog & Q(paused_since__isnull=True)
    if kind == "late":
        found = processing & Q(due_at__lt=_start(today))
    elif kind == "soon_late":
        found = processing & Q(due_at__gte=_start(today), due_at__lt=_start(next_working_day + timedelta(days=1)))
    elif kind == "backlog":
        found = backlog
    else:
        raise ValueError(kind)
    dossiers = visible_dossiers(user).filter(found)
    if procedure_id is not None:
        dossiers = dossiers.filter(procedure_id=procedure_id)
    if scope.agency is not None:
        dossiers = dossiers.filter(resolving_agency_id=scope.agency.pk)
    elif scope.level is not None:
        dossiers = dossiers.filter(resolving_agency__level=scope.level)
    return dossiers
