"""``motcua vnpay-standin --port N [--tmn-code C] [--hash-secret S] --ipn-url URL``: the stand-in VNPay
gateway (docs/components/vnpay-standin.md)."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.payments.contrib.vnpay.standin import VnpayServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Cổng VNPay giả lập: trang thanh toán, IPN ký HMAC-SHA512, querydr và hoàn tiền."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8013, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--tmn-code", default="", help="Mã website; mặc định MOTCUA_VNPAY_TMN_CODE.")
        parser.add_argument("--hash-secret", default="", help="Khóa bí mật; mặc định MOTCUA_VNPAY_HASH_SECRET.")
        parser.add_argument("--ipn-url", default="", help="Địa chỉ IPN của website (GET, gọi từ máy chủ).")

    def handle(self, *args: Any, **options: Any) -> None:
        merchant = options["tmn_code"] or os.environ.get("MOTCUA_VNPAY_TMN_CODE", "")
        secret = options["hash_secret"] or os.environ.get("MOTCUA_VNPAY_HASH_SECRET", "")
        if not merchant or not secret:
            raise CommandError("Cần mã website và khóa bí mật: --tmn-code/--hash-secret hoặc MOTCUA_VNPAY_*.")
        public = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        ipn_url = options["ipn_url"] or f"{public}/payments/vnpay/ipn"
        try:
            server = VnpayServer((options["host"], options["port"]), merchant, secret, ipn_url)
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        host, port = server.server_address[:2]
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"vnpay stand-in listening on http://{host}:{port}/ (IPN → {ipn_url})")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
