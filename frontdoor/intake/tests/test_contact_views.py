"""The contact and screening pages (frontdoor.intake.contact_views)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.intake.models import Contact, ContactChild
from frontdoor.mash.models import Enquiry
from frontdoor.people.models import Person
from frontdoor.testing.factories import contact_child_of
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def _contact_form(**overrides: str) -> dict[str, str]:
    data = {
        "received_date-day": "2",
        "received_date-month": "3",
        "received_date-year": "2026",
        "received_time": "10:00",
        "channel": "phone",
        "source": "2A",
        "concern": "Bruising seen at school.",
        "immediate_risk": "no",
        "consent_status": "given",
        "lawful_basis": "public_task",
        "first_name": "Sam",
        "last_name": "Green",
        "date_of_birth-day": "4",
        "date_of_birth-month": "5",
        "date_of_birth-year": "2016",
        "sex": "F",
    }
    data.update(overrides)
    return data


def test_recording_a_contact_starts_the_screening_clock_and_shows_the_contact(
    contact_officer: Any,
) -> None:
    client = client_for(contact_officer)
    response = client.post(reverse("contact-new"), _contact_form())
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert response["Location"] == reverse("contact-detail", args=[contact.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Sam Green" in page and "Due 3 Mar 2026 23:59" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"concern": ""}, "Enter the concern in the referrer"),
        (
            {"received_date-day": "31", "received_date-month": "2"},
            "Date received must be a real date",
        ),
        ({"received_date-year": ""}, "Date received must include a year"),
        ({"received_time": "25:00"}, "Time received must be a real time"),
        ({"received_time": "noon"}, "Time received must be a 24-hour time"),
        ({"received_date-year": "2099"}, "must not be in the future"),
        (
            {"date_of_birth-year": "2027"},
            "Date of birth must be on or before the date of the contact",
        ),
        (
            {
                "expected_date_of_birth-day": "1",
                "expected_date_of_birth-month": "6",
                "expected_date_of_birth-year": "2026",
            },
            "not both",
        ),
        ({"consent_status": "refused"}, "Enter why consent was refused or not sought"),
        (
            {
                "consent_status": "refused",
                "consent_reason": "Parent said no",
                "lawful_basis": "consent",
            },
            "Consent cannot be the lawful basis",
        ),
        ({"channel": "pigeon"}, "Select how the contact arrived"),
        ({"concern": "x" * 10001}, "Must be 10000 characters or fewer"),
        ({"referrer_email": "not-an-email"}, "Enter an email address in the correct format"),
        (
            {
                "first_name": "",
                "last_name": "",
                "date_of_birth-year": "",
                "date_of_birth-month": "",
                "date_of_birth-day": "",
            },
            "or an expected date of birth if unborn",
        ),
    ],
)
def test_bad_contact_input_shows_the_error_summary_and_saves_nothing(
    contact_officer: Any, overrides: dict[str, str], message: str
) -> None:
    response = client_for(contact_officer).post(reverse("contact-new"), _contact_form(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert message in body
    assert "<title>Error:" in body
    assert Contact.objects.count() == 0 and Person.objects.count() == 0


def test_screening_the_same_child_twice_is_refused_not_duplicated(
    contact_recorded: Callable[..., Contact], mash_worker: Any
) -> None:
    contact = contact_recorded()
    link = contact_child_of(contact)
    url = reverse("contact-screen", args=[contact.pk, link.pk])
    client = client_for(mash_worker)
    data = {"outcome": "mash_enquiry", "rating": "GREEN", "rationale": "Check with partners"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "already been recorded" in again.content.decode()
    assert Enquiry.objects.count() == 1


@pytest.mark.parametrize("outcome", ["mash_enquiry", "advice_nfa"])
def test_screening_goes_on_to_the_enquiry_it_opened_or_back_to_the_contact(
    contact_recorded: Callable[..., Contact], mash_worker: Any, outcome: str
) -> None:
    # The MASH registers its enquiry page (intake.selectors.referral_page_register).
    contact = contact_recorded()
    link = contact_child_of(contact)
    data = {"outcome": outcome, "rating": "GREEN", "rationale": "Check with partners"}

    response = client_for(mash_worker).post(
        reverse("contact-screen", args=[contact.pk, link.pk]), data
    )

    enquiry = Enquiry.objects.filter(referral__contact_child=link).first()
    expected = (
        reverse("enquiry-detail", args=[enquiry.pk])
        if outcome == "mash_enquiry" and enquiry is not None
        else reverse("contact-detail", args=[contact.pk])
    )
    assert (outcome == "mash_enquiry") == (enquiry is not None)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_screening_to_mash_without_a_rating_asks_for_one(
    contact_recorded: Callable[..., Contact], mash_worker: Any
) -> None:
    contact = contact_recorded()
    link = contact_child_of(contact)
    response = client_for(mash_worker).post(
        reverse("contact-screen", args=[contact.pk, link.pk]),
        {"outcome": "mash_enquiry", "rationale": "x"},
    )
    assert "Select a BRAG rating" in response.content.decode()
    assert ContactChild.objects.get(pk=link.pk).screened_at is None
