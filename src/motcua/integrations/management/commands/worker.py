"""``motcua worker [--until-idle] [--retry-now]``: deliver the outbox and run background tasks."""

from __future__ import annotations

import logging
import os
import socket
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from motcua.integrations.worker import OutboxWorker


class Command(BaseCommand):
    help = "Chạy tiến trình nền: gửi hộp thư đi (outbox) và các tác vụ nền. Dừng bằng Ctrl-C hoặc SIGTERM."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--until-idle", action="store_true", help="Xử lý mọi việc đã đến hạn rồi thoát (dùng cho kiểm thử, script)."
        )
        parser.add_argument(
            "--retry-now", action="store_true", help="Các thông điệp đang chờ lần thử sau cũng được thử ngay."
        )
        parser.add_argument("--worker-id", default="", help="Tên tiến trình (mặc định: máy:pid:ngẫu nhiên).")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.MOTCUA_WORKER_POLL_SECONDS,
            help="Số giây chờ giữa hai lần tìm việc khi không có việc.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MOTCUA_PRODUCTION:  # refuse to start unsafe (motcua.operations.checks)
            call_command("check", deploy=True, fail_level="ERROR")
        for name in ("motcua.integrations", "django_tasks", "django_tasks_db"):
            log = logging.getLogger(name)
            log.setLevel(logging.INFO if options["verbosity"] else logging.WARNING)
        worker_id = options["worker_id"] or f"{socket.gethostname()}:{os.getpid()}:{get_random_string(6)}"
        worker = OutboxWorker(
            worker_id=worker_id[:64],
            interval=options["interval"],
            sweep_seconds=settings.MOTCUA_OUTBOX_SWEEP_SECONDS,
            until_idle=options["until_idle"],
            retry_now=options["retry_now"],
        )
        worker.configure_signals()
        worker.run()
