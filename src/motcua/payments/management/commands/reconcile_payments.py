"""``motcua reconcile_payments``: query the gateways once about attempts left open 30 minutes to 3 days, settle
them as a callback would, expire older ones (what the worker does every ``MOTCUA_PAYMENT_RECONCILE_SECONDS``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.payments.services import reconcile


class Command(BaseCommand):
    help = "Đối soát các giao dịch thanh toán chưa có kết quả (30 phút – 3 ngày); giao dịch cũ hơn hết hạn."

    def handle(self, *args: Any, **options: Any) -> None:
        done = reconcile()
        self.stdout.write(
            f"queried {done.queried}, settled {done.settled}, pending {done.pending}, "
            f"errors {done.errors}, expired {done.expired}"
        )
