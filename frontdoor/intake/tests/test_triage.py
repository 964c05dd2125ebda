"""Online referral triage: is the child of an online or partner referral a child we know?"""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.audit.models import Event
from frontdoor.intake.models import Contact, ContactChild
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive, submissions_convert_pending
from frontdoor.people.models import Person
from frontdoor.people.services import child_create
from frontdoor.testing.factories import child_details, contact_recorded, referral_document
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(org: Any, contact_officer: Any) -> Person:
    """Riley, known from a phone contact last month (no NHS number recorded)."""
    riley = child_create(
        details=child_details(
            first_name="Riley",
            last_name="Example",
            date_of_birth=date(2016, 3, 4),
            sex="F",
            postcode="PE1 1AA",
        ),
        by=contact_officer,
    )
    contact_recorded(children=[riley])
    return riley


@pytest.fixture
def referral(known: Person) -> Contact:
    """An online referral naming "Rylee Exampel" (no NHS number): a new record is made."""
    child = deepcopy(referral_document()["children"][0])
    child.update(first_name="Rylee", last_name="Exampel", nhs_number="")
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document(children=[child])),
        channel="online_form",
        idempotency_scope="form",
        idempotency_key="draft-1",
    )
    submissions_convert_pending()
    received.submission.refresh_from_db()
    contact = received.submission.contact
    assert contact is not None
    return contact


def _link(contact: Contact) -> ContactChild:
    return ContactChild.objects.select_related("child").get(contact=contact)


def test_the_screener_sees_the_known_child_as_a_possible_match(
    mash_worker: Any, known: Person, referral: Contact
) -> None:
    page = client_for(mash_worker).get(reverse("contact-detail", args=[referral.pk]))
    text = page.content.decode()
    assert "Is Rylee Exampel a child we already know?" in text
    assert "Riley Example" in text and "How these matches were scored" in text


def test_choosing_the_known_child_joins_the_referral_to_their_record(
    mash_worker: Any, known: Person, referral: Contact
) -> None:
    fresh = _link(referral).child
    url = reverse("contact-detail", args=[referral.pk])
    response = client_for(mash_worker).post(
        url, {"link": str(_link(referral).pk), "existing_child": str(known.pk)}
    )
    assert response.status_code == 302
    assert _link(referral).child_id == known.pk
    fresh.refresh_from_db()
    assert fresh.merged_into_id == known.pk
    assert Event.objects.filter(action="person.merged", child=known).exists()
    # Answered: the question is not asked again.
    page = client_for(mash_worker).get(url).content.decode()
    assert "a child we already know?" not in page


def test_none_of_these_is_recorded_and_not_asked_again(
    mash_worker: Any, known: Person, referral: Contact
) -> None:
    url = reverse("contact-detail", args=[referral.pk])
    link = _link(referral)
    client = client_for(mash_worker)
    assert client.post(url, {"link": str(link.pk), "existing_child": "new"}).status_code == 302
    assert Event.objects.filter(action="contact.child_match_checked", child=link.child).exists()
    assert _link(referral).child_id == link.child_id
    assert "a child we already know?" not in client.get(url).content.decode()


@pytest.mark.parametrize("answer", ["", "999999", "abc", "-3"])
def test_a_missing_or_wrong_answer_is_explained(
    mash_worker: Any, known: Person, referral: Contact, answer: str
) -> None:
    url = reverse("contact-detail", args=[referral.pk])
    link = _link(referral)
    response = client_for(mash_worker).post(url, {"link": str(link.pk), "existing_child": answer})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and f'href="#existing_child-{link.pk}"' in text
    assert _link(referral).child_id == link.child_id


def test_an_unknown_link_is_404(mash_worker: Any, referral: Contact) -> None:
    url = reverse("contact-detail", args=[referral.pk])
    assert client_for(mash_worker).post(url, {"link": "x"}).status_code == 404


def test_roles_that_do_not_screen_see_no_question_and_cannot_answer(
    contact_officer: Any, known: Person, referral: Contact
) -> None:
    url = reverse("contact-detail", args=[referral.pk])
    client = client_for(contact_officer)
    assert "a child we already know?" not in client.get(url).content.decode()
    link = _link(referral)
    response = client.post(url, {"link": str(link.pk), "existing_child": str(known.pk)})
    assert response.status_code == 403


def test_a_phone_contact_has_no_triage_question(mash_worker: Any, known: Person) -> None:
    contact = contact_recorded(children=[child_details(first_name="Rylee", last_name="Exampel")])
    page = client_for(mash_worker).get(reverse("contact-detail", args=[contact.pk]))
    assert "a child we already know?" not in page.content.decode()
