"""``motcua rebuild-datastore [--check]``: make the personal data store what the dossiers' action log says
(``dossiers.wallet_rebuild``). With ``--check`` nothing is written; exit status 1 when the store differs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.wallet_rebuild import differing_store, rebuild_store


class Command(BaseCommand):
    help = "Dựng lại kho dữ liệu điện tử của tổ chức, cá nhân từ nhật ký thao tác (--check: chỉ so sánh)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            wrong, extra = differing_store()
            self.stdout.write(f"Giấy tờ thiếu hoặc sai so với nhật ký: {len(wrong)}; thừa: {len(extra)}.")
            if wrong or extra:
                raise SystemExit(1)
            return
        self.stdout.write(f"Đã sửa {rebuild_store()} giấy tờ trong kho dữ liệu.")
