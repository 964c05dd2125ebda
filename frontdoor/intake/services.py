"""Contacts and screening decisions: every write of the intake stage."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Team, TeamKind
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    Contact,
    ContactChild,
    LawfulBasis,
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
    """When the screening decision for a child named in ``contact`` is due.

    The one place that works it out from the contact's policy and what the contact says (its
    received time): recording a contact, adding a child to it, and correcting its received
    time or immediate-risk answer all ask here.
    """
    due = rules_for(contact.policy).due("screening", contact.received_at)
    assert due is not None
    return due


def _add_child(*, contact: Contact, child: Person, by: User | None, at: datetime) -> ContactChild:
    if ContactChild.objects.filter(contact=contact, child=child).exists():
        raise ValidationError({"child": "This child is already named in the contact"})
    due = screening_due_for(contact)
    link = ContactChild.objects.create(contact=contact, child=child, screening_due_at=due)
    event_append(
        record=contact,
        action="contact.child_added",
        summary=f"{child.full_name} named in contact {contact.reference}",
        at=at,
        actor=by,
        child=child,
        after={"child": child.pk, "screening_due_at": due},
    )
    access_log_record(user=by, children=[child], record=contact, action=AccessAction.CHANGE, at=at)
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
    from frontdoor.mash.services import enquiry_open
    from frontdoor.protection.services import transfer_request

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
        if outcome == ScreeningOutcome.ALLOCATED_WORKER and link.child.allocated_worker_id is None:
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
        link.referrer_acknowledged = True
        link.save()
        event_append(
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
        access_log_record(
            user=by, children=[link.child], record=contact, action=AccessAction.CHANGE, at=at
        )
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
            if outcome == ScreeningOutcome.MASH_ENQUIRY:
                enquiry_open(referral=referral, rating=rating, by=by, reason=rationale, at=at)
            else:
                transfer_request(
                    referral=referral,
                    route="s47",
                    rating="RED",
                    summary=f"Immediate strategy discussion: {rationale}",
                    by=by,
                    at=at,
                )
    return link
