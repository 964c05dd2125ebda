"""Feedback to referrers: statutory, and marked as given only when it was.

Each screening decision, and each MASH decision once signed off, gives the referrer one
``ReferrerFeedback`` per child, with a clock (``referrer_feedback``, 1 working day):

* the referrer gave an email address: the feedback is emailed through the outbox, and counts
  as given once the outbox has sent it (never when it is merely queued);
* otherwise, or when the email fails, it is a task for the deciding team to phone or write,
  which a person records: who, when, how and what was said (``feedback_record``);
* a referrer who left no phone number or email address cannot be told: the feedback is
  closed with that reason, and so is one a person tried and could not reach.

What counts as given, and the queue of feedback still to give, are read in
``feedback_given_q`` and ``feedback_to_give`` so every page, queue and figure agrees.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from frontdoor.accounts.models import Team, TeamKind
from frontdoor.audit.services import event_append, history_write
from frontdoor.intake.models import (
    Contact,
    ContactChild,
    FeedbackMethod,
    FeedbackStage,
    ReferrerFeedback,
)
from frontdoor.intake.selectors import SCREENING_IN_PLAIN_WORDS, WHAT_NEXT
from frontdoor.outbox.models import MessageStatus
from frontdoor.outbox.services import message_enqueue
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

NO_WAY_TO_REACH = "The referrer left no phone number or email address, so they cannot be told."


def initials(link: ContactChild) -> str:
    """How an email tells children apart without naming them: their initials."""
    parts = [p.strip()[:1].upper() for p in (link.child.first_name, link.child.last_name)]
    found = " ".join(f"{p}." for p in parts if p)
    return found or "not known"


def screening_feedback_text(link: ContactChild) -> str:
    outcome = link.outcome
    return f"{SCREENING_IN_PLAIN_WORDS.get(outcome, outcome)}. {WHAT_NEXT.get(outcome, '')}".strip()


# --------------------------------------------------------------------------- reads


def feedback_given_q(prefix: str = "") -> Q:
    """Feedback that was given: its email sent, or a call or letter recorded."""
    return Q(**{f"{prefix}given_at__isnull": False}) | Q(
        **{f"{prefix}email_message__status": MessageStatus.SENT}
    )


def feedback_open_q(prefix: str = "") -> Q:
    """Feedback not yet given and not closed (waiting on an email, or on a person)."""
    return ~feedback_given_q(prefix) & Q(**{f"{prefix}closed_at__isnull": True})


def feedback_to_give(qs: QuerySet[ReferrerFeedback] | None = None) -> QuerySet[ReferrerFeedback]:
    """Feedback a person must give: no email to send, or the email failed."""
    qs = qs if qs is not None else ReferrerFeedback.objects.all()
    return qs.filter(feedback_open_q()).filter(
        Q(email_message__isnull=True) | Q(email_message__status=MessageStatus.FAILED)
    )


def with_given_at(qs: QuerySet[ReferrerFeedback]) -> QuerySet[ReferrerFeedback]:
    """Annotate ``done_at``: when the feedback was given (the email sent, or the call or
    letter recorded), or None."""
    sent = Q(email_message__status=MessageStatus.SENT)
    return qs.annotate(
        done_at=Coalesce("given_at", Case(When(sent, then="email_message__sent_at"), default=None))
    )


def feedback_given_at(feedback: ReferrerFeedback) -> datetime | None:
    if feedback.given_at is not None:
        return feedback.given_at
    message = feedback.email_message
    if message is not None and message.status == MessageStatus.SENT:
        return message.sent_at
    return None


def feedback_state(feedback: ReferrerFeedback) -> str:
    """In words, for pages: given (how, when), closed (why), or what it waits for."""
    if feedback.given_at is not None:
        return f"{feedback.get_given_method_display()} recorded by {feedback.given_by}"
    message = feedback.email_message
    if message is not None and message.status == MessageStatus.SENT:
        return "Emailed"
    if feedback.closed_at is not None:
        return "Not given"
    if message is not None and message.status == MessageStatus.FAILED:
        return "Email failed: phone or write"
    if message is not None:
        return "Email waiting to be sent"
    return "To phone or write"


# --------------------------------------------------------------------------- writes


def _email_feedback(feedback: ReferrerFeedback, *, to: str, at: datetime) -> None:
    link = feedback.contact_child
    contact = feedback.contact
    stage = "screening decision" if feedback.stage == FeedbackStage.SCREENING else "decision"
    try:
        message = message_enqueue(
            kind="referrer_feedback",
            to=to,
            subject=f"Front Door: the {stage} on your contact {contact.reference}",
            body=f"About the child with the initials {initials(link)} in your contact "
            f"{contact.reference} of {timezone.localtime(contact.received_at):%d %B %Y}:\n\n"
            f"{feedback.text}\n\nIf you are still worried, or something else happens, "
            "contact us again and give your reference.",
            about=feedback.source or f"feedback:{feedback.pk}",
            at=at,
        )
    except ValidationError:
        return  # an unusable address: the feedback stays a task to phone or write
    feedback.email_message = message
    feedback.save(update_fields=["email_message"])


def feedback_request(
    *,
    contact_child: ContactChild,
    stage: str,
    text: str,
    by: User | None,
    at: datetime,
    source: str = "",
) -> ReferrerFeedback:
    """Start telling the referrer (call inside the decision's transaction): an email when
    they gave an address, otherwise a task with a clock for the deciding team, or, when they
    left no way to reach them, a closure with the reason."""
    contact: Contact = contact_child.contact
    policy = policy_in_force(at)
    team = (
        by.team
        if by is not None and by.team_id
        else Team.objects.filter(kind=TeamKind.MASH).first()
    )
    feedback = ReferrerFeedback.objects.create(
        contact=contact,
        contact_child=contact_child,
        stage=stage,
        source=source,
        text=text,
        decided_by=by,
        team=team,
        created_at=at,
        due_at=rules_for(policy).due("referrer_feedback", at),
        policy=policy,
    )
    if contact.referrer_email:
        _email_feedback(feedback, to=contact.referrer_email, at=at)
    if feedback.email_message_id is None and not contact.referrer_phone.strip():
        feedback.closed_reason = NO_WAY_TO_REACH
        feedback.closed_at = at
        feedback.save(update_fields=["closed_reason", "closed_at"])
    how = (
        "emailed"
        if feedback.email_message_id
        else ("closed: no way to reach the referrer" if feedback.closed_at else "to phone")
    )
    event_append(
        record=feedback,
        action="feedback.requested",
        summary=f"Feedback to the referrer on the {FeedbackStage(stage).label.lower()} ({how})",
        at=at,
        actor=by,
        child=contact_child.child,
        after={"stage": stage, "due_at": feedback.due_at, "email": bool(feedback.email_message_id)},
    )
    return feedback


RECORD_METHODS = {
    FeedbackMethod.PHONE: "Phoned the referrer",
    FeedbackMethod.LETTER: "Wrote to the referrer",
    "unreachable": "Could not reach the referrer",
}


def feedback_record(
    *,
    feedback: ReferrerFeedback,
    method: str,
    given_at: datetime,
    note: str,
    by: User,
    at: datetime | None = None,
) -> ReferrerFeedback:
    """A person records feedback they gave: a phone call or a letter (when, what was said),
    or that they could not reach the referrer (which closes it, with what they tried)."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if method not in RECORD_METHODS:
        errors["method"] = "Select how you told the referrer"
    if not note.strip():
        errors["note"] = (
            "Enter what you tried" if method == "unreachable" else "Enter what you told them"
        )
    if given_at > at:
        errors["given_at"] = "The time must not be in the future"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock only the feedback's own row: PostgreSQL refuses FOR UPDATE across the
        # nullable join to its email.
        locked = (
            ReferrerFeedback.objects.select_for_update(of=("self",))
            .select_related("contact_child__child", "email_message")
            .get(pk=feedback.pk)
        )
        if feedback_given_at(locked) is not None or locked.closed_at is not None:
            raise ValidationError("This feedback has already been given or closed")
        if given_at < locked.created_at:
            raise ValidationError({"given_at": "The time cannot be before the decision"})
        if method == "unreachable":
            locked.closed_reason = f"Could not reach the referrer: {note.strip()}"
            locked.closed_at = given_at
        else:
            locked.given_method = method
            locked.given_at = given_at
            locked.given_by = by
            locked.given_note = note.strip()
            locked.recorded_at = at
        locked.save()
        history_write(
            record=locked,
            action="feedback.given" if method != "unreachable" else "feedback.unreachable",
            summary=f"{RECORD_METHODS[method]} about the "
            f"{FeedbackStage(locked.stage).label.lower()}",
            at=at,
            actor=by,
            child=locked.contact_child.child,
            after={"method": method, "at": given_at},
            reason=note.strip(),
            logged=locked.contact,
        )
    return locked
