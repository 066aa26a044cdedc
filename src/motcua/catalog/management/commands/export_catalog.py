"""``motcua export-catalog PATH``: write the catalogue (or a filter of it) as JSON, YAML or Excel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.interchange import dump_catalog
from motcua.catalog.models import Level
from motcua.catalog.selectors import search_procedures
from motcua.catalog.spreadsheet import CatalogSpreadsheetError, catalog_to_xlsx

FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".xlsx": "xlsx"}


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục (định dạng motcua-catalog/1) ra JSON, YAML hoặc Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Tệp đích: .json, .yaml hoặc .xlsx.")
        parser.add_argument("--q", default="", help="Chỉ các thủ tục khớp từ khóa.")
        parser.add_argument("--level", choices=Level.values, default="")
        parser.add_argument("--field", default="", help="Mã lĩnh vực.")
        parser.add_argument("--agency", default="", help="Mã định danh cơ quan giải quyết.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        kind = FORMATS.get(path.suffix.lower())
        if kind is None:
            raise CommandError("Đuôi tệp phải là .json, .yaml hoặc .xlsx.")
        filters = {k: options[k] for k in ("level", "field", "agency")}
        if options["q"] or any(filters.values()):
            data = dump_catalog(search_procedures(query=options["q"], include_drafts=True, **filters))
        else:
            data = dump_catalog()
        if kind == "xlsx":
            try:
                content = catalog_to_xlsx(data)
            except CatalogSpreadsheetError as error:
                raise CommandError(f"Không xuất được ra Excel: {error} Hãy xuất ra .json hoặc .yaml.") from error
            path.write_bytes(content)
        elif kind == "json":
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        self.stdout.write(f"Đã xuất {len(data['procedures'])} thủ tục vào {path}.")
