"""``motcua signing-setup``: the demo PKI under ``MOTCUA_SIGNING_DIR`` (``var/signing``) — a CA, a PKCS#12 per agency
of the catalogue, a TSA certificate — created at the first run, completed later (new agencies), never replaced.

Refused with ``MOTCUA_DEBUG=0``: production keys come from the certification authority, not from here."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.models import Agency
from motcua.signatures.pki import ensure_demo_pki


class Command(BaseCommand):
    help = "Tạo hạ tầng khóa công khai trình diễn (CA, khóa PKCS#12 của từng cơ quan, chứng thư TSA) trong var/."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--authorities-only",
            action="store_true",
            help="Chỉ CA và TSA (nhanh); khóa của các cơ quan để lần chạy sau (motcua demo chạy nền).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Chỉ dùng cho bản trình diễn (MOTCUA_DEBUG=1).")
        agencies = (
            []
            if options["authorities_only"]
            else Agency.objects.order_by("identifier").values_list("identifier", "name")
        )
        pki, made = ensure_demo_pki(
            settings.MOTCUA_SIGNING_DIR, list(agencies), password=settings.MOTCUA_SIGNING_P12_PASSWORD
        )
        self.stdout.write(f"Ký số (trình diễn): {pki.directory} — {made} tệp mới.")
