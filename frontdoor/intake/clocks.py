"""The clocks of contacts and screening, read at ``now``."""

from __future__ import annotations

from datetime import datetime

from frontdoor.clocks import ClockReading
from frontdoor.intake.feedback import feedback_given_at
from frontdoor.intake.models import ContactChild, OpenCaseInformation, ReferrerFeedback
from frontdoor.policies.reading import clock_reading as _reading


def screening_clock(link: ContactChild, now: datetime) -> ClockReading:
    """Statutory: decide next steps within 1 working day of receipt (day 0 = receipt)."""
    contact = link.contact
    return _reading(
        contact.policy, contact.received_at, link.screening_due_at, link.screened_at, now
    )


def open_case_clock(item: OpenCaseInformation, now: datetime) -> ClockReading:
    """From new information being passed to the allocated worker to their acknowledgement."""
    return _reading(item.policy, item.passed_at, item.due_at, item.acknowledged_at, now)


def feedback_clock(feedback: ReferrerFeedback, now: datetime) -> ClockReading:
    """From the decision to the referrer being told (the email sent, or a call or letter
    recorded); a closed one (no way to reach the referrer) stops at its closure."""
    done = feedback_given_at(feedback) or feedback.closed_at
    return _reading(feedback.policy, feedback.created_at, feedback.due_at, done, now)
