"""The contact search selector: every filter, in the database, newest first."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontdoor.finding.contacts import (
    AWAITING,
    ContactQuery,
    contact_ids_for_reference,
    contact_search,
    reference_normalise,
)
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.restricted.services import restriction_create
from frontdoor.testing.factories import (
    child_details,
    contact_child_of,
    local,
    referral_document,
)

pytestmark = pytest.mark.django_db


def _refs(query: ContactQuery, user: Any) -> list[str]:
    return list(contact_search(query, user=user).values_list("reference", flat=True))


@pytest.fixture
def three(contact_recorded: Any, screened: Any) -> dict[str, Contact]:
    """Three contacts on three days: a school's (screened to early help), a GP's by email
    (awaiting screening) and a police notification (screened to a MASH enquiry)."""
    school = contact_recorded(
        received_at=local(2026, 3, 2, 10),
        referrer_name="Pat Teacher",
        referrer_role="Designated safeguarding lead",
        referrer_agency="Hill Primary School",
        referrer_phone="01632 960 001",
        children=[child_details(first_name="Amy")],
    )
    screened(outcome="early_help", contact_child=contact_child_of(school))
    gp = contact_recorded(
        received_at=local(2026, 3, 3, 9),
        channel=Channel.EMAIL,
        referrer_name="Dr Lee",
        referrer_role="GP",
        referrer_agency="Riverside Surgery",
        referrer_email="dr.lee@surgery.example.org",
        children=[child_details(first_name="Ben")],
    )
    police = contact_recorded(
        received_at=local(2026, 3, 4, 23, 30),
        channel=Channel.POLICE_NOTIFICATION,
        referrer_name="PC Shah",
        referrer_role="Response officer",
        referrer_agency="Demo Police",
        referrer_email="",
        children=[child_details(first_name="Cal")],
    )
    screened(outcome="mash_enquiry", rating="AMBER", contact_child=contact_child_of(police))
    return {"school": school, "gp": gp, "police": police}


def test_references_are_read_whatever_the_case_spacing_and_leading_zeros() -> None:
    assert reference_normalise(" c 0000123 ") == "C0000123"
    assert reference_normalise("c123") == "C0000123"
    assert reference_normalise("fd-abcd-2345") == "FD-ABCD-2345"
    assert reference_normalise("C12345678") == "C12345678"  # not a contact reference: as typed


def test_an_exact_reference_finds_one_contact_whatever_its_case(
    three: dict[str, Contact], mash_worker: Any
) -> None:
    gp = three["gp"]
    for typed in (gp.reference, gp.reference.lower(), f"c{gp.pk}", f" {gp.reference} "):
        assert _refs(ContactQuery(reference=typed), mash_worker) == [gp.reference]
    # Not "contains": part of a reference finds nothing.
    assert _refs(ContactQuery(reference=gp.reference[:-1]), mash_worker) == []


def test_the_reference_the_referrer_was_given_finds_their_contact(org: Any) -> None:
    submission = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="partner_api",
        idempotency_scope="agency:education",
        idempotency_key="search-1",
        at=local(2026, 3, 2, 9),
    ).submission
    submission.refresh_from_db()
    assert submission.contact_id is not None
    assert contact_ids_for_reference(submission.reference.lower()) == [submission.contact_id]


def test_the_referrer_is_found_by_part_of_their_name_role_email_or_phone(
    three: dict[str, Contact], mash_worker: Any
) -> None:
    school, gp = three["school"].reference, three["gp"].reference
    assert _refs(ContactQuery(referrer="teacher"), mash_worker) == [school]
    assert _refs(ContactQuery(referrer="SAFEGUARDING"), mash_worker) == [school]
    assert _refs(ContactQuery(referrer="dr.lee@"), mash_worker) == [gp]
    # Phone numbers match whatever spaces or hyphens either side has.
    assert _refs(ContactQuery(referrer="01632-960001"), mash_worker) == [school]
    assert _refs(ContactQuery(referrer="960 001"), mash_worker) == [school]
    assert _refs(ContactQuery(referrer="nobody like this"), mash_worker) == []


def test_the_agency_is_found_by_part_of_its_name(
    three: dict[str, Contact], mash_worker: Any
) -> None:
    assert _refs(ContactQuery(agency="surgery"), mash_worker) == [three["gp"].reference]
    assert _refs(ContactQuery(agency="Police"), mash_worker) == [three["police"].reference]


def test_the_date_range_takes_whole_local_days_both_ends_included(
    three: dict[str, Contact], mash_worker: Any
) -> None:
    refs = {k: c.reference for k, c in three.items()}
    assert _refs(ContactQuery(received_from=date(2026, 3, 3)), mash_worker) == [
        refs["police"],
        refs["gp"],
    ]
    assert _refs(ContactQuery(received_to=date(2026, 3, 3)), mash_worker) == [
        refs["gp"],
        refs["school"],
    ]
    # 23:30 on Wednesday 4 March is still that day.
    only = ContactQuery(received_from=date(2026, 3, 4), received_to=date(2026, 3, 4))
    assert _refs(only, mash_worker) == [refs["police"]]


def test_the_channel_and_the_screening_outcome_filter_the_contacts(
    three: dict[str, Contact], mash_worker: Any
) -> None:
    refs = {k: c.reference for k, c in three.items()}
    assert _refs(ContactQuery(channel=Channel.EMAIL), mash_worker) == [refs["gp"]]
    assert _refs(ContactQuery(outcome=AWAITING), mash_worker) == [refs["gp"]]
    assert _refs(ContactQuery(outcome="early_help"), mash_worker) == [refs["school"]]
    assert _refs(ContactQuery(outcome="mash_enquiry"), mash_worker) == [refs["police"]]
    assert _refs(ContactQuery(outcome="advice_nfa"), mash_worker) == []


def test_filters_combine_and_the_newest_comes_first(
    three: dict[str, Contact], mash_worker: Any
) -> None:
    refs = {k: c.reference for k, c in three.items()}
    assert _refs(ContactQuery(), mash_worker) == [refs["police"], refs["gp"], refs["school"]]
    both = ContactQuery(agency="a", channel=Channel.PHONE)
    assert _refs(both, mash_worker) == [refs["school"]]


def test_a_contact_about_a_restricted_child_is_not_found_by_its_referrer(
    three: dict[str, Contact], mash_worker: Any, mash_manager: Any
) -> None:
    """Else a search would tell who referred a child the user may not see."""
    school = three["school"]
    restriction_create(
        child=contact_child_of(school).child,
        category="staff_relative",
        reason="The child's mother works in the MASH.",
        by=mash_manager,
        at=local(2026, 3, 5, 9),
    )
    assert _refs(ContactQuery(referrer="teacher"), mash_worker) == []
    assert _refs(ContactQuery(agency="hill primary"), mash_worker) == []
    # Its owner still finds it; anyone finds it by its reference (listed masked).
    assert _refs(ContactQuery(referrer="teacher"), mash_manager) == [school.reference]
    assert _refs(ContactQuery(reference=school.reference), mash_worker) == [school.reference]
