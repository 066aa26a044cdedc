"""``motcua import-catalog PATH...``: import the portal's records and lists, or motcua catalogue files.

Formats are detected per file (portal detail JSON, portal Excel list, motcua-catalog/1 as JSON, YAML or
Excel); directories are walked. Each file is one transaction; the summary names every failed file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from motcua.catalog.importing import expand, import_paths


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục từ tệp hoặc thư mục (Cổng DVCQG: JSON chi tiết, danh sách Excel; motcua)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="Tệp hoặc thư mục.")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = options["paths"]
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError("Không tìm thấy: " + ", ".join(missing))
        if not list(expand(paths)):
            raise CommandError("Không có tệp nào nhập được (.json, .yaml, .yml, .xlsx).")

        def progress(files: list) -> Any:
            if options["no_progress"]:
                return files
            return tqdm(files, desc="Nhập danh mục", unit="tệp", file=sys.stderr)

        report = import_paths(paths, progress)
        for line in report.lines():
            self.stdout.write(line)
        if report.failed:
            raise CommandError(f"{len(report.failed)} tệp không nhập được (các tệp khác đã nhập).", returncode=2)
