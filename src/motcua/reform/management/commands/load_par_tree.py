"""``motcua load_par_tree YEAR [FILE] --user NAME``: a year's PAR Index criteria tree from a file (the 8
provincial areas by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.models import User
from motcua.reform.errors import ReformError
from motcua.reform.par import DEFAULT_TREE, read_tree_file
from motcua.reform.services import load_par_tree


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí Chỉ số CCHC của một năm từ tệp YAML/JSON (mặc định: 8 lĩnh vực cấp tỉnh)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", nargs="?", default=str(DEFAULT_TREE))
        parser.add_argument("--user", required=True, help="Tên đăng nhập của cán bộ CCHC nạp bộ tiêu chí.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError("Không có người dùng này.")
        try:
            areas = read_tree_file(Path(options["file"]).read_text(encoding="utf-8"))
            count = load_par_tree(user, options["year"], areas)
        except (OSError, ValueError) as error:
            raise CommandError(f"Tệp tiêu chí không hợp lệ: {error}") from None
        except ReformError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Đã nạp {count} tiêu chí cho năm {options['year']}.")
