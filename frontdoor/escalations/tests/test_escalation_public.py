"""A referrer disagrees through their referral's outcome link (no account)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry
from frontdoor.escalations import referrer_views
from frontdoor.escalations.models import Escalation, EscalationStatus
from frontdoor.escalations.services import escalation_respond
from frontdoor.intake.models import ContactChild, ScreeningOutcome
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.mash.models import Enquiry
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import decided, referral_document, screened, signed_off

pytestmark = pytest.mark.django_db

FORM = {
    "disagreement": "Riley told me she is scared to go home; no further action is wrong.",
    "outcome_sought": "A social worker visits Riley this week.",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def referral(org: Any, mash_worker: Any, mash_manager: Any) -> dict[str, Any]:
    """A school's referral, screened into the MASH, decided NFA and signed off."""
    received_at = timezone.now() - timedelta(days=3)
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="partner_api",
        idempotency_scope="agency:education",
        idempotency_key="k-1",
        at=received_at,
    )
    submission = received.submission
    message = Message.objects.get(about=f"submission:{submission.pk}")
    found = re.search(r"/referral-outcome/([^/\s]+)/", message.body)
    assert found is not None
    token = found.group(1)
    link = ContactChild.objects.get(contact=submission.contact)
    screened(
        outcome=ScreeningOutcome.MASH_ENQUIRY,
        rating="AMBER",
        contact_child=link,
        at=received_at + timedelta(hours=1),
    )
    enquiry = Enquiry.objects.get(referral__contact_child=link)
    decision = signed_off(decision=decided(outcome="nfa", enquiry=enquiry))
    return {
        "submission": submission,
        "token": token,
        "decision": decision,
        "url": reverse("referral-disagree", args=[token]),
    }


def test_a_bad_or_expired_link_is_a_plain_404(referral: dict[str, Any]) -> None:
    client = Client()
    for token in ("nope", "y" * 500):
        response = client.get(reverse("referral-disagree", args=[token]))
        assert response.status_code == 404
        assert "This link has expired" in response.content.decode()
        response = client.post(reverse("referral-disagree", args=[token]), FORM)
        assert response.status_code == 404
    assert not Escalation.objects.exists()


def test_the_referrer_reads_the_page_and_it_is_access_logged(referral: dict[str, Any]) -> None:
    response = Client().get(referral["url"])
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Riley E." in page and "Example" not in page.split("<main", 1)[1]
    entry = AccessLogEntry.objects.get(path=referral["url"])
    assert entry.user is None and entry.record_type == "submission"


def test_the_referrer_disagrees_and_it_goes_to_the_decisions_recorder(
    referral: dict[str, Any], mash_worker: Any
) -> None:
    client = Client()
    response = client.post(referral["url"], FORM)

    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.raised_by is None
    assert escalation.submission == referral["submission"]
    assert escalation.raiser_name == "Dana Teacher"
    assert escalation.raiser_organisation == "Hill Primary School"
    assert escalation.raiser_email == "dana.teacher@school.example"
    assert (escalation.record_type, escalation.record_id) == ("decision", referral["decision"].pk)
    assert escalation.about == "decision" and escalation.practitioner == mash_worker
    assert AccessLogEntry.objects.filter(
        record_type="escalation", record_id=escalation.pk, user__isnull=True
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "We have your disagreement" in page and "Being looked at by the practitioner" in page

    again = client.post(referral["url"], FORM)  # a resubmitted form
    assert again.status_code == 302 and Escalation.objects.count() == 1


def test_blank_answers_show_the_error_summary(referral: dict[str, Any]) -> None:
    response = Client().post(referral["url"], {"disagreement": "", "outcome_sought": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Enter what you disagree with" in page and "Enter what you want to happen" in page
    assert not Escalation.objects.exists()


def test_the_referrer_reads_the_answer_and_can_take_it_further(
    referral: dict[str, Any], mash_worker: Any
) -> None:
    client = Client()
    client.post(referral["url"], FORM)
    escalation = Escalation.objects.get()
    escalation_respond(
        escalation=escalation,
        stage="practitioner",
        result="resolved",
        response="We have looked again: a social worker will visit on Friday.",
        learning="Speak to the referrer before closing.",
        by=mash_worker,
    )
    told = Message.objects.get(kind="escalation_resolved")
    assert told.to == "dana.teacher@school.example" and "Riley" not in told.body

    page = client.get(referral["url"]).content.decode()
    assert "a social worker will visit on Friday" in page
    escalate_url = reverse("referral-disagree-escalate", args=[referral["token"], escalation.pk])
    assert escalate_url in page
    assert client.post(escalate_url, {"reason": ""}).status_code == 200
    assert client.post(escalate_url, {"reason": "Friday is too late."}).status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN and escalation.stage == "team_manager"


def test_another_referrals_link_cannot_reach_the_escalation(
    referral: dict[str, Any],
) -> None:
    Client().post(referral["url"], FORM)
    escalation = Escalation.objects.get()
    other = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="partner_api",
        idempotency_scope="agency:education",
        idempotency_key="k-2",
    )
    message = Message.objects.get(about=f"submission:{other.submission.pk}")
    found = re.search(r"/referral-outcome/([^/\s]+)/", message.body)
    assert found is not None
    url = reverse("referral-disagree-escalate", args=[found.group(1), escalation.pk])
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("referral-disagree-escalate", args=["bad", 1])).status_code == 404


def test_too_many_forms_from_one_link_are_refused(
    referral: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(referrer_views, "PUBLIC_POSTS_PER_HOUR", 2)
    client = Client()
    assert client.post(referral["url"], {}).status_code == 200
    assert client.post(referral["url"], {}).status_code == 200
    response = client.post(referral["url"], FORM)
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert not Escalation.objects.exists()


def test_a_referral_still_being_looked_at_has_no_form_but_a_delay_can_be_raised_later(
    org: Any,
) -> None:
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="partner_api",
        idempotency_scope="agency:education",
        idempotency_key="k-3",
    )
    message = Message.objects.get(about=f"submission:{received.submission.pk}")
    found = re.search(r"/referral-outcome/([^/\s]+)/", message.body)
    assert found is not None
    url = reverse("referral-disagree", args=[found.group(1)])
    page = Client().get(url).content.decode()
    assert 'name="disagreement"' in page  # not yet screened: a delay can be raised
    response = Client().post(url, FORM)
    assert response.status_code == 302
    assert Escalation.objects.get().about == "delay"
