"""Contacts and screening decisions: every write of the intake stage."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.models import Team, TeamKind
from frontdoor.audit.services import event_append, history_write
from frontdoor.intake.feedback import feedback_request, screening_feedback_text
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    Contact,
    ContactChild,
    FeedbackStage,
    LawfulBasis,
    OpenCaseInformation,
    ParentsAware,
    Referral,
    ReferralSource,
    ScreeningOutcome,
)
from frontdoor.people.models import Person
from frontdoor.people.services import ChildDetails, child_create, child_details_validate
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

CLOCK_SKEW = timedelta(minutes=5)


def _validate_contact(
    *,
    channel: str,
    source: str,
    received_at: datetime,
    at: datetime,
    concern: str,
    consent_status: str,
    consent_reason: str,
    lawful_basis: str,
    sharing_override_reason: str,
    parents_aware: str = "",
) -> None:
    errors: dict[str, str] = {}
    if parents_aware and parents_aware not in ParentsAware.values:
        errors["parents_aware"] = "Select whether the parents or carers know about the contact"
    if channel not in Channel.values:
        errors["channel"] = "Select how the contact arrived"
    if source not in ReferralSource.values:
        errors["source"] = "Select the referral source"
    if received_at > at + CLOCK_SKEW:
        errors["received_at"] = "The time the contact was received must not be in the future"
    if not concern.strip():
        errors["concern"] = "Enter the concern in the referrer's words"
    if consent_status not in ConsentStatus.values:
        errors["consent_status"] = "Select whether the family's consent was given"
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Select the lawful basis for sharing information"
    if (
        consent_status in (ConsentStatus.REFUSED, ConsentStatus.NOT_SOUGHT)
        and not consent_reason.strip()
    ):
        errors["consent_reason"] = "Enter why consent was refused or not sought"
    if lawful_basis == LawfulBasis.CONSENT and consent_status != ConsentStatus.GIVEN:
        errors["lawful_basis"] = "Consent cannot be the lawful basis when consent was not given"
    if consent_status != ConsentStatus.GIVEN and not sharing_override_reason.strip():
        errors["sharing_override_reason"] = (
            "Enter why information will be shared without the family's consent"
        )
    if errors:
        raise ValidationError(errors)


def screening_due_for(contact: Contact) -> datetime:
    """When each child's screening decision is due: 1 working day from receipt, or, when the
    contact says a child is at immediate risk, the immediate-risk clock (2 hours that run out
    of hours too, by default). Both come from the policy the contact was received under."""
    rules = rules_for(contact.policy)
    due = None
    if contact.immediate_risk:
        due = rules.due("screening_immediate_risk", contact.received_at)
    due = due or rules.due("screening", contact.received_at)
    if due is None:
        raise ValidationError("The timescale policy sets no screening timescale")
    return due


def immediate_risk_alert(*, contact: Contact, at: datetime) -> list[str]:
    """Email the MASH manager on duty (or, with none on duty, every MASH manager) that a
    contact with immediate risk waits: its reference and link, never the child's details.
    Returns the addresses the alert was put in the outbox for; an event records them."""
    from frontdoor.accounts.services import duty_managers
    from frontdoor.intake.submissions import site_url
    from frontdoor.outbox.services import message_enqueue

    team = Team.objects.filter(kind=TeamKind.MASH).select_related("duty_manager").first()
    recipients = duty_managers(team) if team is not None else []
    due = min(link.screening_due_at for link in contact.children.all())
    queued: list[str] = []
    for user in recipients:
        if not user.email:
            continue
        try:
            message_enqueue(
                kind="immediate_risk_alert",
                to=user.email,
                subject=f"Front Door: immediate risk, contact {contact.reference}",
                body=f"Contact {contact.reference} says a child is at immediate risk of "
                f"significant harm. The screening decision is due by "
                f"{timezone.localtime(due):%H:%M on %d %b %Y}. Open it in Front Door: "
                f"{site_url()}{reverse('contact-detail', args=[contact.pk])}",
                about=f"contact:{contact.pk}",
                at=at,
            )
        except ValidationError:
            continue  # an unusable address: the others are still told
        queued.append(user.display_name)
    on_duty = team is not None and recipients == [team.duty_manager]
    event_append(
        record=contact,
        action="contact.immediate_risk_alert",
        summary=(
            f"Immediate risk: alert email queued for {', '.join(queued)}"
            + (" (duty manager)" if on_duty else " (no duty manager: every MASH manager)")
            if queued
            else "Immediate risk: no MASH manager with an email address to alert"
        ),
        at=at,
        actor=None,
        after={"recipients": queued, "duty_manager": on_duty, "due_at": due},
    )
    return queued


def _add_child(*, contact: Contact, child: Person, by: User | None, at: datetime) -> ContactChild:
    if ContactChild.objects.filter(contact=contact, child=child).exists():
        raise ValidationError({"child": "This child is already named in the contact"})
    due = screening_due_for(contact)
    link = ContactChild.objects.create(contact=contact, child=child, screening_due_at=due)
    history_write(
        record=contact,
        action="contact.child_added",
        summary=f"{child.full_name} named in contact {contact.reference}",
        at=at,
        actor=by,
        child=child,
        after={"child": child.pk, "screening_due_at": due},
    )
    return link


def contact_record(
    *,
    received_at: datetime,
    channel: str,
    source: str,
    concern: str,
    immediate_risk: bool,
    consent_status: str,
    lawful_basis: str,
    children: Sequence[ChildDetails | Person],
    by: User | None,
    referrer_name: str = "",
    referrer_role: str = "",
    referrer_agency: str = "",
    referrer_phone: str = "",
    referrer_email: str = "",
    consent_reason: str = "",
    sharing_override_reason: str = "",
    parents_aware: str = "",
    parental_responsibility_notes: str = "",
    household_notes: str = "",
    at: datetime | None = None,
) -> Contact:
    """Record a contact and the children it names; starts each child's screening clock.

    ``parents_aware`` (a ``ParentsAware`` value, or "" when not asked) and the two notes are
    the household answers in the referrer's words; the adults themselves are recorded with
    ``frontdoor.people.households``.
    """
    at = at or timezone.now()
    _validate_contact(
        channel=channel,
        source=source,
        received_at=received_at,
        at=at,
        concern=concern,
        consent_status=consent_status,
        consent_reason=consent_reason,
        lawful_basis=lawful_basis,
        sharing_override_reason=sharing_override_reason,
        parents_aware=parents_aware,
    )
    if not children:
        raise ValidationError({"children": "Name at least one child"})
    on = timezone.localdate(received_at)
    for item in children:
        if isinstance(item, ChildDetails):
            child_details_validate(item, on=on)
    with transaction.atomic():
        policy = policy_in_force(received_at)
        contact = Contact.objects.create(
            reference=f"p{uuid.uuid4().hex[:19]}",  # replaced below, once the id is known
            received_at=received_at,
            channel=channel,
            source=source,
            referrer_name=referrer_name,
            referrer_role=referrer_role,
            referrer_agency=referrer_agency,
            referrer_phone=referrer_phone,
            referrer_email=referrer_email,
            concern=concern,
            immediate_risk=immediate_risk,
            consent_status=consent_status,
            consent_reason=consent_reason,
            lawful_basis=lawful_basis,
            sharing_override_reason=sharing_override_reason,
            parents_aware=parents_aware,
            parental_responsibility_notes=parental_responsibility_notes.strip(),
            household_notes=household_notes.strip(),
            recorded_by=by,
            recorded_at=at,
            policy=policy,
        )
        contact.reference = f"C{contact.pk:07d}"
        contact.save(update_fields=["reference"])
        event_append(
            record=contact,
            action="contact.recorded",
            summary=f"Contact {contact.reference} recorded ({contact.get_channel_display()})",
            at=at,
            actor=by,
            after={
                "received_at": received_at,
                "channel": channel,
                "source": source,
                "immediate_risk": immediate_risk,
                "consent_status": consent_status,
                "lawful_basis": lawful_basis,
            },
            reason=sharing_override_reason,
        )
        for item in children:
            child = (
                item
                if isinstance(item, Person)
                else child_create(details=item, by=by, at=at, on=on)
            )
            _add_child(contact=contact, child=child, by=by, at=at)
        if immediate_risk:
            immediate_risk_alert(contact=contact, at=at)
    return contact


def contact_add_child(
    *, contact: Contact, child: ChildDetails | Person, by: User, at: datetime | None = None
) -> ContactChild:
    at = at or timezone.now()
    with transaction.atomic():
        person = (
            child
            if isinstance(child, Person)
            else child_create(
                details=child, by=by, at=at, on=timezone.localdate(contact.received_at)
            )
        )
        return _add_child(contact=contact, child=person, by=by, at=at)


def _pass_to_allocated_worker(
    *, link: ContactChild, worker: User, by: User, at: datetime
) -> OpenCaseInformation:
    """The child's case is open: the contact is new information for their allocated worker,
    in the worker's and their team's queues with a clock (no new referral is made)."""
    policy = policy_in_force(at)
    item = OpenCaseInformation.objects.create(
        contact_child=link,
        worker=worker,
        team=worker.team,
        passed_at=at,
        due_at=rules_for(policy).due("open_case_information", at),
        policy=policy,
    )
    event_append(
        record=link.contact,
        action="contact.passed_to_worker",
        summary=f"New information passed to the allocated worker, {worker.display_name}",
        at=at,
        actor=by,
        child=link.child,
        after={"worker": worker.pk, "due_at": item.due_at},
    )
    return item


def open_case_acknowledge(
    *, item: OpenCaseInformation, action_taken: str, by: User, at: datetime | None = None
) -> OpenCaseInformation:
    """The allocated worker (or a manager in their team) acknowledges new information on an
    open case and records what they did about it."""
    from frontdoor.accounts.access import Perm, can

    at = at or timezone.now()
    if not action_taken.strip():
        raise ValidationError({"action_taken": "Enter what you did about the new information"})
    with transaction.atomic():
        locked = (
            OpenCaseInformation.objects.select_for_update()
            .select_related("contact_child__child", "contact_child__contact")
            .get(pk=item.pk)
        )
        if locked.acknowledged_at is not None:
            raise ValidationError("This information has already been acknowledged")
        if not can(by, Perm.OPEN_CASE_ACT, locked):
            raise ValidationError(
                "Only the allocated worker or a manager in their team can acknowledge this"
            )
        if at < locked.passed_at:
            raise ValidationError("Acknowledgement cannot be earlier than the information came")
        locked.acknowledged_at = at
        locked.acknowledged_by = by
        locked.action_taken = action_taken.strip()
        locked.save()
        link = locked.contact_child
        history_write(
            record=link.contact,
            action="contact.open_case_acknowledged",
            summary=f"New information acknowledged by {by.display_name}",
            at=at,
            actor=by,
            child=link.child,
            after={"acknowledged_at": at},
            reason=locked.action_taken,
        )
    return locked


def referral_nfa_record(*, referral: Referral) -> Referral:
    """Mark a referral as ending in no further action (a signed-off MASH decision of NFA).
    Only intake writes a referral's outcome; the MASH calls this inside its transaction, and
    the decision's own event records who decided and when."""
    if not referral.nfa:
        referral.nfa = True
        referral.save(update_fields=["nfa"])
    return referral


class ReferralHandOff(Protocol):
    """Takes a new referral on to a later stage, inside the screening's transaction."""

    def __call__(
        self, *, referral: Referral, rating: str, rationale: str, by: User, at: datetime
    ) -> object: ...


#: Who takes a referral on, by screening outcome: a later stage registers itself from its
#: ``AppConfig.ready()`` (the MASH for an enquiry, transfers for an immediate strategy
#: discussion), so intake never imports the stages after it (docs/adr/0021).
_HAND_OFFS: dict[str, ReferralHandOff] = {}


def referral_hand_off_register(outcome: str, hand_off: ReferralHandOff) -> None:
    """Register the stage that takes a referral screened to ``outcome``."""
    if outcome not in ScreeningOutcome.values:
        raise ValueError(f"{outcome!r} is not a screening outcome")
    _HAND_OFFS[outcome] = hand_off


def _hand_off(outcome: str) -> ReferralHandOff:
    try:
        return _HAND_OFFS[outcome]
    except KeyError:
        raise ImproperlyConfigured(
            f"No stage takes a referral screened to {outcome!r}: is its app installed?"
        ) from None


def mash_team() -> Team:
    team = Team.objects.filter(kind=TeamKind.MASH).order_by("id").first()
    if team is None:
        raise ValidationError("No MASH team is set up: ask an administrator to add one")
    return team


def contact_screen(
    *,
    contact_child: ContactChild,
    outcome: str,
    rationale: str,
    by: User,
    rating: str = "",
    repeat_reason: str = "",
    at: datetime | None = None,
) -> ContactChild:
    """Record the screening decision for one child in a contact.

    A MASH enquiry or an immediate strategy discussion makes the contact a referral. When the
    repeat rule proposes a rating, the event records it; deciding lower needs ``repeat_reason``.
    """
    from frontdoor.intake.repeats import repeat_decision, screening_check, screening_rating

    at = at or timezone.now()
    with transaction.atomic():
        link = (
            ContactChild.objects.select_for_update()
            .select_related("contact", "child")
            .get(pk=contact_child.pk)
        )
        contact = link.contact
        errors: dict[str, str] = {}
        if link.screened_at is not None:
            errors["outcome"] = "A screening decision has already been recorded for this child"
        if outcome not in ScreeningOutcome.values:
            errors["outcome"] = "Select the screening decision"
        if not rationale.strip():
            errors["rationale"] = "Enter the reason for the decision"
        if at < contact.received_at:
            errors["outcome"] = "The decision cannot be earlier than the contact was received"
        worker = link.child.allocated_worker
        if outcome == ScreeningOutcome.ALLOCATED_WORKER and (
            worker is None or not worker.is_active
        ):
            errors["outcome"] = "This child has no allocated worker: choose another decision"
        if outcome == ScreeningOutcome.MASH_ENQUIRY and not rating:
            errors["rating"] = "Select a BRAG rating for the MASH enquiry"
        repeat = screening_check(link)
        proposal, repeat_error = repeat_decision(
            repeat, chosen=screening_rating(outcome, rating), reason=repeat_reason
        )
        if repeat_error:
            errors["repeat_reason"] = repeat_error
        if errors:
            raise ValidationError(errors)
        link.outcome = outcome
        link.rationale = rationale
        link.screened_at = at
        link.screened_by = by
        link.save()
        history_write(
            record=contact,
            action="contact.screened",
            summary=f"Screening decision for {link.child.full_name}: "
            f"{ScreeningOutcome(outcome).label}",
            at=at,
            actor=by,
            child=link.child,
            before={"outcome": ""},
            after={"outcome": outcome, "rating": rating}
            | ({"repeat_proposal": proposal} if proposal else {}),
            reason=rationale,
        )
        if outcome == ScreeningOutcome.ALLOCATED_WORKER:
            assert worker is not None
            _pass_to_allocated_worker(link=link, worker=worker, by=by, at=at)
        if outcome in (ScreeningOutcome.MASH_ENQUIRY, ScreeningOutcome.STRATEGY_DISCUSSION):
            referral = Referral.objects.create(
                contact_child=link,
                child=link.child,
                referral_date=timezone.localdate(contact.received_at),
                source=contact.source,
                created_at=at,
            )
            event_append(
                record=referral,
                action="referral.created",
                summary=f"Referral for {link.child.full_name}",
                at=at,
                actor=by,
                child=link.child,
                after={
                    "referral_date": referral.referral_date,
                    "source": referral.source,
                    "re_referral": repeat.history.is_re_referral,
                },
            )
            _hand_off(outcome)(referral=referral, rating=rating, rationale=rationale, by=by, at=at)
        feedback_request(
            contact_child=link,
            stage=FeedbackStage.SCREENING,
            text=screening_feedback_text(link),
            by=by,
            at=at,
        )
    return link
