"""The online form's adults: added one at a time from "The child's family", changed and
removed, shown on "Check your answers", sent as the structured ``adults`` and recorded as
people linked to the child."""

from __future__ import annotations

import pytest
from django.test import Client

from frontdoor.intake.models import Submission
from frontdoor.intake.tests.form_pages import (
    ADDRESS,
    CHILD,
    CONCERN,
    PROFESSIONAL,
    errors_of,
    post,
    send,
    text_of,
    url,
)
from frontdoor.people.models import Person, PersonKind, Relationship

pytestmark = pytest.mark.django_db

MUM = {
    "first_name": "Jo",
    "last_name": "Example",
    "date_of_birth-day": "2",
    "date_of_birth-month": "1",
    "date_of_birth-year": "1988",
    "relationship": "parent",
    "parental_responsibility": "yes",
    "lives_with_child": "yes",
    "alleged_perpetrator": "no",
}
PARTNER = {
    "first_name": "Lee",
    "last_name": "Stone",
    "relationship": "partner_of_parent",
    "parental_responsibility": "no",
    "lives_with_child": "not_known",
    "alleged_perpetrator": "yes",
}


def until_family(client: Client) -> None:
    post(client, url("referral-who"), {"kind": "professional"}, url("referral-referrer"))
    post(client, url("referral-referrer"), PROFESSIONAL, url("referral-risk"))
    post(client, url("referral-risk"), {"immediate_risk": "no"}, url("referral-child", 0))
    post(client, url("referral-child", 0), CHILD, url("referral-child-address", 0))
    post(client, url("referral-child-address", 0), ADDRESS, url("referral-children"))
    post(client, url("referral-children"), {"add_another": "no"}, url("referral-family"))


def from_parents_to_check(client: Client) -> None:
    post(client, url("referral-parents"), {"parents_aware": "no"}, url("referral-concern"))
    post(client, url("referral-concern"), CONCERN, url("referral-consent"))
    post(client, url("referral-consent"), {"consent_status": "given"}, url("referral-lawful-basis"))
    post(
        client,
        url("referral-lawful-basis"),
        {"lawful_basis": "public_task"},
        url("referral-evidence"),
    )
    post(client, url("referral-evidence"), {}, url("referral-check"))


def test_a_referrer_adds_a_parent_and_an_alleged_perpetrator_and_they_become_people(
    client: Client,
) -> None:
    until_family(client)
    family = {"parental_responsibility": "Mother", "household": "Mother and Lee"}
    response = client.post(url("referral-family"), {**family, "action": "add_adult"})
    assert response["Location"] == url("referral-adult", 0)
    post(client, url("referral-adult", 0), MUM, url("referral-adults"))
    post(client, url("referral-adults"), {"add_another": "yes"}, url("referral-adult", 1))
    post(client, url("referral-adult", 1), PARTNER, url("referral-adults"))
    page = text_of(client.get(url("referral-adults")))
    assert "You have added 2 adults" in page
    assert "Jo Example Parent, has parental responsibility, lives with the child" in page
    assert "Lee Stone A parent's partner, may have harmed the child" in page
    post(client, url("referral-adults"), {"add_another": "no"}, url("referral-parents"))
    from_parents_to_check(client)

    check = text_of(client.get(url("referral-check")))
    assert "Jo Example" in check and "may have harmed the child" in check
    assert send(client).status_code == 302

    submission = Submission.objects.get()
    adults = submission.payload["adults"]
    assert [a["first_name"] for a in adults] == ["Jo", "Lee"]
    assert adults[1]["alleged_perpetrator"] is True and adults[1]["lives_with_child"] is False
    assert submission.contact is not None
    assert submission.contact.household_notes == "Mother and Lee"
    child = submission.contact.children.get().child
    rows = {
        r.person.first_name: r
        for r in Relationship.objects.filter(child=child).select_related("person")
    }
    assert rows["Jo"].parental_responsibility and rows["Jo"].household_member
    assert rows["Lee"].alleged_perpetrator and not rows["Lee"].household_member
    assert Person.objects.filter(kind=PersonKind.ADULT).count() == 2


def test_an_adult_without_a_name_is_refused_with_the_error_summary(client: Client) -> None:
    until_family(client)
    client.post(url("referral-family"), {"action": "add_adult"})
    response = post(client, url("referral-adult", 0), {**MUM, "first_name": "", "last_name": ""})
    assert response.status_code == 200
    assert "Enter their first name or last name" in errors_of(response)
    response = post(client, url("referral-adult", 0), {**MUM, "relationship": ""})
    assert "Select how they are related to the child" in errors_of(response)


def test_an_adult_can_be_changed_and_removed(client: Client) -> None:
    until_family(client)
    client.post(url("referral-family"), {"action": "add_adult"})
    post(client, url("referral-adult", 0), MUM, url("referral-adults"))
    changed = client.get(url("referral-adult", 0))
    assert 'value="Jo"' in changed.content.decode()
    post(client, url("referral-adult", 0), {**MUM, "first_name": "Joanne"}, url("referral-adults"))
    assert "Joanne Example" in text_of(client.get(url("referral-family")))
    post(client, url("referral-adult-remove", 0), {"remove": "yes"}, url("referral-family"))
    assert "Joanne" not in text_of(client.get(url("referral-family")))


def test_a_referral_without_adults_still_goes_from_family_to_parents(client: Client) -> None:
    until_family(client)
    post(client, url("referral-family"), {}, url("referral-parents"))
    from_parents_to_check(client)
    assert send(client).status_code == 302
    assert "adults" not in Submission.objects.get().payload
