"""``motcua rebuild-metrics [--check]``: recompute the live counters from the dossiers' action log, and the counters
of the other sources from their own rows (``metrics.sources``: the applicants' evaluations, the national portal's
acknowledgements).

With ``--check`` nothing is written and the command exits with status 1 when the counters differ.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.projections import differing_counters, rebuild_counters
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
            if differing:
                raise SystemExit(1)
            return
        self.stdout.write(f"Đã tính lại {rebuild_counters()} dòng số liệu.")
        for source in sources.sources():
            self.stdout.write(f"Đã tính lại {sources.rebuild(source)} dòng số liệu nguồn “{source.name}”.")
