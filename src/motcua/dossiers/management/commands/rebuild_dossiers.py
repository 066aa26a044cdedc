"""``motcua rebuild-dossiers [--fix]``: compare (or repair) each dossier's state with its action log.

Exits with status 1 when any dossier differs from its log (also when ``--fix`` repaired it: a difference
is an anomaly worth an alert), 0 when every dossier agrees with its log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.projections import differing_counters, mismatched_dossiers, rebuild_counters


class Command(BaseCommand):
    help = (
        "Dựng lại trạng thái hồ sơ và phiếu kiểm soát từ nhật ký thao tác; --fix để ghi lại các hồ sơ sai lệch "
        "và tính lại số liệu. Thoát với mã 1 khi có sai lệch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Ghi lại hồ sơ, phiếu kiểm soát và số liệu từ nhật ký.")

    def handle(self, *args: Any, **options: Any) -> None:
        fix = options["fix"]
        codes = mismatched_dossiers(fix=fix)
        verb = "đã ghi lại từ nhật ký" if fix else "khác với nhật ký"
        self.stdout.write(f"Hồ sơ {verb}: {len(codes)}.")
        for code in codes[:50]:
            self.stdout.write(f"  {code}")
        if len(codes) > 50:
            self.stdout.write(f"  … và {len(codes) - 50} hồ sơ khác.")
        counters = differing_counters()
        if counters and fix:
            rebuild_counters()
            self.stdout.write(f"Số liệu theo ngày đã tính lại từ nhật ký ({len(counters)} dòng sai lệch).")
        elif counters:
            self.stdout.write(f"Số dòng số liệu khác với nhật ký: {len(counters)}.")
        if codes or counters:
            raise SystemExit(1)
