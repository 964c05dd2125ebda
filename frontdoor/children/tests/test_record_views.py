"""The record-correction pages: the error summary on bad input, who may use them, and what
the child's, the contact's and a partner's pages show afterwards."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.audit.models import AccessAction, AccessLogEntry, Event
from frontdoor.intake.models import Contact
from frontdoor.people.households import AdultDetails, Link, adult_link
from frontdoor.people.models import Person, PersonKind, Relationship
from frontdoor.testing.factories import child_details, contact_child_of
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(contact_recorded: Any) -> Contact:
    return contact_recorded(children=[child_details(first_name="Jaden", last_name="Okafor")])


@pytest.fixture
def child(contact: Contact) -> Person:
    return contact_child_of(contact).child


def dob(day: date) -> dict[str, str]:
    return {
        "date_of_birth-day": str(day.day),
        "date_of_birth-month": str(day.month),
        "date_of_birth-year": str(day.year),
    }


def person_form(child: Person, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        **dob(child.date_of_birth or date(2018, 1, 1)),
        "sex": child.sex,
        "gender": child.gender,
        "nhs_number": child.nhs_number,
        "first_language": "",
        "interpreter_needed": "no",
        "religion": "",
        "reason": "Birth certificate seen",
    }
    data.update(changes)
    return data


def test_correcting_a_childs_date_of_birth_shows_the_before_and_after_in_the_history(
    child: Person, mash_worker: Any
) -> None:
    client = client_for(mash_worker)
    response = client.post(
        reverse("person-edit", args=[child.pk]), person_form(child, **dob(date(2018, 5, 2)))
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("child-detail", args=[child.pk]) + "#history"
    page = client.get(reverse("child-detail", args=[child.pk])).content.decode()
    assert "Record corrected: date of birth" in page
    assert "was 1 May 2018, now 2 May 2018" in page
    assert "Birth certificate seen" in page
    chronology = client.get(reverse("child-chronology", args=[child.pk])).content.decode()
    assert "was 1 May 2018, now 2 May 2018" in chronology


def test_a_correction_without_a_reason_or_with_a_future_date_shows_the_error_summary(
    child: Person, mash_worker: Any
) -> None:
    client = client_for(mash_worker)
    response = client.post(
        reverse("person-edit", args=[child.pk]),
        person_form(child, reason="", **dob(date(2099, 1, 1))),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter why the record is being changed" in page
    assert "<title>Error:" in page
    assert not Event.objects.filter(action="person.corrected").exists()
    response = client.post(
        reverse("person-edit", args=[child.pk]), person_form(child, **dob(date(2026, 12, 25)))
    )
    assert "Date of birth must be on or before today" in response.content.decode()
    response = client.post(reverse("person-edit", args=[child.pk]), person_form(child))
    assert "You have not changed anything" in response.content.decode()


def test_partners_and_readers_may_not_correct_a_record(
    child: Person, police_practitioner: Any, auditor: Any, head_of_service: Any
) -> None:
    for user in (police_practitioner, auditor, head_of_service):
        response = client_for(user).post(
            reverse("person-edit", args=[child.pk]), person_form(child, first_name="X")
        )
        assert response.status_code == 403
    child.refresh_from_db()
    assert child.first_name == "Jaden"


def test_adding_a_parent_and_an_alleged_perpetrator_from_the_contact_page(
    contact: Contact, child: Person, contact_officer: Any
) -> None:
    client = client_for(contact_officer)
    page = client.get(reverse("contact-detail", args=[contact.pk])).content.decode()
    assert "Add a parent, carer or other adult" in page
    url = reverse("contact-adult-add", args=[contact.pk])
    base = {
        "sex": "U",
        "parental_responsibility": "no",
        "household_member": "yes",
        "alleged_perpetrator": "no",
    }
    missing = client.post(url, {**base, "kind": ""})
    assert "There is a problem" in missing.content.decode()
    assert "s first name or last name" in missing.content.decode()
    ok = client.post(
        url,
        {
            **base,
            "first_name": "Grace",
            "last_name": "Okafor",
            "kind": "parent",
            "parental_responsibility": "yes",
        },
    )
    assert ok.status_code == 302
    client.post(
        url,
        {
            **base,
            "first_name": "Dean",
            "last_name": "Cole",
            "kind": "partner_of_parent",
            "alleged_perpetrator": "yes",
        },
    )
    rows = {r.person.first_name: r for r in Relationship.objects.select_related("person")}
    assert rows["Grace"].parental_responsibility and not rows["Grace"].alleged_perpetrator
    assert rows["Dean"].alleged_perpetrator and rows["Dean"].child == child
    page = client.get(reverse("child-detail", args=[child.pk])).content.decode()
    assert "Household and relationships" in page
    assert "Grace Okafor" in page and "Dean Cole" in page
    assert "Alleged perpetrator" in page
    # The adults shown on the child's page are logged as read.
    assert AccessLogEntry.objects.filter(
        child=rows["Dean"].person, action=AccessAction.VIEW, user=contact_officer
    ).exists()


def test_a_known_adult_is_offered_before_a_new_record_is_made(
    contact_recorded: Any, contact_officer: Any
) -> None:
    first = contact_child_of(contact_recorded(children=[child_details(first_name="Ama")])).child
    second = contact_child_of(contact_recorded(children=[child_details(first_name="Kofi")]))
    adult, _ = adult_link(
        details=AdultDetails(
            first_name="Grace", last_name="Okafor", date_of_birth=date(1990, 2, 3)
        ),
        children=[first],
        link=Link("parent"),
        by=contact_officer,
    )
    client = client_for(contact_officer)
    url = reverse("child-adult-add", args=[second.child.pk])
    data = {
        "first_name": "Grace",
        "last_name": "Okafor",
        **dob(date(1990, 2, 3)),
        "sex": "U",
        "kind": "parent",
        "parental_responsibility": "yes",
        "household_member": "yes",
        "alleged_perpetrator": "no",
    }
    asked = client.post(url, data).content.decode()
    assert "Is this someone we already know?" in asked
    signature = asked.split('name="match_check" value="')[1].split('"')[0]
    done = client.post(url, {**data, "match_check": signature, "existing_adult": str(adult.pk)})
    assert done.status_code == 302
    assert Person.objects.filter(kind=PersonKind.ADULT).count() == 1
    assert sorted(r.child_id for r in adult.relationships_to.all()) == sorted(
        [first.pk, second.child.pk]
    )


def test_find_a_person_finds_adults(child: Person, contact_officer: Any) -> None:
    adult, _ = adult_link(
        details=AdultDetails(first_name="Grace", last_name="Okafor"),
        children=[child],
        link=Link("parent"),
        by=contact_officer,
    )
    client = client_for(contact_officer)
    form = client.get(reverse("child-search") + "?who=adult").content.decode()
    assert "Find a person" in form and "There is a problem" not in form
    found = client.get(
        reverse("child-search"), {"who": "adult", "first_name": "Grace", "last_name": "Okafor"}
    ).content.decode()
    assert reverse("person-detail", args=[adult.pk]) in found
    children_only = client.get(
        reverse("child-search"), {"first_name": "Grace", "last_name": "Okafor"}
    ).content.decode()
    assert reverse("person-detail", args=[adult.pk]) not in children_only
    page = client.get(reverse("person-detail", args=[adult.pk])).content.decode()
    assert "Jaden Okafor" in page


def test_the_police_navigator_sees_the_household_without_alleged_perpetrators(
    screened_to_mash: Any, request_sent: Any, mash_worker: Any, police_practitioner: Any
) -> None:
    enquiry = screened_to_mash()
    request = request_sent(enquiry=enquiry, agency="police")
    for first, perpetrator in (("Grace", False), ("Dean", True)):
        adult_link(
            details=AdultDetails(first_name=first, last_name="Okafor"),
            children=[enquiry.child],
            link=Link("parent", alleged_perpetrator=perpetrator),
            by=mash_worker,
        )
    police = client_for(police_practitioner).get(reverse("request-detail", args=[request.pk]))
    assert "Grace Okafor" in police.content.decode()
    assert "Dean Okafor" not in police.content.decode()
    mash = client_for(mash_worker).get(reverse("request-detail", args=[request.pk]))
    assert "Dean Okafor" in mash.content.decode()


def test_correcting_a_contact_from_its_page(contact: Contact, contact_officer: Any) -> None:
    client = client_for(contact_officer)
    url = reverse("contact-edit", args=[contact.pk])
    page = client.get(url).content.decode()
    assert 'value="Pat Teacher"' in page
    form = {
        "received_date-day": "2",
        "received_date-month": "3",
        "received_date-year": "2026",
        "received_time": "10:00",
        "channel": contact.channel,
        "source": contact.source,
        "referrer_name": "Pat Teacher",
        "referrer_role": contact.referrer_role,
        "referrer_agency": contact.referrer_agency,
        "referrer_phone": "",
        "referrer_email": contact.referrer_email,
        "concern": contact.concern,
        "immediate_risk": "no",
        "consent_status": contact.consent_status,
        "consent_reason": "",
        "lawful_basis": contact.lawful_basis,
        "sharing_override_reason": "",
        "parents_aware": "yes",
        "parental_responsibility_notes": "Mother",
        "household_notes": "",
        "reason": "",
    }
    refused = client.post(url, form).content.decode()
    assert "There is a problem" in refused and "Enter why the contact is being changed" in refused
    done = client.post(url, {**form, "reason": "Asked the referrer"})
    assert done.status_code == 302
    contact.refresh_from_db()
    assert (contact.parents_aware, contact.parental_responsibility_notes) == ("yes", "Mother")
    page = client.get(reverse("contact-detail", args=[contact.pk])).content.decode()
    # One correction, shown once, though it is on the history of each child.
    assert page.count("was Not recorded, now Mother") == 1
