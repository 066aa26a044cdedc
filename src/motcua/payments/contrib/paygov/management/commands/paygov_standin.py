"""``motcua paygov-standin --port N [--partner-code C] [--secret S] [--callback-url URL] [--return-url URL]
[--wrapped]``: the stand-in national payment platform (docs/components/paygov-standin.md)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from motcua.integrations.standin_command import StandinCommand, setting_or_option
from motcua.payments.contrib.paygov.standin import PaygovServer


class Command(StandinCommand):
    help = "Nền tảng thanh toán quốc gia giả lập: INIT, trang thanh toán, kết quả ký MaXacThuc, QUERY, GET_BILL."
    default_port, service_name = 8014, "paygov"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--partner-code", default="", help="MaDoiTac; mặc định MOTCUA_PAYGOV_PARTNER_CODE.")
        parser.add_argument("--secret", default="", help="Khóa bí mật; mặc định MOTCUA_PAYGOV_SECRET.")
        parser.add_argument("--callback-url", default="", help="Địa chỉ nhận kết quả của đối tác (POST JSON).")
        parser.add_argument("--return-url", default="", help="Trang trả người nộp về sau khi thanh toán.")
        parser.add_argument("--wrapped", action="store_true", help="Trả lời bọc {error_code, message} như LGSP.")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> PaygovServer:
        partner = setting_or_option(options, "partner_code", "MOTCUA_PAYGOV_PARTNER_CODE")
        secret = setting_or_option(options, "secret", "MOTCUA_PAYGOV_SECRET")
        if not partner or not secret:
            raise CommandError("Cần mã đối tác và khóa bí mật: --partner-code/--secret hoặc MOTCUA_PAYGOV_*.")
        public = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        callback = options["callback_url"] or f"{public}/payments/paygov/callback"
        server = PaygovServer(address, partner, secret, callback, wrapped=options["wrapped"])
        server.return_url = options["return_url"] or f"{public}/my/"
        return server

    def start_lines(self, server: PaygovServer, url: str, options: dict[str, Any]) -> list[str]:
        return [f"paygov stand-in listening on {url} (callback → {server.state.callback_url})"]
