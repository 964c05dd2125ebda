"""Masking by construction: while a request's viewer may not see a restricted child, the child
prints as "Restricted record (record N)" wherever it is printed (Python or template), and no
identifying detail reaches a page; services and background work see real values."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.template import engines
from django.urls import reverse

from frontdoor.people.masking import current_viewer, viewing
from frontdoor.people.models import Address, Alias, Person
from frontdoor.restricted.viewer import RequestViewer
from frontdoor.testing.fixtures import client_for

TEMPLATE = (
    "{{ child }}|{{ child.full_name }}|{{ child.first_name }}|{{ child.last_name }}|"
    "{{ child.date_of_birth }}|{{ child.nhs_number }}|{{ child.upn }}|"
    "{% for a in child.addresses.all() %}{{ a }}{{ a.postcode }}{% endfor %}|"
    "{% for a in child.aliases.all() %}{{ a.first_name }}{% endfor %}|"
    "{{ address.postcode }}{{ address }}|{{ alias.last_name }}|{{ child['first_name'] }}"
)


def render(**context: Any) -> str:
    return str(engines["jinja2"].from_string(TEMPLATE).render(context))


@pytest.fixture
def child(screened_to_mash: Any) -> Person:
    person = screened_to_mash().child
    Person.objects.filter(pk=person.pk).update(upn="A123456789012", nhs_number="9434765919")
    Alias.objects.create(person=person, first_name="Sammy", last_name="Aliasson")
    person.refresh_from_db()
    return person


def shown(child: Person) -> str:
    address = child.addresses.first()
    return render(child=child, address=address, alias=child.aliases.first())


@pytest.mark.django_db
def test_a_viewer_who_may_not_see_the_child_is_shown_only_its_record_number(
    child: Person, restrict: Any, mash_worker: Any
) -> None:
    real = shown(child)
    assert "Sam Example" in real and "9434765919" in real and "A123456789012" in real
    assert "AB1 2CD" in real.upper() and "Sammy" in real and "Aliasson" in real
    restrict(child)

    with viewing(RequestViewer(lambda: mash_worker)):
        masked = shown(child)
        assert str(child) == child.full_name == f"Restricted record (record {child.pk})"
        assert child.is_masked

    label = f"Restricted record (record {child.pk})"
    assert masked.split("|")[:4] == [label, label, label, ""]
    for detail in ("Example", "2018", "9434765919", "A123456789012", "AB1", "ab1", "Sammy"):
        assert detail not in masked, detail
    assert "Aliasson" not in masked
    # No viewer (a service, the worker): real values again.
    assert child.full_name == "Sam Example" and not child.is_masked


@pytest.mark.django_db
def test_the_owner_and_the_named_see_the_child(
    child: Person, restrict: Any, mash_manager: Any, mash_worker: Any
) -> None:
    restrict(child, named=(mash_worker,))
    for user in (mash_manager, mash_worker):
        with viewing(RequestViewer(lambda: user)):  # noqa: B023 (used at once)
            assert child.full_name == "Sam Example"
            assert "9434765919" in shown(child)


@pytest.mark.django_db
def test_the_viewer_reads_the_hidden_children_once_per_request(
    child: Person, restrict: Any, mash_worker: Any, django_assert_num_queries: Any
) -> None:
    restrict(child)
    viewer = RequestViewer(lambda: mash_worker)
    with django_assert_num_queries(2):  # the restrictions, and records merged into them
        assert viewer.hides(child.pk)
    with django_assert_num_queries(0):
        assert viewer.hides(child.pk) and not viewer.hides(child.pk + 1000)


@pytest.mark.django_db
def test_a_page_that_prints_no_child_reads_no_restriction(
    mash_manager: Any, restrict: Any, child: Person
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    restrict(child)
    with CaptureQueriesContext(connection) as queries:
        assert client_for(mash_manager).get(reverse("overview")).status_code == 200
    assert not [q for q in queries.captured_queries if "restricted_restriction" in q["sql"]]


@pytest.mark.django_db
def test_the_viewer_lasts_as_long_as_the_request(child: Person, mash_worker: Any) -> None:
    client_for(mash_worker).get(reverse("child-detail", args=[child.pk]))
    assert current_viewer() is None


@pytest.mark.django_db
def test_a_masked_address_is_empty(child: Person, restrict: Any, mash_worker: Any) -> None:
    address = Address.objects.get(person=child)
    restrict(child)
    with viewing(RequestViewer(lambda: mash_worker)):
        assert str(address) == ""
    assert "AB1" in str(address).upper()


# ------------------------------------------------------------------ merged records


@pytest.mark.django_db
def test_a_record_merged_into_a_restricted_child_is_hidden_with_it(
    child: Person, restrict: Any, mash_worker: Any, contact_manager: Any
) -> None:
    from frontdoor.matching.merge import person_merge
    from frontdoor.testing.factories import PersonFactory

    merged: Any = PersonFactory(
        first_name="Samuel", last_name="Example", date_of_birth=datetime.date(2018, 5, 1)
    )
    person_merge(kept=child, merged=merged, by=contact_manager, reason="The same child.")
    restrict(child)
    client = client_for(mash_worker)

    response = client.get(reverse("child-detail", args=[merged.pk]))

    # Sent to the break-glass page of the record that is restricted.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("break-glass", args=[child.pk]))
    with viewing(RequestViewer(lambda: mash_worker)):
        assert merged.full_name == f"Restricted record (record {merged.pk})"
    reason = "Duty desk: a police referral about this child arrived an hour ago."
    client.post(response["Location"], {"reason": reason})
    assert client.get(reverse("child-detail", args=[merged.pk])).status_code == 200


@pytest.mark.django_db
def test_a_restricted_record_cannot_be_merged_into_another(
    child: Person, restrict: Any, mash_manager: Any
) -> None:
    from django.core.exceptions import ValidationError

    from frontdoor.matching.merge import person_merge
    from frontdoor.testing.factories import PersonFactory

    other: Any = PersonFactory(first_name="Sam", last_name="Example")
    restrict(child)
    with pytest.raises(ValidationError, match="is a restricted record: keep it"):
        person_merge(kept=other, merged=child, by=mash_manager, reason="The same child.")
    person_merge(kept=child, merged=other, by=mash_manager, reason="The same child.")
