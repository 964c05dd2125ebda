"""Search reads records as plain rows; they must be exactly what the model path builds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontdoor.matching.keys import search_keys, stored_keys
from frontdoor.matching.models import MatchKey
from frontdoor.matching.selectors import (
    candidates_for,
    people_for_matching,
    record_for_person,
    records_for_ids,
)
from frontdoor.matching.services import person_keys
from frontdoor.people.households import AdultDetails, adult_create
from frontdoor.people.models import Address, Alias, Person
from frontdoor.people.services import child_create
from frontdoor.testing.factories import child_details

pytestmark = pytest.mark.django_db


def test_rows_and_models_give_the_same_records(contact_officer: Any) -> None:
    child = child_create(
        details=child_details(first_name="Zoë", last_name="O'Brien-Smith", nhs_number=""),
        by=contact_officer,
    )
    Alias.objects.create(person=child, first_name="Zoey", last_name="Brien")
    Address.objects.create(
        person=child, line_1="2 Old Road", line_2="Flat 3", town="Oldtown", postcode="NE1 4ST",
        moved_in=date(2015, 1, 1), moved_out=date(2019, 1, 1),
    )  # fmt: skip
    plain = child_create(details=child_details(first_name="", postcode=""), by=contact_officer)

    rows = records_for_ids([child.pk, plain.pk])
    for person in people_for_matching([child.pk, plain.pk]):
        assert rows[person.pk] == record_for_person(person)
    assert len(rows[child.pk].given) == 2
    # The current address comes first, whichever way the database sorts empty dates.
    assert rows[child.pk].postcodes == ("AB1 2CD", "NE1 4ST")


def _filed(person: Person) -> set[str]:
    return set(MatchKey.objects.filter(person=person).values_list("key", flat=True))


def test_a_new_person_is_filed_under_the_keys_read_back_from_the_database(
    contact_officer: Any,
) -> None:
    """Creating a person files their keys from memory; they must be the stored record's."""
    children = [
        child_create(
            details=child_details(
                first_name=" Zoë ", last_name="O'Brien-Smith", nhs_number="943 476 5919"
            ),
            by=contact_officer,
        ),
        child_create(details=child_details(postcode="", address_line_1=""), by=contact_officer),
        child_create(
            details=child_details(
                first_name="", date_of_birth=None, expected_date_of_birth=date(2099, 9, 1)
            ),
            by=contact_officer,
        ),
    ]
    adults = [
        adult_create(
            details=AdultDetails(
                first_name="Grace", last_name="Okafor", postcode="ne1 4st", address_line_1="2 Road"
            ),
            by=contact_officer,
        ),
        adult_create(details=AdultDetails(first_name="Sam", last_name="Lee"), by=contact_officer),
    ]
    for person in children + adults:
        (stored,) = people_for_matching([person.pk])
        assert _filed(person) == person_keys(stored)
        assert _filed(person)


def test_a_merged_record_is_not_read(contact_officer: Any) -> None:
    kept = child_create(details=child_details(), by=contact_officer)
    gone = child_create(details=child_details(), by=contact_officer)
    gone.merged_into = kept
    gone.save()
    assert set(records_for_ids([kept.pk, gone.pk])) == {kept.pk}


def test_candidates_come_back_as_people_best_first(contact_officer: Any) -> None:
    sam = child_create(details=child_details(), by=contact_officer)
    child_create(details=child_details(first_name="Samuel", postcode=""), by=contact_officer)
    found = candidates_for(record_for_person(people_for_matching([sam.pk])[0]), exclude=[sam.pk])
    assert [c.person.first_name for c in found] == ["Samuel"]
    assert found[0].person.pk != sam.pk


def test_a_name_alone_is_searched_only_when_nothing_else_is_known() -> None:
    from frontdoor.matching.record import MatchRecord

    only_name = MatchRecord.build(family_names=["Smith"])
    assert search_keys(only_name) == {"f:SM0"}
    fuller = MatchRecord.build(family_names=["Smith"], birth_year=2015)
    assert not any(k.startswith("f:") for k in search_keys(fuller))
    assert "f:SM0" in stored_keys(fuller)
