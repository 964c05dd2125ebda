"""Section 47 enquiries through the services: their outcome; the happy paths, and every refusal
saving nothing."""

from __future__ import annotations

import pytest

from frontdoor.oversight.services import oversight_record
from frontdoor.strategy.models import Conference, S47Enquiry
from frontdoor.strategy.services import conference_book, s47_outcome_record
from frontdoor.strategy.tests.steps import _outcome
from frontdoor.testing.factories import actions_of, local
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ section 47


def test_a_section_47_outcome_is_recorded_once(held, assessment_worker):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    done = _outcome(s47, assessment_worker)
    assert done.icpc_needed and done.is_open
    with refused(None, "already recorded"):
        _outcome(s47, assessment_worker)


def test_an_outcome_before_the_enquiry_started_is_refused(held, assessment_worker):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    with refused("outcome_at", "earlier than the enquiry started"):
        s47_outcome_record(
            s47=s47,
            outcome="not_substantiated",
            icpc_needed=True,
            outcome_at=local(2026, 3, 3, 13),
            by=assessment_worker,
            at=local(2026, 3, 5, 9),
        )


def test_ending_without_a_conference_needs_a_managers_oversight(
    held, assessment_worker, assessment_manager
):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    with refused(None, "management oversight"):
        _outcome(s47, assessment_worker, needed=False, outcome="not_substantiated")
    oversight_record(
        child=s47.child,
        direction="Agreed: concerns not substantiated; close with early help.",
        by=assessment_manager,
        record_type="s47enquiry",
        record_id=s47.pk,
        transition="s47_no_conference",
        at=local(2026, 3, 9, 14),
    )
    done = _outcome(s47, assessment_worker, needed=False, outcome="not_substantiated")
    assert done.closed_at == local(2026, 3, 9, 15) and not done.is_open


def test_a_conference_is_booked_after_the_outcome_and_not_before_the_discussion(
    held, assessment_worker
):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    at = local(2026, 3, 9, 16)
    with refused(None, "outcome of the section 47 enquiry first"):
        conference_book(s47=s47, scheduled_for=local(2026, 3, 20, 10), by=assessment_worker, at=at)
    _outcome(s47, assessment_worker)
    with refused("scheduled_for", "before the strategy discussion"):
        conference_book(s47=s47, scheduled_for=local(2026, 3, 2, 10), by=assessment_worker, at=at)
    conference = conference_book(
        s47=s47, scheduled_for=local(2026, 3, 20, 10), by=assessment_worker, at=at
    )
    again = conference_book(
        s47=s47, scheduled_for=local(2026, 3, 20, 10), by=assessment_worker, at=at
    )
    assert again.pk == conference.pk and Conference.objects.count() == 1
    moved = conference_book(
        s47=s47, scheduled_for=local(2026, 3, 23, 10), by=assessment_worker, at=at
    )
    assert moved.scheduled_for == local(2026, 3, 23, 10)
    assert actions_of(s47) == [
        "s47.started",
        "s47.outcome",
        "conference.booked",
        "conference.rebooked",
    ]
