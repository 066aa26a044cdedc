"""``motcua create_api_token USERNAME [--name NAME] [--scope read|act] [--days N]``: print a new API token.

The token is printed once (only its hash is kept). ``read`` (the default: the least a program needs to be given)
answers reads only; ``act`` may also write. It ends after ``--days`` days (90 by default, at most 365); its owner
lists and revokes their tokens at ``/account/tokens/``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.models import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, TokenScope, User
from motcua.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Tạo khóa API cho người dùng (khóa chỉ hiển thị một lần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="read: chỉ đọc (mặc định); act: đọc và thao tác.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_TOKEN_DAYS,
            help=f"Số ngày hiệu lực (mặc định {DEFAULT_TOKEN_DAYS}, tối đa {MAX_TOKEN_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        if not 1 <= options["days"] <= MAX_TOKEN_DAYS:
            raise CommandError(f"Số ngày hiệu lực phải từ 1 đến {MAX_TOKEN_DAYS}.")
        self.stdout.write(create_api_token(user, options["name"], scope=options["scope"], days=options["days"]))
