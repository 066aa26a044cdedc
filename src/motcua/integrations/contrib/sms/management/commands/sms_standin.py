"""``motcua sms-standin --port N [--token T] [--max-segments 5]``: run the stand-in SMS gateway
(docs/components/sms-standin.md)."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.sms.standin import GatewayServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Cổng SMS giả lập: kiểm tra khóa truy cập, số điện thoại, độ dài và mã hóa tin; ghi lại tin đã nhận."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8012, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--token", default="", help="Khóa truy cập; mặc định MOTCUA_SMS_TOKEN.")
        parser.add_argument("--max-segments", type=int, default=5, help="Số tin (segment) tối đa của một tin nhắn.")

    def handle(self, *args: Any, **options: Any) -> None:
        token = options["token"] or os.environ.get("MOTCUA_SMS_TOKEN", "")
        if not token:
            raise CommandError("Cần khóa truy cập: --token hoặc biến môi trường MOTCUA_SMS_TOKEN.")
        try:
            server = GatewayServer((options["host"], options["port"]), token, options["max_segments"])
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"sms stand-in listening on http://{host}:{port}/")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
