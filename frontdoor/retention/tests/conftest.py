"""Old contacts for retention, built through the real services.

"Now" is Mon 9 March 2026; the NFA rule keeps contacts 6 years from receipt, so a contact
received in 2019 is due and one received in 2021 is not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from frontdoor.intake.documents import document_check
from frontdoor.intake.models import Contact, ScreeningOutcome, Submission
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.services import contact_screen
from frontdoor.intake.submissions import submission_receive
from frontdoor.testing.factories import (
    child_details,
    contact_child_of,
    contact_recorded,
    local,
    referral_document,
)
from frontdoor.testing.personas import persona

NOW = local(2026, 3, 9, 10)
OLD = local(2019, 3, 4, 10)
RECENT = local(2021, 6, 1, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def screen_all(contact: Contact, outcome: str = ScreeningOutcome.ADVICE_NFA) -> Contact:
    """Screen every child of ``contact`` (NFA by default) two hours after it arrived."""
    for link in contact.children.order_by("id"):
        contact_screen(
            contact_child=link,
            outcome=outcome,
            rationale="Advice given to the school; no further action.",
            rating="AMBER" if outcome == ScreeningOutcome.MASH_ENQUIRY else "",
            by=persona("mash_worker"),
            at=contact.received_at + timedelta(hours=2),
        )
    return contact


@pytest.fixture
def nfa_contact(org: Any) -> Callable[..., Contact]:
    """``nfa_contact(received_at=OLD, children=[...])``: a phone contact screened NFA."""

    def build(*, received_at: datetime = OLD, **overrides: Any) -> Contact:
        contact = contact_recorded(received_at=received_at, **overrides)
        return screen_all(contact)

    return build


@pytest.fixture
def online_nfa_contact(org: Any) -> Callable[..., Contact]:
    """An online referral (submission payload and a PDF) that became a contact, screened NFA."""

    def build(*, received_at: datetime = OLD, key: str = "old-1") -> Contact:
        received = submission_receive(
            referral=ReferralIn.model_validate(referral_document()),
            channel="online_form",
            idempotency_scope="online_form",
            idempotency_key=key,
            extra_documents=[document_check(filename="letter.pdf", content=PDF)],
            at=received_at,
        )
        submission = Submission.objects.get(pk=received.submission.pk)
        assert submission.contact is not None
        return screen_all(submission.contact)

    return build


__all__ = ["NOW", "OLD", "RECENT", "child_details", "contact_child_of"]
