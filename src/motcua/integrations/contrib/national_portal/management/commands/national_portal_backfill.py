"""``motcua national-portal-backfill``: an outbox row for every dossier the portal was never told about.

A dossier received while the destination was not configured (the demo's data, loaded before the demo starts
its stand-in; a province that switches synchronisation on) has no ``national_portal`` row, so nothing would ever
send it: each gets one row with its record and every progress row (``integrations.services.queue_history``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.models import Dossier
from motcua.integrations.destinations import destinations
from motcua.integrations.services import queue_history
from motcua.integrations.sync_report import NATIONAL_PORTAL, not_queued


class Command(BaseCommand):
    help = "Ghi hộp thư đi cho mọi hồ sơ chưa từng được gửi lên Cổng Dịch vụ công quốc gia (hồ sơ và toàn bộ tiến độ)."

    def handle(self, *args: Any, **options: Any) -> None:
        destination = destinations[NATIONAL_PORTAL]
        problem = destination.problem()
        if problem is not None:
            raise CommandError(problem)
        never = not_queued(Dossier.objects.all()).order_by("pk").values_list("pk", flat=True)
        written = sum(queue_history(destination, pk) for pk in never.iterator())
        self.stdout.write(f"Cổng Dịch vụ công quốc gia: {written} hồ sơ được đưa vào hộp thư đi.")
