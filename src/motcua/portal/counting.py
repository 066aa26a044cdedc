"""The counters the applicants' evaluations feed (indicator 5.3: ``rated``, ``rated_dissatisfied``), written by the
rating's transaction and recomputed from the ``Rating`` rows by ``motcua rebuild-metrics`` — one function for both,
so that the rebuild cannot count otherwise than the evaluation did."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from motcua.metrics.sources import CounterKey
from motcua.portal.models import Rating
from motcua.rules.counters import Delta
from motcua.rules.rating import Satisfaction


def rating_deltas(rating: Rating) -> list[Delta]:
    """The counters one evaluation adds, on its local day (``rules.rating``)."""
    day = timezone.localdate(rating.rated_at)
    changes = [Delta(day, "rated", 1)]
    if rating.satisfaction == Satisfaction.NOT_SATISFIED:
        changes.append(Delta(day, "rated_dissatisfied", 1))
    return changes


def rating_counters() -> dict[CounterKey, int]:
    """Every evaluation's counters, keyed as the dossier's (resolving agency, procedure, channel)."""
    totals: Counter[CounterKey] = Counter()
    ratings = Rating.objects.select_related("dossier").only(
        "rated_at", "satisfaction", "dossier__resolving_agency_id", "dossier__procedure_id", "dossier__channel"
    )
    for rating in ratings.order_by("pk").iterator(chunk_size=2000):
        dossier = rating.dossier
        for delta in rating_deltas(rating):
            key = (delta.day, dossier.resolving_agency_id, dossier.procedure_id, dossier.channel, delta.metric)
            totals[key] += delta.value
    return dict(totals)
