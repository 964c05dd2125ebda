"""``frontdoor worker``: the database task worker, plus housekeeping once a minute.

The housekeeping runs on a daemon thread with its own database connection, so the outbox
is swept and reconciliation alerts are raised without a separate cron job.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from frontdoor.work.housekeeping import tick

logger = logging.getLogger("frontdoor.housekeeping")


def _housekeeping(stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        try:
            tick()
        except Exception:  # a failed round is logged and retried at the next one
            logger.exception("Housekeeping failed")
        finally:
            connection.close()


class Command(DbWorkerCommand):
    help = "Run the background task worker, with housekeeping every minute."

    def handle(self, *args: Any, **options: Any) -> None:
        interval = float(getattr(settings, "FRONTDOOR_HOUSEKEEPING_SECONDS", 60))
        stop = threading.Event()
        thread = threading.Thread(
            target=_housekeeping, args=(stop, interval), name="housekeeping", daemon=True
        )
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
