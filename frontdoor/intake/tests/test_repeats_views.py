"""The repeat warning where decisions are made: screening, the MASH enquiry, re-rating and the
child's page; a decision below the proposal asks for a reason through the error summary."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frontdoor.intake.models import ContactChild
from frontdoor.intake.services import contact_screen
from frontdoor.intake.tests.test_repeats import sam_history
from frontdoor.mash.models import Enquiry
from frontdoor.testing.factories import events_of, local

pytestmark = pytest.mark.django_db

WARNING = (
    "Contacted 4 times in 12 months (3 previous contacts). "
    "Re-referral: referred on 3 March 2026. The repeat rule proposes at least Amber."
)


@pytest.fixture
def sam(org: Any) -> dict[str, Any]:
    """Three contacts in 2026 (one a referral on 3 March), a fourth waiting to be screened."""
    return sam_history()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def screen_url(link: ContactChild) -> str:
    return reverse("contact-screen", args=[link.contact_id, link.pk])


def test_the_screening_page_warns_and_lists_the_previous_contacts(
    sam: dict[str, Any],
    mash_worker: Any,
) -> None:
    body = client_for(mash_worker).get(screen_url(sam["new"])).content.decode()

    assert "govuk-warning-text" in body and WARNING in body
    assert 'data-repeat-proposal="AMBER"' in body
    for link in sam["links"]:
        assert link.contact.reference in body
    assert "Early help" in body and "Advice, signposting or no further action" in body
    assert "If your decision is lower than the repeat rule proposes, why?" in body
    assert reverse("child-chronology", args=[sam["child"].pk]) in body


def test_screening_below_the_proposal_without_a_reason_shows_the_error_summary(
    sam: dict[str, Any],
    mash_worker: Any,
) -> None:
    client = client_for(mash_worker)
    data = {"outcome": "mash_enquiry", "rating": "GREEN", "rationale": "Low-level concern"}

    response = client.post(screen_url(sam["new"]), data)
    body = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in body and 'href="#repeat_reason"' in body
    assert "Enter why your decision is lower than the repeat rule proposes" in body
    assert ContactChild.objects.get(pk=sam["new"].pk).screened_at is None

    done = client.post(screen_url(sam["new"]), {**data, "repeat_reason": "Concern resolved"})

    enquiry = Enquiry.objects.get(referral__contact_child=sam["new"])
    assert done.status_code == 302 and done["Location"] == reverse(
        "enquiry-detail", args=[enquiry.pk]
    )
    proposal = events_of(sam["new"].contact)[-1].after["repeat_proposal"]
    assert (proposal["follows"], proposal["reason"]) == (False, "Concern resolved")


def test_a_first_contact_says_there_is_no_history_and_asks_for_no_reason(
    contact_recorded: Any, mash_worker: Any
) -> None:
    from frontdoor.testing.factories import contact_child_of

    link = contact_child_of(contact_recorded())

    body = client_for(mash_worker).get(screen_url(link)).content.decode()

    assert "No previous contacts or referrals in the last 12 months." in body
    assert "govuk-warning-text" not in body and "repeat_reason" not in body


def _enquiry(sam: dict[str, Any], by: Any) -> Enquiry:
    contact_screen(
        contact_child=sam["new"],
        outcome="mash_enquiry",
        rating="AMBER",
        rationale="Fourth contact",
        by=by,
        at=local(2026, 4, 20, 11),
    )
    return Enquiry.objects.get(referral__contact_child=sam["new"])


def test_the_enquiry_page_shows_the_same_warning_for_mash_triage(
    sam: dict[str, Any],
    mash_worker: Any,
    auditor: Any,
) -> None:
    enquiry = _enquiry(sam, mash_worker)

    body = client_for(auditor).get(reverse("enquiry-detail", args=[enquiry.pk])).content.decode()

    assert WARNING in body
    assert "Contacts and referrals in the 12 months before this contact" in body


def test_re_rating_below_the_proposal_asks_for_a_reason_on_the_page(
    sam: dict[str, Any],
    mash_worker: Any,
    mash_manager: Any,
) -> None:
    enquiry = _enquiry(sam, mash_worker)
    client = client_for(mash_manager)
    rate = reverse("enquiry-rate", args=[enquiry.pk])

    page = client.get(rate).content.decode()
    refused = client.post(rate, {"rating": "GREEN", "reason": "Nothing new"}).content.decode()
    done = client.post(
        rate, {"rating": "GREEN", "reason": "Nothing new", "repeat_reason": "Resolved at school"}
    )

    assert WARNING in page and "If the new rating is lower than the repeat rule" in page
    assert "There is a problem" in refused and 'href="#repeat_reason"' in refused
    assert done.status_code == 302
    assert Enquiry.objects.get(pk=enquiry.pk).rating == "GREEN"


def test_the_child_page_shows_the_last_twelve_months(
    sam: dict[str, Any],
    contact_officer: Any,
) -> None:
    body = (
        client_for(contact_officer)
        .get(reverse("child-detail", args=[sam["child"].pk]))
        .content.decode()
    )

    assert "Contacts and referrals in the last 12 months" in body
    assert "Referred on 3 March 2026" in body
    assert "would propose at least Amber" in body
