"""``motcua rebuild-metrics [--check]``: recompute the live counters (daily, and their monthly roll-up) from the
dossiers' action log, and the early warning's per-step duration summary from the control sheets.

With ``--check`` nothing is written and the command exits with status 1 when the counters differ.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.projections import differing_counters, rebuild_counters
from motcua.dossiers.step_durations import durations_from_sheets, rebuild_step_durations, stored_durations


class Command(BaseCommand):
    help = "Tính lại số liệu theo ngày từ nhật ký thao tác của hồ sơ (--check: chỉ so sánh, mã 1 khi sai lệch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            differing = differing_counters()
            self.stdout.write(f"Số dòng số liệu khác với nhật ký: {len(differing)}.")
            expected, stored = durations_from_sheets(), stored_durations()
            steps = {k for k in expected.keys() | stored.keys() if expected.get(k) != stored.get(k)}
            self.stdout.write(f"Số dòng thời gian xử lý theo bước khác với phiếu kiểm soát: {len(steps)}.")
            if differing or steps:
                raise SystemExit(1)
            return
        self.stdout.write(f"Đã tính lại {rebuild_counters()} dòng số liệu.")
        self.stdout.write(f"Đã tính lại {rebuild_step_durations()} dòng thời gian xử lý theo bước.")
