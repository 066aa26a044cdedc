"""``motcua webhook-standin --port N [--secret S]``: run the stand-in receiver (docs/components/webhook-standin.md)."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.webhook.standin import StandinServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Máy nhận webhook giả lập: kiểm tra chữ ký, khóa chống trùng và nội dung; ghi lại những gì nhận được."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8010, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--secret", default="", help="Khóa ký; mặc định MOTCUA_WEBHOOK_SECRET.")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = options["secret"] or os.environ.get("MOTCUA_WEBHOOK_SECRET", "")
        if not secret:
            raise CommandError("Cần khóa ký: --secret hoặc biến môi trường MOTCUA_WEBHOOK_SECRET.")
        try:
            server = StandinServer((options["host"], options["port"]), secret)
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"webhook stand-in listening on http://{host}:{port}/")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
