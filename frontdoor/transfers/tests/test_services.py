"""Transfers to the assessment team and first visits (frontdoor.transfers.services)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdoor.accounts.models import TeamKind
from frontdoor.intake.models import Referral
from frontdoor.mash.models import EnquiryStatus
from frontdoor.mash.services import decision_sign_off
from frontdoor.testing.factories import (
    TeamFactory,
    access_entries_of,
    actions_of,
    end_of_day,
    events_of,
    local,
)
from frontdoor.testing.fixtures import refused, snapshot
from frontdoor.transfers.models import Transfer, TransferStatus, Visit
from frontdoor.transfers.services import (
    transfer_accept,
    transfer_request,
    transfer_return,
    visit_record,
)

pytestmark = pytest.mark.django_db

TUE_12 = local(2026, 3, 3, 12)  # the default sign-off time
TUE_13 = local(2026, 3, 3, 13)  # the default transfer request time


def _request(decision, by, **kwargs):
    values = {
        "referral": decision.enquiry.referral,
        "route": "s17",
        "rating": "AMBER",
        "summary": "Repeated bruising; two police call-outs.",
        "by": by,
        "at": TUE_13,
        **kwargs,
    }
    return transfer_request(**values)


# ---------------------------------------------------------------- transfer_request


def test_a_signed_off_s17_decision_is_transferred_to_the_assessment_team(
    signed_off, mash_worker, org
):
    decision = signed_off(outcome="s17")

    transfer = _request(decision, mash_worker)

    assert transfer.to_team == org.assessment_team
    assert (transfer.route, transfer.rating, transfer.status) == ("s17", "AMBER", "requested")
    assert (transfer.requested_at, transfer.requested_by) == (TUE_13, mash_worker)
    assert transfer.child == decision.enquiry.child
    assert transfer.acceptance_due_at == end_of_day(2026, 3, 4)  # 1 working day
    assert transfer.visit_due_at == end_of_day(2026, 3, 6)  # 3 working days
    (requested,) = events_of(transfer)
    assert requested.action == "transfer.requested"
    assert (requested.actor, requested.at, requested.child) == (mash_worker, TUE_13, transfer.child)
    assert requested.after == {
        "route": "s17",
        "rating": "AMBER",
        "acceptance_due_at": end_of_day(2026, 3, 4).isoformat(),
        "visit_due_at": end_of_day(2026, 3, 6).isoformat(),
    }
    (entry,) = access_entries_of(transfer)
    assert (entry.user, entry.child, entry.action) == (mash_worker, transfer.child, "change")


@pytest.mark.parametrize(
    ("rating", "acceptance_due", "visit_due"),
    [
        pytest.param("RED", local(2026, 3, 3, 17), local(2026, 3, 4, 13), id="red"),
        pytest.param("GREEN", end_of_day(2026, 3, 5), end_of_day(2026, 3, 10), id="green"),
        pytest.param("BLUE", end_of_day(2026, 3, 6), end_of_day(2026, 3, 17), id="blue"),
    ],
)
def test_a_transfer_moves_at_the_speed_of_its_rating(
    transferred, rating, acceptance_due, visit_due
):
    transfer = transferred(outcome="s47", rating=rating)

    assert transfer.requested_at == TUE_13
    assert (transfer.acceptance_due_at, transfer.visit_due_at) == (acceptance_due, visit_due)


def test_a_transfer_can_go_to_a_named_assessment_team(signed_off, mash_worker):
    north = TeamFactory(name="Assessment team North", kind=TeamKind.ASSESSMENT)

    transfer = _request(signed_off(), mash_worker, to_team=north)

    assert transfer.to_team == north


def test_a_transfer_before_sign_off_is_refused(decided, mash_worker):
    decision = decided(outcome="s17")

    with refused(None, "must be signed off before a transfer"):
        _request(decision, mash_worker)


@pytest.mark.parametrize("outcome", ["nfa", "advice", "early_help", "other_service"])
def test_a_decision_that_does_not_lead_to_assessment_cannot_be_transferred(
    signed_off, mash_worker, outcome
):
    decision = signed_off(outcome=outcome)

    with refused(None, "does not lead to the assessment team"):
        _request(decision, mash_worker)


def test_a_transfer_cannot_be_earlier_than_the_sign_off(signed_off, mash_worker):
    decision = signed_off()

    with refused("summary", "earlier than the sign-off"):
        _request(decision, mash_worker, at=TUE_12 - timedelta(minutes=1))


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        pytest.param({"route": "s20"}, "route", "Select the route", id="bad-route"),
        pytest.param({"summary": "  "}, "summary", "Enter a summary", id="no-summary"),
    ],
)
def test_an_invalid_transfer_is_refused(signed_off, mash_worker, kwargs, field, message):
    decision = signed_off()

    with refused(field, message):
        _request(decision, mash_worker, **kwargs)


def test_a_transfer_with_an_unknown_rating_is_refused(signed_off, mash_worker):
    decision = signed_off()

    with refused("rating", "Select"):
        _request(decision, mash_worker, rating="PURPLE")


def test_a_transfer_checks_the_sign_off_as_stored_not_as_the_caller_last_saw_it(
    decided, mash_manager, mash_worker
):
    decision = decided(outcome="s17")
    referral = decision.enquiry.referral  # the caller's objects, loaded before sign-off
    assert referral.enquiry.decision.signed_off_at is None
    decision_sign_off(decision=decision, oversight="Agreed", by=mash_manager, at=TUE_12)

    transfer = transfer_request(
        referral=referral,
        route="s17",
        rating="AMBER",
        summary="Summary",
        by=mash_worker,
        at=TUE_13,
    )

    assert transfer.status == TransferStatus.REQUESTED


def test_a_referral_has_only_one_transfer_in_progress(transferred, mash_worker):
    transfer = transferred()
    decision = transfer.referral.enquiry.decision

    with refused(None, "already has a transfer in progress"):
        _request(decision, mash_worker, at=local(2026, 3, 3, 14))


def test_a_referral_has_only_one_transfer_after_acceptance(accepted, mash_worker):
    transfer = accepted()

    with refused(None, "already has a transfer in progress"):
        _request(transfer.referral.enquiry.decision, mash_worker, at=local(2026, 3, 4, 9))


# ---------------------------------------------------------------- transfer_accept


def test_accepting_a_transfer_allocates_the_child_and_closes_the_enquiry(
    transferred, assessment_manager, assessment_worker
):
    transfer = transferred()
    at = local(2026, 3, 3, 15)

    transfer = transfer_accept(
        transfer=transfer, allocated_to=assessment_worker, by=assessment_manager, at=at
    )

    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    assert (transfer.responded_at, transfer.responded_by) == (at, assessment_manager)
    assert transfer.allocated_to == assessment_worker
    transfer.child.refresh_from_db()
    assert transfer.child.allocated_worker == assessment_worker
    enquiry = transfer.referral.enquiry
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CLOSED
    accepted_event = events_of(transfer)[-1]
    assert accepted_event.action == "transfer.accepted"
    assert (accepted_event.actor, accepted_event.at) == (assessment_manager, at)
    assert accepted_event.before == {"status": "requested"}
    assert accepted_event.after == {"status": "accepted", "allocated_to": assessment_worker.pk}
    assert access_entries_of(transfer)[-1].user == assessment_manager


def test_a_transfer_must_be_allocated_to_a_worker_in_the_receiving_team(
    transferred, assessment_manager, mash_worker
):
    transfer = transferred()
    before = snapshot(transfer)

    with refused("allocated_to", "in the receiving team"):
        transfer_accept(
            transfer=transfer,
            allocated_to=mash_worker,
            by=assessment_manager,
            at=local(2026, 3, 3, 15),
        )

    assert snapshot(transfer) == before
    transfer.child.refresh_from_db()
    assert transfer.child.allocated_worker is None


def test_acceptance_cannot_be_earlier_than_the_request(
    transferred, assessment_manager, assessment_worker
):
    transfer = transferred()

    with refused("allocated_to", "earlier than the request"):
        transfer_accept(
            transfer=transfer,
            allocated_to=assessment_worker,
            by=assessment_manager,
            at=TUE_13 - timedelta(seconds=1),
        )


def test_a_transfer_is_accepted_once(accepted, assessment_manager, assessment_worker):
    transfer = accepted()

    with refused(None, "This transfer is accepted"):
        transfer_accept(
            transfer=transfer,
            allocated_to=assessment_worker,
            by=assessment_manager,
            at=local(2026, 3, 3, 16),
        )


def test_an_immediate_strategy_discussion_transfer_can_be_accepted(
    screened, assessment_manager, assessment_worker
):
    link = screened(outcome="strategy_discussion", rationale="Disclosure of abuse")
    transfer = Transfer.objects.get(referral__contact_child=link)

    transfer_accept(
        transfer=transfer,
        allocated_to=assessment_worker,
        by=assessment_manager,
        at=local(2026, 3, 2, 12),
    )

    link.child.refresh_from_db()
    assert link.child.allocated_worker == assessment_worker


# ---------------------------------------------------------------- transfer_return


def test_a_returned_transfer_can_be_requested_again(transferred, assessment_manager, mash_worker):
    transfer = transferred()
    at = local(2026, 3, 3, 15)

    transfer_return(
        transfer=transfer, reason="Needs police checks first", by=assessment_manager, at=at
    )

    transfer.refresh_from_db()
    assert (transfer.status, transfer.return_reason) == ("returned", "Needs police checks first")
    assert (transfer.responded_at, transfer.responded_by) == (at, assessment_manager)
    returned = events_of(transfer)[-1]
    assert (returned.action, returned.reason) == ("transfer.returned", "Needs police checks first")
    assert (returned.actor, returned.at, returned.child) == (assessment_manager, at, transfer.child)
    assert (returned.before, returned.after) == ({"status": "requested"}, {"status": "returned"})
    assert access_entries_of(transfer)[-1].user == assessment_manager
    enquiry = transfer.referral.enquiry
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.DECIDED

    again = _request(enquiry.decision, mash_worker, at=local(2026, 3, 3, 16))

    assert again.pk != transfer.pk and again.status == "requested"
    assert Transfer.objects.filter(referral=transfer.referral).count() == 2


def test_a_return_must_say_why(transferred, assessment_manager):
    transfer = transferred()

    with refused("return_reason", "Enter why"):
        transfer_return(transfer=transfer, reason="", by=assessment_manager)


def test_a_return_cannot_be_earlier_than_the_request(transferred, assessment_manager):
    transfer = transferred()

    with refused("return_reason", "earlier than the request"):
        transfer_return(
            transfer=transfer,
            reason="x",
            by=assessment_manager,
            at=TUE_13 - timedelta(seconds=1),
        )


def test_an_accepted_transfer_cannot_be_returned(accepted, assessment_manager):
    transfer = accepted()

    with refused(None, "This transfer is accepted"):
        transfer_return(
            transfer=transfer, reason="x", by=assessment_manager, at=local(2026, 3, 3, 16)
        )


# ---------------------------------------------------------------- visit_record


def test_the_first_visit_is_recorded_after_an_accepted_transfer(accepted, assessment_worker):
    transfer = accepted()
    visited_at = local(2026, 3, 4, 10)
    at = local(2026, 3, 4, 11)

    visit = visit_record(
        transfer=transfer,
        visited_at=visited_at,
        child_seen=True,
        seen_alone=True,
        notes="Seen at school",
        by=assessment_worker,
        at=at,
    )

    assert (visit.visited_at, visit.recorded_at, visit.recorded_by) == (
        visited_at,
        at,
        assessment_worker,
    )
    assert (visit.child, visit.child_seen, visit.seen_alone) == (transfer.child, True, True)
    recorded = events_of(transfer)[-1]
    assert recorded.action == "visit.recorded"
    assert recorded.summary == "First visit: child seen alone"
    assert recorded.after == {
        "visited_at": visited_at.isoformat(),
        "child_seen": True,
        "seen_alone": True,
    }
    assert access_entries_of(transfer)[-1].user == assessment_worker


def test_a_child_who_was_not_seen_cannot_have_been_seen_alone(accepted, assessment_worker):
    transfer = accepted()

    with refused("seen_alone", "cannot be seen alone"):
        visit_record(
            transfer=transfer,
            visited_at=local(2026, 3, 4, 10),
            child_seen=False,
            seen_alone=True,
            by=assessment_worker,
            at=local(2026, 3, 4, 11),
        )


def test_a_visit_cannot_be_earlier_than_the_transfer_request(accepted, assessment_worker):
    transfer = accepted()

    with refused("visited_at", "earlier than the transfer was requested"):
        visit_record(
            transfer=transfer,
            visited_at=TUE_13 - timedelta(minutes=1),
            child_seen=True,
            seen_alone=False,
            by=assessment_worker,
            at=local(2026, 3, 4, 11),
        )


def test_a_visit_cannot_be_in_the_future(accepted, assessment_worker):
    transfer = accepted()

    with refused("visited_at", "cannot be in the future"):
        visit_record(
            transfer=transfer,
            visited_at=local(2026, 3, 4, 12),
            child_seen=True,
            seen_alone=False,
            by=assessment_worker,
            at=local(2026, 3, 4, 11),
        )


def test_a_visit_needs_an_accepted_transfer(transferred, assessment_worker):
    transfer = transferred()

    with refused(None, "This transfer is awaiting acceptance"):
        visit_record(
            transfer=transfer,
            visited_at=local(2026, 3, 3, 14),
            child_seen=True,
            seen_alone=False,
            by=assessment_worker,
            at=local(2026, 3, 3, 15),
        )


def test_the_first_visit_is_recorded_once(visited, assessment_worker):
    visit = visited()

    with refused(None, "already been recorded"):
        visit_record(
            transfer=visit.transfer,
            visited_at=local(2026, 3, 4, 15),
            child_seen=True,
            seen_alone=False,
            by=assessment_worker,
            at=local(2026, 3, 4, 16),
        )
    assert Visit.objects.count() == 1


def test_the_whole_journey_leaves_one_timeline_per_record(visited):
    visit = visited()
    transfer = visit.transfer
    referral = Referral.objects.get(pk=transfer.referral_id)

    assert actions_of(referral.contact_child.contact) == [
        "contact.recorded",
        "contact.child_added",
        "contact.screened",
    ]
    assert actions_of(referral.enquiry) == [
        "enquiry.opened",
        "decision.recorded",
        "decision.signed_off",
        "enquiry.closed",  # by the MASH, when the transfer was accepted
    ]
    assert actions_of(transfer) == ["transfer.requested", "transfer.accepted", "visit.recorded"]
