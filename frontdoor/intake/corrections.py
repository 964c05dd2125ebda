"""Correcting and completing a contact: who referred, the concern, when it came, consent,
the household answers.

Like a person's corrections (``frontdoor.people.records``): a reason is required, a change
that changes nothing is refused, the new values pass the same rules as recording a contact,
and one event per child named in the contact keeps the fields' before and after (so each
child's history and chronology shows it), with the access log written for every child.

Correcting the received time or the immediate-risk answer moves each child's screening due
time, worked out again by ``screening_due_for`` (the policy's answer for the corrected
contact). The received time cannot move once a child's referral has been made from the
contact (the referral date, and the clocks after it, follow from it), nor after a screening
decision already recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.changes import FieldWords, changes_register
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
)
from frontdoor.intake.services import (
    _validate_contact,
    immediate_risk_alert,
    screening_due_for,
)
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

CONTACT_CORRECTED = "contact.corrected"

CONTACT_FIELDS = (
    "received_at",
    "channel",
    "source",
    "referrer_name",
    "referrer_role",
    "referrer_agency",
    "referrer_phone",
    "referrer_email",
    "concern",
    "immediate_risk",
    "consent_status",
    "consent_reason",
    "lawful_basis",
    "sharing_override_reason",
    "parents_aware",
    "parental_responsibility_notes",
    "household_notes",
)
TEXT_LIMITS = {
    "referrer_name": 200,
    "referrer_role": 200,
    "referrer_agency": 200,
    "referrer_phone": 40,
    "referrer_email": 254,
}
CLOCK_FIELDS = ("received_at", "immediate_risk")

FIELD_WORDS: dict[str, FieldWords | str] = {
    "received_at": "Received",
    "channel": FieldWords("Channel", dict(Channel.choices)),
    "source": FieldWords("Referral source", dict(ReferralSource.choices)),
    "referrer_name": "Referrer's name",
    "referrer_role": "Referrer's role",
    "referrer_agency": "Referrer's organisation",
    "referrer_phone": "Referrer's phone",
    "referrer_email": "Referrer's email",
    "concern": "Concern",
    "immediate_risk": "Immediate risk",
    "consent_status": FieldWords("Consent", dict(ConsentStatus.choices)),
    "consent_reason": "Why consent was refused or not sought",
    "lawful_basis": FieldWords("Lawful basis for sharing", dict(LawfulBasis.choices)),
    "sharing_override_reason": "Reason for sharing without consent",
    "parents_aware": FieldWords("Parents or carers know", dict(ParentsAware.choices)),
    "parental_responsibility_notes": "Who has parental responsibility",
    "household_notes": "Household and regular visitors",
    "screening_due_at": "Screening due",
}


def register_changes() -> None:
    changes_register(actions=(CONTACT_CORRECTED,), fields=FIELD_WORDS)


def _clean(name: str, value: Any) -> Any:
    if name == "immediate_risk":
        return bool(value)
    if name == "received_at":
        return value
    return str(value or "").strip()


def _label(name: str) -> str:
    words = FIELD_WORDS[name]
    label = words.label if isinstance(words, FieldWords) else words
    return label[:1].lower() + label[1:]


def contact_correct(
    *,
    contact: Contact,
    changes: Mapping[str, Any],
    reason: str,
    by: User,
    at: datetime | None = None,
) -> Contact:
    """Correct or complete a contact's details (``CONTACT_FIELDS``), with a reason."""
    at = at or timezone.now()
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not a correctable field: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        values = {name: getattr(locked, name) for name in CONTACT_FIELDS}
        proposed = {name: _clean(name, value) for name, value in changes.items()}
        changed = [n for n in CONTACT_FIELDS if n in proposed and proposed[n] != values[n]]
        if not changed:
            raise ValidationError(
                "You have not changed anything: change a detail, or go back without saving"
            )
        values.update(proposed)
        errors: dict[str, str] = {}
        if not (reason or "").strip():
            errors["reason"] = "Enter why the contact is being changed"
        for name, size in TEXT_LIMITS.items():
            if name in changed and len(values[name]) > size:
                errors[name] = f"Must be {size} characters or fewer"
        if "referrer_email" in changed and values["referrer_email"]:
            try:
                validate_email(values["referrer_email"])
            except ValidationError:
                errors["referrer_email"] = (
                    "Enter an email address in the correct format, like name@example.com"
                )
        links = list(locked.children.select_related("child").order_by("id"))
        if "received_at" in changed:
            if Referral.objects.filter(contact_child__contact=locked).exists():
                errors["received_at"] = (
                    "A referral has been made from this contact, and its date and clocks "
                    "follow from the time received: it can no longer be changed"
                )
            elif any(
                link.screened_at is not None and link.screened_at < values["received_at"]
                for link in links
            ):
                errors["received_at"] = (
                    "The time received must be before the screening decision already recorded"
                )
        try:
            _validate_contact(
                channel=values["channel"],
                source=values["source"],
                received_at=values["received_at"],
                at=at,
                concern=values["concern"],
                consent_status=values["consent_status"],
                consent_reason=values["consent_reason"],
                lawful_basis=values["lawful_basis"],
                sharing_override_reason=values["sharing_override_reason"],
                parents_aware=values["parents_aware"],
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, messages[0])
        if errors:
            raise ValidationError(errors)
        before: dict[str, Any] = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, values[name])
        update = list(changed)
        if "received_at" in changed:
            locked.policy = policy_in_force(locked.received_at)
            update.append("policy")
        locked.save(update_fields=update)
        after: dict[str, Any] = {name: getattr(locked, name) for name in changed}
        moved: list[ContactChild] = []
        if set(changed) & set(CLOCK_FIELDS):
            due = screening_due_for(locked)
            for link in links:
                if link.screening_due_at != due:
                    before.setdefault("screening_due_at", link.screening_due_at)
                    link.screening_due_at = due
                    link.save(update_fields=["screening_due_at"])
                    moved.append(link)
            if moved:
                after["screening_due_at"] = due
        if (
            "immediate_risk" in changed
            and locked.immediate_risk
            and any(link.screened_at is None for link in links)
        ):
            # Now known to be urgent and still waiting: the duty manager hears at once.
            immediate_risk_alert(contact=locked, at=at)
        summary = f"Contact {locked.reference} corrected: " + ", ".join(_label(n) for n in changed)
        if moved:
            summary += (
                "; screening now due "
                + f"{timezone.localtime(after['screening_due_at']):%-d %b %Y %H:%M}"
            )
        for link in links:
            event_append(
                record=locked,
                action=CONTACT_CORRECTED,
                summary=summary,
                at=at,
                actor=by,
                child=link.child,
                before=before,
                after=after,
                reason=reason.strip(),
            )
        access_log_record(
            user=by,
            children=[link.child for link in links],
            record=locked,
            action=AccessAction.CHANGE,
            at=at,
            fields=changed,
            reason=reason.strip(),
        )
    contact.refresh_from_db()
    return contact
