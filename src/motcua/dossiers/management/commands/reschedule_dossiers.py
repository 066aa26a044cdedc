"""``motcua reschedule-dossiers [--apply]``: bring a changed working calendar to running dossiers.

A dossier keeps the deadlines it was given (``dossiers.projections``). After a day off or an extra working
day is declared, this lists the running dossiers whose deadlines the calendar would now set otherwise;
``--apply`` gives each a ``reschedule`` action by the system actor, recorded in its log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from motcua.dossiers.projections import reschedule


class Command(BaseCommand):
    help = "Tính lại thời hạn của hồ sơ đang giải quyết theo lịch làm việc hiện hành (--apply để ghi)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Ghi thao tác tính lại thời hạn vào nhật ký.")

    def handle(self, *args: Any, **options: Any) -> None:
        changes = reschedule(apply=options["apply"])
        verb = "đã tính lại thời hạn" if options["apply"] else "có thời hạn khác theo lịch hiện hành"
        self.stdout.write(f"Hồ sơ {verb}: {len(changes)}.")
        for change in changes[:50]:
            old, new = timezone.localtime(change.old_due_at), timezone.localtime(change.due_at)
            self.stdout.write(f"  {change.code}: hạn {old:%H:%M %d/%m/%Y} → {new:%H:%M %d/%m/%Y}")
