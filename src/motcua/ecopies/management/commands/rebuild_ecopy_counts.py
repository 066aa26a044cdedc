"""``motcua rebuild-ecopy-counts [--check]``: recompute the e-copy counters (766 indicator 4.3) from the copies.

``rebuild-metrics`` rebuilds the counters of the dossiers' log; these come from ``ecopies.CertifiedCopy`` rows
(``rules.counters.Metric.source == "ecopy"``). With ``--check`` nothing is written; exit status 1 when they differ.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.ecopies.counting import counts_from_copies, rebuild_counts, stored_counts


class Command(BaseCommand):
    help = "Tính lại số liệu bản sao điện tử được chứng thực (chỉ tiêu 4.3) từ các bản sao (--check: chỉ so sánh)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            expected, stored = counts_from_copies(), stored_counts()
            differing = {k for k in expected.keys() | stored.keys() if expected.get(k) != stored.get(k)}
            self.stdout.write(f"Số dòng số liệu bản sao khác với các bản sao: {len(differing)}.")
            if differing:
                raise SystemExit(1)
            return
        self.stdout.write(f"Đã tính lại {rebuild_counts()} dòng số liệu bản sao.")
