"""``motcua national-portal-standin --port N``: run the stand-in portal (docs/components/national-portal-standin.md)."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.national_portal.standin import PortalServer, PortalState


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _env(name: str, default: str) -> str:
    return os.environ.get(f"MOTCUA_NATIONAL_PORTAL_{name}") or default


class Command(BaseCommand):
    help = "Cổng Dịch vụ công quốc gia giả lập: đăng nhập, đồng bộ hồ sơ và tiến độ, tra cứu; kiểm tra dữ liệu."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8011, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--username", default="", help="Mặc định MOTCUA_NATIONAL_PORTAL_USERNAME, hoặc motcua.")
        parser.add_argument("--password", default="", help="Mặc định MOTCUA_NATIONAL_PORTAL_PASSWORD, hoặc motcua.")
        parser.add_argument("--dstcode", default="", help="Mặc định MOTCUA_NATIONAL_PORTAL_DSTCODE, hoặc H55.")
        parser.add_argument("--session-seconds", type=float, default=1800, help="Thời hạn của một phiên.")
        parser.add_argument("--log-requests", action="store_true", help="In một dòng cho mỗi yêu cầu.")

    def handle(self, *args: Any, **options: Any) -> None:
        state = PortalState(
            username=options["username"] or _env("USERNAME", "motcua"),
            password=options["password"] or _env("PASSWORD", "motcua"),
            dstcode=options["dstcode"] or _env("DSTCODE", "H55"),
            session_seconds=options["session_seconds"],
        )
        try:
            server = PortalServer((options["host"], options["port"]), state, verbose=options["log_requests"])
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"national portal stand-in listening on http://{host}:{port}/ (auth /auth, service /service)")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
