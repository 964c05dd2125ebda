"""The online referral form: a professional's outcome page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry
from frontdoor.intake.models import ContactChild, ScreeningOutcome, Submission
from frontdoor.intake.services import contact_screen
from frontdoor.intake.tests.form_pages import professional_until_check, send, text_of, url
from frontdoor.outbox.models import Message

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- outcome


def sent_with_outcome_link(client: Client) -> tuple[Submission, str]:
    professional_until_check(client)
    send(client)
    submission = Submission.objects.get()
    message = Message.objects.get(kind="referral_acknowledgement")
    match = re.search(r"https?://\S+/referral-outcome/(\S+)/", message.body)
    assert match, message.body
    return submission, url("referral-outcome", match.group(1))


def test_the_outcome_page_shows_each_childs_decision_in_plain_words(
    client: Client, mash_worker: Any
) -> None:
    submission, link = sent_with_outcome_link(client)
    referrer = Client()

    before = text_of(referrer.get(link))
    assert submission.reference in before
    assert "Riley E." in before and "Example" not in before
    assert "Being looked into now" in before

    contact_screen(
        contact_child=ContactChild.objects.get(),
        outcome=ScreeningOutcome.EARLY_HELP,
        rationale="Family would benefit from early help.",
        by=mash_worker,
    )
    response = referrer.get(link)

    assert response.status_code == 200
    assert "Early help offered" in text_of(response)
    assert response["Cache-Control"] == "no-store"
    logged = AccessLogEntry.objects.filter(record_type="submission", record_id=submission.pk)
    assert logged.count() == 2 and {e.user_id for e in logged} == {None}
    assert {e.path for e in logged} == {link}


def test_the_outcome_page_shows_the_signed_off_mash_decision(
    client: Client, mash_worker: Any, mash_manager: Any
) -> None:
    from frontdoor.mash.services import decision_record, decision_sign_off

    _submission, link = sent_with_outcome_link(client)
    contact_screen(
        contact_child=ContactChild.objects.get(),
        outcome=ScreeningOutcome.MASH_ENQUIRY,
        rating="AMBER",
        rationale="Partners to check.",
        by=mash_worker,
    )
    assert "Passed to the multi-agency safeguarding hub" in text_of(client.get(link))
    enquiry = ContactChild.objects.get().referral.enquiry
    decision = decision_record(
        enquiry=enquiry,
        outcome="s17",
        rationale="Needs an assessment.",
        referrer_feedback="An assessment will start this week.",
        by=mash_worker,
    )
    assert "Child and family assessment" not in text_of(client.get(link))  # not signed off
    decision_sign_off(decision=decision, oversight="Agreed.", by=mash_manager)

    page = text_of(client.get(link))
    assert "Child and family assessment (section 17)" in page
    assert "An assessment will start this week." in page


def test_an_expired_or_unknown_outcome_link_is_a_plain_404(client: Client) -> None:
    _submission, link = sent_with_outcome_link(client)
    Submission.objects.update(feedback_expires_at=timezone.now() - timedelta(seconds=1))

    for path in (link, url("referral-outcome", "nope"), url("referral-outcome", "y" * 500)):
        response = client.get(path)
        assert response.status_code == 404
        assert "This link has expired or is not right" in text_of(response)
    assert not AccessLogEntry.objects.filter(record_type="submission").exists()
