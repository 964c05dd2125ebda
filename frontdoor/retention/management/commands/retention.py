"""``frontdoor retention propose|apply``: find what is due (a batch to review), or delete
what a data protection officer approved."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from frontdoor.retention.services import retention_apply, retention_propose


class Command(BaseCommand):
    help = (
        "propose: write a review batch of the records the retention rules make due (nothing "
        "is deleted). apply: delete the records of every approved batch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["propose", "apply"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "propose":
            review = retention_propose()
            if review is None:
                self.stdout.write("Nothing is due for deletion.")
            else:
                self.stdout.write(
                    f"Review {review.reference}: {review.items.count()} records due, waiting "
                    "for a data protection officer at /retention/reviews/"
                    f"{review.pk}/"
                )
            return
        report = retention_apply()
        self.stdout.write(
            f"Deleted {report.deleted}; no longer due {report.skipped}; failed {report.failed}; "
            f"people anonymised {report.anonymised}; reviews finished {report.reviews_done}"
        )
