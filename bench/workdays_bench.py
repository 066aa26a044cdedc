"""Due-date computations per second, in process (goal: ≥ 200,000/s on the 2-core reference machine).

Run: ``make bench`` or ``.venv/bin/python bench/workdays_bench.py [--n 500000] [--smoke]``.
Prints the rate for the common case (integer working days), for working hours with fractions, for
elapsed-time queries, and the cost of building a calendar once. ``--smoke`` (``make bench-smoke``): the same
path with 5,000 computations; the bench exits non-zero when a computed due date is not after its start.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from motcua.rules.workdays import VIETNAM_TZ, WorkCalendar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smoke import check

SMOKE = {"n": 5_000}


def rate(label: str, n: int, func) -> None:
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {n / elapsed:>12,.0f} /s   ({elapsed:.3f} s for {n:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300_000, help="computations per measurement")
    parser.add_argument("--smoke", action="store_true", help=f"tiny run of the same path ({SMOKE})")
    args = parser.parse_args()
    if args.smoke:  # smoke sizes as defaults: an option given explicitly still wins
        parser.set_defaults(**SMOKE)
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

    check(
        f"all {n:,} due dates in working days are after their start",
        all(e > s for s, e in zip(starts, ends, strict=True)),
    )
    sample = list(zip(starts[:100], ends[:100], hours[:100], strict=True))
    check(
        "working time between a start and its due date is positive",
        all(calendar.elapsed(s, e) > 0 for s, e, _ in sample),
    )
    check(
        "due dates in working hours are after their start",
        all(calendar.due(s, h, "working_hours") > s for s, _, h in sample),
    )


if __name__ == "__main__":
    main()
