"""``motcua vnpay-standin --port N [--tmn-code C] [--hash-secret S] --ipn-url URL``: the stand-in VNPay
gateway (docs/components/vnpay-standin.md)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from motcua.integrations.standin_command import StandinCommand, setting_or_option
from motcua.payments.contrib.vnpay.standin import VnpayServer


class Command(StandinCommand):
    help = "Cổng VNPay giả lập: trang thanh toán, IPN ký HMAC-SHA512, querydr và hoàn tiền."
    default_port, service_name = 8013, "vnpay"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tmn-code", default="", help="Mã website; mặc định MOTCUA_VNPAY_TMN_CODE.")
        parser.add_argument("--hash-secret", default="", help="Khóa bí mật; mặc định MOTCUA_VNPAY_HASH_SECRET.")
        parser.add_argument("--ipn-url", default="", help="Địa chỉ IPN của website (GET, gọi từ máy chủ).")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> VnpayServer:
        merchant = setting_or_option(options, "tmn_code", "MOTCUA_VNPAY_TMN_CODE")
        secret = setting_or_option(options, "hash_secret", "MOTCUA_VNPAY_HASH_SECRET")
        if not merchant or not secret:
            raise CommandError("Cần mã website và khóa bí mật: --tmn-code/--hash-secret hoặc MOTCUA_VNPAY_*.")
        public = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        return VnpayServer(address, merchant, secret, options["ipn_url"] or f"{public}/payments/vnpay/ipn")

    def start_lines(self, server: VnpayServer, url: str, options: dict[str, Any]) -> list[str]:
        return [f"vnpay stand-in listening on {url} (IPN → {server.state.callback_url})"]
