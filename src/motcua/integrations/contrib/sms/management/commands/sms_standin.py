"""``motcua sms-standin --port N [--token T] [--max-segments 5]``: run the stand-in SMS gateway
(docs/components/sms-standin.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from motcua.integrations.contrib.sms.standin import GatewayServer
from motcua.integrations.standin_command import StandinCommand, setting_or_option


class Command(StandinCommand):
    help = "Cổng SMS giả lập: kiểm tra khóa truy cập, số điện thoại, độ dài và mã hóa tin; ghi lại tin đã nhận."
    default_port, service_name = 8012, "sms"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--token", default="", help="Khóa truy cập; mặc định MOTCUA_SMS_TOKEN.")
        parser.add_argument("--max-segments", type=int, default=5, help="Số tin (segment) tối đa của một tin nhắn.")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> GatewayServer:
        token = setting_or_option(options, "token", "MOTCUA_SMS_TOKEN")
        if not token:
            raise CommandError("Cần khóa truy cập: --token hoặc biến môi trường MOTCUA_SMS_TOKEN.")
        return GatewayServer(address, token, options["max_segments"])
