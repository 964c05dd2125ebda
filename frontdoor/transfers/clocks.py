"""The clocks of transfers: acceptance, the first visit, and when a transfer was first asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from frontdoor.clocks import ClockReading
from frontdoor.policies.reading import clock_reading as _reading
from frontdoor.transfers.models import Transfer


def acceptance_clock(transfer: Transfer, now: datetime) -> ClockReading:
    return _reading(
        transfer.policy,
        transfer.requested_at,
        transfer.acceptance_due_at,
        transfer.responded_at,
        now,
    )


def visit_clock(transfer: Transfer, now: datetime) -> ClockReading:
    """From the transfer request to the first visit, so slow acceptance shows as delay."""
    visit = getattr(transfer, "visit", None)
    return _reading(
        transfer.policy,
        transfer.requested_at,
        transfer.visit_due_at,
        visit.visited_at if visit is not None else None,
        now,
    )


def first_transfer_requested_at() -> Any:
    """The first transfer request made after the decision was signed off (or recorded) that
    the assessment team did not return, or None: a subquery over ``Decision`` rows (annotate
    it as ``first_requested_at`` to read many decisions' clocks without a query each)."""
    return Subquery(
        Transfer.objects.filter(
            referral_id=OuterRef("enquiry__referral_id"),
            requested_at__gte=Coalesce(OuterRef("signed_off_at"), OuterRef("recorded_at")),
        )
        .exclude(status="returned")
        .order_by("requested_at")
        .values("requested_at")[:1]
    )
