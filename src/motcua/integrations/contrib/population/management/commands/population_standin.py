"""``motcua population-standin --port N [--token T]``: run the stand-in population registry
(docs/components/population-standin.md)."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.population.standin import DATABASE_CODE, RegistryServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "CSDL dân cư giả lập: kiểm tra khóa truy cập, số định danh và sự đồng ý; trả thông tin công dân mẫu."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8018, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--token", default="", help="Khóa truy cập; mặc định MOTCUA_POPULATION_TOKEN.")
        parser.add_argument("--database", default=DATABASE_CODE, help="Mã cơ sở dữ liệu trả về (MaCSDL).")

    def handle(self, *args: Any, **options: Any) -> None:
        token = options["token"] or os.environ.get("MOTCUA_POPULATION_TOKEN", "")
        if not token:
            raise CommandError("Cần khóa truy cập: --token hoặc biến môi trường MOTCUA_POPULATION_TOKEN.")
        try:
            server = RegistryServer((options["host"], options["port"]), token, options["database"])
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"population stand-in listening on http://{host}:{port}/")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
