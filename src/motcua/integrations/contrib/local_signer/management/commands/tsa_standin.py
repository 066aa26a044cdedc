"""``motcua tsa-standin --port N [--pki-dir DIR]``: run the stand-in RFC 3161 timestamp authority
(docs/components/tsa-standin.md) with the TSA key of the demo PKI."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from motcua.integrations.contrib.local_signer.tsa_standin import TsaServer
from motcua.integrations.standin_command import StandinCommand


class Command(StandinCommand):
    help = "Máy chủ cấp dấu thời gian (RFC 3161) giả lập."
    default_port, service_name = 8015, "tsa"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--pki-dir", default="", help="Thư mục có tsa.pem, tsa.key, ca.pem (mặc định var/signing).")
        parser.add_argument("--fixed-time", default="", help="Thời điểm cố định ISO 8601 (thử nghiệm).")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> TsaServer:
        directory = Path(options["pki_dir"]) if options["pki_dir"] else settings.MOTCUA_SIGNING_DIR
        if not (directory / "tsa.key").is_file():
            raise CommandError(f"Không có {directory / 'tsa.key'}: chạy `motcua signing-setup` trước.")
        fixed = datetime.fromisoformat(options["fixed_time"]) if options["fixed_time"] else None
        return TsaServer(address, directory, fixed_time=fixed)
