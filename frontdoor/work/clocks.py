"""One clock reading per record, computed from its recorded events and its own policy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from frontdoor.clocks import ClockReading, evaluate
from frontdoor.intake.feedback import feedback_given_at
from frontdoor.intake.models import ContactChild, OpenCaseInformation, ReferrerFeedback
from frontdoor.mash.models import Decision, Enquiry, PartnerRequest
from frontdoor.protection.models import Transfer


def clock_reading(
    policy: Any, started_at: datetime, due_at: datetime | None, done: datetime | None, now: datetime
) -> ClockReading:
    """The state of one clock (started, due, completed) read against its own policy version.

    Reading a clock needs only the version's due-soon share (``Rules.reading``), so it is read
    from the version itself: a queue reads thousands of clocks, and parsing each row's copy of
    its rules again would cost more than the reading."""
    return evaluate(
        started_at=started_at,
        due_at=due_at,
        completed_at=done,
        now=now,
        due_soon_fraction=policy.due_soon_fraction,
    )


_reading = clock_reading


def screening_clock(link: ContactChild, now: datetime) -> ClockReading:
    """Statutory: decide next steps within 1 working day of receipt (day 0 = receipt)."""
    contact = link.contact
    return _reading(
        contact.policy, contact.received_at, link.screening_due_at, link.screened_at, now
    )


def enquiry_clock(enquiry: Enquiry, now: datetime) -> ClockReading:
    """RAG clock: from MASH entry to the decision being recorded."""
    return _reading(enquiry.policy, enquiry.entered_at, enquiry.due_at, enquiry.completed_at, now)


def request_clock(request: PartnerRequest, now: datetime) -> ClockReading:
    return _reading(request.policy, request.sent_at, request.due_at, request.answered_at, now)


def signoff_clock(decision: Decision, now: datetime) -> ClockReading:
    return _reading(
        decision.policy, decision.recorded_at, decision.signoff_due_at, decision.signed_off_at, now
    )


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


def open_case_clock(item: OpenCaseInformation, now: datetime) -> ClockReading:
    """From new information being passed to the allocated worker to their acknowledgement."""
    return _reading(item.policy, item.passed_at, item.due_at, item.acknowledged_at, now)


def feedback_clock(feedback: ReferrerFeedback, now: datetime) -> ClockReading:
    """From the decision to the referrer being told (the email sent, or a call or letter
    recorded); a closed one (no way to reach the referrer) stops at its closure."""
    done = feedback_given_at(feedback) or feedback.closed_at
    return _reading(feedback.policy, feedback.created_at, feedback.due_at, done, now)


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


def transfer_request_clock(decision: Decision, now: datetime) -> ClockReading:
    """From a decision for an assessment or a strategy discussion being signed off to the
    transfer request (the first one made after it that the assessment team did not return:
    after a return the clock runs on)."""
    started = decision.signed_off_at or decision.recorded_at
    if hasattr(decision, "first_requested_at"):  # annotated (``first_transfer_requested_at``)
        first = decision.first_requested_at
    else:
        first = (
            decision.enquiry.referral.transfers.filter(requested_at__gte=started)
            .exclude(status="returned")
            .order_by("requested_at")
            .values_list("requested_at", flat=True)
            .first()
        )
    return _reading(decision.policy, started, decision.transfer_due_at, first, now)
