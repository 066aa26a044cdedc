"""``motcua integrations``: every edge, its providers, whether each is configured (and why not), the outbox."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.integrations.edges import EDGES
from motcua.integrations.selectors import state_counts


class Command(BaseCommand):
    help = "Liệt kê các kết nối (cổng quốc gia, thông báo, thanh toán, ký số, định danh, dân cư, webhook)."

    def handle(self, *args: Any, **options: Any) -> None:
        for registry in EDGES:
            self.stdout.write(f"{registry.label} ({registry.edge}):")
            if not len(registry):
                self.stdout.write("  (chưa có nhà cung cấp nào được cài đặt)")
            for plugin in registry:
                problem = plugin.problem()
                where = getattr(plugin, "where", None)  # optional: where it sends, without secrets
                status = problem if problem is not None else "đã cấu hình" + (f" ({where()})" if where else "")
                self.stdout.write(f"  {plugin.name}: {status}")
        counts = state_counts()
        if counts:
            self.stdout.write("Hộp thư đi:")
            for (destination, state), n in sorted(counts.items()):
                self.stdout.write(f"  {destination} {state}: {n}")
