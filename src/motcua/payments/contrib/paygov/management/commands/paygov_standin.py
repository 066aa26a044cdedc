"""``motcua paygov-standin --port N [--partner-code C] [--secret S] [--callback-url URL] [--return-url URL]
[--wrapped]``: the stand-in national payment platform (docs/components/paygov-standin.md)."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.payments.contrib.paygov.standin import PaygovServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Nền tảng thanh toán quốc gia giả lập: INIT, trang thanh toán, kết quả ký MaXacThuc, QUERY, GET_BILL."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8014, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--partner-code", default="", help="MaDoiTac; mặc định MOTCUA_PAYGOV_PARTNER_CODE.")
        parser.add_argument("--secret", default="", help="Khóa bí mật; mặc định MOTCUA_PAYGOV_SECRET.")
        parser.add_argument("--callback-url", default="", help="Địa chỉ nhận kết quả của đối tác (POST JSON).")
        parser.add_argument("--return-url", default="", help="Trang trả người nộp về sau khi thanh toán.")
        parser.add_argument("--wrapped", action="store_true", help="Trả lời bọc {error_code, message} như LGSP.")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = options["partner_code"] or os.environ.get("MOTCUA_PAYGOV_PARTNER_CODE", "")
        secret = options["secret"] or os.environ.get("MOTCUA_PAYGOV_SECRET", "")
        if not partner or not secret:
            raise CommandError("Cần mã đối tác và khóa bí mật: --partner-code/--secret hoặc MOTCUA_PAYGOV_*.")
        public = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        callback = options["callback_url"] or f"{public}/payments/paygov/callback"
        try:
            server = PaygovServer(
                (options["host"], options["port"]), partner, secret, callback, wrapped=options["wrapped"]
            )
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        server.return_url = options["return_url"] or f"{public}/my/"
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"paygov stand-in listening on http://{host}:{port}/ (callback → {callback})")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
