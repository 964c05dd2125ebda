"""Child and family assessments: start, visits, completion, and a manager's authorisation.

Every function validates before it writes (a refusal saves nothing), locks the assessment
(or the transfer it starts from), appends an event on the child's timeline and logs the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.access import Perm, can
from frontdoor.assessments.codes import FACTORS_BY_CODE, NO_FACTORS
from frontdoor.assessments.models import (
    IN_NEED_STEPS,
    Assessment,
    AssessmentStatus,
    AssessmentVisit,
    NextStep,
)
from frontdoor.audit.services import history_write
from frontdoor.intake.models import Referral
from frontdoor.oversight.services import oversight_required
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force
from frontdoor.transfers.models import Transfer, TransferStatus
from frontdoor.transfers.services import seen_text, visit_seen_check, visit_time_check

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def referral_started_at(referral: Referral) -> datetime:
    """When the assessment clock starts: the referral (the contact's receipt, on its date).

    The referral date is the local date the contact was received; should the two ever differ
    (a referral dated by hand), the clock starts at the beginning of the referral date.
    """
    received = referral.contact_child.contact.received_at
    if timezone.localdate(received) == referral.referral_date:
        return received
    return _start_of(referral.referral_date)


def _start_of(day: date) -> datetime:
    """The first moment of ``day`` in local time."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("child").get(pk=assessment.pk)


def _status_error(assessment: Assessment, wanted: str) -> ValidationError:
    messages = {
        AssessmentStatus.IN_PROGRESS: "This assessment is in progress: it has not been submitted",
        AssessmentStatus.SUBMITTED: "This assessment has already been submitted for authorisation",
        AssessmentStatus.AUTHORISED: "This assessment has already been authorised",
    }
    return ValidationError(messages[AssessmentStatus(assessment.status)])


# --------------------------------------------------------------------------- start


def assessment_start(
    *,
    transfer: Transfer,
    started_on: date,
    by: User,
    worker: User | None = None,
    at: datetime | None = None,
) -> Assessment:
    """Start the child and family assessment of an accepted transfer's referral.

    Due 45 working days (policy key ``assessment``) from the referral date, under the policy
    version in force at the referral. One assessment per referral: a repeated start is refused.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("child", "referral__contact_child__contact", "allocated_to")
            .get(pk=transfer.pk)
        )
        if locked.status != TransferStatus.ACCEPTED:
            raise ValidationError("An assessment can only start once the transfer is accepted")
        if Assessment.objects.filter(referral_id=locked.referral_id).exists():
            raise ValidationError("The assessment of this referral has already been started")
        referral = locked.referral
        if started_on < referral.referral_date:
            raise ValidationError(
                {
                    "started_on": "The start date must be on or after the referral date, "
                    + long_date(referral.referral_date)
                }
            )
        if started_on > timezone.localdate(at):
            raise ValidationError({"started_on": "The start date cannot be in the future"})
        worker = worker or locked.allocated_to or by
        if worker.pk != locked.allocated_to_id and worker.team_id != locked.to_team_id:
            raise ValidationError({"worker": "Choose a social worker in the receiving team"})
        referral_at = referral_started_at(referral)
        policy = policy_in_force(referral_at)
        assessment = Assessment.objects.create(
            child=locked.child,
            referral=referral,
            transfer=locked,
            worker=worker,
            started_on=started_on,
            started_by=by,
            recorded_at=at,
            referral_at=referral_at,
            due_at=rules_for(policy).due("assessment", referral_at),
            policy=policy,
        )
        history_write(
            record=assessment,
            action="assessment.started",
            summary=f"Child and family assessment started on {long_date(started_on)}; "
            f"worker {worker.display_name}",
            at=at,
            actor=by,
            child=assessment.child,
            after={
                "started_on": started_on,
                "worker": worker.pk,
                "due_at": assessment.due_at,
                "policy": policy.pk,
            },
        )
    return assessment


# --------------------------------------------------------------------------- visits


def assessment_visit_record(
    *,
    assessment: Assessment,
    visited_at: datetime,
    child_seen: bool,
    seen_alone: bool,
    by: User,
    notes: str = "",
    at: datetime | None = None,
) -> AssessmentVisit:
    """Record a visit to the child during the assessment (seen; seen alone)."""
    at = at or timezone.now()
    visit_seen_check(child_seen=child_seen, seen_alone=seen_alone)
    with transaction.atomic():
        locked = _locked(assessment)
        if locked.status != AssessmentStatus.IN_PROGRESS:
            raise ValidationError("Visits can be recorded only while the assessment is in progress")
        visit_time_check(
            visited_at,
            earliest=_start_of(locked.started_on),
            too_early="The visit cannot be before the assessment started on "
            + long_date(locked.started_on),
            at=at,
            field="visited_date",
        )
        if locked.visits.filter(visited_at=visited_at).exists():
            raise ValidationError("A visit at this date and time has already been recorded")
        visit = AssessmentVisit.objects.create(
            assessment=locked,
            child=locked.child,
            visited_at=visited_at,
            child_seen=child_seen,
            seen_alone=seen_alone,
            notes=notes.strip(),
            recorded_by=by,
            recorded_at=at,
        )
        history_write(
            record=locked,
            action="assessment.visit_recorded",
            summary=f"Assessment visit: {seen_text(child_seen, seen_alone)}",
            at=at,
            actor=by,
            child=locked.child,
            after={"visited_at": visited_at, "child_seen": child_seen, "seen_alone": seen_alone},
        )
    return visit


# --------------------------------------------------------------------------- outcome


def _checked_factors(codes: Iterable[str], child_in_need: bool) -> list[str]:
    chosen = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
    if not chosen:
        raise ValidationError(
            {"factors": "Select the factors identified, or ‘No factors identified’"}
        )
    unknown = [code for code in chosen if code not in FACTORS_BY_CODE]
    if unknown:
        raise ValidationError(
            {"factors": f"{', '.join(unknown)} is not a factor on the CIN census list"}
        )
    if NO_FACTORS in chosen and len(chosen) > 1:
        raise ValidationError(
            {"factors": "‘No factors identified’ cannot be chosen with other factors"}
        )
    if NO_FACTORS in chosen and child_in_need:
        raise ValidationError(
            {"factors": "Select the factors identified: a child in need has at least one"}
        )
    order = list(FACTORS_BY_CODE)
    return sorted(chosen, key=order.index)


def assessment_complete(
    *,
    assessment: Assessment,
    child_in_need: bool | None,
    next_step: str,
    factors: Iterable[str],
    analysis: str,
    by: User,
    late_reason: str = "",
    at: datetime | None = None,
) -> Assessment:
    """The social worker submits the completed assessment for a manager's authorisation.

    When it is completed after its due date the reason is required (and kept); on time, a
    reason given is not kept. Finding the child not in need may need management oversight
    first (policy ``oversight.required_before``: ``assessment_not_in_need``).
    """
    at = at or timezone.now()
    if child_in_need is None:
        raise ValidationError({"child_in_need": "Select whether the child is in need"})
    if next_step not in NextStep.values:
        raise ValidationError({"next_step": "Select the next step"})
    if child_in_need and next_step not in IN_NEED_STEPS:
        raise ValidationError(
            {
                "next_step": "A child in need goes on to a child in need plan or a strategy "
                "discussion"
            }
        )
    if not child_in_need and next_step in IN_NEED_STEPS:
        raise ValidationError(
            {"next_step": "A child not in need steps down to early help or no further action"}
        )
    codes = _checked_factors(factors, child_in_need)
    if not analysis.strip():
        raise ValidationError({"analysis": "Enter the analysis and the reasons for the outcome"})
    with transaction.atomic():
        locked = _locked(assessment)
        if locked.status != AssessmentStatus.IN_PROGRESS:
            raise _status_error(locked, AssessmentStatus.IN_PROGRESS)
        if timezone.localdate(at) < locked.started_on:
            raise ValidationError("An assessment cannot be completed before it started")
        late = locked.due_at is not None and at > locked.due_at
        if late and not late_reason.strip():
            raise ValidationError(
                {"late_reason": "Enter why the assessment was completed after its due date"}
            )
        if not child_in_need:
            oversight_required(record=locked, transition="assessment_not_in_need", at=at)
        before = {"status": locked.status}
        locked.status = AssessmentStatus.SUBMITTED
        locked.completed_at = at
        locked.completed_by = by
        locked.child_in_need = child_in_need
        locked.next_step = next_step
        locked.factors = codes
        locked.analysis = analysis.strip()
        locked.late_reason = late_reason.strip() if late else ""
        locked.save()
        history_write(
            record=locked,
            action="assessment.completed",
            summary="Assessment completed"
            + (" late" if late else "")
            + (": child in need; " if child_in_need else ": not a child in need; ")
            + NextStep(next_step).label[:1].lower()
            + NextStep(next_step).label[1:],
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={
                "status": locked.status,
                "child_in_need": child_in_need,
                "next_step": next_step,
                "factors": codes,
                "late": late,
            },
            reason=locked.late_reason,
        )
    return locked


# --------------------------------------------------------------------------- manager


def _manager_checks(locked: Assessment, by: User, at: datetime, verb: str, done: str) -> None:
    if not can(by, Perm.ASSESSMENT_AUTHORISE):
        raise ValidationError(f"Only a manager can {verb} an assessment")
    if locked.status != AssessmentStatus.SUBMITTED:
        if locked.status == AssessmentStatus.AUTHORISED:
            raise _status_error(locked, AssessmentStatus.SUBMITTED)
        raise ValidationError("This assessment has not been submitted for authorisation")
    if timezone.localdate(at) < locked.started_on:
        raise ValidationError(f"An assessment cannot be {done} before it started")
    if locked.completed_at is not None and at < locked.completed_at:
        raise ValidationError(f"An assessment cannot be {done} before it was completed")


def assessment_authorise(
    *, assessment: Assessment, by: User, comment: str = "", at: datetime | None = None
) -> Assessment:
    """A manager authorises the submitted assessment: never the worker who completed it."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked(assessment)
        _manager_checks(locked, by, at, "authorise", "authorised")
        if by.pk in (locked.completed_by_id, locked.worker_id):
            raise ValidationError(
                "You cannot authorise an assessment you completed: another manager must"
            )
        oversight_required(record=locked, transition="assessment_authorise", at=at)
        locked.status = AssessmentStatus.AUTHORISED
        locked.authorised_at = at
        locked.authorised_by = by
        locked.authorisation_comment = comment.strip()
        locked.save()
        history_write(
            record=locked,
            action="assessment.authorised",
            summary=f"Assessment authorised by {by.display_name}",
            at=at,
            actor=by,
            child=locked.child,
            before={"status": AssessmentStatus.SUBMITTED},
            after={"status": AssessmentStatus.AUTHORISED},
            reason=locked.authorisation_comment,
        )
    return locked


def assessment_return(
    *, assessment: Assessment, reason: str, by: User, at: datetime | None = None
) -> Assessment:
    """A manager returns the submitted assessment for more work, saying what is needed.

    It is in progress again and its clock runs on (it is no longer completed); the outcome
    stays as a draft for the worker to change and submit again.
    """
    at = at or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Enter what more work is needed"})
    with transaction.atomic():
        locked = _locked(assessment)
        _manager_checks(locked, by, at, "return", "returned")
        before: dict[str, Any] = {"status": locked.status, "completed_at": locked.completed_at}
        locked.status = AssessmentStatus.IN_PROGRESS
        locked.completed_at = None
        locked.completed_by = None
        locked.returned_at = at
        locked.returned_by = by
        locked.return_reason = reason.strip()
        locked.save()
        history_write(
            record=locked,
            action="assessment.returned",
            summary=f"Assessment returned for more work by {by.display_name}",
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"status": AssessmentStatus.IN_PROGRESS},
            reason=locked.return_reason,
        )
    return locked
