"""``motcua webhook-standin --port N [--secret S]``: run the stand-in receiver (docs/components/webhook-standin.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from motcua.integrations.contrib.webhook.standin import StandinServer
from motcua.integrations.standin_command import StandinCommand, setting_or_option


class Command(StandinCommand):
    help = "Máy nhận webhook giả lập: kiểm tra chữ ký, khóa chống trùng và nội dung; ghi lại những gì nhận được."
    default_port, service_name = 8010, "webhook"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--secret", default="", help="Khóa ký; mặc định MOTCUA_WEBHOOK_SECRET.")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> StandinServer:
        secret = setting_or_option(options, "secret", "MOTCUA_WEBHOOK_SECRET")
        if not secret:
            raise CommandError("Cần khóa ký: --secret hoặc biến môi trường MOTCUA_WEBHOOK_SECRET.")
        return StandinServer(address, secret)
