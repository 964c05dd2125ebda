"""Assessment services: the happy paths, and every refusal saving nothing."""

from __future__ import annotations

from datetime import date

import pytest

from frontdoor.assessments import services
from frontdoor.assessments.models import Assessment, AssessmentStatus, AssessmentVisit
from frontdoor.assessments.tests.conftest import (
    AUTHORISE_AT,
    COMPLETE_AT,
    DUE,
    START_AT,
    STARTED_ON,
    VISIT_AT,
)
from frontdoor.oversight.services import oversight_record
from frontdoor.people.chronology import category_of
from frontdoor.testing.factories import access_entries_of, actions_of, local
from frontdoor.testing.fixtures import refused, snapshot

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- start


def test_an_assessment_starts_from_an_accepted_transfer(started, assessment_worker):
    assessment = started()
    transfer = assessment.transfer
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert assessment.child_id == transfer.child_id
    assert assessment.referral_id == transfer.referral_id
    assert assessment.worker == assessment_worker == transfer.allocated_to
    assert assessment.started_on == STARTED_ON
    assert assessment.due_at == DUE
    assert actions_of(assessment) == ["assessment.started"]
    assert access_entries_of(assessment)
    assert category_of("assessment.started").key == "assessments"


def test_an_assessment_cannot_start_before_the_transfer_is_accepted(transferred, assessment_worker):
    transfer = transferred()
    with refused(None, "once the transfer is accepted"):
        services.assessment_start(
            transfer=transfer, started_on=STARTED_ON, by=assessment_worker, at=START_AT
        )


def test_a_repeated_start_is_refused_not_duplicated(started, assessment_worker):
    assessment = started()
    with refused(None, "already been started"):
        services.assessment_start(
            transfer=assessment.transfer,
            started_on=STARTED_ON,
            by=assessment_worker,
            at=START_AT,
        )
    assert Assessment.objects.count() == 1


def test_the_start_date_cannot_be_before_the_referral_date(accepted, started):
    transfer = accepted()
    with refused("started_on", "on or after the referral date, 2 March 2026"):
        started(transfer=transfer, started_on=date(2026, 3, 1))


def test_the_start_date_cannot_be_in_the_future(accepted, started):
    transfer = accepted()
    with refused("started_on", "cannot be in the future"):
        started(transfer=transfer, started_on=date(2026, 3, 5), at=START_AT)


def test_the_worker_must_be_in_the_receiving_team(accepted, assessment_worker, mash_worker):
    transfer = accepted()
    with refused("worker", "receiving team"):
        services.assessment_start(
            transfer=transfer,
            started_on=STARTED_ON,
            worker=mash_worker,
            by=assessment_worker,
            at=START_AT,
        )


# --------------------------------------------------------------------------- visits


def test_visits_are_recorded_during_the_assessment(started, assessment_worker):
    assessment = started()
    visit = services.assessment_visit_record(
        assessment=assessment,
        visited_at=VISIT_AT,
        child_seen=True,
        seen_alone=True,
        notes="Seen in his bedroom; talked about school.",
        by=assessment_worker,
        at=VISIT_AT,
    )
    assert visit.child_id == assessment.child_id and visit.seen_alone
    assert actions_of(assessment) == ["assessment.started", "assessment.visit_recorded"]


def _visit(assessment, user, **overrides):
    values = {
        "assessment": assessment,
        "visited_at": VISIT_AT,
        "child_seen": True,
        "seen_alone": False,
        "by": user,
        "at": VISIT_AT,
    }
    values.update(overrides)
    return services.assessment_visit_record(**values)


def test_a_visit_before_the_assessment_started_is_refused(started, assessment_worker):
    assessment = started()
    with refused("visited_date", "before the assessment started on 4 March 2026"):
        _visit(assessment, assessment_worker, visited_at=local(2026, 3, 3, 16))


def test_a_visit_in_the_future_is_refused(started, assessment_worker):
    assessment = started()
    with refused("visited_date", "cannot be in the future"):
        _visit(assessment, assessment_worker, at=local(2026, 3, 10, 9))


def test_a_child_not_seen_cannot_be_seen_alone(started, assessment_worker):
    assessment = started()
    with refused("seen_alone", "not seen cannot be seen alone"):
        _visit(assessment, assessment_worker, child_seen=False, seen_alone=True)


def test_the_same_visit_recorded_twice_is_refused(started, assessment_worker):
    assessment = started()
    _visit(assessment, assessment_worker)
    with refused(None, "already been recorded"):
        _visit(assessment, assessment_worker)
    assert AssessmentVisit.objects.count() == 1


def test_no_visits_are_recorded_once_the_assessment_is_submitted(completed, assessment_worker):
    assessment = completed()
    with refused(None, "only while the assessment is in progress"):
        _visit(assessment, assessment_worker, visited_at=COMPLETE_AT, at=COMPLETE_AT)


# --------------------------------------------------------------------------- outcome


def test_the_worker_submits_a_child_in_need_outcome_with_factors(completed, assessment_worker):
    assessment = completed(factors=["16a", "3B", "3B"])
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.completed_at == COMPLETE_AT
    assert assessment.completed_by == assessment_worker
    assert assessment.child_in_need is True and assessment.next_step == "cin_plan"
    assert assessment.factors == ["3B", "16A"]  # known codes, in list order, once each
    assert assessment.late_reason == ""
    assert actions_of(assessment)[-1] == "assessment.completed"


def _complete(assessment, user, **overrides):
    values = {
        "assessment": assessment,
        "child_in_need": True,
        "next_step": "cin_plan",
        "factors": ["3B"],
        "analysis": "Analysis.",
        "by": user,
        "at": COMPLETE_AT,
    }
    values.update(overrides)
    return services.assessment_complete(**values)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"child_in_need": None}, "child_in_need", "Select whether the child is in need"),
        ({"next_step": ""}, "next_step", "Select the next step"),
        ({"next_step": "nfa"}, "next_step", "child in need goes on to"),
        ({"child_in_need": False, "next_step": "s47"}, "next_step", "steps down"),
        ({"factors": []}, "factors", "Select the factors identified"),
        ({"factors": ["3B", "99Z"]}, "factors", "99Z is not a factor on the CIN census list"),
        ({"factors": ["8A"]}, "factors", "8A is not a factor"),
        ({"factors": ["21", "3B"]}, "factors", "cannot be chosen with other factors"),
        ({"factors": ["21"]}, "factors", "a child in need has at least one"),
        ({"analysis": "  "}, "analysis", "Enter the analysis"),
    ],
)
def test_bad_outcomes_are_refused(started, assessment_worker, overrides, field, message):
    assessment = started()
    with refused(field, message):
        _complete(assessment, assessment_worker, **overrides)
    assert snapshot(assessment)["status"] == AssessmentStatus.IN_PROGRESS


def test_an_assessment_cannot_be_completed_before_it_started(started, assessment_worker):
    assessment = started()
    with refused(None, "cannot be completed before it started"):
        _complete(assessment, assessment_worker, at=local(2026, 3, 3, 17))


def test_a_repeated_submission_is_refused(completed, assessment_worker):
    assessment = completed()
    with refused(None, "already been submitted"):
        _complete(assessment, assessment_worker)


def test_a_late_assessment_needs_the_reason(started, assessment_worker):
    assessment = started()
    late = local(2026, 5, 8, 9)
    with refused("late_reason", "completed after its due date"):
        _complete(assessment, assessment_worker, at=late)
    with refused("late_reason", "completed after its due date"):
        _complete(assessment, assessment_worker, at=late, late_reason="   ")
    done = _complete(
        assessment, assessment_worker, at=late, late_reason="Father's views took weeks to get."
    )
    assert done.late_reason == "Father's views took weeks to get."
    assert "Father's views" in done_event_reason(done)


def done_event_reason(assessment):
    from frontdoor.testing.factories import events_of

    return events_of(assessment)[-1].reason


def test_a_reason_given_for_an_on_time_assessment_is_not_kept(completed):
    assessment = completed(late_reason="Not late at all", at=DUE)
    assert assessment.late_reason == ""


def test_not_in_need_needs_a_managers_oversight_first(
    started, assessment_worker, assessment_manager
):
    assessment = started()
    not_in_need = {"child_in_need": False, "next_step": "nfa", "factors": ["21"]}
    with refused(None, "management oversight"):
        _complete(assessment, assessment_worker, **not_in_need)
    oversight_record(
        child=assessment.child,
        direction="Agreed: no need for services; close with advice to the school.",
        by=assessment_manager,
        record_type="assessment",
        record_id=assessment.pk,
        transition="assessment_not_in_need",
        at=local(2026, 4, 20, 9),
    )
    done = _complete(assessment, assessment_worker, **not_in_need)
    assert done.child_in_need is False and done.factors == ["21"]


# --------------------------------------------------------------------------- manager


def test_a_manager_authorises_the_assessment(completed, assessment_manager):
    assessment = completed()
    done = services.assessment_authorise(
        assessment=assessment, comment="Good analysis.", by=assessment_manager, at=AUTHORISE_AT
    )
    assert done.status == AssessmentStatus.AUTHORISED
    assert done.authorised_by == assessment_manager and done.authorised_at == AUTHORISE_AT
    assert done.authorisation_comment == "Good analysis."
    assert actions_of(done)[-1] == "assessment.authorised"


def test_the_head_of_service_may_authorise(completed, head_of_service):
    done = services.assessment_authorise(
        assessment=completed(), by=head_of_service, at=AUTHORISE_AT
    )
    assert done.status == AssessmentStatus.AUTHORISED


def test_an_authorisation_before_the_assessment_started_is_refused(completed, assessment_manager):
    assessment = completed()
    with refused(None, "cannot be authorised before it started"):
        services.assessment_authorise(
            assessment=assessment, by=assessment_manager, at=local(2026, 3, 3, 16)
        )


def test_an_authorisation_before_completion_is_refused(completed, assessment_manager):
    assessment = completed()
    with refused(None, "cannot be authorised before it was completed"):
        services.assessment_authorise(
            assessment=assessment, by=assessment_manager, at=local(2026, 4, 20, 9)
        )


def test_a_manager_cannot_authorise_an_assessment_they_completed(started, assessment_manager):
    assessment = completed_by(started(), assessment_manager)
    with refused(None, "another manager must"):
        services.assessment_authorise(assessment=assessment, by=assessment_manager, at=AUTHORISE_AT)


def completed_by(assessment, user):
    return _complete(assessment, user)


def test_a_social_worker_cannot_authorise(completed, assessment_worker, mash_manager):
    assessment = completed()
    for user in (assessment_worker, mash_manager):
        with refused(None, "Only a manager"):
            services.assessment_authorise(assessment=assessment, by=user, at=AUTHORISE_AT)


def test_an_assessment_in_progress_or_authorised_cannot_be_authorised(
    started, completed, assessment_manager
):
    assessment = started()
    with refused(None, "has not been submitted"):
        services.assessment_authorise(assessment=assessment, by=assessment_manager, at=AUTHORISE_AT)
    done = completed(assessment=assessment)
    services.assessment_authorise(assessment=done, by=assessment_manager, at=AUTHORISE_AT)
    with refused(None, "already been authorised"):
        services.assessment_authorise(assessment=done, by=assessment_manager, at=AUTHORISE_AT)


def test_a_manager_returns_it_for_more_work_and_the_worker_submits_again(
    completed, assessment_worker, assessment_manager
):
    assessment = completed()
    returned = services.assessment_return(
        assessment=assessment,
        reason="Speak to the father before deciding.",
        by=assessment_manager,
        at=AUTHORISE_AT,
    )
    assert returned.status == AssessmentStatus.IN_PROGRESS
    assert returned.completed_at is None and returned.completed_by is None
    assert returned.return_reason == "Speak to the father before deciding."
    assert returned.factors == ["3B", "16A"]  # kept as a draft
    again = _complete(returned, assessment_worker, at=local(2026, 4, 24, 11))
    assert again.status == AssessmentStatus.SUBMITTED
    assert actions_of(again)[-2:] == ["assessment.returned", "assessment.completed"]


def test_a_return_needs_a_reason_and_a_submitted_assessment(started, completed, assessment_manager):
    assessment = started()
    with refused(None, "has not been submitted"):
        services.assessment_return(
            assessment=assessment, reason="More", by=assessment_manager, at=AUTHORISE_AT
        )
    done = completed(assessment=assessment)
    with refused("reason", "Enter what more work is needed"):
        services.assessment_return(
            assessment=done, reason=" ", by=assessment_manager, at=AUTHORISE_AT
        )


def test_authorising_can_be_made_to_need_oversight(completed, assessment_manager, mash_manager):
    import copy

    from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
    from frontdoor.policies.services import policy_publish

    rules = copy.deepcopy(DEFAULT_RULES)
    rules["oversight"] = {"required_before": ["assessment_authorise"]}
    policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 4, 21),
        by=None,
        at=local(2026, 4, 21),
    )
    assessment = completed()
    with refused(None, "management oversight"):
        services.assessment_authorise(assessment=assessment, by=assessment_manager, at=AUTHORISE_AT)
    oversight_record(
        child=assessment.child,
        direction="Read the assessment; agree the plan.",
        by=mash_manager,
        record_type="assessment",
        record_id=assessment.pk,
        transition="assessment_authorise",
        at=local(2026, 4, 21, 12),
    )
    done = services.assessment_authorise(
        assessment=assessment, by=assessment_manager, at=AUTHORISE_AT
    )
    assert done.status == AssessmentStatus.AUTHORISED
