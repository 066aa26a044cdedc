"""``motcua worker``: the background worker (django-tasks' database worker, with the outbox's sweep).

It runs every ready task of the database backend (the outbox's deliveries and any other background work),
one at a time; several workers share the work through ``SELECT … FOR UPDATE SKIP LOCKED`` on the tasks and
the lease on each outbox row. Between tasks it wakes the outbox messages whose task was lost (a worker killed
mid-delivery: its lease expires, then its message is tried again), and once a day it seals the action log
(``dossiers.audit.seal_pending``).

SIGTERM or SIGINT: the current task (one delivery) or sweep finishes, then the worker exits with 0; a second
signal stops it at once with 1 (the message it held is delivered again after its lease, with the same key).
The first signal only asks the loop to stop. django-tasks' own handler calls ``sys.exit(0)`` from wherever the
worker is when no task runs, which can be in the middle of a sweep's or a claim's statement; a worker stopped that
way once exited with 1 on PostgreSQL under load (not reproduced alone), and leaving between two steps removes the
possibility.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from motcua.dossiers.audit import seal_pending
from motcua.integrations import sweeps
from motcua.integrations.models import WorkerHeartbeat
from motcua.integrations.selectors import work_is_due
from motcua.integrations.services import retry_now, wake_forgotten

logger = logging.getLogger("motcua.integrations")


class OutboxWorker(Worker):
    def __init__(
        self, *, worker_id: str, interval: float, sweep_seconds: float, until_idle: bool, retry_now: bool
    ) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=until_idle,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.sweep_seconds = sweep_seconds
        self.until_idle = until_idle
        self.retry_now = retry_now
        self._stopping = threading.Event()  # set by the first signal; ends the wait between two polls

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:  # the second signal: django-tasks' immediate exit
            super().shutdown(signum, frame)
        logger.warning("worker %s: %s, stopping after the current step", self.worker_id, signal.strsignal(signum))
        self.running = False
        self._stopping.set()

    def run(self) -> None:
        logger.info("worker %s started%s", self.worker_id, " (until idle)" if self.until_idle else "")
        if self.retry_now:
            logger.info("worker %s: %d waiting message(s) made due now", self.worker_id, retry_now())
        last_sweep: float | None = None
        found_task = True
        while self.running:
            close_old_connections()
            sweep_due = last_sweep is None or time.monotonic() - last_sweep >= self.sweep_seconds
            if sweep_due or (self.until_idle and not found_task):
                self._sweep()
                last_sweep = time.monotonic()
            task_result = self._claim_task()
            found_task = task_result is not None
            if task_result is not None:
                self.run_task(task_result)
                continue
            if self.until_idle and not work_is_due(timezone.now()):
                logger.info("worker %s: nothing due, exiting", self.worker_id)
                return
            self._stopping.wait(self.interval)

    def _sweep(self) -> None:
        try:
            WorkerHeartbeat.objects.update_or_create(worker_id=self.worker_id, defaults={"seen_at": timezone.now()})
            woken = wake_forgotten()
            sealed = seal_pending()
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise
            return
        if woken:
            logger.info("worker %s: woke %d message(s) without a task", self.worker_id, woken)
        if sealed is not None:
            logger.info("worker %s: sealed %d action(s) of the log: %s", self.worker_id, sealed.actions, sealed.head)
        sweeps.run_due()  # the apps' periodic jobs (payments: reconciliation), each at most once per its interval

    def _claim_task(self) -> DBTaskResult | None:
        """The next ready task, marked as running by this worker (the database backend's own claim)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None
            raise
