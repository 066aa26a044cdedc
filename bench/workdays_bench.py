"""Due-date computations per second, in process (goal: ≥ 200,000/s on the 2-core reference machine).

Run: ``make bench`` or ``.venv/bin/python bench/workdays_bench.py [--n 500000]``.
Prints the rate for the common case (integer working days), for working hours with fractions, for
elapsed-time queries, and the cost of building a calendar once.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from motcua.rules.workdays import VIETNAM_TZ, WorkCalendar


def rate(label: str, n: int, func) -> None:
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {n / elapsed:>12,.0f} /s   ({elapsed:.3f} s for {n:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300_000, help="computations per measurement")
    args = parser.parse_args()
    n = args.n

    started = time.perf_counter()
    calendar = WorkCalendar()
    print(f"{'build calendar (2015–2035, holidays package)':<48} {time.perf_counter() - started:>12.3f} s")

    rng = random.Random(2025)
    base = datetime(2024, 1, 1, tzinfo=VIETNAM_TZ)
    starts = [base + timedelta(seconds=rng.randrange(3 * 365 * 86400)) for _ in range(n)]
    days = [rng.randrange(1, 31) for _ in range(n)]
    hours = [Decimal(rng.randrange(1, 80)) / 2 for _ in range(n)]

    def working_days() -> None:
        due = calendar.due
        for start, amount in zip(starts, days, strict=True):
            due(start, amount, "working_days")

    def working_hours() -> None:
        due = calendar.due
        for start, amount in zip(starts, hours, strict=True):
            due(start, amount, "working_hours")

    ends = [calendar.due(s, d, "working_days") for s, d in zip(starts[:n], days, strict=True)]

    def elapsed() -> None:
        between = calendar.elapsed
        for start, end in zip(starts, ends, strict=True):
            between(start, end)

    rate("due(start, N, 'working_days')", n, working_days)
    rate("due(start, x.5, 'working_hours') (Decimal)", n, working_hours)
    rate("elapsed(start, end)", n, elapsed)


if __name__ == "__main__":
    main()
