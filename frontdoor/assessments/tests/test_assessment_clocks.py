"""The assessment clock, through the policy engine: 45 working days from the referral date."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from frontdoor.assessments.queues import timeliness
from frontdoor.assessments.selectors import assessment_clock, working_days_text
from frontdoor.assessments.tests.conftest import DUE
from frontdoor.clocks import ClockState
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_publish
from frontdoor.testing.factories import end_of_day, local

pytestmark = pytest.mark.django_db


def test_due_45_working_days_from_the_referral_date_across_bank_holidays(started):
    # Referral Mon 2 Mar 2026. Good Friday (3 Apr), Easter Monday (6 Apr) and the early May
    # bank holiday (4 May) do not count: 45 weekdays would be Mon 4 May; it is Thu 7 May.
    assessment = started()
    assert assessment.referral.referral_date == date(2026, 3, 2)
    assert assessment.due_at == end_of_day(2026, 5, 7)


def test_the_clock_runs_from_the_referral_not_the_acceptance_or_the_start(accepted, started):
    transfer = accepted(at=local(2026, 3, 16, 10))
    assessment = started(transfer=transfer, started_on=date(2026, 3, 20), at=local(2026, 3, 20, 9))
    assert assessment.due_at == DUE
    assert assessment.referral_at == local(2026, 3, 2, 10)


def _publish_assessment_days(days: int, effective_from):
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["assessment"] = {"duration": days, "unit": "working_days"}
    return policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=effective_from,
        by=None,
        at=effective_from,
    )


def test_the_clock_keeps_the_policy_in_force_at_the_referral(started):
    first = started()  # referral 2 Mar, under version 1
    version_2 = _publish_assessment_days(30, local(2026, 3, 10))
    started_later = started(transfer=None, started_on=date(2026, 3, 12), at=local(2026, 3, 12, 9))
    # The default journey's referral is 2 Mar too: the new version is not in force then.
    assert started_later.policy_id == first.policy_id != version_2.pk
    assert started_later.due_at == DUE
    newer = started(
        received_at=local(2026, 3, 11, 10), started_on=date(2026, 3, 13), at=local(2026, 3, 13, 9)
    )
    # Wed 11 Mar + 30 working days, skipping Good Friday and Easter Monday: Fri 24 Apr.
    assert newer.policy == version_2
    assert newer.due_at == end_of_day(2026, 4, 24)
    first.refresh_from_db()
    assert first.due_at == DUE  # a published version never moves a running clock


def test_clock_states_while_in_progress(started):
    assessment = started()
    assert assessment_clock(assessment, local(2026, 4, 1, 10)).state == ClockState.ON_TIME
    assert assessment_clock(assessment, local(2026, 5, 1, 10)).state == ClockState.DUE_SOON
    assert assessment_clock(assessment, local(2026, 5, 11, 10)).state == ClockState.OVERDUE
    assert working_days_text(assessment, local(2026, 5, 5, 10)) == "2 working days left"
    assert working_days_text(assessment, local(2026, 5, 7, 10)) == "Due today"
    assert working_days_text(assessment, local(2026, 5, 11, 10)) == "2 working days over"


def test_completed_on_time_is_met(completed):
    assessment = completed(at=local(2026, 4, 20, 16))
    assert assessment_clock(assessment, local(2026, 6, 1)).state == ClockState.MET
    assert working_days_text(assessment, local(2026, 6, 1)) == "Completed in 33 working days"
    on_the_day = completed(at=DUE)
    assert assessment_clock(on_the_day, local(2026, 6, 1)).state == ClockState.MET


def test_completed_after_the_due_date_is_late(completed):
    assessment = completed(at=local(2026, 5, 8, 9), late_reason="Waiting for the father.")
    reading = assessment_clock(assessment, local(2026, 6, 1))
    assert reading.state == ClockState.MET_LATE
    assert (
        working_days_text(assessment, local(2026, 6, 1))
        == "Completed in 46 working days, 1 working day late"
    )


def test_timeliness_counts_assessments_completed_within_45_working_days(completed):
    completed(at=local(2026, 4, 20, 16))
    completed(at=local(2026, 5, 8, 9), late_reason="Waiting for the father.")
    [row] = timeliness(local(2026, 4, 1), local(2026, 6, 1))
    assert row.clock == "Child and family assessment"
    assert (row.completed, row.met, row.late, row.open_overdue) == (2, 1, 1, 0)
