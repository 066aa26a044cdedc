"""``motcua tsa-standin --port N [--pki-dir DIR]``: run the stand-in RFC 3161 timestamp authority
(docs/components/tsa-standin.md) with the TSA key of the demo PKI."""

from __future__ import annotations

import signal
from argparse import ArgumentParser
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.local_signer.tsa_standin import TsaServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Máy chủ cấp dấu thời gian (RFC 3161) giả lập."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8015, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--pki-dir", default="", help="Thư mục có tsa.pem, tsa.key, ca.pem (mặc định var/signing).")
        parser.add_argument("--fixed-time", default="", help="Thời điểm cố định ISO 8601 (thử nghiệm).")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["pki_dir"]) if options["pki_dir"] else settings.MOTCUA_SIGNING_DIR
        if not (directory / "tsa.key").is_file():
            raise CommandError(f"Không có {directory / 'tsa.key'}: chạy `motcua signing-setup` trước.")
        fixed = datetime.fromisoformat(options["fixed_time"]) if options["fixed_time"] else None
        try:
            server = TsaServer((options["host"], options["port"]), directory, fixed_time=fixed)
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"tsa stand-in listening on http://{host}:{port}/")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
