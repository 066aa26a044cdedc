"""``motcua remote-signer-standin --port N [--pki-dir DIR] [--token T] [--auto-confirm]``: run the stand-in remote
signing service (docs/components/remote-signer-standin.md) with the demo PKI's agency keys."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from motcua.integrations.contrib.remote_signer.standin import SignerServer
from motcua.integrations.standin_command import StandinCommand, setting_or_option


class Command(StandinCommand):
    help = "Dịch vụ ký số từ xa giả lập: nhận mã băm, trả chữ ký khi người ký xác nhận trên ứng dụng."
    default_port, service_name = 8016, "remote signer"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--pki-dir", default="", help="Thư mục khóa (mặc định var/signing).")
        parser.add_argument("--token", default="", help="Khóa truy cập; mặc định MOTCUA_REMOTE_SIGNER_TOKEN.")
        parser.add_argument("--auto-confirm", action="store_true", help="Tự xác nhận mọi yêu cầu (trình diễn).")

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> SignerServer:
        directory = Path(options["pki_dir"]) if options["pki_dir"] else settings.MOTCUA_SIGNING_DIR
        token = setting_or_option(options, "token", "MOTCUA_REMOTE_SIGNER_TOKEN")
        if not token:
            raise CommandError("Cần khóa truy cập: --token hoặc MOTCUA_REMOTE_SIGNER_TOKEN.")
        if not (directory / "p12_password").is_file():
            raise CommandError(f"Không có khóa trong {directory}: chạy `motcua signing-setup` trước.")
        auto = "confirm" if options["auto_confirm"] else ""
        return SignerServer(address, directory, token=token, auto=auto)

    def start_lines(self, server: SignerServer, url: str, options: dict[str, Any]) -> list[str]:
        return [f"remote signer stand-in listening on {url} (app: /_standin/)"]
