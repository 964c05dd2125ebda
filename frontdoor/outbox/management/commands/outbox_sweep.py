"""``frontdoor outbox_sweep``: hand the worker any outbox message a crash left behind.

Safe to run as often as you like (from cron, say every five minutes) alongside the worker's
own sweep: a message is only re-enqueued once it has been stuck for longer than the lease,
and delivery claims each message before sending it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frontdoor.outbox.selectors import outbox_problems
from frontdoor.outbox.services import outbox_sweep


class Command(BaseCommand):
    help = "Re-enqueue outbox messages that are overdue or whose worker stopped mid-attempt."

    def handle(self, *args: Any, **options: Any) -> None:
        count = outbox_sweep()
        self.stdout.write(f"Outbox sweep: handed {count} message(s) to the worker.")
        problems = outbox_problems().count()
        if problems:
            self.stdout.write(
                self.style.WARNING(
                    f"{problems} message(s) failed or are still unsent after an hour: "
                    "see Outbox > Messages in the admin."
                )
            )
