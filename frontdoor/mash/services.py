"""MASH enquiries, ratings, partner information requests and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import Agency, User
from frontdoor.audit.services import history_write
from frontdoor.intake.feedback import feedback_request
from frontdoor.intake.models import FeedbackStage
from frontdoor.intake.services import referral_nfa_record
from frontdoor.mash.models import (
    NFA_OUTCOMES,
    TRANSFER_OUTCOMES,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    Enquiry,
    EnquiryStatus,
    PartnerRequest,
    Rating,
    RatingChange,
    RequestStatus,
    RequestTemplate,
)
from frontdoor.outbox.services import agency_practitioners_email
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.intake.models import Referral


def enquiry_open(
    *, referral: Referral, rating: str, by: User, reason: str, at: datetime | None = None
) -> Enquiry:
    """Open a MASH enquiry for a referral, with its first rating (called from screening)."""
    from frontdoor.intake.services import mash_team

    at = at or timezone.now()
    if rating not in Rating.values:
        raise ValidationError({"rating": "Select a BRAG rating"})
    with transaction.atomic():
        policy = policy_in_force(at)
        enquiry = Enquiry.objects.create(
            referral=referral,
            child=referral.child,
            team=mash_team(),
            entered_at=at,
            rating=rating,
            rated_at=at,
            due_at=rules_for(policy).due("enquiry", at, rating),
            policy=policy,
        )
        RatingChange.objects.create(enquiry=enquiry, rating=rating, at=at, by=by, reason=reason)
        history_write(
            record=enquiry,
            action="enquiry.opened",
            summary=f"MASH enquiry opened, rated {Rating(rating).label}",
            at=at,
            actor=by,
            child=enquiry.child,
            after={"rating": rating, "due_at": enquiry.due_at},
            reason=reason,
        )
    return enquiry


def _locked_open_enquiry(enquiry: Enquiry) -> Enquiry:
    locked = (
        Enquiry.objects.select_for_update().select_related("child", "policy").get(pk=enquiry.pk)
    )
    if locked.status != EnquiryStatus.OPEN:
        raise ValidationError("This enquiry already has a decision")
    return locked


def enquiry_rate(
    *,
    enquiry: Enquiry,
    rating: str,
    reason: str,
    by: User,
    repeat_reason: str = "",
    at: datetime | None = None,
) -> Enquiry:
    """Re-rate an enquiry. The clock keeps its start; the deadline moves to the new rating's.

    Rating lower than the repeat rule proposes for the child needs ``repeat_reason``.
    """
    from frontdoor.intake.repeats import enquiry_check, repeat_decision

    at = at or timezone.now()
    errors: dict[str, str] = {}
    if rating not in Rating.values:
        errors["rating"] = "Select a BRAG rating"
    if not reason.strip():
        errors["reason"] = "Enter why the rating is changing"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_open_enquiry(enquiry)
        if rating == locked.rating:
            raise ValidationError(
                {"rating": f"The enquiry is already rated {Rating(rating).label}"}
            )
        if at < locked.rated_at:
            raise ValidationError({"rating": "A rating cannot be earlier than the one it replaces"})
        proposal, repeat_error = repeat_decision(
            enquiry_check(locked), chosen=rating, reason=repeat_reason
        )
        if repeat_error:
            raise ValidationError({"repeat_reason": repeat_error})
        rules = rules_for(locked.policy)
        previous = locked.rating
        before = {"rating": previous, "due_at": locked.due_at}
        RatingChange.objects.create(
            enquiry=locked, rating=rating, previous=locked.rating, at=at, by=by, reason=reason
        )
        locked.rating = rating
        locked.rated_at = at
        locked.due_at = rules.due("enquiry", locked.entered_at, rating)
        locked.save(update_fields=["rating", "rated_at", "due_at"])
        for request in locked.requests.filter(status=RequestStatus.SENT).select_related("policy"):
            request.due_at = rules_for(request.policy).due(
                "partner_request", request.sent_at, rating
            )
            request.save(update_fields=["due_at"])
        history_write(
            record=locked,
            action="enquiry.rated",
            summary=f"Re-rated from {Rating(previous).label} to {Rating(rating).label}",
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"rating": rating, "due_at": locked.due_at}
            | ({"repeat_proposal": proposal} if proposal else {}),
            reason=reason,
        )
    return locked


def enquiry_allocate(
    *, enquiry: Enquiry, allocated_to: User, by: User, at: datetime | None = None
) -> Enquiry:
    """Allocate the enquiry to a MASH social worker: it joins their own queue."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().select_related("child").get(pk=enquiry.pk)
        if locked.status == EnquiryStatus.CLOSED:
            raise ValidationError({"allocated_to": "This enquiry is closed"})
        if allocated_to.team_id != locked.team_id or not allocated_to.is_active:
            raise ValidationError({"allocated_to": "Allocate someone in the MASH team"})
        if at < locked.entered_at:
            raise ValidationError(
                {"allocated_to": "Allocation cannot be earlier than the enquiry began"}
            )
        if locked.allocated_to_id == allocated_to.pk:
            return locked  # already theirs: nothing changes, nothing to record
        before = {"allocated_to": locked.allocated_to_id}
        locked.allocated_to = allocated_to
        locked.save(update_fields=["allocated_to"])
        history_write(
            record=locked,
            action="enquiry.allocated",
            summary=f"Allocated to {allocated_to.display_name}",
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"allocated_to": allocated_to.pk},
        )
    return locked


def enquiry_record_lived_experience(
    *, enquiry: Enquiry, text: str, by: User, at: datetime | None = None
) -> Enquiry:
    at = at or timezone.now()
    if not text.strip():
        raise ValidationError({"lived_experience": "Enter the child's lived experience"})
    with transaction.atomic():
        locked = _locked_open_enquiry(enquiry)
        before = {"lived_experience": locked.lived_experience}
        locked.lived_experience = text
        locked.save(update_fields=["lived_experience"])
        history_write(
            record=locked,
            action="enquiry.lived_experience",
            summary="Child's lived experience recorded",
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"lived_experience": text},
        )
    return locked


def request_send(
    *, enquiry: Enquiry, agency: Agency, by: User, at: datetime | None = None, note: str = ""
) -> PartnerRequest:
    """Send an information request to a partner agency, from that agency's template."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked_open_enquiry(enquiry)
        if not (agency.active and agency.receives_requests):
            raise ValidationError({"agency": f"{agency.name} does not take information requests"})
        if locked.requests.filter(agency=agency, status=RequestStatus.SENT).exists():
            raise ValidationError({"agency": f"{agency.name} already has an open request"})
        if at < locked.entered_at:
            raise ValidationError({"agency": "A request cannot be earlier than the enquiry began"})
        template = RequestTemplate.objects.filter(agency=agency).first()
        questions = list(template.questions) if template else []
        if note.strip():
            questions.append(note.strip())
        if not questions:
            raise ValidationError({"agency": f"{agency.name} has no question template: add a note"})
        policy = policy_in_force(at)
        request = PartnerRequest.objects.create(
            enquiry=locked,
            agency=agency,
            questions=questions,
            sent_at=at,
            sent_by=by,
            due_at=rules_for(policy).due("partner_request", at, locked.rating),
            policy=policy,
        )
        history_write(
            record=request,
            action="request.sent",
            summary=f"Information request sent to {agency.name}",
            at=at,
            actor=by,
            child=locked.child,
            after={"agency": agency.code, "due_at": request.due_at},
            logged=locked,
        )
        _tell_agency(request, at=at)
    return request


def _tell_agency(request: PartnerRequest, *, at: datetime) -> None:
    """Email the agency's practitioners that a request waits (no child's details in email)."""
    due = (
        f" It is due by {timezone.localtime(request.due_at):%d %b %Y %H:%M}."
        if request.due_at
        else ""
    )
    agency_practitioners_email(
        request.agency,
        kind="partner_request",
        subject="Front Door: a MASH information request is waiting",
        body=f"The MASH has sent {request.agency.name} information request "
        f"R{request.pk}.{due} Sign in to Front Door to answer it.",
        about=f"request:{request.pk}",
        at=at,
    )


def request_answer(
    *,
    request: PartnerRequest,
    shared: bool,
    by: User,
    response: str = "",
    not_shared_reason: str = "",
    at: datetime | None = None,
) -> PartnerRequest:
    """A partner answers: the information, or that it is not shared and why."""
    at = at or timezone.now()
    if shared and not response.strip():
        raise ValidationError({"response": "Enter the information your agency holds"})
    if not shared and not not_shared_reason.strip():
        raise ValidationError({"not_shared_reason": "Enter why the information is not shared"})
    with transaction.atomic():
        locked = (
            PartnerRequest.objects.select_for_update()
            .select_related("enquiry__child", "agency")
            .get(pk=request.pk)
        )
        if locked.status != RequestStatus.SENT:
            raise ValidationError("This request has already been answered")
        if at < locked.sent_at:
            raise ValidationError("An answer cannot be earlier than the request was sent")
        locked.status = RequestStatus.ANSWERED if shared else RequestStatus.NOT_SHARED
        locked.answered_at = at
        locked.answered_by = by
        locked.response = response if shared else ""
        locked.not_shared_reason = "" if shared else not_shared_reason
        locked.save()
        history_write(
            record=locked,
            action="request.answered" if shared else "request.not_shared",
            summary=f"{locked.agency.name} "
            + ("shared information" if shared else "did not share information"),
            at=at,
            actor=by,
            child=locked.enquiry.child,
            before={"status": RequestStatus.SENT},
            after={"status": locked.status},
            reason=not_shared_reason,
        )
    return locked


def _decision_check(
    outcome: str, rationale: str, referrer_feedback: str, *, whose: str, rationale_field: str
) -> None:
    """A decision needs an outcome, a rationale and the feedback to give the referrer (``whose``
    words the messages: "the" decision or "your" decision)."""
    errors: dict[str, str] = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = f"Select {whose} decision"
    if not rationale.strip():
        errors[rationale_field] = f"Enter the rationale for {whose} decision"
    if not referrer_feedback.strip():
        errors["referrer_feedback"] = "Enter the feedback to give the referrer"
    if errors:
        raise ValidationError(errors)


def _decision_create(
    enquiry: Enquiry,
    outcome: str,
    rationale: str,
    referrer_feedback: str,
    *,
    by: User,
    at: datetime,
    replaces: Decision | None = None,
) -> Decision:
    """A new decision on ``enquiry``, due for sign-off under the policy in force at ``at``."""
    policy = policy_in_force(at)
    return Decision.objects.create(
        enquiry=enquiry,
        outcome=outcome,
        rationale=rationale,
        referrer_feedback=referrer_feedback,
        recorded_by=by,
        recorded_at=at,
        signoff_due_at=rules_for(policy).due("signoff", at, enquiry.rating),
        replaces=replaces,
        policy=policy,
    )


def decision_record(
    *,
    enquiry: Enquiry,
    outcome: str,
    rationale: str,
    referrer_feedback: str,
    by: User,
    at: datetime | None = None,
) -> Decision:
    """A MASH social worker records the decision; it then waits for a manager's sign-off."""
    at = at or timezone.now()
    _decision_check(outcome, rationale, referrer_feedback, whose="the", rationale_field="rationale")
    with transaction.atomic():
        locked = _locked_open_enquiry(enquiry)
        if at < locked.entered_at:
            raise ValidationError(
                {"outcome": "A decision cannot be earlier than the enquiry began"}
            )
        decision = _decision_create(locked, outcome, rationale, referrer_feedback, by=by, at=at)
        locked.status = EnquiryStatus.DECIDED
        locked.completed_at = at
        locked.save(update_fields=["status", "completed_at"])
        history_write(
            record=locked,
            action="decision.recorded",
            summary=f"Decision recorded: {DecisionOutcome(outcome).label}",
            at=at,
            actor=by,
            child=locked.child,
            before={"status": EnquiryStatus.OPEN},
            after={"status": EnquiryStatus.DECIDED, "outcome": outcome},
            reason=rationale,
        )
    return decision


def _locked_decision(decision: Decision, by: User, at: datetime) -> Decision:
    """The decision, locked, checked to be awaiting a review ``by`` may give at ``at``."""
    locked = (
        Decision.objects.select_for_update()
        .select_related("enquiry__child", "enquiry__referral", "recorded_by", "policy")
        .get(pk=decision.pk)
    )
    if locked.status != DecisionStatus.AWAITING:
        done = {
            DecisionStatus.SIGNED_OFF: "signed off",
            DecisionStatus.SENT_BACK: "sent back",
            DecisionStatus.REPLACED: "replaced",
        }[DecisionStatus(locked.status)]
        raise ValidationError(f"This decision has already been {done}")
    if locked.recorded_by_id == by.pk:
        raise ValidationError(
            {"oversight": "A manager other than the decision's author must review it"}
        )
    if not can(by, Perm.SIGN_OFF, locked):
        raise ValidationError({"oversight": "Only a MASH manager can review a decision"})
    if at < locked.recorded_at:
        raise ValidationError({"oversight": "A review cannot be earlier than the decision"})
    return locked


def _reviewed(decision: Decision, *, status: str, oversight: str, by: User, at: datetime) -> None:
    decision.status = status
    decision.reviewed_by = by
    decision.reviewed_at = at
    decision.oversight = oversight
    if status == DecisionStatus.SIGNED_OFF:
        decision.signed_off_by = by
        decision.signed_off_at = at
    decision.save()


def decision_sign_off(
    *, decision: Decision, oversight: str, by: User, at: datetime | None = None
) -> Decision:
    """A manager who is not the author agrees and signs the decision off. What it implies
    follows: a transfer request with its clock (assessment, strategy discussion), or the
    enquiry's closure; and the referrer is told (``feedback_request``)."""
    at = at or timezone.now()
    if not oversight.strip():
        raise ValidationError({"oversight": "Enter your management oversight and rationale"})
    with transaction.atomic():
        locked = _locked_decision(decision, by, at)
        _reviewed(locked, status=DecisionStatus.SIGNED_OFF, oversight=oversight, by=by, at=at)
        enquiry = locked.enquiry
        if locked.outcome in TRANSFER_OUTCOMES:
            locked.transfer_due_at = rules_for(locked.policy).due(
                "transfer_request", at, enquiry.rating
            )
            locked.save(update_fields=["transfer_due_at"])
        else:
            enquiry.status = EnquiryStatus.CLOSED
            enquiry.save(update_fields=["status"])
        if locked.outcome in NFA_OUTCOMES:
            referral_nfa_record(referral=enquiry.referral)
        history_write(
            record=enquiry,
            action="decision.signed_off",
            summary=f"Decision signed off: {locked.get_outcome_display()}",
            at=at,
            actor=by,
            child=enquiry.child,
            after={
                "signed_off_by": by.pk,
                "outcome": locked.outcome,
                "transfer_due_at": locked.transfer_due_at,
                "enquiry": enquiry.status,
            },
            reason=oversight,
        )
        feedback_request(
            contact_child=enquiry.referral.contact_child,
            stage=FeedbackStage.MASH_DECISION,
            text=locked.referrer_feedback,
            by=by,
            at=at,
            source=f"decision:{locked.pk}",
        )
    return locked


def decision_send_back(
    *, decision: Decision, reasons: str, by: User, at: datetime | None = None
) -> Decision:
    """A manager disagrees and sends the decision back with reasons: the enquiry opens again
    (allocated to the decision's author), and its clock runs on from when it began."""
    at = at or timezone.now()
    if not reasons.strip():
        raise ValidationError({"oversight": "Enter what the worker should reconsider, and why"})
    with transaction.atomic():
        locked = _locked_decision(decision, by, at)
        _reviewed(locked, status=DecisionStatus.SENT_BACK, oversight=reasons, by=by, at=at)
        enquiry = Enquiry.objects.select_for_update().get(pk=locked.enquiry_id)
        before = {
            "status": enquiry.status,
            "completed_at": enquiry.completed_at,
            "allocated_to": enquiry.allocated_to_id,
        }
        enquiry.status = EnquiryStatus.OPEN
        enquiry.completed_at = None
        author = locked.recorded_by
        if author.is_active and author.team_id == enquiry.team_id:
            enquiry.allocated_to = author
        enquiry.save(update_fields=["status", "completed_at", "allocated_to"])
        history_write(
            record=enquiry,
            action="decision.sent_back",
            summary=f"Decision ({locked.get_outcome_display()}) sent back to "
            f"{author.display_name} to decide again",
            at=at,
            actor=by,
            child=enquiry.child,
            before=before,
            after={
                "status": enquiry.status,
                "decision": locked.pk,
                "allocated_to": enquiry.allocated_to_id,
                "due_at": enquiry.due_at,
            },
            reason=reasons,
        )
    return locked


def decision_replace(
    *,
    decision: Decision,
    outcome: str,
    rationale: str,
    referrer_feedback: str,
    by: User,
    at: datetime | None = None,
) -> Decision:
    """A manager disagrees and records a different decision as their own, with their
    rationale. It replaces the worker's, and waits for another manager's sign-off: no
    decision is signed off by its author."""
    at = at or timezone.now()
    _decision_check(
        outcome, rationale, referrer_feedback, whose="your", rationale_field="oversight"
    )
    with transaction.atomic():
        locked = _locked_decision(decision, by, at)
        if outcome == locked.outcome:
            raise ValidationError(
                {"outcome": "That is the decision already recorded: sign it off instead"}
            )
        _reviewed(locked, status=DecisionStatus.REPLACED, oversight=rationale, by=by, at=at)
        enquiry = locked.enquiry
        replacement = _decision_create(
            enquiry, outcome, rationale, referrer_feedback, by=by, at=at, replaces=locked
        )
        history_write(
            record=enquiry,
            action="decision.replaced",
            summary=f"{by.display_name} replaced the decision "
            f"({locked.get_outcome_display()}) with their own: "
            f"{replacement.get_outcome_display()}",
            at=at,
            actor=by,
            child=enquiry.child,
            before={"decision": locked.pk, "outcome": locked.outcome},
            after={"decision": replacement.pk, "outcome": outcome},
            reason=rationale,
        )
    return replacement


def enquiry_close(*, enquiry: Enquiry, reason: str, by: User, at: datetime) -> Enquiry:
    """Close an enquiry whose signed-off decision has been carried out elsewhere (the
    assessment team accepted its transfer). Only the MASH closes an enquiry: the transfer
    stage calls this inside its own transaction. Closing a closed enquiry does nothing."""
    with transaction.atomic():
        locked = Enquiry.objects.select_for_update().select_related("child").get(pk=enquiry.pk)
        if locked.status == EnquiryStatus.CLOSED:
            return locked
        before = {"status": locked.status}
        locked.status = EnquiryStatus.CLOSED
        locked.save(update_fields=["status"])
        history_write(
            record=locked,
            action="enquiry.closed",
            summary=f"MASH enquiry closed: {reason}",
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"status": EnquiryStatus.CLOSED},
            reason=reason,
        )
    return locked
