"""Periodic jobs the worker runs between tasks, registered by the apps that own them.

The worker (``integrations.worker``) knows no app above it (the import rules forbid a cycle between apps):
an app registers its job here from its ``AppConfig.ready`` — the payments app its reconciliation (issue 11) —
and the worker runs each at most once per its interval. A job that fails is logged and tried at its next turn.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger("motcua.integrations")


@dataclass
class Sweep:
    name: str
    every_seconds: Callable[[], float]
    run: Callable[[], object]
    last: float | None = field(default=None)


_SWEEPS: dict[str, Sweep] = {}


def register(name: str, every_seconds: Callable[[], float], run: Callable[[], object]) -> None:
    _SWEEPS[name] = Sweep(name, every_seconds, run)


def run_due(now: float | None = None) -> list[str]:
    """Run every job whose interval has passed; returns the names run."""
    moment = time.monotonic() if now is None else now
    ran = []
    for sweep in list(_SWEEPS.values()):
        if sweep.last is not None and moment - sweep.last < sweep.every_seconds():
            continue
        sweep.last = moment
        try:
            outcome = sweep.run()
        except Exception:
            logger.exception("sweep %s failed", sweep.name)
            continue
        ran.append(sweep.name)
        if outcome:
            logger.info("sweep %s: %s", sweep.name, outcome)
    return ran
