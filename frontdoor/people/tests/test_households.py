"""Adults as people: parents, carers, household members and alleged perpetrators linked to
children, found by search in their own namespace, and shown to partners as policy says."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontdoor.audit.changes import changes_of
from frontdoor.audit.models import AccessAction, AccessLogEntry, Event
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.selectors import candidates_for
from frontdoor.people.chronology import chronology_for
from frontdoor.people.households import (
    AdultDetails,
    Link,
    adult_link,
    relationship_change,
    relationship_end,
)
from frontdoor.people.models import Person, PersonKind, Relationship
from frontdoor.people.selectors import household_for_partner, household_for_viewer
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_publish
from frontdoor.testing.factories import child_details, contact_child_of, local
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 9, 11)
MUM = AdultDetails(first_name="Grace", last_name="Okafor", date_of_birth=date(1990, 2, 3))


@pytest.fixture
def child(contact_recorded: Any) -> Person:
    contact = contact_recorded(children=[child_details(first_name="Jaden", last_name="Okafor")])
    return contact_child_of(contact).child


def test_a_parent_is_recorded_as_an_adult_linked_to_the_child(
    child: Person, contact_officer: Any
) -> None:
    adult, [link] = adult_link(
        details=MUM,
        children=[child],
        link=Link(kind="parent", parental_responsibility=True, household_member=True),
        by=contact_officer,
        at=AT,
    )
    assert adult.kind == PersonKind.ADULT
    assert (link.person, link.child, link.parental_responsibility) == (adult, child, True)
    event = Event.objects.get(action="relationship.added", child=child)
    assert "Grace Okafor recorded as parent (parental responsibility" in event.summary
    logged = set(
        AccessLogEntry.objects.filter(
            action=AccessAction.CHANGE, record_type="relationship"
        ).values_list("child_id", flat=True)
    )
    assert logged == {child.pk, adult.pk}
    entry = next(e for e in chronology_for(child) if e.action == "relationship.added")
    assert entry.category == "household"


def test_adults_are_found_by_an_adult_search_and_never_offered_as_a_child(
    child: Person, contact_officer: Any
) -> None:
    adult, _ = adult_link(details=MUM, children=[child], link=Link("parent"), by=contact_officer)
    record = MatchRecord.build(
        given_names=["Grace"], family_names=["Okafor"], date_of_birth=date(1990, 2, 3)
    )
    assert [c.person.pk for c in candidates_for(record, kinds=("adult",))] == [adult.pk]
    assert adult.pk not in [c.person.pk for c in candidates_for(record, minimum=-100)]
    both = candidates_for(record, kinds=("child", "adult"), minimum=-100)
    assert adult.pk in [c.person.pk for c in both]


def test_one_adult_can_be_linked_to_several_children(
    contact_recorded: Any, contact_officer: Any
) -> None:
    contact = contact_recorded(
        children=[
            child_details(first_name="Jaden", last_name="Okafor"),
            child_details(first_name="Ama", last_name="Okafor", date_of_birth=date(2020, 1, 9)),
        ]
    )
    kids = [link.child for link in contact.children.order_by("id")]
    _adult, made = adult_link(
        details=MUM, children=kids, link=Link("parent"), by=contact_officer, at=AT
    )
    assert sorted(r.child_id for r in made) == sorted(k.pk for k in kids)
    assert Person.objects.filter(kind=PersonKind.ADULT).count() == 1


def test_the_same_relationship_twice_is_refused(child: Person, contact_officer: Any) -> None:
    adult, _ = adult_link(details=MUM, children=[child], link=Link("parent"), by=contact_officer)
    with refused("kind", "already recorded with this relationship"):
        adult_link(details=adult, children=[child], link=Link("parent"), by=contact_officer)


def test_an_adult_needs_a_name_and_a_past_date_of_birth(
    child: Person, contact_officer: Any
) -> None:
    with refused("first_name", "first name or last name"):
        adult_link(details=AdultDetails(), children=[child], link=Link("carer"), by=contact_officer)
    with refused("date_of_birth", "today or in the past"):
        adult_link(
            details=AdultDetails(last_name="X", date_of_birth=date(2026, 3, 10)),
            children=[child],
            link=Link("carer"),
            by=contact_officer,
            at=AT,
        )
    with refused("kind", "Select how"):
        adult_link(details=MUM, children=[child], link=Link("sibling"), by=contact_officer, at=AT)


def test_changing_a_relationship_keeps_the_before_and_after(
    child: Person, mash_worker: Any
) -> None:
    _, [link] = adult_link(
        details=AdultDetails(first_name="Dean", last_name="Cole"),
        children=[child],
        link=Link("partner_of_parent", household_member=True),
        by=mash_worker,
        at=AT,
    )
    relationship_change(
        relationship=link,
        link=Link("partner_of_parent", household_member=True, alleged_perpetrator=True),
        reason="Police disclosure: assault on the child",
        by=mash_worker,
        at=AT,
    )
    event = Event.objects.get(action="relationship.changed")
    assert (event.before, event.after) == (
        {"alleged_perpetrator": False},
        {"alleged_perpetrator": True},
    )
    assert [(c.label, c.before, c.after) for c in changes_of(event)] == [
        ("Alleged perpetrator", "No", "Yes")
    ]
    with refused(None, "You have not changed anything"):
        relationship_change(
            relationship=link,
            link=Link("partner_of_parent", household_member=True, alleged_perpetrator=True),
            reason="again",
            by=mash_worker,
            at=AT,
        )
    with refused("reason", "Enter why"):
        relationship_change(relationship=link, link=Link("carer"), reason="", by=mash_worker, at=AT)


def test_ending_a_relationship_keeps_it_in_the_history(child: Person, mash_worker: Any) -> None:
    _, [link] = adult_link(
        details=MUM, children=[child], link=Link("parent"), by=mash_worker, at=AT
    )
    with refused("reason", "Enter why"):
        relationship_end(
            relationship=link, ended_on=date(2026, 3, 9), reason="", by=mash_worker, at=AT
        )
    relationship_end(
        relationship=link,
        ended_on=date(2026, 3, 8),
        reason="Moved out",
        by=mash_worker,
        at=local(2026, 3, 9, 12),
    )
    link.refresh_from_db()
    assert (link.ended_on, link.ended_reason) == (date(2026, 3, 8), "Moved out")
    assert Relationship.objects.filter(pk=link.pk).exists()
    # Ended: a new relationship of the same kind can be recorded again.
    adult_link(details=link.person, children=[child], link=Link("parent"), by=mash_worker)


def _publish(visible: bool, by: Any) -> None:
    rules = {**DEFAULT_RULES, "adults": {"alleged_perpetrator_visible_to_partners": visible}}
    policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2001, 1, 1),
        by=by,
        note="adults",
    )


def test_partners_see_alleged_perpetrators_only_when_the_policy_says_so(
    child: Person, mash_worker: Any, police_practitioner: Any, administrator: Any
) -> None:
    adult_link(details=MUM, children=[child], link=Link("parent"), by=mash_worker)
    adult_link(
        details=AdultDetails(first_name="Dean", last_name="Cole"),
        children=[child],
        link=Link("partner_of_parent", alleged_perpetrator=True),
        by=mash_worker,
    )
    names = lambda rows: sorted(r.person.first_name for r in rows)  # noqa: E731
    assert names(household_for_partner(child)) == ["Grace"]
    assert names(household_for_viewer(police_practitioner, child)) == ["Grace"]
    assert names(household_for_viewer(mash_worker, child)) == ["Dean", "Grace"]
    _publish(True, administrator)
    assert names(household_for_viewer(police_practitioner, child)) == ["Dean", "Grace"]
