"""Correcting a contact: a reason, the before and after on every child's history, the access
log, and the screening clock worked out again when the received time or risk changes."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from frontdoor.audit.changes import changes_of
from frontdoor.audit.models import AccessAction, AccessLogEntry, Event
from frontdoor.intake import corrections
from frontdoor.intake.corrections import contact_correct
from frontdoor.intake.models import Contact
from frontdoor.intake.services import screening_due_for
from frontdoor.people.chronology import chronology_for
from frontdoor.testing.factories import child_details, contact_child_of, end_of_day, local
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 3, 9)


@pytest.fixture
def contact(contact_recorded: Any) -> Contact:
    # Received Mon 2 Mar 2026 10:00: screening due at the end of Tue 3 Mar.
    return contact_recorded(
        children=[child_details(first_name="Ayo"), child_details(first_name="Bea")]
    )


def test_correcting_the_referrer_keeps_the_before_and_after_on_each_childs_history(
    contact: Contact, contact_officer: Any
) -> None:
    contact_correct(
        contact=contact,
        changes={"referrer_name": "Pat Teacher-Jones", "referrer_phone": "01632 960 111"},
        reason="Referrer rang back with her details",
        by=contact_officer,
        at=AT,
    )
    contact.refresh_from_db()
    assert contact.referrer_name == "Pat Teacher-Jones"
    events = Event.objects.filter(action="contact.corrected").order_by("id")
    assert sorted(e.child.first_name for e in events if e.child) == ["Ayo", "Bea"]
    event = events[0]
    assert event.before == {"referrer_name": "Pat Teacher", "referrer_phone": ""}
    assert event.after == {"referrer_name": "Pat Teacher-Jones", "referrer_phone": "01632 960 111"}
    assert [(c.label, c.before, c.after) for c in changes_of(event)] == [
        ("Referrer's name", "Pat Teacher", "Pat Teacher-Jones"),
        ("Referrer's phone", "Not recorded", "01632 960 111"),
    ]
    entries = AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE, record_type="contact", at=AT
    )
    assert {e.child.first_name for e in entries} == {"Ayo", "Bea"}
    assert all(e.reason == "Referrer rang back with her details" for e in entries)
    child = contact_child_of(contact).child
    assert any(e.action == "contact.corrected" for e in chronology_for(child))


def test_correcting_the_received_time_moves_the_screening_due_time(
    contact: Contact, contact_officer: Any
) -> None:
    link = contact_child_of(contact)
    assert link.screening_due_at == end_of_day(2026, 3, 3)
    contact_correct(
        contact=contact,
        changes={"received_at": local(2026, 2, 27, 16)},  # a Friday: due the next Monday
        reason="The email came on Friday; it was only opened on Monday",
        by=contact_officer,
        at=AT,
    )
    link.refresh_from_db()
    assert link.screening_due_at == end_of_day(2026, 3, 2)
    event = Event.objects.filter(action="contact.corrected").first()
    assert event is not None
    assert event.after["screening_due_at"] == end_of_day(2026, 3, 2).isoformat()
    assert "screening now due 2 Mar 2026 23:59" in event.summary


def test_the_immediate_risk_answer_asks_screening_due_for_again(
    contact: Contact, contact_officer: Any
) -> None:
    # The coordinator's immediate-risk clock extends ``screening_due_for``; whatever it
    # answers for the corrected contact is what each unscreened child gets.
    sooner = local(2026, 3, 2, 12)
    with mock.patch.object(corrections, "screening_due_for", return_value=sooner) as due:
        contact_correct(
            contact=contact,
            changes={"immediate_risk": True},
            reason="Referrer says the child is not safe to go home",
            by=contact_officer,
            at=AT,
        )
    (called,) = due.call_args.args
    assert called.immediate_risk is True
    assert {link.screening_due_at for link in contact.children.all()} == {sooner}


def test_a_correction_that_changes_nothing_and_one_without_a_reason_are_refused(
    contact: Contact, contact_officer: Any
) -> None:
    with refused(None, "You have not changed anything"):
        contact_correct(
            contact=contact,
            changes={"referrer_name": "Pat Teacher", "received_at": contact.received_at},
            reason="Checked",
            by=contact_officer,
            at=AT,
        )
    with refused("reason", "Enter why"):
        contact_correct(
            contact=contact, changes={"concern": "New"}, reason="", by=contact_officer, at=AT
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"received_at": local(2026, 3, 4, 9)}, "received_at", "must not be in the future"),
        ({"referrer_email": "not an email"}, "referrer_email", "correct format"),
        ({"concern": "  "}, "concern", "Enter the concern"),
        ({"parents_aware": "maybe"}, "parents_aware", "Select whether"),
        (
            {"consent_status": "refused", "sharing_override_reason": ""},
            "consent_reason",
            "Enter why consent was refused",
        ),
    ],
)
def test_invalid_values_are_refused_with_the_recording_rules(
    contact: Contact, contact_officer: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    with refused(field, message):
        contact_correct(
            contact=contact, changes=changes, reason="Fixing", by=contact_officer, at=AT
        )


def test_the_received_time_is_fixed_once_a_referral_is_made(
    screened_to_mash: Any, mash_worker: Any
) -> None:
    enquiry = screened_to_mash()
    contact = enquiry.referral.contact_child.contact
    with refused("received_at", "A referral has been made"):
        contact_correct(
            contact=contact,
            changes={"received_at": local(2026, 3, 2, 9)},
            reason="Wrong time",
            by=mash_worker,
            at=AT,
        )


def test_screening_due_for_is_the_policys_answer_for_the_contact(contact: Contact) -> None:
    assert screening_due_for(contact) == end_of_day(2026, 3, 3)
