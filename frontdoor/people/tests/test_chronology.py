"""One chronology per child (frontdoor.people.chronology): merged records, filters, links."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest

from frontdoor.audit.event_types import EventType, event_type_register
from frontdoor.audit.models import Event
from frontdoor.audit.services import event_append
from frontdoor.people.chronology import (
    Category,
    categories,
    category_of,
    category_register,
    chronology_for,
    record_ids_for,
    surviving_record,
)
from frontdoor.people.models import Person
from frontdoor.testing.factories import (
    PersonFactory,
    contact_child_of,
    contact_recorded,
    local,
    screened,
    screened_to_mash,
    signed_off,
    transferred,
    visited,
)

# Events only these tests append (the code's own are registered in frontdoor.audit.event_types).
event_type_register(EventType("exploitation.screened", "Exploitation screened", "exploitation"))

pytestmark = pytest.mark.django_db


def person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


def people(count: int) -> list[Person]:
    return [person() for _ in range(count)]


def merge(record: Person, into: Person) -> Person:
    """What a merge leaves behind that the chronology reads: ``merged_into``."""
    record.merged_into = into
    record.save(update_fields=["merged_into"])
    return record


def test_record_ids_are_the_child_then_every_record_merged_into_it_at_any_depth() -> None:
    child, twin_record, older_record, stranger = people(4)
    merge(twin_record, child)
    merge(older_record, twin_record)

    assert record_ids_for(child) == [child.pk, twin_record.pk, older_record.pk]
    assert record_ids_for(child.pk) == record_ids_for(child)
    assert record_ids_for(twin_record) == [twin_record.pk, older_record.pk]
    assert record_ids_for(stranger) == [stranger.pk]
    assert surviving_record(older_record) == child
    assert surviving_record(child) == child


def test_a_merge_cycle_never_loops() -> None:
    a, b = people(2)
    merge(b, a)
    Person.objects.filter(pk=a.pk).update(merged_into=b)  # a data error, not a real merge
    a.refresh_from_db()

    assert sorted(record_ids_for(a)) == sorted([a.pk, b.pk])
    assert surviving_record(a) in (a, b)


def test_the_chronology_runs_oldest_first_across_the_whole_journey(
    mash_manager: Any, assessment_worker: Any
) -> None:
    visit = visited()  # contact, screening, enquiry, decision, sign-off, transfer, visit
    child = visit.child

    entries = chronology_for(child)

    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert [e.action for e in entries][:4] == [
        "person.created",
        "contact.child_added",
        "contact.screened",
        "referral.created",
    ]
    assert {e.category for e in entries} == {
        "record",
        "contacts",
        "referrals",
        "enquiries",
        "decisions",
        "feedback",
        "transfers",
    }
    last = entries[-1]
    assert (last.action, last.category_label) == ("visit.recorded", "Transfers and visits")
    assert last.who == "Asha Assess, Assessment team social worker"
    screening = next(e for e in entries if e.action == "contact.screened")
    assert screening.detail == "Bruising needs partner information before a decision."
    contact = next(e for e in entries if e.action == "contact.child_added")
    reference = visit.transfer.referral.contact_child.contact.reference
    assert contact.summary == (
        f"Contact {reference} received 2 Mar 2026 10:00. "
        "Channel: Phone. Source: Schools (Example Primary School)."
    )
    assert contact.detail == "A teacher saw bruising on the child's arm."


def test_a_viewer_who_may_not_see_contacts_gets_no_concern_text(analyst: Any) -> None:
    link = screened(outcome="advice_nfa")

    entries = chronology_for(link.child, categories=["contacts"], viewer=analyst)

    assert entries[0].action == "contact.child_added" and entries[0].detail == ""
    assert all(e.link is None for e in entries)


def test_a_merged_records_history_is_the_childs_and_says_where_it_came_from() -> None:
    child = contact_child_of(contact_recorded(received_at=local(2026, 3, 2, 10))).child
    other = contact_child_of(
        contact_recorded(
            received_at=local(2025, 11, 3, 9),
            children=[person(first_name="Samuel", last_name="Exampel")],
        )
    ).child
    nested = person(first_name="Sammy", last_name="Example")
    event_append(
        record=nested,
        action="person.created",
        summary="Child record created for Sammy Example",
        at=local(2024, 6, 1, 12),
        actor=None,
        child=nested,
    )
    merge(other, child)
    merge(nested, other)

    entries = chronology_for(child)

    assert [e.person_id for e in entries] == [nested.pk, other.pk, child.pk, child.pk]
    assert [e.merged_from for e in entries] == ["Sammy Example", "Samuel Exampel", "", ""]
    assert entries[0].who == "Front Door"
    # The merged record's own chronology still has its own history and not the survivor's.
    assert {e.person_id for e in chronology_for(other)} == {other.pk, nested.pk}


def test_an_event_written_to_both_records_of_a_merge_is_shown_once() -> None:
    child, other = people(2)
    merge(other, child)
    for person in (child, other):
        event_append(
            record=child,
            action="person.merged",
            summary="Child1 merged into Child0",
            at=local(2026, 3, 5, 9),
            actor=None,
            child=person,
        )

    entries = chronology_for(child)

    assert [(e.action, e.category) for e in entries] == [("person.merged", "merges")]
    assert Event.objects.filter(action="person.merged").count() == 2


def test_filters_by_category_and_by_local_dates_both_inclusive(mash_manager: Any) -> None:
    enquiry = screened_to_mash(received_at=local(2026, 3, 2, 10))  # screened Mon 2 Mar 11:00
    signed_off(enquiry=enquiry)  # decision Tue 3 Mar 10:00, signed off 12:00
    child = enquiry.child

    decisions = chronology_for(child, categories=["decisions"])
    monday = chronology_for(child, since=date(2026, 3, 2), until=date(2026, 3, 2))
    tuesday_on = chronology_for(child, since=date(2026, 3, 3))
    nothing = chronology_for(child, categories=[])

    assert {e.category for e in decisions} == {"decisions"}
    assert [e.action for e in decisions] == [
        "decision.recorded",
        "decision.signed_off",
    ]
    assert monday and all(e.at.date() == date(2026, 3, 2) for e in monday)
    assert "decision.recorded" not in {e.action for e in monday}
    assert tuesday_on[0].action == "decision.recorded"
    assert nothing == []
    exact = chronology_for(child, until=local(2026, 3, 2, 11))
    assert exact[-1].at == local(2026, 3, 2, 11)


def test_categories_are_data_the_longest_prefix_wins_and_unknown_actions_are_other() -> None:
    assert category_of("person.created").key == "record"
    assert category_of("person.merged").key == "merges"
    assert category_of("duplicate.not_same").key == "merges"
    assert category_of("exploitation.screened").key == "other"
    assert categories()[-1].key == "other"


def test_a_new_kind_of_work_registers_its_category_and_its_events_slot_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from frontdoor.people import chronology

    monkeypatch.setattr(chronology, "_CATEGORIES", list(chronology._CATEGORIES))
    child = person()
    event_append(
        record=child,
        action="exploitation.screened",
        summary="Exploitation screening: medium risk",
        at=local(2026, 3, 2, 12),
        actor=None,
        child=child,
    )
    assert [e.category for e in chronology_for(child)] == ["other"]

    category_register(Category("exploitation", "Exploitation", ("exploitation.",)))

    assert [e.category_label for e in chronology_for(child, categories=["exploitation"])] == [
        "Exploitation"
    ]
    assert "exploitation" in [c.key for c in categories()]
    with pytest.raises(ValueError, match="reserved"):
        category_register(Category("other", "Other things", ("misc.",)))


def test_links_go_only_to_records_the_viewer_may_open(
    contact_officer: Any, mash_worker: Any, assessment_worker: Any
) -> None:
    transfer = transferred()
    child = transfer.child

    def links(viewer: Any) -> dict[str, tuple[str, int] | None]:
        return {e.action: e.link for e in chronology_for(child, viewer=viewer)}

    officer, worker, nobody = links(contact_officer), links(mash_worker), links(None)
    contact_id = transfer.referral.contact_child.contact_id
    enquiry_id = transfer.referral.enquiry.pk

    assert officer["contact.screened"] == ("contact-detail", contact_id)
    assert officer["referral.created"] == ("contact-detail", contact_id)
    assert officer["enquiry.opened"] is None  # contact officers do not see MASH enquiries
    assert worker["enquiry.opened"] == ("enquiry-detail", enquiry_id)
    assert worker["transfer.requested"] == ("transfer-detail", transfer.pk)
    # Assessment workers see transfers to their own team: this one is to it.
    assert links(assessment_worker)["transfer.requested"] == ("transfer-detail", transfer.pk)
    assert all(link is None for link in nobody.values())
    labels = {e.action: e.record_label for e in chronology_for(child)}
    reference = transfer.referral.contact_child.contact.reference
    assert labels["contact.child_added"] == f"Contact {reference}"
    assert labels["referral.created"] == f"Referral from contact {reference}"
    assert labels["enquiry.opened"] == f"Enquiry E{enquiry_id}"
    assert labels["transfer.requested"] == f"Transfer T{transfer.pk}"


def test_an_assessment_worker_gets_no_link_to_another_teams_transfer(
    assessment_worker: Any,
) -> None:
    from frontdoor.accounts.models import Team

    transfer = transferred()  # to the first assessment team
    other_team = Team.objects.create(
        name="Other assessment team", kind="assessment", agency=transfer.to_team.agency
    )
    assessment_worker.team = other_team
    assessment_worker.save(update_fields=["team"])

    entries = chronology_for(transfer.child, viewer=assessment_worker)

    assert next(e for e in entries if e.action == "transfer.requested").link is None


def test_a_screened_contact_without_a_referral_is_in_the_contacts_category() -> None:
    link = screened(outcome="advice_nfa")

    entries = chronology_for(link.child, categories=["contacts"])

    assert [e.action for e in entries] == ["contact.child_added", "contact.screened"]
    assert "Advice, signposting or no further action" in entries[-1].summary
