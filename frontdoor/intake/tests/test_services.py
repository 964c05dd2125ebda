"""Contacts and screening decisions (frontdoor.intake.services)."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.db.models.signals import pre_save

from frontdoor.accounts.models import Team, TeamKind
from frontdoor.audit.models import AccessAction, AccessLogEntry, Event
from frontdoor.intake.models import ConsentStatus, Contact, ContactChild, LawfulBasis, Referral
from frontdoor.intake.services import contact_add_child, contact_record, contact_screen
from frontdoor.mash.models import Enquiry
from frontdoor.people.models import Address, Person
from frontdoor.policies.models import PolicyVersion
from frontdoor.testing.factories import (
    RECEIVED_AT,
    PersonFactory,
    access_entries_of,
    actions_of,
    child_details,
    contact_child_of,
    contact_kwargs,
    end_of_day,
    events_of,
    local,
)
from frontdoor.testing.fixtures import refused, snapshot
from frontdoor.transfers.models import Transfer, TransferRoute, TransferStatus

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------- contact_record


def test_recording_a_contact_saves_the_contact_the_child_and_their_address(contact_officer):
    contact = contact_record(**contact_kwargs(by=contact_officer))

    assert contact.reference == f"C{contact.pk:07d}"
    assert contact.received_at == RECEIVED_AT
    assert contact.recorded_at == RECEIVED_AT + timedelta(minutes=5)
    assert contact.recorded_by == contact_officer
    assert contact.policy == PolicyVersion.objects.get(version=1)
    (link,) = contact.children.all()
    child = link.child
    assert (child.first_name, child.last_name, child.date_of_birth) == (
        "Sam",
        "Example",
        date(2018, 5, 1),
    )
    assert child.created_at == contact.recorded_at
    (address,) = Address.objects.filter(person=child)
    assert address.postcode == "AB1 2CD"
    assert link.outcome == "" and link.screened_at is None


def test_a_contacts_provisional_reference_fits_the_reference_column(contact_officer):
    """Regression: a 40-character placeholder once made PostgreSQL refuse every contact."""
    max_length = Contact._meta.get_field("reference").max_length
    saved: list[str] = []

    def remember(sender, instance, **kwargs):
        saved.append(instance.reference)

    pre_save.connect(remember, sender=Contact)
    try:
        contact_record(**contact_kwargs(by=contact_officer))
    finally:
        pre_save.disconnect(remember, sender=Contact)

    assert saved and all(len(reference) <= max_length for reference in saved), saved


def test_recording_a_contact_appends_events_for_the_contact_and_the_child(contact_officer):
    contact = contact_record(**contact_kwargs(by=contact_officer))
    child = contact_child_of(contact).child

    recorded, child_added = events_of(contact)
    assert recorded.action == "contact.recorded"
    assert recorded.actor == contact_officer
    assert recorded.at == contact.recorded_at
    assert recorded.after["channel"] == "phone"
    assert recorded.after["received_at"] == RECEIVED_AT.isoformat()
    assert child_added.action == "contact.child_added"
    assert child_added.child == child
    assert child_added.after["screening_due_at"] == end_of_day(2026, 3, 3).isoformat()
    assert actions_of(child) == ["person.created"]


def test_recording_a_contact_logs_a_change_to_the_childs_record(contact_officer):
    contact = contact_record(**contact_kwargs(by=contact_officer))

    (entry,) = access_entries_of(contact)
    assert entry.child == contact_child_of(contact).child
    assert entry.user == contact_officer
    assert entry.role == "contact_officer"
    assert entry.agency == "council"
    assert entry.action == AccessAction.CHANGE
    assert entry.at == contact.recorded_at


def test_screening_is_due_at_the_end_of_the_next_working_day(contact_recorded):
    contact = contact_recorded(received_at=local(2026, 3, 2, 10))  # Monday

    assert contact_child_of(contact).screening_due_at == end_of_day(2026, 3, 3)


def test_a_contact_received_on_friday_is_due_for_screening_at_the_end_of_monday(
    contact_recorded,
):
    contact = contact_recorded(received_at=local(2026, 3, 6, 15))

    assert contact_child_of(contact).screening_due_at == end_of_day(2026, 3, 9)


def test_a_contact_received_on_a_weekend_is_due_at_the_end_of_monday(contact_recorded):
    contact = contact_recorded(received_at=local(2026, 3, 7, 22))  # Saturday night

    assert contact_child_of(contact).screening_due_at == end_of_day(2026, 3, 9)


def test_screening_skips_easter_bank_holidays_and_ends_at_local_midnight_in_summer_time(
    contact_recorded,
):
    # Thursday 2 April 2026; Good Friday and Easter Monday are bank holidays.
    contact = contact_recorded(received_at=local(2026, 4, 2, 15))

    due = contact_child_of(contact).screening_due_at
    assert due == end_of_day(2026, 4, 7)
    assert due.astimezone(UTC).hour == 22  # 23:59:59.999999 BST


def test_every_child_named_in_a_contact_gets_their_own_screening_clock(contact_recorded):
    contact = contact_recorded(
        children=[child_details(first_name="Sam"), child_details(first_name="Alex")]
    )

    links = list(contact.children.order_by("id"))
    assert [link.child.first_name for link in links] == ["Sam", "Alex"]
    assert {link.screening_due_at for link in links} == {end_of_day(2026, 3, 3)}
    assert AccessLogEntry.objects.filter(record_id=contact.pk).count() == 2


def test_a_contact_can_name_a_child_already_known_to_the_front_door(contact_recorded):
    known = PersonFactory(first_name="Kim")
    people = Person.objects.count()

    contact = contact_recorded(children=[known])

    assert contact_child_of(contact).child == known
    assert Person.objects.count() == people


def test_an_unborn_child_can_be_named_by_expected_date_of_birth(contact_recorded):
    contact = contact_recorded(
        children=[
            child_details(
                first_name="",
                last_name="",
                date_of_birth=None,
                expected_date_of_birth=date(2026, 6, 1),
            )
        ]
    )

    child = contact_child_of(contact).child
    assert child.is_unborn and child.full_name == "Unborn child"


def test_a_contact_recorded_without_a_time_is_recorded_now(contact_officer):
    with time_machine.travel(local(2026, 3, 2, 10, 30), tick=False):
        kwargs = contact_kwargs(by=contact_officer)
        del kwargs["at"]
        contact = contact_record(**kwargs)

    assert contact.recorded_at == local(2026, 3, 2, 10, 30)


def test_a_contact_received_a_few_minutes_ahead_of_the_server_clock_is_accepted(
    contact_officer,
):
    contact = contact_record(
        **contact_kwargs(
            by=contact_officer, received_at=RECEIVED_AT, at=RECEIVED_AT - timedelta(minutes=4)
        )
    )

    assert contact.pk is not None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"at": RECEIVED_AT - timedelta(minutes=6)},
            "received_at",
            "must not be in the future",
            id="received-in-the-future",
        ),
        pytest.param({"concern": "  "}, "concern", "Enter the concern", id="no-concern"),
        pytest.param(
            {"consent_status": "maybe"}, "consent_status", "Select whether", id="bad-consent"
        ),
        pytest.param(
            {"lawful_basis": "because"}, "lawful_basis", "Select the lawful basis", id="bad-basis"
        ),
        pytest.param(
            {
                "consent_status": ConsentStatus.REFUSED,
                "sharing_override_reason": "Risk of significant harm",
            },
            "consent_reason",
            "Enter why consent was refused",
            id="refused-without-reason",
        ),
        pytest.param(
            {
                "consent_status": ConsentStatus.NOT_SOUGHT,
                "sharing_override_reason": "Risk of significant harm",
            },
            "consent_reason",
            "not sought",
            id="not-sought-without-reason",
        ),
        pytest.param(
            {
                "consent_status": ConsentStatus.ASKED_NO_ANSWER,
                "lawful_basis": LawfulBasis.CONSENT,
                "sharing_override_reason": "Risk of significant harm",
            },
            "lawful_basis",
            "Consent cannot be the lawful basis",
            id="consent-basis-without-consent",
        ),
        pytest.param(
            {"consent_status": ConsentStatus.ASKED_NO_ANSWER},
            "sharing_override_reason",
            "shared without the family's consent",
            id="no-override-reason",
        ),
        pytest.param({"children": []}, "children", "Name at least one child", id="no-children"),
        pytest.param(
            {"children": [child_details(expected_date_of_birth=date(2026, 6, 1))]},
            "date_of_birth",
            "not both",
            id="dob-and-expected-dob",
        ),
        pytest.param(
            {"children": [child_details(date_of_birth=date(2026, 3, 3))]},
            "date_of_birth",
            "on or before the date of the contact",
            id="born-after-the-contact",
        ),
        pytest.param(
            {"children": [child_details(date_of_birth=date(2000, 1, 1))]},
            "date_of_birth",
            "within the last 25 years",
            id="born-too-long-ago",
        ),
        pytest.param(
            {
                "children": [
                    child_details(date_of_birth=None, expected_date_of_birth=date(2026, 3, 1))
                ]
            },
            "expected_date_of_birth",
            "on or after the date of the contact",
            id="expected-before-the-contact",
        ),
        pytest.param(
            {"children": [child_details(first_name="", last_name="")]},
            "first_name",
            "Enter the child's name",
            id="no-name",
        ),
    ],
)
def test_an_invalid_contact_is_refused_and_nothing_is_saved(
    contact_officer, overrides, field, message
):
    with refused(field, message):
        contact_record(**contact_kwargs(by=contact_officer, **overrides))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"channel": "carrier_pigeon"}, "channel", id="channel"),
        pytest.param({"source": "99"}, "source", id="source"),
    ],
)
def test_a_contact_with_an_unknown_channel_or_source_is_refused(contact_officer, overrides, field):
    with refused(field, "Select"):
        contact_record(**contact_kwargs(by=contact_officer, **overrides))


def test_a_contact_whose_second_child_is_invalid_saves_no_contact_and_no_person(
    contact_officer,
):
    children = [child_details(first_name="Sam"), child_details(first_name="", last_name="")]

    with refused("first_name", "Enter the child's name"):
        contact_record(**contact_kwargs(by=contact_officer, children=children))

    assert not Contact.objects.exists()
    assert not Person.objects.exists()


def test_a_contact_naming_the_same_child_twice_is_refused_and_rolled_back(contact_officer):
    known = PersonFactory()

    with refused("child", "already named"):
        contact_record(**contact_kwargs(by=contact_officer, children=[known, known]))

    assert not Contact.objects.exists()
    assert not Event.objects.filter(action="contact.recorded").exists()


# ------------------------------------------------------------------ contact_add_child


def test_a_child_added_later_gets_the_contacts_screening_clock(contact_recorded, mash_worker):
    contact = contact_recorded()

    link = contact_add_child(
        contact=contact,
        child=child_details(first_name="Alex"),
        by=mash_worker,
        at=local(2026, 3, 3, 9),
    )

    assert link.screening_due_at == end_of_day(2026, 3, 3)
    assert actions_of(contact)[-1] == "contact.child_added"
    assert events_of(contact)[-1].actor == mash_worker
    assert access_entries_of(contact)[-1].child == link.child


def test_adding_a_child_already_named_in_the_contact_is_refused(contact_recorded, mash_worker):
    contact = contact_recorded()

    with refused("child", "already named in the contact"):
        contact_add_child(contact=contact, child=contact_child_of(contact).child, by=mash_worker)


def test_adding_an_invalid_child_saves_no_person(contact_recorded, mash_worker):
    contact = contact_recorded()

    with refused("first_name", "Enter the child's name"):
        contact_add_child(
            contact=contact, child=child_details(first_name="", last_name=""), by=mash_worker
        )


# ---------------------------------------------------------------------- contact_screen


def test_screening_to_a_mash_enquiry_makes_a_referral_and_opens_the_enquiry(
    contact_recorded, mash_worker
):
    contact = contact_recorded()
    link = contact_child_of(contact)
    at = local(2026, 3, 2, 11)

    contact_screen(
        contact_child=link,
        outcome="mash_enquiry",
        rationale="Needs partner checks",
        rating="AMBER",
        by=mash_worker,
        at=at,
    )

    link.refresh_from_db()
    assert (link.outcome, link.screened_at, link.screened_by) == ("mash_enquiry", at, mash_worker)
    assert link.rationale == "Needs partner checks"
    # The referrer is set to be told (emailed: given only once the outbox sends it).
    [feedback] = link.feedback.all()
    assert feedback.stage == "screening" and feedback.email_message is not None
    assert feedback.email_message.status == "pending" and feedback.given_at is None
    referral = Referral.objects.get(contact_child=link)
    assert referral.child == link.child
    assert referral.referral_date == date(2026, 3, 2)
    assert referral.source == contact.source
    assert not referral.nfa
    enquiry = referral.enquiry
    assert (enquiry.rating, enquiry.entered_at, enquiry.status) == ("AMBER", at, "open")
    assert enquiry.due_at == local(2026, 3, 4, 16)  # 24 working hours from Mon 11:00


def test_screening_appends_an_event_with_the_decision_and_the_reason(contact_recorded, mash_worker):
    contact = contact_recorded()
    link = contact_child_of(contact)
    at = local(2026, 3, 2, 11)

    contact_screen(
        contact_child=link,
        outcome="mash_enquiry",
        rationale="Needs partner checks",
        rating="RED",
        by=mash_worker,
        at=at,
    )

    screened = events_of(contact)[-1]
    assert screened.action == "contact.screened"
    assert (screened.actor, screened.at, screened.child) == (mash_worker, at, link.child)
    assert screened.before == {"outcome": ""}
    assert screened.after == {"outcome": "mash_enquiry", "rating": "RED"}
    assert screened.reason == "Needs partner checks"
    referral = Referral.objects.get(contact_child=link)
    assert actions_of(referral) == ["referral.created"]
    assert actions_of(referral.enquiry) == ["enquiry.opened"]
    entry = access_entries_of(contact)[-1]
    assert (entry.user, entry.action, entry.child) == (mash_worker, "change", link.child)


@pytest.mark.parametrize("outcome", ["advice_nfa", "early_help"])
def test_screening_out_makes_no_referral(screened, outcome):
    link = screened(outcome=outcome)

    assert link.outcome == outcome
    assert not Referral.objects.exists()
    assert not Enquiry.objects.exists()
    assert not Transfer.objects.exists()


def test_an_immediate_strategy_discussion_makes_a_referral_and_a_red_s47_transfer(screened, org):
    link = screened(outcome="strategy_discussion", rationale="Child says she is afraid to go home")

    referral = Referral.objects.get(contact_child=link)
    assert not Enquiry.objects.exists()
    transfer = Transfer.objects.get(referral=referral)
    assert transfer.route == TransferRoute.S47
    assert transfer.rating == "RED"
    assert transfer.status == TransferStatus.REQUESTED
    assert transfer.to_team == org.assessment_team
    assert transfer.summary.endswith("Child says she is afraid to go home")
    assert transfer.requested_at == local(2026, 3, 2, 11)
    assert transfer.acceptance_due_at == local(2026, 3, 2, 15)  # 4 hours, out of hours too
    assert transfer.visit_due_at == local(2026, 3, 3, 11)  # 24 calendar hours
    assert actions_of(transfer) == ["transfer.requested"]


def test_screening_to_the_allocated_worker_is_refused_for_a_child_with_no_allocated_worker(
    contact_recorded, mash_worker
):
    link = contact_child_of(contact_recorded())
    before = snapshot(link)

    with refused("outcome", "no allocated worker"):
        contact_screen(
            contact_child=link,
            outcome="allocated_worker",
            rationale="Open case",
            by=mash_worker,
            at=local(2026, 3, 2, 11),
        )

    assert snapshot(link) == before


def test_screening_to_the_allocated_worker_is_allowed_when_the_case_is_open(
    contact_recorded, mash_worker, assessment_worker
):
    child = PersonFactory(allocated_worker=assessment_worker)
    link = contact_child_of(contact_recorded(children=[child]))

    contact_screen(
        contact_child=link,
        outcome="allocated_worker",
        rationale="Open case: pass to SW",
        by=mash_worker,
        at=local(2026, 3, 2, 11),
    )

    link.refresh_from_db()
    assert link.outcome == "allocated_worker"
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        pytest.param({"outcome": "maybe"}, "outcome", "Select the screening decision", id="bad"),
        pytest.param({"rationale": " "}, "rationale", "Enter the reason", id="no-rationale"),
        pytest.param(
            {"at": RECEIVED_AT - timedelta(minutes=1)},
            "outcome",
            "earlier than the contact was received",
            id="before-the-contact",
        ),
        pytest.param({"rating": ""}, "rating", "Select a BRAG rating", id="enquiry-no-rating"),
        pytest.param(
            {"rating": "PURPLE"}, "rating", "Select a BRAG rating", id="enquiry-bad-rating"
        ),
    ],
)
def test_an_invalid_screening_decision_is_refused_and_nothing_is_saved(
    contact_recorded, mash_worker, kwargs, field, message
):
    link = contact_child_of(contact_recorded())
    before = snapshot(link)
    values = {
        "outcome": "mash_enquiry",
        "rationale": "Needs checks",
        "rating": "AMBER",
        "at": local(2026, 3, 2, 11),
        **kwargs,
    }

    with refused(field, message):
        contact_screen(contact_child=link, by=mash_worker, **values)

    assert snapshot(link) == before


def test_a_child_cannot_be_screened_twice(screened, mash_worker):
    link = screened(outcome="advice_nfa")

    with refused("outcome", "already been recorded"):
        contact_screen(
            contact_child=link,
            outcome="early_help",
            rationale="Changed my mind",
            by=mash_worker,
            at=local(2026, 3, 2, 12),
        )


def test_screening_to_mash_without_a_mash_team_is_refused_and_makes_no_referral(
    contact_recorded, mash_worker
):
    link = contact_child_of(contact_recorded())
    Team.objects.filter(kind=TeamKind.MASH).update(kind=TeamKind.PERFORMANCE)

    with refused(None, "No MASH team"):
        contact_screen(
            contact_child=link,
            outcome="mash_enquiry",
            rationale="Needs checks",
            rating="AMBER",
            by=mash_worker,
            at=local(2026, 3, 2, 11),
        )

    link.refresh_from_db()
    assert link.screened_at is None


def test_the_referral_date_is_the_local_date_the_contact_was_received(screened):
    # 00:30 BST on 2 June is still 1 June in UTC.
    link = screened(received_at=local(2026, 6, 2, 0, 30), rating="GREEN")

    assert Referral.objects.get(contact_child=link).referral_date == date(2026, 6, 2)


def test_each_child_in_a_contact_is_screened_separately(contact_recorded, screened):
    contact = contact_recorded(
        children=[child_details(first_name="Sam"), child_details(first_name="Alex")]
    )
    first, second = contact.children.order_by("id")

    screened(contact_child=first, outcome="mash_enquiry", rating="RED")
    screened(contact_child=second, outcome="advice_nfa")

    assert Referral.objects.get().child == first.child
    second.refresh_from_db()
    assert second.outcome == "advice_nfa"
    assert ContactChild.objects.filter(screened_at__isnull=True).count() == 0
