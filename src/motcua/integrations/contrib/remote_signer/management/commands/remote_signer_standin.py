"""``motcua remote-signer-standin --port N [--pki-dir DIR] [--token T] [--auto-confirm]``: run the stand-in remote
signing service (docs/components/remote-signer-standin.md) with the demo PKI's agency keys."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.remote_signer.standin import SignerServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Dịch vụ ký số từ xa giả lập: nhận mã băm, trả chữ ký khi người ký xác nhận trên ứng dụng."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8016, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--pki-dir", default="", help="Thư mục khóa (mặc định var/signing).")
        parser.add_argument("--token", default="", help="Khóa truy cập; mặc định MOTCUA_REMOTE_SIGNER_TOKEN.")
        parser.add_argument("--auto-confirm", action="store_true", help="Tự xác nhận mọi yêu cầu (trình diễn).")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["pki_dir"]) if options["pki_dir"] else settings.MOTCUA_SIGNING_DIR
        token = options["token"] or os.environ.get("MOTCUA_REMOTE_SIGNER_TOKEN", "")
        if not token:
            raise CommandError("Cần khóa truy cập: --token hoặc MOTCUA_REMOTE_SIGNER_TOKEN.")
        if not (directory / "p12_password").is_file():
            raise CommandError(f"Không có khóa trong {directory}: chạy `motcua signing-setup` trước.")
        auto = "confirm" if options["auto_confirm"] else ""
        try:
            server = SignerServer((options["host"], options["port"]), directory, token=token, auto=auto)
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"remote signer stand-in listening on http://{host}:{port}/ (app: /_standin/)")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
