"""``motcua population-standin --port N [--token T]``: run the stand-in population registry
(docs/components/population-standin.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from motcua.integrations.contrib.population.standin import DATABASE_CODE, RegistryServer
from motcua.integrations.standin_command import StandinCommand, setting_or_option


class Command(StandinCommand):
    help = "CSDL dân cư giả lập: kiểm tra khóa truy cập, số định danh và sự đồng ý; trả thông tin công dân mẫu."
    default_port, service_name = 8018, "population"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--token", default="", help="Khóa truy cập; mặc định MOTCUA_POPULATION_TOKEN.")
        parser.add_argument("--database", default=DATABASE_CODE, help="Mã cơ sở dữ liệu trả về (MaCSDL).")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> RegistryServer:
        token = setting_or_option(options, "token", "MOTCUA_POPULATION_TOKEN")
        if not token:
            raise CommandError("Cần khóa truy cập: --token hoặc biến môi trường MOTCUA_POPULATION_TOKEN.")
        return RegistryServer(address, token, options["database"])
