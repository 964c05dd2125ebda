"""Housekeeping the worker runs every minute (and cron can run with ``frontdoor tick``).

Each job is idempotent and safe to run from several processes at once: submissions still
waiting (or whose conversion failed) are made contacts, the outbox sweep re-enqueues
undelivered email, reconciliation raises each gap once, expired drafts go, and children
created or changed since the last round are checked for likely duplicate records. The audit
trail's new entries are sealed into its hash chains and the access log's monthly partitions are
made ahead (PostgreSQL).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from frontdoor.audit.chain import audit_seal
from frontdoor.audit.partitions import partitions_ensure
from frontdoor.intake.reconciliation import reconciliation_alerts_raise
from frontdoor.intake.submissions import drafts_purge_expired, submissions_convert_pending
from frontdoor.matching.duplicates import duplicates_find
from frontdoor.outbox.services import outbox_sweep

logger = logging.getLogger("frontdoor.housekeeping")


@dataclass(frozen=True)
class TickReport:
    contacts_made: int
    emails_requeued: int
    alerts_raised: int
    drafts_purged: int
    duplicates_proposed: int = 0
    audit_sealed: int = 0
    audit_partitions_created: int = 0


def tick(*, now: datetime | None = None) -> TickReport:
    now = now or timezone.now()
    report = TickReport(
        contacts_made=submissions_convert_pending(retry_failed=True, limit=1000),
        emails_requeued=outbox_sweep(now=now),
        alerts_raised=len(reconciliation_alerts_raise(now=now)),
        drafts_purged=drafts_purge_expired(at=now),
        duplicates_proposed=duplicates_find(now=now),
        audit_partitions_created=len(partitions_ensure(now=now)),
        # Last, so this round's own entries are sealed too.
        audit_sealed=sum(audit_seal(now=now).values()),
    )
    if any(vars(report).values()):
        logger.info("Housekeeping: %s", report)
    return report
