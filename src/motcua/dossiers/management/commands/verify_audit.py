"""``motcua verify-audit [--seals FILE]``: recompute the action log's hash chains (``rules.audit``).

Exits with status 1, naming the first broken link of each dossier (and each broken seal), when any stored
field of any action was changed, an action was deleted or inserted, or the order was changed; 0 when every
chain holds. ``--seals`` compares the seals with an export kept outside the database
(``motcua audit-seals --export``), which finds a log rewritten consistently, seals and all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.audit import exported_heads, verify


class Command(BaseCommand):
    help = (
        "Kiểm tra tính toàn vẹn của nhật ký thao tác (chuỗi băm theo hồ sơ và niêm phong theo ngày). "
        "Thoát với mã 1 và chỉ ra mắt xích hỏng đầu tiên khi nhật ký bị sửa, xoá, chèn hoặc đảo thứ tự."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seals", type=Path, help="Tệp niêm phong đã xuất và lưu bên ngoài, để đối chiếu.")
        parser.add_argument("--limit", type=int, default=20, help="Số mắt xích hỏng tối đa được liệt kê.")

    def handle(self, *args: Any, **options: Any) -> None:
        exported = None
        if options["seals"]:
            try:
                exported = exported_heads(options["seals"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Không đọc được tệp niêm phong {options['seals']}: {error}") from error
        verdict = verify(exported, limit=options["limit"])
        self.stdout.write(
            f"Đã kiểm tra {verdict.actions} thao tác của {verdict.dossiers} hồ sơ và {verdict.seals} niêm phong."
        )
        if verdict.intact:
            self.stdout.write("Nhật ký toàn vẹn.")
            return
        self.stdout.write("Nhật ký KHÔNG toàn vẹn:")
        for line in verdict.breaks:
            self.stdout.write(f"  {line}")
        raise SystemExit(1)
