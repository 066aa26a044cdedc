"""``motcua totp-code USERNAME``: the current second-factor code of a demo account (README, "The demo").

Only for a device with the published demo key (``second_factor.DEMO_TOTP_KEY``) that ``motcua load_demo`` gives the
demo officers: a real officer's key is never read out. Production refuses to start while any demo key exists.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.second_factor import DEMO_TOTP_KEY, current_code


class Command(BaseCommand):
    help = "In mã xác thực hai lớp hiện tại của một tài khoản mẫu (chỉ thiết bị dùng khóa mẫu)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=options["username"], key=DEMO_TOTP_KEY, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"Tài khoản “{options['username']}” không có thiết bị xác thực mẫu "
                "(chỉ tài khoản do motcua load_demo tạo mới có)."
            )
        self.stdout.write(current_code(device))
