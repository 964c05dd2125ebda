"""Merging two child records, undoing it exactly, and "not the same person"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessLogEntry, Event
from frontdoor.intake.models import ContactChild, Referral
from frontdoor.mash.models import Enquiry
from frontdoor.matching.duplicates import duplicates_check
from frontdoor.matching.merge import person_merge, person_unmerge
from frontdoor.matching.models import DuplicatePair, DuplicateStatus, MatchKey, PersonMerge
from frontdoor.matching.not_same import pair_not_same, records_not_same
from frontdoor.matching.relations import person_relations
from frontdoor.people.models import Address, Alias, Disability, Person, Relationship
from frontdoor.testing.factories import (
    child_details,
    contact_child_of,
    contact_recorded,
    local,
    screened_to_mash,
)

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 9, 10)
LATER = local(2026, 3, 10, 10)


def child(**details: Any) -> Person:
    """A child named on a contact of their own (through the real services)."""
    return contact_child_of(contact_recorded(children=[child_details(**details)])).child


def child_with_enquiry(**details: Any) -> Person:
    return screened_to_mash(children=[child_details(**details)]).child


def holdings(person: Person) -> dict[str, set[int]]:
    """The ids of every non-audit row pointing at ``person``, by "app.Model.field"."""
    return {
        key: set(model._base_manager.filter(**{name: person}).values_list("pk", flat=True))
        for key, model, name in person_relations()
    }


def every_row() -> dict[str, int]:
    """Row counts of every model of the project (audit and matching included)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("people", "intake", "mash", "protection", "audit", "matching")
    }


@pytest.fixture
def pair(org: Any) -> tuple[Person, Person]:
    """Sam (with a MASH enquiry) and a misspelt record of him (with a contact)."""
    kept = child_with_enquiry(first_name="Samuel", last_name="Example")
    merged = child_with_enquiry(first_name="Samual", last_name="Exampel", nhs_number="9434765919")
    return kept, merged


def test_a_merge_moves_contacts_referrals_enquiries_and_addresses_and_records_each_id(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    kept_before, merged_before = holdings(kept), holdings(merged)
    assert merged_before["intake.ContactChild.child"] and merged_before["mash.Enquiry.child"]

    merge = person_merge(
        kept=kept, merged=merged, by=mash_manager, reason="Same school, same GP", at=AT
    )

    after = holdings(kept)
    for key in ("intake.ContactChild.child", "intake.Referral.child", "mash.Enquiry.child"):
        assert after[key] == kept_before[key] | merged_before[key], key
        assert merge.moved[key] == sorted(merged_before[key])
    assert after["people.Address.person"] >= merged_before["people.Address.person"]
    assert not any(holdings(merged)[k] for k in ("intake.ContactChild.child", "mash.Enquiry.child"))
    merged.refresh_from_db()
    assert merged.merged_into_id == kept.pk
    assert ContactChild.objects.filter(child=kept).count() == 2
    assert Enquiry.objects.filter(child=kept).count() == 2
    assert Referral.objects.filter(child=kept).count() == 2


def test_undo_restores_exactly_what_the_merge_moved(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    kept_before, merged_before = holdings(kept), holdings(merged)
    keys_before = set(MatchKey.objects.filter(person=merged).values_list("key", flat=True))
    merge = person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child", at=AT)
    newer = child(first_name="Samuel", last_name="Example")
    ContactChild.objects.filter(child=newer).update(child=kept)  # recorded after the merge

    person_unmerge(merge=merge, by=mash_manager, reason="Twins: two children", at=LATER)

    kept_after, merged_after = holdings(kept), holdings(merged)
    newer_links = (
        set(ContactChild.objects.filter(child=kept).values_list("pk", flat=True))
        - (kept_before["intake.ContactChild.child"])
    )
    assert merged_after == merged_before
    assert kept_after["intake.ContactChild.child"] == (
        kept_before["intake.ContactChild.child"] | newer_links
    )
    for key in kept_before:
        if key != "intake.ContactChild.child":
            assert kept_after[key] == kept_before[key], key
    merged.refresh_from_db()
    kept.refresh_from_db()
    assert merged.merged_into_id is None
    assert kept.nhs_number == ""  # filled by the merge, restored by the undo
    assert set(MatchKey.objects.filter(person=merged).values_list("key", flat=True)) == (
        keys_before
    )
    merge.refresh_from_db()
    assert merge.undone_at == LATER and merge.undone_by == mash_manager
    assert merge.undo_reason == "Twins: two children"


def test_the_merged_records_name_becomes_another_name_of_the_kept_record_until_undone(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    merge = person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child", at=AT)

    alias = Alias.objects.get(person=kept, kind="merged record")
    assert (alias.first_name, alias.last_name) == ("Samual", "Exampel")
    assert merge.alias == alias

    person_unmerge(merge=merge, by=mash_manager, reason="Different children", at=LATER)
    assert not Alias.objects.filter(person=kept, kind="merged record").exists()


def test_blank_identifiers_are_filled_from_the_merged_record_and_restored_by_undo(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    Person.objects.filter(pk=merged.pk).update(upn="A123456789012")
    Person.objects.filter(pk=kept.pk).update(upn="")

    merge = person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child", at=AT)

    kept.refresh_from_db()
    assert (kept.nhs_number, kept.upn) == ("9434765919", "A123456789012")
    assert merge.filled == {"nhs_number": ["", "9434765919"], "upn": ["", "A123456789012"]}
    person_unmerge(merge=merge, by=mash_manager, reason="Different children", at=LATER)
    kept.refresh_from_db()
    assert (kept.nhs_number, kept.upn) == ("", "")


def test_an_unborn_record_merged_with_the_born_childs_takes_the_date_of_birth(
    org: Any, mash_manager: User
) -> None:
    unborn = child(
        first_name="",
        last_name="Example",
        date_of_birth=None,
        expected_date_of_birth=date(2026, 4, 1),
    )
    born = child(first_name="Ava", last_name="Example", date_of_birth=date(2026, 2, 20))

    merge = person_merge(kept=unborn, merged=born, by=mash_manager, reason="Born", at=AT)

    unborn.refresh_from_db()
    assert unborn.date_of_birth == date(2026, 2, 20)
    assert unborn.expected_date_of_birth is None
    person_unmerge(merge=merge, by=mash_manager, reason="A different baby", at=LATER)
    unborn.refresh_from_db()
    assert unborn.date_of_birth is None
    assert unborn.expected_date_of_birth == date(2026, 4, 1)


def test_a_row_that_would_break_a_unique_rule_stays_and_the_event_says_so(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    Disability.objects.create(person=kept, code="AUT")
    clash = Disability.objects.create(person=merged, code="AUT")
    moves = Disability.objects.create(person=merged, code="VIS")

    merge = person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child", at=AT)

    clash.refresh_from_db()
    moves.refresh_from_db()
    assert clash.person_id == merged.pk and moves.person_id == kept.pk
    assert merge.moved["people.Disability.person"] == [moves.pk]
    ((stayed_id, why),) = merge.stayed["people.Disability.person"]
    assert stayed_id == clash.pk and "disability_once_per_person" in why
    event = Event.objects.get(action="person.merged", child=kept)
    assert event.after["stayed"]["people.Disability.person"][0][0] == clash.pk
    assert "stayed" in event.summary

    person_unmerge(merge=merge, by=mash_manager, reason="Different", at=LATER)
    moves.refresh_from_db()
    assert moves.person_id == merged.pk
    assert Disability.objects.filter(person=kept).count() == 1


def test_merge_and_undo_append_events_to_both_children_and_log_the_change(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    merge = person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same GP", at=AT)

    events = Event.objects.filter(action="person.merged").order_by("child_id")
    assert {e.child_id for e in events} == {kept.pk, merged.pk}
    for event in events:
        assert event.actor == mash_manager and event.reason == "Same GP"
        assert event.record_type == "personmerge" and event.record_id == merge.pk
        assert event.before["merged"]["merged_into"] is None
        assert event.after["merged"]["merged_into"] == kept.pk
        assert event.after["moved"]["mash.Enquiry.child"] == 1
    changes = AccessLogEntry.objects.filter(action="change", record_type="personmerge")
    assert {e.child_id for e in changes} == {kept.pk, merged.pk}

    person_unmerge(merge=merge, by=mash_manager, reason="Twins", at=LATER)
    undone = Event.objects.filter(action="person.unmerged")
    assert {e.child_id for e in undone} == {kept.pk, merged.pk}
    assert all(e.reason == "Twins" for e in undone)
    assert AccessLogEntry.objects.filter(action="change", record_type="personmerge").count() == 4


def test_audit_rows_stay_with_the_record_they_were_written_about(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    before = set(Event.objects.filter(child=merged).values_list("pk", flat=True))
    logged = set(AccessLogEntry.objects.filter(child=merged).values_list("pk", flat=True))

    person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same child", at=AT)

    assert before <= set(Event.objects.filter(child=merged).values_list("pk", flat=True))
    assert logged <= set(AccessLogEntry.objects.filter(child=merged).values_list("pk", flat=True))


def test_a_merge_marks_its_pair_merged_and_an_undo_marks_it_not_the_same_person(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    (proposed,) = duplicates_check(kept, at=AT)

    merge = person_merge(
        kept=kept, merged=merged, by=mash_manager, reason="Same", pair=proposed, at=AT
    )
    proposed.refresh_from_db()
    assert proposed.status == DuplicateStatus.MERGED and merge.pair == proposed
    assert duplicates_check(kept, at=AT) == []

    person_unmerge(merge=merge, by=mash_manager, reason="Two children", at=LATER)
    proposed.refresh_from_db()
    assert proposed.status == DuplicateStatus.NOT_SAME and proposed.note == "Two children"
    assert duplicates_check(kept, at=LATER) == []
    assert duplicates_check(merged, at=LATER) == []


def test_a_merge_without_a_proposal_records_the_pair_as_merged(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same", at=AT)

    pair_row = DuplicatePair.objects.get()
    assert pair_row.status == DuplicateStatus.MERGED and pair_row.decided_by == mash_manager
    assert (pair_row.first_id, pair_row.second_id) == tuple(sorted((kept.pk, merged.pk)))


def test_records_merged_earlier_follow_their_record_and_return_on_undo(
    org: Any, mash_manager: User
) -> None:
    a = child(first_name="Sam", last_name="Example")
    b = child(first_name="Samuel", last_name="Example")
    c = child(first_name="Sammy", last_name="Example")
    first = person_merge(kept=b, merged=c, by=mash_manager, reason="Same", at=AT)

    second = person_merge(kept=a, merged=b, by=mash_manager, reason="Same", at=LATER)

    c.refresh_from_db()
    assert c.merged_into_id == a.pk
    assert second.moved["people.Person.merged_into"] == [c.pk]
    with pytest.raises(ValidationError) as refused:
        person_unmerge(merge=first, by=mash_manager, reason="Undo", at=LATER)
    assert "undo that merge first" in refused.value.message_dict["merge"][0]

    person_unmerge(merge=second, by=mash_manager, reason="Not the same", at=LATER)
    c.refresh_from_db()
    assert c.merged_into_id == b.pk
    person_unmerge(merge=first, by=mash_manager, reason="Not the same", at=LATER)
    c.refresh_from_db()
    assert c.merged_into_id is None


# ------------------------------------------------------------------------- refusals


def _refused(field: str, match: str, **kwargs: Any) -> None:
    before = every_row()
    with pytest.raises(ValidationError) as error:
        person_merge(**kwargs)
    messages = error.value.message_dict.get(field, [])
    assert any(match in m for m in messages), error.value.message_dict
    assert every_row() == before, "a refused merge must save nothing"


def test_a_record_cannot_be_merged_with_itself(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, _ = pair
    _refused("merged", "two different records", kept=kept, merged=kept, by=mash_manager, reason="x")


def test_a_merge_needs_a_reason(pair: tuple[Person, Person], mash_manager: User) -> None:
    kept, merged = pair
    _refused("reason", "Enter why", kept=kept, merged=merged, by=mash_manager, reason="   ")


def test_a_record_already_merged_cannot_be_merged_again(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    other = child(first_name="Sammy", last_name="Example")
    person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same", at=AT)

    _refused(
        "merged", "already been merged", kept=other, merged=merged, by=mash_manager, reason="x"
    )
    _refused("kept", "already been merged", kept=merged, merged=other, by=mash_manager, reason="x")


def test_records_with_different_nhs_numbers_are_not_merged(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    Person.objects.filter(pk=kept.pk).update(nhs_number="4010232137")
    _refused(
        "nhs_number", "different NHS numbers", kept=kept, merged=merged, by=mash_manager, reason="x"
    )


def test_two_children_named_on_one_contact_are_never_merged(org: Any, mash_manager: User) -> None:
    contact = contact_recorded(
        children=[child_details(first_name="Ava"), child_details(first_name="Eva")]
    )
    ava, eva = (link.child for link in contact.children.order_by("id"))
    _refused("merged", "two different children", kept=ava, merged=eva, by=mash_manager, reason="x")


def test_records_related_to_each_other_are_never_merged(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    Relationship.objects.create(person=merged, child=kept, kind="sibling")
    _refused("merged", "sibling", kept=kept, merged=merged, by=mash_manager, reason="x")


def test_a_pair_decided_not_the_same_needs_an_explicit_overrule(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    records_not_same(first=kept, second=merged, by=mash_manager, note="Twins", at=AT)
    _refused(
        "overrule_not_same",
        "not the same person",
        kept=kept,
        merged=merged,
        by=mash_manager,
        reason="Same after all",
    )

    merge = person_merge(
        kept=kept,
        merged=merged,
        by=mash_manager,
        reason="Same after all",
        overrule_not_same=True,
        at=LATER,
    )
    assert merge.pair is not None and merge.pair.status == DuplicateStatus.MERGED


def test_an_undo_needs_a_reason_and_happens_once(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    merge = person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same", at=AT)
    before = every_row()
    with pytest.raises(ValidationError) as error:
        person_unmerge(merge=merge, by=mash_manager, reason="")
    assert "reason" in error.value.message_dict and every_row() == before

    person_unmerge(merge=merge, by=mash_manager, reason="Different", at=LATER)
    before = every_row()
    with pytest.raises(ValidationError) as error:
        person_unmerge(merge=merge, by=mash_manager, reason="Again", at=LATER)
    assert "already been undone" in error.value.message_dict["merge"][0]
    assert every_row() == before


def test_a_failure_after_rows_moved_leaves_nothing_half_saved(
    pair: tuple[Person, Person], mash_manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, merged = pair
    kept_before, merged_before = holdings(kept), holdings(merged)
    counts = every_row()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("frontdoor.matching.merge.event_append", broken)
    with pytest.raises(RuntimeError):
        person_merge(kept=kept, merged=merged, by=mash_manager, reason="Same", at=AT)

    assert holdings(kept) == kept_before and holdings(merged) == merged_before
    assert every_row() == counts
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    assert not PersonMerge.objects.exists()


# --------------------------------------------------------------------- not the same


def test_not_the_same_person_closes_the_pair_with_events_on_both_children(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    (proposed,) = duplicates_check(kept, at=AT)

    decided = pair_not_same(pair=proposed, by=mash_manager, note="Twins, per school", at=AT)

    assert decided.status == DuplicateStatus.NOT_SAME and decided.decided_by == mash_manager
    events = Event.objects.filter(action="duplicate.not_same")
    assert {e.child_id for e in events} == {kept.pk, merged.pk}
    assert all(e.reason == "Twins, per school" for e in events)
    with pytest.raises(ValidationError):
        pair_not_same(pair=proposed, by=mash_manager, note="Again", at=AT)


def test_not_the_same_person_needs_a_note_and_saves_nothing_without_one(
    pair: tuple[Person, Person], mash_manager: User
) -> None:
    kept, merged = pair
    before = every_row()
    with pytest.raises(ValidationError) as error:
        records_not_same(first=kept, second=merged, by=mash_manager, note=" ")
    assert "note" in error.value.message_dict
    assert every_row() == before


def test_every_relation_to_a_person_is_moved_except_history_and_matching() -> None:
    keys = {key for key, _, _ in person_relations()}

    assert {
        "intake.ContactChild.child",
        "intake.Referral.child",
        "mash.Enquiry.child",
        "protection.Transfer.child",
        "protection.Visit.child",
        "people.Alias.person",
        "people.Address.person",
        "people.Disability.person",
        "people.Relationship.person",
        "people.Relationship.child",
        "people.Person.merged_into",
    } <= keys
    assert not any(k.startswith(("audit.", "matching.")) for k in keys)
    assert Address in {model for _, model, _ in person_relations()}
