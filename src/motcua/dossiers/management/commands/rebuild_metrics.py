"""``motcua rebuild-metrics``: recompute the live counters from the dossiers' action log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.projections import counters_from_log, rebuild_counters, stored_counters


class Command(BaseCommand):
    help = "Tính lại số liệu theo ngày từ nhật ký thao tác của hồ sơ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            expected, stored = counters_from_log(), stored_counters()
            differing = {key for key in expected.keys() | stored.keys() if expected.get(key) != stored.get(key)}
            self.stdout.write(f"Số dòng số liệu khác với nhật ký: {len(differing)}.")
            return
        self.stdout.write(f"Đã tính lại {rebuild_counters()} dòng số liệu.")
