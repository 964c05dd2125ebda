"""``frontdoor audit``: seal and verify the audit trail's hash chains, and make partitions.

    frontdoor audit seal          # chain every entry not yet sealed (housekeeping does this)
    frontdoor audit verify        # recompute both chains; exit code 1 at the first break
    frontdoor audit partitions [--ahead 3]   # PostgreSQL: this month's and later partitions

``verify`` prints one line per chain (the access log, the event history) with the head's
sequence number and hash: keep those lines somewhere the database's users cannot write, and a
rewrite of the whole chain is caught too (see docs/audit-trail.md).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdoor.audit.chain import audit_seal, audit_verify
from frontdoor.audit.partitions import MONTHS_AHEAD, is_partitioned, partitions_ensure


class Command(BaseCommand):
    help = "Seal or verify the audit trail's hash chains, or create the access log's partitions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("seal", help="Chain every access log entry and event not yet sealed.")
        actions.add_parser(
            "verify", help="Recompute both chains; exit code 1 naming the first broken entry."
        )
        partitions = actions.add_parser(
            "partitions", help="PostgreSQL: create this month's and the next months' partitions."
        )
        partitions.add_argument(
            "--ahead",
            type=int,
            default=MONTHS_AHEAD,
            help=f"Months ahead to create (default {MONTHS_AHEAD}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "seal":
            sealed = audit_seal()
            self.stdout.write(
                f"Sealed {sealed['access']:,} access log entries and {sealed['event']:,} events."
            )
        elif action == "verify":
            reports = audit_verify()
            for report in reports:
                self.stdout.write(report.line())
            broken = [r for r in reports if not r.ok]
            if broken:
                raise CommandError(
                    "; ".join(
                        f"{r.chain} chain broken at sequence number {r.broken_at}" for r in broken
                    ),
                    returncode=1,
                )
        else:
            if options["ahead"] < 0:
                raise CommandError("--ahead must be 0 or more")
            if not is_partitioned():
                self.stdout.write("The access log is not partitioned here (PostgreSQL only).")
                return
            created = partitions_ensure(ahead=options["ahead"])
            self.stdout.write(
                f"Created {len(created)} partition(s): {', '.join(created)}"
                if created
                else "Every partition needed already exists."
            )
