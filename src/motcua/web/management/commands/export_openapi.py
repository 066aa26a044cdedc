"""``motcua export_openapi PATH``: write the API's OpenAPI document (committed as docs/openapi.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.api import api


def openapi_text() -> str:
    return json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Ghi tài liệu OpenAPI của API ra tệp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        options["path"].write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"Đã ghi {options['path']}")
