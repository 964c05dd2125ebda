"""Escalations in real Chromium, with an axe-core scan of every page.

A police practitioner disagrees with a MASH decision; the MASH worker who recorded it
escalates it to the team manager; the MASH manager resolves it with the learning; the police
practitioner reads the resolution. And a professional referrer disagrees through their
referral's outcome link.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from frontdoor.escalations.models import Escalation, EscalationStatus
from frontdoor.intake.models import ContactChild, ScreeningOutcome
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.mash.models import Enquiry
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import (
    decided,
    referral_document,
    request_sent,
    screened,
    screened_to_mash,
    signed_off,
)
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_escalation_is_escalated_then_resolved_with_learning(live_server: Any) -> None:
    police = persona("police_practitioner")
    persona("mash_worker")
    persona("mash_manager")
    enquiry = screened_to_mash()
    partner_request = request_sent(enquiry=enquiry, agency="police")
    signed_off(outcome="nfa", enquiry=enquiry)

    with chromium_page() as page:
        visit = Journey(page, live_server.url)

        # The police practitioner raises it, by the reference of the request they were sent.
        visit.sign_in("police_practitioner", scan=False)
        visit.go("/escalations/")
        assert "There are no escalations here" in visit.main
        visit.follow("Raise an escalation")
        visit.submit("Raise the escalation")
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Enter what you disagree with" in summary and "Enter the reference" in summary
        page.get_by_label("A decision").check()
        page.get_by_label("Reference of the record").fill(f"R{partner_request.pk}")
        page.get_by_label("What do you disagree with, and why?").fill(
            "We hold two call-outs to the address this month; NFA leaves the child unprotected."
        )
        page.get_by_label("What do you want to happen?").fill("Hold a strategy discussion.")
        visit.submit("Raise the escalation")
        main = visit.main
        escalation = Escalation.objects.get(raised_by=police)
        assert f"Escalation {escalation.reference}" in main and "Practitioner stage" in main
        assert "Mo Mash (the practitioner concerned)" in main
        visit.sign_out()

        # The MASH worker who recorded the decision escalates it to their manager.
        visit.sign_in("mash_worker", scan=False)
        visit.go("/escalations/")
        assert "Your answer is needed" in visit.main
        visit.follow(re.compile(escalation.reference))
        visit.follow("Answer the practitioner stage")
        page.get_by_label("Escalate it to the next stage").check()
        page.get_by_label("Your answer").fill(
            "The decision was signed off; it needs my manager to look at the call-outs."
        )
        visit.submit("Send your answer")
        main = visit.main
        assert "Open at the team manager stage" in main and "Team manager stage" in main
        visit.sign_out()

        # The MASH manager resolves it, with the learning.
        visit.sign_in("mash_manager", scan=False)
        visit.go(f"/escalations/{escalation.pk}/")
        visit.follow("Answer the team manager stage")
        page.get_by_label("Resolve it").check()
        page.get_by_label("Your answer").fill(
            "Agreed: a strategy discussion is booked for tomorrow with the police."
        )
        visit.submit("Send your answer")
        assert "Enter the learning" in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("Learning").fill(
            "Read the police call-outs before a decision of no further action."
        )
        visit.submit("Send your answer")
        main = visit.main
        assert "Resolved" in main and "Read the police call-outs" in main
        visit.sign_out()

        # The police practitioner reads the resolution.
        visit.sign_in("police_practitioner", scan=False)
        visit.go("/escalations/?status=resolved")
        visit.follow(re.compile(escalation.reference))
        main = visit.main
        assert "a strategy discussion is booked for tomorrow" in main
        assert "Read the police call-outs" in main

        assert visit.broken == []
        assert len(visit.scanned) == 14

    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.RESOLVED
    assert list(escalation.stages.values_list("stage", "result")) == [
        ("practitioner", "escalated"),
        ("team_manager", "resolved"),
    ]
    assert Message.objects.filter(kind="escalation_resolved", to=police.email).exists()


def test_a_referrer_disagrees_through_their_outcome_link(live_server: Any) -> None:
    persona("mash_worker")
    persona("mash_manager")
    received_at = timezone.now() - timedelta(days=2)
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="partner_api",
        idempotency_scope="agency:education",
        idempotency_key="browser-1",
        at=received_at,
    )
    message = Message.objects.get(about=f"submission:{received.submission.pk}")
    found = re.search(r"(/referral-outcome/[^/\s]+/)", message.body)
    assert found is not None
    link = ContactChild.objects.get(contact=received.submission.contact)
    screened(
        outcome=ScreeningOutcome.MASH_ENQUIRY,
        rating="AMBER",
        contact_child=link,
        at=received_at + timedelta(hours=1),
    )
    enquiry = Enquiry.objects.get(referral__contact_child=link)
    signed_off(decision=decided(outcome="nfa", enquiry=enquiry))

    with chromium_page() as page:
        visit = Journey(page, live_server.url)
        visit.go(found.group(1))
        visit.follow("Disagree with this decision? Tell us why")
        visit.submit("Send")
        assert "Enter what you disagree with" in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("What do you disagree with, and why?").fill(
            "Riley told me she is scared to go home."
        )
        page.get_by_label("What do you want to happen?").fill("A social worker sees Riley.")
        visit.submit("Send")
        main = visit.main
        assert "We have your disagreement" in main and "Being looked at by the practitioner" in main
        assert [r for r in visit.broken if "/disagree/" in r or "/escalations/" in r] == []

    escalation = Escalation.objects.get()
    assert escalation.raised_by is None and escalation.raiser_name == "Dana Teacher"
