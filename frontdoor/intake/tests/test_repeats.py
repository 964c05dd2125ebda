"""Repeat contacts and re-referrals (frontdoor.intake.repeats), and the repeat rule's proposal
recorded when a screener or rater decides."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any, cast

import pytest

from frontdoor.intake.models import ContactChild, Referral
from frontdoor.intake.repeats import (
    child_check,
    child_history,
    is_re_referral,
    months_before,
    re_referral_until,
    referrals_in_last_12_months,
    screening_check,
)
from frontdoor.intake.services import contact_screen
from frontdoor.mash.models import Enquiry
from frontdoor.mash.services import enquiry_rate
from frontdoor.people.models import Person
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_ensure_default, policy_publish
from frontdoor.testing.factories import (
    PersonFactory,
    contact_child_of,
    contact_recorded,
    events_of,
    local,
    screened,
)
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db


def person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


def contact_about(
    child: Person | None, when: datetime, *, outcome: str = "", rating: str = ""
) -> ContactChild:
    """A contact about ``child`` (a new child if None), screened when ``outcome`` is given."""
    overrides: dict[str, Any] = {"received_at": when}
    if child is not None:
        overrides["children"] = [child]
    link = contact_child_of(contact_recorded(**overrides))
    if outcome:
        link = screened(contact_child=link, outcome=outcome, rating=rating)
    return link


def sam_history() -> dict[str, Any]:
    """Sam: NFA in January, early help in February, a MASH referral on 3 March 2026, and a
    fourth contact on 20 April 2026 waiting to be screened."""
    january = contact_about(None, local(2026, 1, 5, 10), outcome="advice_nfa")
    child = january.child
    february = contact_about(child, local(2026, 2, 2, 10), outcome="early_help")
    march = contact_about(child, local(2026, 3, 3, 10), outcome="mash_enquiry", rating="AMBER")
    april = contact_about(child, local(2026, 4, 20, 10))
    return {"child": child, "links": [january, february, march], "new": april}


@pytest.fixture
def sam(org: Any) -> dict[str, Any]:
    return sam_history()


# ------------------------------------------------------------------------- the history


def test_a_fourth_contact_sees_three_previous_contacts_their_outcomes_and_the_re_referral(
    sam: dict[str, Any],
) -> None:
    check = screening_check(sam["new"])
    history = check.history

    assert [c.reference for c in history.contacts] == [
        link.contact.reference for link in reversed(sam["links"])
    ]
    assert [c.outcome_label for c in history.contacts] == [
        "MASH enquiry",
        "Early help",
        "Advice, signposting or no further action",
    ]
    assert (history.previous_contacts, history.times_contacted) == (3, 4)
    assert history.previous_referrals == 1
    assert history.is_re_referral
    assert history.last_referral is not None
    assert history.last_referral.referral_date == date(2026, 3, 3)
    assert history.outcome_counts == {
        "MASH enquiry": 1,
        "Early help": 1,
        "Advice, signposting or no further action": 1,
    }
    assert check.proposal is not None and check.proposal.rating == "AMBER"
    assert check.proposal.triggers == ("contacts", "re_referral")
    assert check.headline == (
        "Contacted 4 times in 12 months (3 previous contacts). "
        "Re-referral: referred on 3 March 2026. The repeat rule proposes at least Amber."
    )


def test_the_child_page_counts_the_last_twelve_months_and_says_what_the_rule_would_propose(
    sam: dict[str, Any],
) -> None:
    check = child_check(sam["child"], at=local(2026, 4, 21, 9))

    assert (check.history.previous_contacts, check.history.has_current) == (4, False)
    assert check.headline == (
        "Contacted 4 times in the last 12 months. Referred on 3 March 2026: a new referral on "
        "or before 3 March 2027 would be a re-referral. "
        "The repeat rule would propose at least Amber."
    )


def test_a_first_contact_has_no_history_and_no_proposal(org: Any) -> None:
    check = screening_check(contact_about(None, local(2026, 3, 2, 10)))

    assert not check.history.is_repeat
    assert check.proposal is None
    assert check.headline == ""


def test_contacts_count_from_the_same_calendar_day_twelve_months_before(org: Any) -> None:
    child = contact_about(None, local(2025, 3, 2, 0, 0)).child  # exactly 12 months, midnight
    contact_about(child, local(2025, 3, 1, 23, 59))  # one minute too early
    contact_about(child, local(2024, 3, 2, 10))  # long ago

    history = child_history(child, at=local(2026, 3, 2, 10))

    assert history.contacts_since == date(2025, 3, 2)
    assert [c.received_at for c in history.contacts] == [local(2025, 3, 2, 0, 0)]


def test_contacts_after_the_moment_and_the_current_contact_do_not_count(
    sam: dict[str, Any],
) -> None:
    child = sam["child"]

    at_march = child_history(child, at=local(2026, 3, 3, 10), current=sam["links"][2].contact)

    assert at_march.previous_contacts == 2  # January and February; not March itself, not April
    assert not at_march.is_re_referral


@pytest.mark.parametrize(
    ("received", "re_referral"),
    [
        pytest.param(local(2026, 3, 3, 9), True, id="exactly-12-months-later"),
        pytest.param(local(2026, 3, 4, 9), False, id="12-months-and-a-day-later"),
        pytest.param(local(2025, 9, 1, 9), True, id="6-months-later"),
    ],
)
def test_a_re_referral_is_a_referral_within_12_months_of_the_previous_one_on_the_day(
    mash_worker: Any, received: datetime, re_referral: bool
) -> None:
    first = contact_about(None, local(2025, 3, 3, 10), outcome="mash_enquiry", rating="GREEN")
    again = contact_about(first.child, received)
    reason = {"repeat_reason": "Different concern, partners already involved"}
    contact_screen(
        contact_child=again,
        outcome="mash_enquiry",
        rating="GREEN",
        rationale="Needs partner checks",
        by=mash_worker,
        at=received.replace(hour=10),
        **reason,
    )
    referral = Referral.objects.get(contact_child=again)

    assert is_re_referral(referral) is re_referral
    assert referrals_in_last_12_months(referral) == (1 if re_referral else 0)
    created = next(e for e in events_of(referral) if e.action == "referral.created")
    assert created.after["re_referral"] is re_referral


def test_the_re_referral_window_handles_the_end_of_february() -> None:
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_before(date(2026, 1, 31), 1) == date(2025, 12, 31)
    assert re_referral_until(date(2026, 3, 3)) == date(2027, 3, 3)
    assert re_referral_until(date(2027, 2, 28)) == date(2028, 2, 29)


def test_the_annex_a_count_excludes_this_referral_and_counts_each_earlier_one(
    mash_worker: Any,
) -> None:
    first = contact_about(None, local(2025, 6, 2, 10), outcome="mash_enquiry", rating="RED")
    child = first.child
    second = contact_about(child, local(2025, 9, 1, 10), outcome="strategy_discussion")
    third = contact_about(child, local(2026, 3, 2, 10))
    contact_screen(
        contact_child=third,
        outcome="mash_enquiry",
        rating="AMBER",
        rationale="Third referral",
        by=mash_worker,
        at=local(2026, 3, 2, 11),
    )

    assert referrals_in_last_12_months(Referral.objects.get(contact_child=first)) == 0
    assert referrals_in_last_12_months(Referral.objects.get(contact_child=second)) == 1
    assert referrals_in_last_12_months(Referral.objects.get(contact_child=third)) == 2


def test_contacts_and_referrals_of_merged_records_count_as_the_childs(org: Any) -> None:
    child = contact_about(None, local(2026, 3, 2, 10)).child
    old = contact_about(
        person(first_name="Samuel"),
        local(2025, 12, 1, 10),
        outcome="mash_enquiry",
        rating="AMBER",
    ).child
    older = contact_about(person(first_name="Sammy"), local(2025, 11, 3, 10)).child
    Person.objects.filter(pk=old.pk).update(merged_into=child)
    Person.objects.filter(pk=older.pk).update(merged_into=old)

    history = child_history(child, at=local(2026, 3, 2, 10), current=None)
    old.refresh_from_db()
    via_old_record = child_history(old, at=local(2026, 3, 2, 10))

    assert history.previous_contacts == 3
    assert {c.person_id for c in history.contacts} == {child.pk, old.pk, older.pk}
    assert history.is_re_referral
    assert via_old_record.previous_contacts == 3  # a merged record reads as the survivor


def test_one_contact_naming_two_records_since_merged_counts_once(org: Any) -> None:
    contact = contact_recorded(
        received_at=local(2026, 1, 5, 10),
        children=[person(first_name="Sam"), person(first_name="Samuel")],
    )
    sam_record, samuel_record = (link.child for link in contact.children.order_by("id"))
    Person.objects.filter(pk=samuel_record.pk).update(merged_into=sam_record)

    history = child_history(sam_record, at=local(2026, 3, 2, 10))

    assert [c.reference for c in history.contacts] == [contact.reference]


# ------------------------------------------------------------------------- screening


def test_screening_at_or_above_the_proposal_records_that_it_follows(
    sam: dict[str, Any], mash_worker: Any
) -> None:
    contact_screen(
        contact_child=sam["new"],
        outcome="mash_enquiry",
        rating="RED",
        rationale="Fourth contact in four months",
        by=mash_worker,
        at=local(2026, 4, 20, 11),
    )

    screened_event = events_of(sam["new"].contact)[-1]
    assert screened_event.action == "contact.screened"
    assert screened_event.after["repeat_proposal"] == {
        "rating": "AMBER",
        "triggers": ["contacts", "re_referral"],
        "reasons": [
            "3 previous contacts in 12 months",
            "re-referral: referred on 3 March 2026",
        ],
        "previous_contacts": 3,
        "re_referral": True,
        "chosen": "RED",
        "follows": True,
        "reason": "",
    }


@pytest.mark.parametrize(
    ("outcome", "rating"),
    [("mash_enquiry", "GREEN"), ("mash_enquiry", "BLUE"), ("advice_nfa", ""), ("early_help", "")],
)
def test_deciding_below_the_proposal_needs_a_reason_and_records_it(
    sam: dict[str, Any], mash_worker: Any, outcome: str, rating: str
) -> None:
    values = {
        "contact_child": sam["new"],
        "outcome": outcome,
        "rating": rating,
        "rationale": "Low-level concern",
        "by": mash_worker,
        "at": local(2026, 4, 20, 11),
    }
    with refused("repeat_reason", "lower than the repeat rule proposes (at least Amber)"):
        contact_screen(**values)
    with refused("repeat_reason", "lower than the repeat rule proposes"):
        contact_screen(**values, repeat_reason="   ")

    contact_screen(**values, repeat_reason="The earlier contacts were about a different adult")

    screened = [e for e in events_of(sam["new"].contact) if e.action == "contact.screened"]
    proposal = screened[-1].after["repeat_proposal"]
    assert (proposal["chosen"], proposal["follows"]) == (rating or "BLUE", False)
    assert proposal["reason"] == "The earlier contacts were about a different adult"


def test_an_immediate_strategy_discussion_follows_any_proposal(
    sam: dict[str, Any], mash_worker: Any
) -> None:
    contact_screen(
        contact_child=sam["new"],
        outcome="strategy_discussion",
        rationale="Disclosure of abuse",
        by=mash_worker,
        at=local(2026, 4, 20, 11),
    )

    screened_event = next(
        e for e in events_of(sam["new"].contact) if e.action == "contact.screened"
    )
    assert (
        screened_event.after["repeat_proposal"]["chosen"],
        screened_event.after["repeat_proposal"]["follows"],
    ) == ("RED", True)


def test_passing_to_an_open_cases_worker_is_not_rated_and_needs_no_reason(
    sam: dict[str, Any], mash_worker: Any, assessment_worker: Any
) -> None:
    Person.objects.filter(pk=sam["child"].pk).update(allocated_worker=assessment_worker)

    contact_screen(
        contact_child=ContactChild.objects.get(pk=sam["new"].pk),
        outcome="allocated_worker",
        rationale="Open case",
        by=mash_worker,
        at=local(2026, 4, 20, 11),
    )

    screened = [e for e in events_of(sam["new"].contact) if e.action == "contact.screened"]
    proposal = screened[-1].after["repeat_proposal"]
    assert (proposal["chosen"], proposal["follows"]) == (None, None)


def test_without_a_proposal_the_screening_event_is_unchanged(org: Any, mash_worker: Any) -> None:
    link = screened(outcome="mash_enquiry", rating="GREEN")

    screened_event = next(e for e in events_of(link.contact) if e.action == "contact.screened")
    assert screened_event.after == {"outcome": "mash_enquiry", "rating": "GREEN"}


def test_a_policy_that_switches_the_rule_off_proposes_nothing(
    sam: dict[str, Any], mash_worker: Any
) -> None:
    policy_ensure_default()
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["repeat"] = None
    policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 4, 1),
        by=None,
    )
    link = contact_about(sam["child"], local(2026, 4, 21, 10))

    check = screening_check(link)

    assert check.history.previous_contacts == 4 and check.proposal is None
    contact_screen(
        contact_child=link,
        outcome="advice_nfa",
        rationale="Advice given",
        by=mash_worker,
        at=local(2026, 4, 21, 11),
    )


def test_a_stricter_local_rule_proposes_red_after_two_contacts(org: Any) -> None:
    policy_ensure_default()
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["repeat"] = {"window_months": 6, "contacts_at_least": 2, "propose_rating": "RED"}
    policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2025, 1, 1),
        by=None,
    )
    child = contact_about(None, local(2025, 8, 1, 10)).child  # outside 6 months
    contact_about(child, local(2025, 10, 1, 10))
    contact_about(child, local(2026, 1, 5, 10))
    link = contact_about(child, local(2026, 3, 2, 10))

    check = screening_check(link)

    assert check.history.previous_contacts == 2
    assert check.proposal is not None and check.proposal.rating == "RED"
    assert check.headline == (
        "Contacted 3 times in 6 months (2 previous contacts). "
        "The repeat rule proposes at least Red."
    )


# ------------------------------------------------------------------------- re-rating


def test_re_rating_below_the_proposal_needs_a_reason_and_the_event_records_it(
    sam: dict[str, Any], mash_worker: Any, mash_manager: Any
) -> None:
    contact_screen(
        contact_child=sam["new"],
        outcome="mash_enquiry",
        rating="AMBER",
        rationale="Repeat contacts",
        by=mash_worker,
        at=local(2026, 4, 20, 11),
    )
    enquiry = Enquiry.objects.get(referral__contact_child=sam["new"])
    values = {
        "enquiry": enquiry,
        "rating": "GREEN",
        "reason": "Police hold nothing new",
        "by": mash_manager,
        "at": local(2026, 4, 20, 14),
    }

    with refused("repeat_reason", "at least Amber"):
        enquiry_rate(**values)
    enquiry_rate(**values, repeat_reason="School confirms the concern is resolved")
    enquiry_rate(**{**values, "rating": "RED", "at": local(2026, 4, 20, 15)})

    green, red = (e for e in events_of(enquiry) if e.action == "enquiry.rated")
    assert green.after["repeat_proposal"]["follows"] is False
    assert green.after["repeat_proposal"]["reason"] == "School confirms the concern is resolved"
    assert red.after["repeat_proposal"]["follows"] is True
    assert red.after["repeat_proposal"]["reason"] == ""
