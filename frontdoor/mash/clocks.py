"""The clocks of MASH enquiries, partner requests, sign-off and the transfer request."""

from __future__ import annotations

from datetime import datetime

from frontdoor.clocks import ClockReading
from frontdoor.mash.models import Decision, Enquiry, PartnerRequest
from frontdoor.policies.reading import clock_reading as _reading


def enquiry_clock(enquiry: Enquiry, now: datetime) -> ClockReading:
    """RAG clock: from MASH entry to the decision being recorded."""
    return _reading(enquiry.policy, enquiry.entered_at, enquiry.due_at, enquiry.completed_at, now)


def request_clock(request: PartnerRequest, now: datetime) -> ClockReading:
    return _reading(request.policy, request.sent_at, request.due_at, request.answered_at, now)


def signoff_clock(decision: Decision, now: datetime) -> ClockReading:
    return _reading(
        decision.policy, decision.recorded_at, decision.signoff_due_at, decision.signed_off_at, now
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
