"""Finding likely duplicates: proposals, refreshes, and never proposing a decided pair again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontdoor.accounts.models import User
from frontdoor.matching.batch import Progress
from frontdoor.matching.duplicates import duplicates_check, duplicates_find, duplicates_find_all
from frontdoor.matching.merge import person_merge
from frontdoor.matching.models import DuplicatePair, DuplicateScan, DuplicateStatus
from frontdoor.matching.not_same import pair_not_same
from frontdoor.matching.services import match_keys_refresh
from frontdoor.matching.tasks import check_duplicates, find_duplicates
from frontdoor.people.models import Person, PersonKind
from frontdoor.testing.factories import child_details, contact_child_of, contact_recorded, local
from frontdoor.work.housekeeping import tick

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 9, 10)


def child(**details: Any) -> Person:
    return contact_child_of(contact_recorded(children=[child_details(**details)])).child


@pytest.fixture
def two_records(org: Any) -> tuple[Person, Person]:
    """The same girl recorded twice, her names misspelt the second time."""
    first = child(first_name="Olivia", last_name="Robinson", date_of_birth=date(2017, 6, 12))
    second = child(first_name="Olivai", last_name="Robinsn", date_of_birth=date(2017, 6, 12))
    return first, second


def test_a_likely_duplicate_is_proposed_once_with_the_lower_id_first(
    two_records: tuple[Person, Person],
) -> None:
    first, second = two_records

    (pair,) = duplicates_check(second, at=AT)

    assert (pair.first_id, pair.second_id) == (first.pk, second.pk)
    assert pair.status == DuplicateStatus.OPEN and pair.found_at == AT
    assert pair.weight >= 12
    fields = [r[0] for r in pair.reasons]
    assert {"given_name", "family_name", "date_of_birth"} <= set(fields)
    assert abs(pair.reasons[0][2]) >= abs(pair.reasons[-1][2])  # strongest evidence first
    assert duplicates_check(first, at=AT) == [pair]
    assert DuplicatePair.objects.count() == 1


def test_a_different_child_is_not_proposed(org: Any) -> None:
    olivia = child(first_name="Olivia", last_name="Robinson", date_of_birth=date(2017, 6, 12))
    child(
        first_name="Noah",
        last_name="Khan",
        date_of_birth=date(2012, 1, 3),
        postcode="zz9 9zz",
        address_line_1="9 Far Road",
    )

    assert duplicates_check(olivia, at=AT) == []
    assert not DuplicatePair.objects.exists()


def test_an_open_pair_is_refreshed_when_a_record_changes(
    two_records: tuple[Person, Person],
) -> None:
    _first, second = two_records
    (pair,) = duplicates_check(second, at=AT)
    old_weight = pair.weight
    Person.objects.filter(pk=second.pk).update(first_name="Olivia")
    match_keys_refresh(second)

    later = local(2026, 3, 10, 9)
    (refreshed,) = duplicates_check(second, at=later)

    assert refreshed.pk == pair.pk and refreshed.weight > old_weight
    pair.refresh_from_db()
    assert pair.weight == refreshed.weight and pair.refreshed_at == later
    assert pair.found_at == AT
    assert any(r[0] == "given_name" and r[1] == "exact" for r in pair.reasons)


def test_a_proposal_no_longer_likely_is_withdrawn(two_records: tuple[Person, Person]) -> None:
    _first, second = two_records
    duplicates_check(second, at=AT)
    Person.objects.filter(pk=second.pk).update(
        first_name="Zebedee", last_name="Quinn", date_of_birth=date(2010, 1, 1)
    )
    match_keys_refresh(second)

    assert duplicates_check(second, at=AT) == []
    assert not DuplicatePair.objects.exists()


def test_a_pair_marked_not_the_same_person_is_never_proposed_again(
    two_records: tuple[Person, Person], mash_manager: User
) -> None:
    first, second = two_records
    (pair,) = duplicates_check(second, at=AT)
    pair_not_same(pair=pair, by=mash_manager, note="Cousins with similar names", at=AT)
    weight = pair.weight
    Person.objects.filter(pk=second.pk).update(first_name="Olivia", last_name="Robinson")
    match_keys_refresh(second)

    assert duplicates_check(second, at=AT) == []
    assert duplicates_check(first, at=AT) == []
    assert duplicates_find(now=AT) == 0
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.NOT_SAME and pair.weight == weight
    assert DuplicatePair.objects.count() == 1


def test_a_merged_pair_is_never_proposed_again(
    two_records: tuple[Person, Person], mash_manager: User
) -> None:
    first, second = two_records
    person_merge(kept=first, merged=second, by=mash_manager, reason="Same girl", at=AT)

    assert duplicates_check(first, at=AT) == []
    assert duplicates_check(second, at=AT) == []  # a merged record is not checked at all


def test_two_children_named_on_one_contact_are_not_proposed(org: Any) -> None:
    contact = contact_recorded(
        children=[
            child_details(first_name="Ava", last_name="Example"),
            child_details(first_name="Eva", last_name="Example"),
        ]
    )
    ava = contact_child_of(contact, 0).child

    assert duplicates_check(ava, at=AT) == []


def test_adults_are_not_proposed(two_records: tuple[Person, Person]) -> None:
    first, second = two_records
    Person.objects.filter(pk=second.pk).update(kind=PersonKind.ADULT)

    assert duplicates_check(first, at=AT) == []
    assert duplicates_check(second, at=AT) == []


# ------------------------------------------------------------------ the background scan


def test_the_housekeeping_tick_finds_a_misspelt_duplicate(
    two_records: tuple[Person, Person],
) -> None:
    first, second = two_records

    report = tick(now=AT)

    assert report.duplicates_proposed == 1
    pair = DuplicatePair.objects.get()
    assert (pair.first_id, pair.second_id) == (first.pk, second.pk)
    assert tick(now=AT).duplicates_proposed == 0


def test_the_scan_checks_only_people_created_or_changed_since_the_last_one(
    two_records: tuple[Person, Person],
) -> None:
    _first, _second = two_records
    assert duplicates_find(now=AT) == 1
    scan = DuplicateScan.objects.get()
    assert scan.people_checked == 2

    duplicates_find(now=AT)  # looks once more at the last range, in case of a late commit
    assert DuplicateScan.objects.get().people_checked == 2
    duplicates_find(now=AT)
    assert DuplicateScan.objects.get().people_checked == 0

    third = child(first_name="Olivia", last_name="Robinson", date_of_birth=date(2017, 6, 12))
    assert duplicates_find(now=AT) == 2  # the new record against each of the others
    assert DuplicateScan.objects.get().people_checked == 1
    assert DuplicatePair.objects.filter(second=third).count() == 2


def test_a_scan_checks_at_most_its_limit_and_the_next_one_carries_on(org: Any) -> None:
    for name in ("Olivia", "Olivai", "Olivia", "Olviia"):
        child(first_name=name, last_name="Robinson", date_of_birth=date(2017, 6, 12))

    duplicates_find(now=AT, limit=1)
    first_mark = DuplicateScan.objects.get().key_mark
    duplicates_find(now=AT, limit=1)
    assert DuplicateScan.objects.get().key_mark > first_mark
    while DuplicateScan.objects.get().people_checked:
        duplicates_find(now=AT, limit=1)

    assert DuplicatePair.objects.count() == 6  # every pair of the four records


def test_the_tasks_run_the_same_checks(two_records: tuple[Person, Person]) -> None:
    first, _ = two_records

    assert find_duplicates.call() == 1
    assert check_duplicates.call(first.pk) == 1
    assert check_duplicates.call(0) == 0


# ------------------------------------------------------------------ everyone at once


def test_comparing_everyone_by_blocking_proposes_what_the_scan_would(org: Any) -> None:
    olivias = [
        child(first_name=name, last_name="Robinson", date_of_birth=date(2017, 6, 12))
        for name in ("Olivia", "Olivai", "Olivia", "Olviia")
    ]
    child(
        first_name="Noah",
        last_name="Khan",
        date_of_birth=date(2012, 1, 3),
        postcode="zz9 9zz",
        address_line_1="9 Far Road",
    )
    heard: list[Progress] = []

    assert duplicates_find_all(now=AT, progress=heard.append, every=1) == 6

    pairs = DuplicatePair.objects.order_by("first_id", "second_id")
    ids = sorted(p.pk for p in olivias)
    assert [(p.first_id, p.second_id) for p in pairs] == [
        (a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]
    ]
    pair = pairs[0]
    assert pair.status == DuplicateStatus.OPEN and pair.found_at == AT and pair.weight >= 12
    assert {"given_name", "family_name", "date_of_birth"} <= {r[0] for r in pair.reasons}
    assert {h.stage for h in heard} == {"keys", "scoring"}
    # The background scan is up to date: it checks nobody again, and proposes nothing more.
    assert duplicates_find(now=AT) == 0
    assert DuplicateScan.objects.get().people_checked == 0
    assert duplicates_find_all(now=AT) == 0


def test_comparing_everyone_leaves_out_decided_pairs_twins_and_adults(
    two_records: tuple[Person, Person], mash_manager: User
) -> None:
    _first, second = two_records
    (pair,) = duplicates_check(second, at=AT)
    pair_not_same(pair=pair, by=mash_manager, note="Cousins with similar names", at=AT)
    contact_recorded(  # twins: two children named on one contact
        children=[
            child_details(first_name="Ava", last_name="Example"),
            child_details(first_name="Eva", last_name="Example"),
        ]
    )
    adult = child(first_name="Olivia", last_name="Robinson", date_of_birth=date(2017, 6, 12))
    Person.objects.filter(pk=adult.pk).update(kind=PersonKind.ADULT)

    assert duplicates_find_all(now=AT) == 0
    assert list(DuplicatePair.objects.values_list("status", flat=True)) == [
        DuplicateStatus.NOT_SAME
    ]
