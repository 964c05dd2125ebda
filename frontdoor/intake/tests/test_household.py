"""The household answers leave the JSON: a submission's answers fill its contact's fields, its
structured adults become people linked to the children, the partner API accepts them (and
still accepts referrals without them), and a data migration fills contacts made before."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from django.test import Client

from frontdoor.accounts.models import ApiScope
from frontdoor.accounts.services import api_token_issue
from frontdoor.intake.models import Contact, ParentsAware, Submission
from frontdoor.intake.payload import ReferralIn, referral_problems
from frontdoor.intake.submissions import payload_digest, submission_receive
from frontdoor.people.models import Person, PersonKind, Relationship
from frontdoor.testing.factories import local, referral_document

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 2, 14)
MIGRATION = "frontdoor.intake.migrations.0007_household_answers_from_submissions"

TWO_CHILDREN = [
    {"first_name": "Riley", "last_name": "Example", "date_of_birth": "2016-03-04", "sex": "F"},
    {"first_name": "Kai", "last_name": "Example", "date_of_birth": "2019-07-01", "sex": "M"},
]
ADULTS = [
    {
        "first_name": "Jo",
        "last_name": "Example",
        "date_of_birth": "1988-01-02",
        "relationship": "parent",
        "parental_responsibility": True,
        "lives_with_child": True,
    },
    {
        "first_name": "Lee",
        "last_name": "Stone",
        "relationship": "partner_of_parent",
        "lives_with_child": True,
        "alleged_perpetrator": True,
        "children": [0],
    },
]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def receive(document: dict[str, Any], key: str = "k") -> Submission:
    return submission_receive(
        referral=ReferralIn.model_validate(document),
        channel="online_form",
        idempotency_scope="online_form",
        idempotency_key=key,
    ).submission


def test_the_household_answers_are_the_contacts_own_fields(org: Any) -> None:
    submission = receive(
        referral_document(
            parents_aware="no",
            parental_responsibility="Mother, Jo Example",
            household="Mother, her partner Lee and the children",
        )
    )
    contact = submission.contact
    assert contact is not None
    assert contact.parents_aware == ParentsAware.NO
    assert contact.parental_responsibility_notes == "Mother, Jo Example"
    assert contact.household_notes == "Mother, her partner Lee and the children"


def test_structured_adults_become_people_linked_to_the_children_they_name(org: Any) -> None:
    submission = receive(referral_document(children=TWO_CHILDREN, adults=ADULTS))
    contact = submission.contact
    assert contact is not None
    riley, kai = (link.child for link in contact.children.order_by("id"))
    jo = Person.objects.get(kind=PersonKind.ADULT, first_name="Jo")
    lee = Person.objects.get(kind=PersonKind.ADULT, first_name="Lee")
    rows = {
        (r.person.first_name, r.child.first_name): (
            r.kind,
            r.parental_responsibility,
            r.household_member,
            r.alleged_perpetrator,
        )
        for r in Relationship.objects.select_related("person", "child")
    }
    assert rows == {
        ("Jo", "Riley"): ("parent", True, True, False),
        ("Jo", "Kai"): ("parent", True, True, False),
        ("Lee", "Riley"): ("partner_of_parent", False, True, True),
    }
    assert jo.date_of_birth is not None and lee.date_of_birth is None
    assert riley.relationships.count() == 2 and kai.relationships.count() == 1


@pytest.mark.parametrize(
    ("adult", "path", "message"),
    [
        ({"relationship": "parent"}, "adults.0.first_name", "first name or last name"),
        (
            {"last_name": "X", "relationship": "carer", "date_of_birth": "2027-01-01"},
            "adults.0.date_of_birth",
            "today or in the past",
        ),
        (
            {"last_name": "X", "relationship": "carer", "postcode": "nowhere"},
            "adults.0.postcode",
            "real postcode",
        ),
        (
            {"last_name": "X", "relationship": "carer", "children": [1]},
            "adults.0.children",
            "from 0 to 0",
        ),
    ],
)
def test_an_adult_breaking_a_rule_is_refused_with_its_path(
    adult: dict[str, Any], path: str, message: str
) -> None:
    referral = ReferralIn.model_validate(referral_document(adults=[adult]))
    problems = referral_problems(referral, on=NOW.date())
    assert message in problems[path]


def test_a_referral_without_adults_is_stored_exactly_as_before(org: Any) -> None:
    document = referral_document()
    submission = receive(document)
    assert "adults" not in submission.payload
    stored = ReferralIn.model_validate(document).model_dump(mode="json", exclude={"documents"})
    stored.pop("adults")
    stored["documents"] = []
    assert submission.payload_sha256 == payload_digest(stored)


def test_the_partner_api_accepts_adults_and_publishes_them_in_its_schema(
    org: SimpleNamespace,
) -> None:
    _token, plain = api_token_issue(
        agency=org.police,
        name="police system",
        scopes=[ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ],
        by=None,
    )
    response = Client().post(
        "/api/v1/intake/referrals",
        data=json.dumps(referral_document(children=TWO_CHILDREN, adults=ADULTS)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}", "Idempotency-Key": "with-adults"},
    )
    assert response.status_code == 201, response.content
    assert Relationship.objects.count() == 3
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "adults" in schema["ReferralIn"]["properties"]
    assert "alleged_perpetrator" in schema["AdultIn"]["properties"]
    bad = Client().post(
        "/api/v1/intake/referrals",
        data=json.dumps(referral_document(adults=[{"last_name": "X", "relationship": "uncle"}])),
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}", "Idempotency-Key": "bad-adult"},
    )
    assert bad.status_code == 422
    assert any("adults" in e["field"] for e in bad.json()["errors"])


# ------------------------------------------------------------------ the data migration


def test_the_data_migration_copies_a_submissions_answers_into_its_contact(org: Any) -> None:
    submission = receive(
        referral_document(
            parents_aware="yes",
            parental_responsibility="Both parents",
            household="Parents, the children and a lodger",
        )
    )
    contact = submission.contact
    assert contact is not None
    # As a contact made before the fields existed: empty.
    Contact.objects.filter(pk=contact.pk).update(
        parents_aware="", parental_responsibility_notes="", household_notes=""
    )
    kept = Contact.objects.create(
        reference="C-OLD",
        received_at=NOW,
        channel="phone",
        source="2A",
        concern="x",
        consent_status="given",
        lawful_basis="public_task",
        recorded_at=NOW,
        policy=contact.policy,
        household_notes="Recorded by hand",
    )
    other = receive(
        referral_document(household="Should not overwrite", parents_aware="no"), key="other"
    )
    assert other.contact is not None
    Contact.objects.filter(pk=other.contact.pk).update(household_notes="Already corrected")

    migration = importlib.import_module(MIGRATION)
    migration.copy_household_answers(apps, None)
    migration.copy_household_answers(apps, None)  # twice: nothing more changes

    contact.refresh_from_db()
    assert (
        contact.parents_aware,
        contact.parental_responsibility_notes,
        contact.household_notes,
    ) == ("yes", "Both parents", "Parents, the children and a lodger")
    kept.refresh_from_db()
    assert kept.household_notes == "Recorded by hand"
    other.contact.refresh_from_db()
    assert other.contact.household_notes == "Already corrected"
    assert other.contact.parents_aware == "no"


def test_a_second_referral_naming_the_same_parent_links_the_same_person(org: Any) -> None:
    child = {**TWO_CHILDREN[0], "nhs_number": "943 476 5919"}
    mum = {**ADULTS[0], "alleged_perpetrator": False}
    receive(referral_document(children=[child], adults=[mum]), key="one")
    receive(
        referral_document(children=[child], adults=[{**mum, "alleged_perpetrator": True}]),
        key="two",
    )
    assert Person.objects.filter(kind=PersonKind.ADULT).count() == 1
    (relationship,) = Relationship.objects.all()
    assert relationship.alleged_perpetrator
    assert relationship.parental_responsibility
