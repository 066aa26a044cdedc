"""``motcua rebuild-metrics [--check]``: recompute the live counters (daily, and their monthly roll-up) from the
dossiers' action log, the counters of the other sources from their own rows (``metrics.sources``: the applicants'
evaluations, the national portal's acknowledgements), and the early warning's per-step duration summary from the
control sheets.

With ``--check`` nothing is written and the command exits with status 1 when the counters differ.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.projections import differing_counters, rebuild_counters
from motcua.dossiers.step_durations import durations_from_sheets, rebuild_step_durations, stored_durations
from motcua.metrics import sources


class Command(BaseCommand):
    help = "Tính lại số liệu theo ngày từ nhật ký thao tác của hồ sơ (--check: chỉ so sánh, mã 1 khi sai lệch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            differing = len(differing_counters())
            self.stdout.write(f"Số dòng số liệu khác với nhật ký: {differing}.")
            for source in sources.sources():
                count = len(sources.differing(source))
                self.stdout.write(f"Số dòng số liệu nguồn “{source.name}” khác với dữ liệu gốc: {count}.")
                differing += count
            expected, stored = durations_from_sheets(), stored_durations()
            steps = {k for k in expected.keys() | stored.keys() if expected.get(k) != stored.get(k)}
            self.stdout.write(f"Số dòng thời gian xử lý theo bước khác với phiếu kiểm soát: {len(steps)}.")
            if differing or steps:
                raise SystemExit(1)
            return
        self.stdout.write(f"Đã tính lại {rebuild_counters()} dòng số liệu.")
        for source in sources.sources():
            self.stdout.write(f"Đã tính lại {sources.rebuild(source)} dòng số liệu nguồn “{source.name}”.")
        self.stdout.write(f"Đã tính lại {rebuild_step_durations()} dòng thời gian xử lý theo bước.")
