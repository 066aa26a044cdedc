"""``motcua national-portal-standin --port N``: run the stand-in portal (docs/components/national-portal-standin.md)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from motcua.integrations.contrib.national_portal.standin import PortalServer, PortalState
from motcua.integrations.standin_command import StandinCommand


def _env(name: str, default: str) -> str:
    return os.environ.get(f"MOTCUA_NATIONAL_PORTAL_{name}") or default


class Command(StandinCommand):
    help = "Cổng Dịch vụ công quốc gia giả lập: đăng nhập, đồng bộ hồ sơ và tiến độ, tra cứu; kiểm tra dữ liệu."
    default_port, service_name = 8011, "national portal"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", default="", help="Mặc định MOTCUA_NATIONAL_PORTAL_USERNAME, hoặc motcua.")
        parser.add_argument("--password", default="", help="Mặc định MOTCUA_NATIONAL_PORTAL_PASSWORD, hoặc motcua.")
        parser.add_argument("--dstcode", default="", help="Mặc định MOTCUA_NATIONAL_PORTAL_DSTCODE, hoặc H55.")
        parser.add_argument("--session-seconds", type=float, default=1800, help="Thời hạn của một phiên.")
        parser.add_argument("--log-requests", action="store_true", help="In một dòng cho mỗi yêu cầu.")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> PortalServer:
        state = PortalState(
            username=options["username"] or _env("USERNAME", "motcua"),
            password=options["password"] or _env("PASSWORD", "motcua"),
            dstcode=options["dstcode"] or _env("DSTCODE", "H55"),
            session_seconds=options["session_seconds"],
        )
        return PortalServer(address, state, verbose=options["log_requests"])

    def start_lines(self, server: PortalServer, url: str, options: dict[str, Any]) -> list[str]:
        return [f"national portal stand-in listening on {url} (auth /auth, service /service)"]
