"""``frontdoor tick``: run the housekeeping once (for cron, beside or instead of the worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from frontdoor.work.housekeeping import tick


class Command(BaseCommand):
    help = (
        "Make waiting submissions contacts, re-send undelivered email, raise reconciliation "
        "alerts, purge expired drafts and propose likely duplicate children."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = tick()
        self.stdout.write(
            f"Contacts made: {report.contacts_made}; emails re-queued: "
            f"{report.emails_requeued}; alerts raised: "
            f"{report.alerts_raised}; expired drafts purged: {report.drafts_purged}; "
            f"likely duplicates proposed: {report.duplicates_proposed}"
        )
