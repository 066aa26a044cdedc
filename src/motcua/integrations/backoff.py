"""When to try a failed delivery again: exponential backoff with jitter (pure Python, property-tested)."""

from __future__ import annotations

import random as _random
from collections.abc import Callable


def backoff_seconds(
    failed_attempts: int, *, base: float, cap: float, random: Callable[[], float] = _random.random
) -> float:
    """Seconds to wait after ``failed_attempts`` tries (1, 2, …) before the next one.

    The delay doubles with each try (``base × 2^(n-1)``, at most ``cap``) so a receiver that is down is not
    hammered, and a random factor in [½, 1] ("equal jitter") spreads the retries of many messages that failed
    together, so they do not all come back at the same second when the receiver recovers.
    """
    if failed_attempts < 1:
        raise ValueError("failed_attempts starts at 1")
    exponential = min(cap, base * 2.0 ** min(failed_attempts - 1, 62))
    return exponential * (0.5 + random() / 2)
