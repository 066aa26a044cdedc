"""``motcua signing-ca``: print the trust list's roots as PEM (the demo CA in debug mode)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "In chứng thư gốc của danh sách tin cậy (PEM)."

    def handle(self, *args: Any, **options: Any) -> None:
        found = [Path(p) for p in settings.MOTCUA_SIGNING_TRUST_ROOTS if Path(p).is_file()]
        if not found:
            raise CommandError(
                "Danh sách tin cậy trống: chạy `motcua signing-setup` hoặc đặt MOTCUA_SIGNING_TRUST_ROOTS."
            )
        for path in found:
            self.stdout.write(path.read_text().strip())
