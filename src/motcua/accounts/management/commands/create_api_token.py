"""``motcua create_api_token USERNAME [--name NAME]``: print a new API token for a user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.models import User
from motcua.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Tạo khóa API cho người dùng (khóa chỉ hiển thị một lần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        self.stdout.write(create_api_token(user, options["name"]))
