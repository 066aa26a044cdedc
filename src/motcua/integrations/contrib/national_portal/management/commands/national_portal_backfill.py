"""``motcua national-portal-backfill``: an outbox row for every dossier the portal was never told about."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.integrations.contrib.national_portal.backfill import enqueue_unsent
from motcua.integrations.destinations import destinations


class Command(BaseCommand):
    help = "Ghi hộp thư đi cho mọi hồ sơ chưa từng được gửi lên Cổng Dịch vụ công quốc gia (hồ sơ và toàn bộ tiến độ)."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = destinations["national_portal"].problem()
        if problem is not None:
            raise CommandError(problem)
        self.stdout.write(f"Cổng Dịch vụ công quốc gia: {enqueue_unsent()} hồ sơ được đưa vào hộp thư đi.")
