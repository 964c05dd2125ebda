"""``frontdoor worker``: the database task worker, plus intake and housekeeping.

Two daemon threads, each with its own database connection: one makes new submissions
contacts (checking every second), the other runs housekeeping once a minute (the outbox
sweep, reconciliation alerts, expired drafts), so no cron job is needed.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from frontdoor.intake.submissions import submissions_convert_pending
from frontdoor.work.housekeeping import tick

logger = logging.getLogger("frontdoor.housekeeping")


def _intake(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        made = 0
        try:
            made = submissions_convert_pending(limit=50)
        except Exception:  # logged; the next round tries again on a fresh connection
            logger.exception("Making submissions contacts failed")
            connection.close()
        if not made:
            stop.wait(interval)


def _housekeeping(stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        try:
            tick()
        except Exception:  # a failed round is logged and retried at the next one
            logger.exception("Housekeeping failed")
        finally:
            connection.close()


class Command(DbWorkerCommand):
    help = "Run the background task worker, make submissions contacts, and keep house."

    def handle(self, *args: Any, **options: Any) -> None:
        interval = float(getattr(settings, "FRONTDOOR_HOUSEKEEPING_SECONDS", 60))
        stop = threading.Event()
        for name, target, every in (
            ("intake", _intake, float(getattr(settings, "FRONTDOOR_INTAKE_POLL_SECONDS", 1))),
            ("housekeeping", _housekeeping, interval),
        ):
            threading.Thread(target=target, args=(stop, every), name=name, daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
