"""``frontdoor reconcile``: every submission against its contact; exit 1 when there is a gap."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from frontdoor.intake.reconciliation import (
    gap_checks,
    reconciliation_alerts_raise,
    reconciliation_rows,
    reconciliation_summary,
)


class Command(BaseCommand):
    help = (
        "List online and partner submissions with the contact each became, flag any without "
        "one or not screened in time, and optionally raise alerts; then run every check that "
        "no contact is left without an owner or a closure, and no referrer is left untold. "
        "Exits 1 if any gap is found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=7, help="Submissions received in the last N days (7)."
        )
        parser.add_argument("--all", action="store_true", help="Every submission ever received.")
        parser.add_argument("--problems", action="store_true", help="Only rows with a gap.")
        parser.add_argument("--csv", action="store_true", help="Write CSV rows to stdout.")
        parser.add_argument(
            "--raise-alerts",
            action="store_true",
            help="Raise alerts (once each) to the contact centre managers.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more")
        now = timezone.now()
        since = None
        if not options["all"]:
            start = timezone.localdate(now) - timedelta(days=options["days"] - 1)
            since = timezone.make_aware(datetime.combine(start, time.min))
        rows = reconciliation_rows(since=since, problems_only=options["problems"], now=now)
        if options["csv"]:
            writer = csv.writer(self.stdout)
            writer.writerow(
                ["reference", "received_at", "channel", "agency", "contact", "children",
                 "screened", "unscreened_due_at", "acknowledgement", "flags"]
            )  # fmt: skip
            for row in rows:
                s = row.submission
                writer.writerow(
                    [
                        s.reference,
                        s.received_at.isoformat(),
                        s.channel,
                        s.agency.code if s.agency else "",
                        s.contact.reference if s.contact else "",
                        row.children,
                        row.screened,
                        row.unscreened_due_at.isoformat() if row.unscreened_due_at else "",
                        row.acknowledgement,
                        "; ".join(row.flags),
                    ]
                )
        else:
            for row in rows:
                s = row.submission
                contact = s.contact.reference if s.contact else "NO CONTACT"
                status = ", ".join(row.flags) or "ok"
                self.stdout.write(
                    f"{s.reference}  {timezone.localtime(s.received_at):%Y-%m-%d %H:%M}  "
                    f"{contact:<10}  screened {row.screened}/{row.children}  {status}"
                )
        summary = reconciliation_summary(since=since, now=now)
        self.stderr.write(
            f"{summary.submissions} submissions: {summary.with_contact} with a contact, "
            f"{summary.waiting} becoming one, {summary.without_contact} without, "
            f"{summary.screening_overdue} screening overdue, "
            f"{summary.acknowledgement_failed} acknowledgement failed."
        )
        if options["raise_alerts"]:
            raised = reconciliation_alerts_raise(now=now)
            self.stderr.write(f"{len(raised)} new alert(s) raised.")
        gaps = 0
        for check in gap_checks():
            found = check.find(now)
            gaps += len(found)
            self.stderr.write(f"{check.title}: {len(found)}.")
            for gap in found:
                self.stderr.write(f"  {gap.reference}  {gap.detail}")
        if summary.without_contact or summary.screening_overdue or gaps:
            raise SystemExit(1)
