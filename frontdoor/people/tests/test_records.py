"""Correcting and completing a person's record: a reason, the before and after, the access
log, and matching keys that follow the correction."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from frontdoor.audit.changes import changes_of
from frontdoor.audit.models import AccessAction, AccessLogEntry, Event
from frontdoor.matching.models import MatchKey
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.selectors import candidates_for
from frontdoor.people import records
from frontdoor.people.chronology import chronology_for
from frontdoor.people.models import Person
from frontdoor.testing.factories import child_details, contact_child_of, local
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 9, 11)


@pytest.fixture
def child(contact_recorded: Any) -> Person:
    contact = contact_recorded(
        children=[child_details(first_name="Jaden", last_name="Okafor", nhs_number="")]
    )
    return contact_child_of(contact).child


def found_by(first: str, last: str) -> list[int]:
    record = MatchRecord.build(given_names=[first], family_names=[last])
    return [c.person.pk for c in candidates_for(record, minimum=0.0)]


def test_correcting_a_date_of_birth_keeps_the_before_and_after_with_the_reason(
    child: Person, mash_worker: Any
) -> None:
    records.person_correct(
        person=child,
        changes={"date_of_birth": date(2018, 6, 1)},
        reason="Birth certificate seen",
        by=mash_worker,
        at=AT,
    )
    child.refresh_from_db()
    assert child.date_of_birth == date(2018, 6, 1)
    event = Event.objects.get(action="person.corrected", child=child)
    assert event.before == {"date_of_birth": "2018-05-01"}
    assert event.after == {"date_of_birth": "2018-06-01"}
    assert event.reason == "Birth certificate seen"
    assert event.actor == mash_worker
    [change] = changes_of(event)
    assert (change.label, change.before, change.after) == (
        "Date of birth",
        "1 May 2018",
        "1 Jun 2018",
    )


def test_a_correction_writes_the_access_log_with_the_fields_and_reason(
    child: Person, mash_worker: Any
) -> None:
    records.person_correct(
        person=child,
        changes={"first_name": "Jayden", "religion": "None"},
        reason="Spelling confirmed by the school",
        by=mash_worker,
        at=AT,
    )
    entry = AccessLogEntry.objects.get(child=child, user=mash_worker, action=AccessAction.CHANGE)
    assert entry.fields == ["first_name", "religion"]
    assert entry.reason == "Spelling confirmed by the school"
    assert entry.record_type == "person"


def test_after_correcting_a_name_the_child_is_found_by_the_new_name(
    child: Person, mash_worker: Any
) -> None:
    assert child.pk not in found_by("Precious", "Adeyemi")
    records.person_correct(
        person=child,
        changes={"first_name": "Precious", "last_name": "Adeyemi"},
        reason="Name given wrongly by the caller",
        by=mash_worker,
        at=AT,
    )
    assert child.pk in found_by("Precious", "Adeyemi")
    assert child.pk == found_by("Precious", "Adeyemi")[0]


def test_a_correction_needs_a_reason(child: Person, mash_worker: Any) -> None:
    with refused("reason", "Enter why"):
        records.person_correct(
            person=child, changes={"first_name": "Jay"}, reason="  ", by=mash_worker, at=AT
        )


def test_a_correction_that_changes_nothing_is_refused(child: Person, mash_worker: Any) -> None:
    with refused(None, "You have not changed anything"):
        records.person_correct(
            person=child,
            changes={"first_name": "Jaden", "date_of_birth": date(2018, 5, 1)},
            reason="Checked",
            by=mash_worker,
            at=AT,
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nhs_number": "943 476 5918"}, "nhs_number", "valid 10-digit NHS number"),
        ({"date_of_birth": date(2026, 3, 10)}, "date_of_birth", "on or before today"),
        ({"date_of_birth": date(1990, 1, 1)}, "date_of_birth", "within the last 25 years"),
        ({"expected_date_of_birth": date(2026, 9, 1)}, "expected_date_of_birth", "not both"),
        ({"first_name": "", "last_name": ""}, "first_name", "Enter the child's name"),
        ({"sex": "X"}, "sex", "Select the sex"),
        ({"religion": "x" * 61}, "religion", "60 characters or fewer"),
    ],
)
def test_invalid_values_are_refused_with_the_recording_rules(
    child: Person, mash_worker: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    with refused(field, message):
        records.person_correct(
            person=child, changes=changes, reason="Correcting", by=mash_worker, at=AT
        )


def test_an_unborn_child_born_since_gets_a_date_of_birth(
    contact_recorded: Any, mash_worker: Any
) -> None:
    contact = contact_recorded(
        children=[
            child_details(
                first_name="",
                last_name="Baker",
                date_of_birth=None,
                expected_date_of_birth=date(2026, 4, 1),
            )
        ]
    )
    baby = contact_child_of(contact).child
    records.person_correct(
        person=baby,
        changes={
            "first_name": "Ava",
            "date_of_birth": date(2026, 3, 8),
            "expected_date_of_birth": None,
        },
        reason="Born early, health visitor told us",
        by=mash_worker,
        at=AT,
    )
    baby.refresh_from_db()
    assert (baby.first_name, baby.date_of_birth, baby.expected_date_of_birth) == (
        "Ava",
        date(2026, 3, 8),
        None,
    )


def test_an_unknown_field_is_a_programming_error(child: Person, mash_worker: Any) -> None:
    with pytest.raises(ValueError, match="allocated_worker"):
        records.person_correct(
            person=child,
            changes={"allocated_worker": mash_worker},
            reason="x",
            by=mash_worker,
            at=AT,
        )


def test_the_correction_is_in_the_childs_chronology_with_its_before_and_after(
    child: Person, mash_worker: Any
) -> None:
    records.person_correct(
        person=child,
        changes={"interpreter_needed": True, "first_language": "Tigrinya"},
        reason="Mother needs an interpreter",
        by=mash_worker,
        at=AT,
    )
    entry = next(e for e in chronology_for(child) if e.action == "person.corrected")
    assert entry.category == "record"
    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        ("First language", "Not recorded", "Tigrinya"),
        ("Needs an interpreter", "No", "Yes"),
    ]


# ------------------------------------------------------------------ addresses


def test_a_move_adds_the_new_address_and_ends_the_old_one(child: Person, mash_worker: Any) -> None:
    old = child.addresses.get()
    records.address_add(
        person=child,
        line_1="4 New Road",
        town="Exampleton",
        postcode="pe2 9zz",
        moved_in=date(2026, 3, 1),
        end_current=True,
        reason="Family moved, school told us",
        by=mash_worker,
        at=AT,
    )
    old.refresh_from_db()
    assert old.moved_out == date(2026, 3, 1)
    new = child.addresses.get(moved_out__isnull=True)
    assert (new.line_1, new.postcode) == ("4 New Road", "PE2 9ZZ")
    event = Event.objects.get(action="person.address_added", child=child)
    assert event.reason == "Family moved, school told us"
    assert event.after["moved_out"] == "2026-03-01"
    # Matching knows the new postcode.
    assert MatchKey.objects.filter(person=child, key__startswith="pf:PE29ZZ").exists()


def test_an_address_needs_a_real_postcode_and_a_reason(child: Person, mash_worker: Any) -> None:
    with refused("postcode", "real postcode"):
        records.address_add(
            person=child, line_1="1 A St", postcode="nope", reason="x", by=mash_worker, at=AT
        )
    with refused("reason", "Enter why"):
        records.address_add(
            person=child, line_1="1 A St", postcode="PE1 1AA", reason="", by=mash_worker, at=AT
        )


def test_moving_out_cannot_be_before_moving_in_or_in_the_future(
    child: Person, mash_worker: Any
) -> None:
    address = records.address_add(
        person=child,
        line_1="9 Hill St",
        postcode="PE3 3AA",
        moved_in=date(2026, 2, 1),
        reason="Found on the school roll",
        by=mash_worker,
        at=AT,
    )
    with refused("moved_out", "the same or later"):
        records.address_move_out(
            address=address, moved_out=date(2026, 1, 1), reason="x", by=mash_worker, at=AT
        )
    with refused("moved_out", "today or in the past"):
        records.address_move_out(
            address=address, moved_out=date(2026, 3, 20), reason="x", by=mash_worker, at=AT
        )
    records.address_move_out(
        address=address, moved_out=date(2026, 3, 5), reason="Left", by=mash_worker, at=AT
    )
    with refused("moved_out", "already moved out"):
        records.address_move_out(
            address=address, moved_out=date(2026, 3, 6), reason="x", by=mash_worker, at=AT
        )


# ------------------------------------------------------------------ other names


def test_another_name_makes_the_child_findable_by_it_and_removing_it_undoes_that(
    child: Person, mash_worker: Any
) -> None:
    alias = records.alias_add(
        person=child,
        first_name="Jaden",
        last_name="Mensah",
        kind="previous name",
        reason="Used his father's surname at his last school",
        by=mash_worker,
        at=AT,
    )
    assert child.pk in found_by("Jaden", "Mensah")
    records.alias_remove(alias=alias, reason="Recorded on the wrong child", by=mash_worker, at=AT)
    assert child.pk not in found_by("Jaden", "Mensah")
    actions = list(
        Event.objects.filter(child=child, action__startswith="person.alias").values_list(
            "action", flat=True
        )
    )
    assert actions == ["person.alias_added", "person.alias_removed"]


def test_the_same_name_twice_is_refused(child: Person, mash_worker: Any) -> None:
    with refused("first_name", "already has this name"):
        records.alias_add(
            person=child,
            first_name="jaden",
            last_name="OKAFOR",
            reason="x",
            by=mash_worker,
            at=AT,
        )


def test_a_merged_record_is_not_corrected(child: Person, mash_worker: Any) -> None:
    other = Person.objects.create(first_name="Jay", last_name="Okafor", created_at=AT)
    Person.objects.filter(pk=other.pk).update(merged_into=child)
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="merged into another"):
        records.person_correct(
            person=other, changes={"first_name": "J"}, reason="x", by=mash_worker, at=AT
        )
