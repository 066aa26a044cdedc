"""``motcua sync-report [--json]``: every dossier the national portal has not acknowledged, and why.

Empty in normal operation. Exit status 0 when every dossier is synchronised and 1 otherwise, so that a
monitoring job can alert on it; ``--resend`` re-drives them (as the report's page does).
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.integrations.services import resend_dossiers
from motcua.integrations.sync_report import sync_status, unsynced_report


def _moment(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


class Command(BaseCommand):
    help = "Báo cáo hồ sơ chưa đồng bộ với Cổng Dịch vụ công quốc gia (mã thoát 1 khi còn hồ sơ chưa đồng bộ)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument("--limit", type=int, default=1000, help="Số hồ sơ tối đa được liệt kê (mặc định 1000).")
        parser.add_argument("--resend", action="store_true", help="Gửi lại các hồ sơ được liệt kê.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = unsynced_report(None, limit=max(1, options["limit"]))
        status = sync_status(report.destination)
        if options["json"]:
            document = {
                "destination": report.destination,
                "configured": status.configured,
                "problem": status.problem,
                "total": report.total,
                "by_reason": {str(reason): n for reason, n in report.by_reason.items()},
                "items": [
                    {
                        "code": item.code,
                        "procedure": item.procedure,
                        "agency": item.agency,
                        "status": item.status,
                        "reason": str(item.reason),
                        "since": _moment(item.since),
                        "message": item.message,
                        "attempts": item.attempts,
                        "undelivered": item.undelivered,
                    }
                    for item in report.items
                ],
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            if status.problem:
                self.stdout.write(f"Kết nối: {status.problem}")
            self.stdout.write(f"Hồ sơ chưa đồng bộ: {report.total}")
            for reason, n in report.by_reason.items():
                if n:
                    self.stdout.write(f"  {reason.label}: {n}")
            for item in report.items:
                since = _moment(item.since) or "—"
                line = f"{item.code}\t{item.status}\t{item.reason.label}\t{since}"
                self.stdout.write(line + (f"\t{item.message}" if item.message else ""))
            if report.total > len(report.items):
                self.stdout.write(f"(liệt kê {len(report.items)} hồ sơ đầu tiên; dùng --limit để xem thêm)")
        if options["resend"] and report.items:
            ids = Dossier.objects.filter(code__in=[item.code for item in report.items]).values_list("pk", flat=True)
            resent = resend_dossiers(report.destination, ids)
            self.stderr.write(
                f"Đã gửi lại: {resent.redriven} thông điệp lỗi, {resent.made_due} thông điệp đang chờ, "
                f"{resent.queued} thông điệp mới."
            )
        if report.total:
            sys.exit(1)
