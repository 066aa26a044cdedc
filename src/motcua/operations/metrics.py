"""Prometheus metrics: request latency (django-prometheus' middleware), actions and intakes (counters
incremented as actions are logged), and the outbox and workers read from the database at each scrape.

Under gunicorn with several processes, ``PROMETHEUS_MULTIPROC_DIR`` (docs/deploy.md) makes the
per-process counters and histograms add up (prometheus_client's multiprocess mode); the database gauges are
computed by the process that answers the scrape.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from motcua.dossiers.models import DossierAction
from motcua.dossiers.signals import action_logged
from motcua.rules.lifecycle import OPENING_ACTIONS

ACTIONS = Counter("motcua_actions", "Actions appended to the dossiers' log", ["type"])
INTAKES = Counter("motcua_intakes", "Dossiers received or submitted", ["channel"])


def _count(sender: Any, dossier: Any, action: DossierAction, **kwargs: Any) -> None:
    ACTIONS.labels(type=action.type).inc()
    if action.type in {kind.value for kind in OPENING_ACTIONS} and action.seq == 1:
        INTAKES.labels(channel=dossier.channel).inc()


action_logged.connect(_count, sender=DossierAction, dispatch_uid="motcua.operations.metrics")


class DatabaseCollector(Collector):
    """The outbox and the workers as the database sees them (cheap, indexed reads)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from motcua.operations.selectors import health

        state = health()
        yield GaugeMetricFamily("motcua_database_up", "1 when the database answers", value=int(state.database))
        outbox = GaugeMetricFamily("motcua_outbox_messages", "Outbox messages by state", labels=["state"])
        outbox.add_metric(["pending"], state.outbox_pending)
        outbox.add_metric(["dead"], state.outbox_dead)
        yield outbox
        yield GaugeMetricFamily(
            "motcua_outbox_lag_seconds", "How long the oldest due message has waited", value=state.outbox_lag_seconds
        )
        yield GaugeMetricFamily(
            "motcua_worker_heartbeat_age_seconds",
            "Seconds since a worker last beat (-1: never)",
            value=state.worker_age_seconds if state.worker_age_seconds is not None else -1,
        )


def exposition() -> tuple[bytes, str]:
    """The text exposition: the processes' counters and histograms, then the database's gauges."""
    processes: CollectorRegistry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return generate_latest(processes) + generate_latest(database), CONTENT_TYPE_LATEST
