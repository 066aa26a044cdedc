"""``motcua identity-standin --port N [--client-id ID --client-secret S --redirect-uri URI …]``: run the stand-in
identity provider (OpenID Connect with PKCE; docs/components/identity-standin.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from motcua.integrations.contrib.oidc.standin import DEMO_CITIZEN, ProviderServer
from motcua.integrations.standin_command import StandinCommand, setting_or_option


class Command(StandinCommand):
    help = "Nhà cung cấp định danh giả lập (OpenID Connect, PKCE, mã định danh ký RS256) với một công dân mẫu."
    default_port, service_name = 8017, "identity"

    def add_standin_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--issuer", default="", help="Định danh nhà cung cấp; mặc định http://HOST:PORT.")
        parser.add_argument("--client-id", default="", help="Mặc định MOTCUA_OIDC_CLIENT_ID.")
        parser.add_argument("--client-secret", default="", help="Mặc định MOTCUA_OIDC_CLIENT_SECRET.")
        parser.add_argument(
            "--redirect-uri", action="append", default=[], help="Địa chỉ quay lại được đăng ký (lặp lại được)."
        )

    def make_server(self, address: tuple[str, int], options: dict[str, Any]) -> ProviderServer:
        client_id = setting_or_option(options, "client_id", "MOTCUA_OIDC_CLIENT_ID")
        secret = setting_or_option(options, "client_secret", "MOTCUA_OIDC_CLIENT_SECRET")
        if not client_id or not secret:
            raise CommandError(
                "Cần --client-id và --client-secret (hoặc MOTCUA_OIDC_CLIENT_ID, MOTCUA_OIDC_CLIENT_SECRET)."
            )
        uris = set(options["redirect_uri"]) or {"http://127.0.0.1:8000/signin/oidc/callback/"}
        return ProviderServer(
            address,
            client_id=client_id,
            client_secret=secret,
            redirect_uris=uris,
            issuer=options["issuer"].rstrip("/"),
        )

    def start_lines(self, server: ProviderServer, url: str, options: dict[str, Any]) -> list[str]:
        # the issuer, not the socket's address: a configured --issuer is what clients must use
        return [
            f"identity stand-in listening on {server.state.issuer}/",
            f"demo citizen: {DEMO_CITIZEN['username']} / {DEMO_CITIZEN['password']}",
        ]
