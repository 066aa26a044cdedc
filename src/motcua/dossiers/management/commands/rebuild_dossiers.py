"""``motcua rebuild-dossiers [--fix]``: compare (or rewrite) each dossier's state with its action log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.projections import mismatched_dossiers


class Command(BaseCommand):
    help = "Dựng lại trạng thái hồ sơ từ nhật ký thao tác; --fix để ghi lại các hồ sơ sai lệch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        codes = mismatched_dossiers(fix=options["fix"])
        verb = "đã ghi lại" if options["fix"] else "khác với nhật ký"
        self.stdout.write(f"Hồ sơ {verb}: {len(codes)}.")
        for code in codes[:50]:
            self.stdout.write(f"  {code}")
