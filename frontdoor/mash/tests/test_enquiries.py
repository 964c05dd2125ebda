"""MASH enquiries: their clocks, ratings and the lived experience (frontdoor.mash.services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from frontdoor.clocks import ClockState
from frontdoor.intake.services import contact_screen
from frontdoor.mash.models import Enquiry, RatingChange
from frontdoor.mash.services import enquiry_rate, enquiry_record_lived_experience, request_answer
from frontdoor.policies.rules import rules_for
from frontdoor.testing.factories import access_entries_of, events_of, local
from frontdoor.testing.fixtures import refused, snapshot

pytestmark = pytest.mark.django_db

MON_11 = local(2026, 3, 2, 11)  # the default enquiry start (screened_to_mash)


# ---------------------------------------------------------------- enquiry clocks


@pytest.mark.parametrize(
    ("rating", "due"),
    [
        pytest.param("RED", local(2026, 3, 2, 15), id="red-4-hours"),
        # Mon 11:00-17:30 (6.5) + Tue 08:00-17:30 (9.5) + Wed 08:00-16:00 (8) = 24
        pytest.param("AMBER", local(2026, 3, 4, 16), id="amber-24-working-hours"),
        # 6.5 + 9.5 + 9.5 + 9.5 + Fri 8.5 + Mon 9.5 + Tue 9.5 + Wed 9.5 = 72, at close
        pytest.param("GREEN", local(2026, 3, 11, 17, 30), id="green-72-working-hours"),
        pytest.param("BLUE", None, id="blue-no-timescale"),
    ],
)
def test_an_enquiry_is_due_by_its_ratings_timescale_from_when_it_entered_the_mash(
    screened_to_mash, rating, due
):
    enquiry = screened_to_mash(rating=rating)

    assert enquiry.entered_at == MON_11
    assert enquiry.due_at == due


def test_red_enquiry_is_overdue_after_four_working_hours(screened_to_mash):
    enquiry = screened_to_mash(rating="RED")
    rules = rules_for(enquiry.policy)

    def state_at(now):
        return rules.reading(
            started_at=enquiry.entered_at, due_at=enquiry.due_at, completed_at=None, now=now
        ).state

    assert state_at(local(2026, 3, 2, 13)) == ClockState.ON_TIME
    assert state_at(local(2026, 3, 2, 14, 30)) == ClockState.DUE_SOON
    assert state_at(local(2026, 3, 2, 15)) == ClockState.DUE_SOON
    assert state_at(local(2026, 3, 2, 15) + timedelta(microseconds=1)) == ClockState.OVERDUE


def test_a_red_enquiry_at_friday_teatime_runs_on_out_of_hours(screened_to_mash):
    enquiry = screened_to_mash(rating="RED", received_at=local(2026, 3, 6, 14))

    assert enquiry.entered_at == local(2026, 3, 6, 15)
    assert enquiry.due_at == local(2026, 3, 6, 19)


def test_an_amber_enquiry_at_friday_teatime_waits_for_office_hours(screened_to_mash):
    enquiry = screened_to_mash(rating="AMBER", received_at=local(2026, 3, 6, 14))

    # Fri 15:00-16:30 (1.5) + Mon 9.5 + Tue 9.5 + Wed 08:00-11:30 (3.5) = 24
    assert enquiry.due_at == local(2026, 3, 11, 11, 30)


def test_an_enquiry_screened_without_a_time_starts_its_clock_now(contact_recorded, mash_worker):
    link = contact_recorded().children.get()

    with time_machine.travel(local(2026, 3, 2, 16), tick=False):
        contact_screen(
            contact_child=link,
            outcome="mash_enquiry",
            rationale="Checks",
            rating="AMBER",
            by=mash_worker,
        )

    enquiry = Enquiry.objects.get(child=link.child)
    assert enquiry.entered_at == local(2026, 3, 2, 16)
    # Mon 16:00-17:30 (1.5) + Tue (9.5) + Wed (9.5) + Thu 08:00-11:30 (3.5) = 24
    assert enquiry.due_at == local(2026, 3, 5, 11, 30)


def test_opening_an_enquiry_records_its_first_rating(screened_to_mash, mash_worker):
    enquiry = screened_to_mash(rating="AMBER")

    (first,) = RatingChange.objects.filter(enquiry=enquiry)
    assert (first.rating, first.previous, first.at, first.by) == ("AMBER", "", MON_11, mash_worker)
    (opened,) = events_of(enquiry)
    assert opened.action == "enquiry.opened"
    assert opened.after == {"rating": "AMBER", "due_at": local(2026, 3, 4, 16).isoformat()}
    (entry,) = access_entries_of(enquiry)
    assert (entry.user, entry.child, entry.action) == (mash_worker, enquiry.child, "change")


# ---------------------------------------------------------------- enquiry_rate


def test_re_rating_keeps_the_clock_start_and_moves_the_deadline_to_the_new_rating(
    screened_to_mash, mash_manager
):
    enquiry = screened_to_mash(rating="AMBER")
    at = local(2026, 3, 2, 12)

    enquiry = enquiry_rate(
        enquiry=enquiry, rating="RED", reason="Police report a new assault", by=mash_manager, at=at
    )

    enquiry.refresh_from_db()
    assert enquiry.entered_at == MON_11
    assert (enquiry.rating, enquiry.rated_at) == ("RED", at)
    assert enquiry.due_at == local(2026, 3, 2, 15)  # 4 hours from 11:00, not from 12:00
    change = RatingChange.objects.filter(enquiry=enquiry).last()
    assert (change.rating, change.previous, change.by, change.at) == (
        "RED",
        "AMBER",
        mash_manager,
        at,
    )
    assert change.reason == "Police report a new assault"


def test_re_rating_appends_an_event_with_before_and_after_and_the_reason(
    screened_to_mash, mash_manager
):
    enquiry = screened_to_mash(rating="AMBER")
    at = local(2026, 3, 2, 12)

    enquiry_rate(enquiry=enquiry, rating="GREEN", reason="Lower risk", by=mash_manager, at=at)

    rated = events_of(enquiry)[-1]
    assert rated.action == "enquiry.rated"
    assert (rated.actor, rated.at, rated.child, rated.reason) == (
        mash_manager,
        at,
        enquiry.child,
        "Lower risk",
    )
    assert rated.before == {"rating": "AMBER", "due_at": local(2026, 3, 4, 16).isoformat()}
    assert rated.after == {"rating": "GREEN", "due_at": local(2026, 3, 11, 17, 30).isoformat()}
    assert access_entries_of(enquiry)[-1].user == mash_manager


def test_re_rating_to_blue_stops_the_enquiry_clock(screened_to_mash, mash_manager):
    enquiry = screened_to_mash(rating="GREEN")

    enquiry = enquiry_rate(
        enquiry=enquiry,
        rating="BLUE",
        reason="No role for the MASH",
        by=mash_manager,
        at=local(2026, 3, 2, 12),
    )

    assert enquiry.due_at is None


def test_re_rating_moves_the_deadline_of_open_partner_requests_but_not_answered_ones(
    screened_to_mash, request_sent, mash_manager, health_practitioner
):
    enquiry = screened_to_mash(rating="AMBER")
    police = request_sent(enquiry=enquiry, agency="police", at=local(2026, 3, 2, 11, 30))
    health = request_sent(enquiry=enquiry, agency="health", at=local(2026, 3, 2, 11, 30))
    request_answer(
        request=health,
        shared=True,
        response="Not known to health",
        by=health_practitioner,
        at=local(2026, 3, 2, 11, 45),
    )
    assert police.due_at == local(2026, 3, 4, 16, 30)

    enquiry_rate(
        enquiry=enquiry,
        rating="RED",
        reason="Escalating",
        by=mash_manager,
        at=local(2026, 3, 2, 12),
    )

    police.refresh_from_db()
    health.refresh_from_db()
    assert police.due_at == local(2026, 3, 2, 15, 30)  # 4 hours from when it was sent
    assert health.due_at == local(2026, 3, 4, 16, 30)


@pytest.mark.parametrize(
    ("rating", "reason", "at", "field", "message"),
    [
        pytest.param("PURPLE", "x", local(2026, 3, 2, 12), "rating", "Select", id="bad-rating"),
        pytest.param("RED", " ", local(2026, 3, 2, 12), "reason", "Enter why", id="no-reason"),
        pytest.param(
            "AMBER", "x", local(2026, 3, 2, 12), "rating", "already rated Amber", id="same"
        ),
        pytest.param(
            "RED",
            "x",
            local(2026, 3, 2, 10, 59),
            "rating",
            "earlier than the one it replaces",
            id="before-the-current-rating",
        ),
    ],
)
def test_an_invalid_re_rating_is_refused_and_nothing_changes(
    screened_to_mash, mash_manager, rating, reason, at, field, message
):
    enquiry = screened_to_mash(rating="AMBER")
    before = snapshot(enquiry)

    with refused(field, message):
        enquiry_rate(enquiry=enquiry, rating=rating, reason=reason, by=mash_manager, at=at)

    assert snapshot(enquiry) == before


def test_a_decided_enquiry_cannot_be_re_rated(decided, mash_manager):
    decision = decided(rating="AMBER")

    with refused(None, "already has a decision"):
        enquiry_rate(
            enquiry=decision.enquiry,
            rating="RED",
            reason="Too late",
            by=mash_manager,
            at=local(2026, 3, 3, 11),
        )


# ------------------------------------------------------------- lived experience


def test_recording_the_childs_lived_experience_keeps_the_old_text_in_the_event(
    screened_to_mash, mash_worker
):
    enquiry = screened_to_mash()
    at = local(2026, 3, 2, 13)
    enquiry_record_lived_experience(
        enquiry=enquiry, text="Sam likes football", by=mash_worker, at=at
    )

    enquiry_record_lived_experience(
        enquiry=enquiry, text="Sam is scared at bedtime", by=mash_worker, at=at
    )

    enquiry.refresh_from_db()
    assert enquiry.lived_experience == "Sam is scared at bedtime"
    last = events_of(enquiry)[-1]
    assert last.action == "enquiry.lived_experience"
    assert last.before == {"lived_experience": "Sam likes football"}
    assert last.after == {"lived_experience": "Sam is scared at bedtime"}
    assert access_entries_of(enquiry)[-1].at == at


def test_an_empty_lived_experience_is_refused(screened_to_mash, mash_worker):
    enquiry = screened_to_mash()

    with refused("lived_experience", "Enter the child's lived experience"):
        enquiry_record_lived_experience(enquiry=enquiry, text="  ", by=mash_worker)


def test_lived_experience_cannot_be_changed_after_the_decision(decided, mash_worker):
    decision = decided()

    with refused(None, "already has a decision"):
        enquiry_record_lived_experience(
            enquiry=decision.enquiry, text="Later", by=mash_worker, at=local(2026, 3, 3, 11)
        )
