"""Search before create: recording a child checks the children already known first."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frontdoor.audit.models import AccessLogEntry
from frontdoor.intake.match_steps import details_signature
from frontdoor.intake.models import Contact, ContactChild
from frontdoor.intake.tests.test_contact_views import _contact_form
from frontdoor.people.models import Person
from frontdoor.people.services import child_create
from frontdoor.testing.factories import child_details, contact_recorded
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def jaden(contact_officer: Any) -> Person:
    return child_create(
        details=child_details(
            first_name="Jaden",
            last_name="Smith",
            date_of_birth=date(2015, 4, 3),
            postcode="PE1 1AB",
            nhs_number="",
        ),
        by=contact_officer,
    )


MISSPELT = {
    "first_name": "Jayden",
    "last_name": "Smyth",
    "date_of_birth-day": "4",
    "date_of_birth-month": "3",
    "date_of_birth-year": "2015",
    "sex": "M",
    "postcode": "pe1 1ab",
}


def _signature(response: Any) -> str:
    text = response.content.decode()
    marker = 'name="match_check" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]


def test_a_misspelt_child_is_found_and_nothing_is_saved_until_the_user_answers(
    contact_officer: Any, jaden: Person
) -> None:
    client = client_for(contact_officer)
    response = client.post(reverse("contact-new"), _contact_form(**MISSPELT))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Is this a child we already know?" in page
    assert "Jaden Smith" in page
    assert "day and month of birth swapped" in page.lower()
    assert "How these matches were scored" in page
    assert Contact.objects.count() == 0
    assert Person.objects.count() == 1
    # Showing a possible match is a read of that child's data.
    assert AccessLogEntry.objects.filter(user=contact_officer, child=jaden).exists()


def test_choosing_the_known_child_links_the_contact_to_them(
    contact_officer: Any, jaden: Person
) -> None:
    client = client_for(contact_officer)
    first = client.post(reverse("contact-new"), _contact_form(**MISSPELT))
    answer = {"existing_child": str(jaden.pk), "match_check": _signature(first)}
    response = client.post(reverse("contact-new"), _contact_form(**MISSPELT, **answer))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert [link.child_id for link in contact.children.all()] == [jaden.pk]
    assert Person.objects.count() == 1


def test_none_of_these_creates_a_new_record(contact_officer: Any, jaden: Person) -> None:
    client = client_for(contact_officer)
    first = client.post(reverse("contact-new"), _contact_form(**MISSPELT))
    answer = {"existing_child": "new", "match_check": _signature(first)}
    response = client.post(reverse("contact-new"), _contact_form(**MISSPELT, **answer))
    assert response.status_code == 302
    assert Person.objects.count() == 2
    new = Person.objects.exclude(pk=jaden.pk).get()
    assert (new.first_name, new.last_name) == ("Jayden", "Smyth")


def test_no_answer_shows_an_error_and_saves_nothing(contact_officer: Any, jaden: Person) -> None:
    client = client_for(contact_officer)
    first = client.post(reverse("contact-new"), _contact_form(**MISSPELT))
    response = client.post(
        reverse("contact-new"), _contact_form(**MISSPELT, match_check=_signature(first))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#existing_child"' in page
    assert "Select the child this contact is about" in page
    assert Contact.objects.count() == 0


def test_changing_the_details_after_seeing_matches_shows_them_again(
    contact_officer: Any, jaden: Person
) -> None:
    client = client_for(contact_officer)
    first = client.post(reverse("contact-new"), _contact_form(**MISSPELT))
    changed = {**MISSPELT, "first_name": "Jaiden"}
    answer = {"existing_child": "new", "match_check": _signature(first)}
    response = client.post(reverse("contact-new"), _contact_form(**changed, **answer))
    assert response.status_code == 200
    assert "Is this a child we already know?" in response.content.decode()
    assert Contact.objects.count() == 0 and Person.objects.count() == 1


def test_a_child_nobody_knows_is_created_straight_away(contact_officer: Any, jaden: Person) -> None:
    other = {
        **MISSPELT,
        "first_name": "Priya",
        "last_name": "Kaur",
        "date_of_birth-year": "2011",
        "postcode": "NE1 4ST",
    }
    response = client_for(contact_officer).post(reverse("contact-new"), _contact_form(**other))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_a_tampered_answer_is_asked_again(contact_officer: Any, jaden: Person) -> None:
    client = client_for(contact_officer)
    first = client.post(reverse("contact-new"), _contact_form(**MISSPELT))
    for bad in ("999999", "-1", "x" * 20, "1e3"):
        answer = {"existing_child": bad, "match_check": _signature(first)}
        response = client.post(reverse("contact-new"), _contact_form(**MISSPELT, **answer))
        assert response.status_code == 200, bad
        assert "Select the child this contact is about" in response.content.decode()
    assert Contact.objects.count() == 0


def test_recording_a_contact_from_the_childs_page_needs_no_child_details(
    contact_officer: Any, jaden: Person
) -> None:
    client = client_for(contact_officer)
    url = reverse("contact-new") + f"?child={jaden.pk}"
    page = client.get(url).content.decode()
    assert "This contact is about" in page and "Jaden Smith" in page
    data = {k: v for k, v in _contact_form().items() if "name" not in k and "birth" not in k}
    response = client.post(url, {**data, "child": str(jaden.pk)})
    assert response.status_code == 302
    assert ContactChild.objects.get().child_id == jaden.pk
    assert Person.objects.count() == 1


def test_adding_a_sibling_searches_first(contact_officer: Any, jaden: Person) -> None:
    contact = contact_recorded(children=[child_details(first_name="Ava", last_name="Smith")])
    client = client_for(contact_officer)
    url = reverse("contact-add-child", args=[contact.pk])
    fields = {k: v for k, v in MISSPELT.items()}
    first = client.post(url, fields)
    assert "Is this a child we already know?" in first.content.decode()
    answer = {"existing_child": str(jaden.pk), "match_check": _signature(first)}
    assert client.post(url, {**fields, **answer}).status_code == 302
    assert set(contact.children.values_list("child_id", flat=True)) >= {jaden.pk}


def test_an_invalid_nhs_number_is_explained(contact_officer: Any) -> None:
    response = client_for(contact_officer).post(
        reverse("contact-new"), _contact_form(nhs_number="123 456 7890")
    )
    assert "Enter a valid 10-digit NHS number" in response.content.decode()
    assert Contact.objects.count() == 0


def test_the_signature_changes_with_the_details() -> None:
    assert details_signature(child_details()) != details_signature(child_details(first_name="X"))


# --- Find a child -----------------------------------------------------------------------


def _search(client: Client, **params: str) -> str:
    response = client.get(reverse("child-search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_find_a_child_ranks_a_misspelt_search(contact_officer: Any, jaden: Person) -> None:
    page = _search(client_for(contact_officer), first_name="jaiden", last_name="smyth")
    assert "1 possible match" in page and "Jaden Smith" in page
    assert "last name sounds alike" in page.lower()


@pytest.mark.parametrize(
    ("dob", "shown"),
    [
        ({"date_of_birth-year": "2015"}, "Medium confidence"),
        ({"date_of_birth-month": "4", "date_of_birth-year": "2015"}, "Medium confidence"),
        # A different month is evidence against: still listed, last, as a weak match.
        ({"date_of_birth-month": "9", "date_of_birth-year": "2015"}, "Low confidence"),
        ({"date_of_birth-year": "2003"}, None),
    ],
)
def test_find_a_child_with_a_partial_date_of_birth(
    contact_officer: Any, jaden: Person, dob: dict[str, str], shown: str | None
) -> None:
    page = _search(client_for(contact_officer), last_name="Smith", **dob)
    assert ("Jaden Smith" in page) is (shown is not None)
    if shown:
        assert shown in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Enter at least one of"),
        (
            {"date_of_birth-day": "30", "date_of_birth-month": "2", "date_of_birth-year": "2015"},
            "Date of birth must be a real date",
        ),
        ({"date_of_birth-day": "3", "date_of_birth-year": "2015"}, "must include a month"),
        ({"date_of_birth-month": "13", "date_of_birth-year": "2015"}, "month from 1 to 12"),
        ({"date_of_birth-month": "3"}, "must include a year"),
        ({"date_of_birth-year": "15"}, "4-digit year"),
        ({"date_of_birth-year": "twenty"}, "must be a real date"),
        ({"nhs_number": "12345"}, "Enter a valid 10-digit NHS number"),
        ({"last_name": "x" * 101}, "100 characters or fewer"),
    ],
)
def test_find_a_child_explains_bad_input(
    contact_officer: Any, params: dict[str, str], message: str
) -> None:
    page = _search(client_for(contact_officer), **{"first_name": "", **params})
    assert "There is a problem" in page and message in page


def test_find_a_child_by_nhs_number_and_in_another_script(contact_officer: Any) -> None:
    maria = child_create(
        details=child_details(first_name="Mariya", last_name="Ivanova", nhs_number="943 476 5919"),
        by=contact_officer,
    )
    client = client_for(contact_officer)
    assert maria.full_name in _search(client, nhs_number="9434765919")
    assert maria.full_name in _search(client, first_name="Мария", last_name="Иванова")
    assert "0 possible matches" in _search(client, first_name="李", last_name="小龙")


def test_find_a_child_by_a_surname_alone_or_a_first_name_alone(
    contact_officer: Any, jaden: Person
) -> None:
    client = client_for(contact_officer)
    assert "Jaden Smith" in _search(client, last_name="Smyth")
    assert "Jaden Smith" in _search(client, first_name="Jaden")


def test_a_name_alone_is_explained(contact_officer: Any, jaden: Person) -> None:
    client = client_for(contact_officer)
    assert "You searched by a name alone" in _search(client, last_name="Smith")
    assert "You searched by a name alone" not in _search(
        client, last_name="Smith", **{"date_of_birth-year": "2015"}
    )
