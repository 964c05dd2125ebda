"""Initial child protection conferences and reconvened discussions through the services; the
happy paths, and every refusal saving nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdoor.strategy.models import Attendance, S47Enquiry
from frontdoor.strategy.services import (
    AttendanceRow,
    attendance_record,
    conference_book,
    conference_record,
)
from frontdoor.strategy.tests.steps import _booked, _outcome, _publish
from frontdoor.testing.factories import actions_of, end_of_day, local
from frontdoor.testing.fixtures import refused
from frontdoor.testing.personas import org_agency

pytestmark = pytest.mark.django_db


def test_an_icpc_before_its_strategy_discussion_is_refused(held, assessment_worker):
    conference = _booked(held, assessment_worker)
    with refused("held_at", "before the strategy discussion"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 3, 9),
            plan=True,
            category="NEG",
            by=assessment_worker,
            at=local(2026, 3, 20, 12),
        )


def test_a_plan_needs_a_category_and_the_conference_closes_the_enquiry(held, assessment_worker):
    conference = _booked(held, assessment_worker)
    at = local(2026, 3, 20, 12)
    with refused("category", "category of abuse"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 10),
            plan=True,
            by=assessment_worker,
            at=at,
        )
    with refused("held_at", "in the future"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 13),
            plan=True,
            category="PHY",
            by=assessment_worker,
            at=at,
        )
    done = conference_record(
        conference=conference,
        held_at=local(2026, 3, 20, 10),
        plan=True,
        category="PHY",
        by=assessment_worker,
        at=at,
    )
    assert done.plan and done.category == "PHY"
    s47 = S47Enquiry.objects.get(pk=conference.s47_id)
    assert s47.closed_at == local(2026, 3, 20, 10)
    with refused(None, "already recorded"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 10),
            plan=True,
            category="PHY",
            by=assessment_worker,
            at=at,
        )


def test_no_plan_is_allowed_by_default_and_drops_any_category(held, assessment_worker):
    conference = _booked(held, assessment_worker)
    done = conference_record(
        conference=conference,
        held_at=local(2026, 3, 20, 10),
        plan=False,
        category="NEG",
        by=assessment_worker,
        at=local(2026, 3, 20, 12),
    )
    assert done.plan is False and done.category == ""


def test_no_plan_needs_oversight_when_the_policy_says_so(held, assessment_worker):
    _publish(oversight={"required_before": ["icpc_no_plan"]})
    conference = _booked(held, assessment_worker)
    with refused(None, "management oversight"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 20, 10),
            plan=False,
            by=assessment_worker,
            at=local(2026, 3, 20, 12),
        )


# ------------------------------------------------------------------ reconvened


def test_a_reconvened_discussion_moves_the_conference_due_date(signed_off, convene, attend, hold):
    decision = signed_off(outcome="s47", rating="RED")
    first = convene(decision=decision)
    attend(first)
    hold(first, s47_kind="single")
    s47 = S47Enquiry.objects.get(start_discussion=first)
    assert s47.icpc_due_at == end_of_day(2026, 3, 24)

    # New information a week later: the police join in; the ICPC runs from this one.
    later = local(2026, 3, 10, 9)
    second = convene(decision=decision, decided_at=later, at=later + timedelta(minutes=10))
    assert second.s47 == s47
    attend(second)
    hold(second, s47_kind="joint", held_at=local(2026, 3, 10, 14), at=local(2026, 3, 10, 15))

    s47.refresh_from_db()
    assert s47.last_discussion == second
    assert s47.icpc_due_at == end_of_day(2026, 3, 31)  # 15 working days from 10 March
    assert s47.kind == "joint"
    assert S47Enquiry.objects.count() == 1
    assert actions_of(s47) == ["s47.started", "s47.icpc_due_moved"]


def test_the_icpc_must_follow_the_last_discussion(
    signed_off, convene, attend, hold, assessment_worker
):
    decision = signed_off(outcome="s47")
    first = convene(decision=decision)
    attend(first)
    hold(first)
    s47 = S47Enquiry.objects.get(start_discussion=first)
    later = local(2026, 3, 10, 9)
    second = convene(decision=decision, decided_at=later, at=later)
    attend(second)
    hold(second, held_at=local(2026, 3, 10, 14), at=local(2026, 3, 10, 15))
    _outcome(s47, assessment_worker, at=local(2026, 3, 11, 9))
    conference = conference_book(
        s47=s47,
        scheduled_for=local(2026, 3, 20, 10),
        by=assessment_worker,
        at=local(2026, 3, 11, 9),
    )
    with refused("held_at", "before the strategy discussion"):
        conference_record(
            conference=conference,
            held_at=local(2026, 3, 9, 10),
            plan=True,
            category="EMO",
            by=assessment_worker,
            at=local(2026, 3, 20, 12),
        )


def test_attendance_values_are_checked(convene, mash_worker):
    discussion = convene()
    with refused("attendance", "attended"):
        attendance_record(
            discussion=discussion,
            rows=[AttendanceRow(agency=org_agency("police"), attendance="maybe")],
            by=mash_worker,
            at=local(2026, 3, 3, 14),
        )
    assert Attendance.ATTENDED == "attended"
