"""``motcua identity-standin --port N [--client-id ID --client-secret S --redirect-uri URI …]``: run the stand-in
identity provider (OpenID Connect with PKCE; docs/components/identity-standin.md)."""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.oidc.standin import DEMO_CITIZEN, ProviderServer


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Nhà cung cấp định danh giả lập (OpenID Connect, PKCE, mã định danh ký RS256) với một công dân mẫu."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8017, help="Cổng (0: chọn một cổng trống và in ra).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--issuer", default="", help="Định danh nhà cung cấp; mặc định http://HOST:PORT.")
        parser.add_argument("--client-id", default="", help="Mặc định MOTCUA_OIDC_CLIENT_ID.")
        parser.add_argument("--client-secret", default="", help="Mặc định MOTCUA_OIDC_CLIENT_SECRET.")
        parser.add_argument(
            "--redirect-uri", action="append", default=[], help="Địa chỉ quay lại được đăng ký (lặp lại được)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client_id = options["client_id"] or os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
        secret = options["client_secret"] or os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
        if not client_id or not secret:
            raise CommandError(
                "Cần --client-id và --client-secret (hoặc MOTCUA_OIDC_CLIENT_ID, MOTCUA_OIDC_CLIENT_SECRET)."
            )
        uris = set(options["redirect_uri"]) or {"http://127.0.0.1:8000/signin/oidc/callback/"}
        try:
            server = ProviderServer(
                (options["host"], options["port"]),
                client_id=client_id,
                client_secret=secret,
                redirect_uris=uris,
                issuer=options["issuer"].rstrip("/"),
            )
        except OSError as error:
            raise CommandError(f"Không mở được cổng {options['port']}: {error}") from error
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(f"identity stand-in listening on {server.state.issuer}/")
        self.stdout.write(f"demo citizen: {DEMO_CITIZEN['username']} / {DEMO_CITIZEN['password']}")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
