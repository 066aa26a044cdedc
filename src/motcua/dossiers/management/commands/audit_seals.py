"""``motcua audit-seals [--seal] [--export]``: the action log's daily seals (``rules.audit``).

``--seal`` seals what was appended since the last seal (the worker does it once a day); ``--export``
prints every seal as ``YYYY-MM-DD <head>``, to be kept outside the database (another machine, paper, an
e-mail to the inspectorate) and given back to ``motcua verify-audit --seals``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.audit import seal_pending
from motcua.dossiers.models import AuditSeal


class Command(BaseCommand):
    help = "Niêm phong nhật ký thao tác theo ngày (--seal) và xuất các mã niêm phong để lưu bên ngoài (--export)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seal", action="store_true", help="Niêm phong các thao tác từ lần niêm phong trước.")
        parser.add_argument("--export", action="store_true", help="In các mã niêm phong (ngày và mã).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seal"]:
            sealed = seal_pending()
            if sealed is None:
                self.stderr.write("Hôm nay đã niêm phong.")
            else:
                self.stderr.write(f"Đã niêm phong {sealed.actions} thao tác của {sealed.dossiers} hồ sơ: {sealed.head}")
        if options["export"] or not options["seal"]:
            self.stdout.write("# motcua: niêm phong nhật ký thao tác (ngày, mã)")
            for day, head in AuditSeal.objects.order_by("day").values_list("day", "head"):
                self.stdout.write(f"{day.isoformat()} {head}")
