"""Linking a child named in an online or partner referral to a record already known.

Nobody is at the screen when a referral is converted, so the link is made only when the
evidence leaves no real doubt: the same checked NHS number or UPN, the best record scoring
at least ``auto_link_at`` and at least ``auto_link_margin`` ahead of the next. Names,
dates and addresses alone, however close, are left to a person. Otherwise a new record is
made, and any likely match is proposed as a duplicate for a person to decide.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.models import Event
from frontdoor.audit.services import event_append
from frontdoor.intake.models import Channel, ContactChild
from frontdoor.matching.merge import person_merge
from frontdoor.matching.selectors import (
    Candidate,
    candidates_for,
    match_settings,
    record_for_details,
)
from frontdoor.people.models import Person, PersonKind
from frontdoor.people.services import ChildDetails

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

IDENTIFIERS = ("nhs_number", "upn")


def certain_match(details: ChildDetails) -> Candidate | None:
    """The one known child these details certainly describe, if there is one."""
    record = record_for_details(details)
    if record.is_empty:
        return None
    settings = match_settings()
    found = candidates_for(record, settings=settings, limit=2)
    if not found or found[0].weight < settings.auto_link_at:
        return None
    if not any(f.level == "exact" and f.field in IDENTIFIERS for f in found[0].score.fields):
        return None
    if len(found) > 1 and found[0].weight - found[1].weight < settings.auto_link_margin:
        return None
    return found[0]


def child_resolve(
    details: ChildDetails, *, at: datetime, source: str, taken: Collection[int] = ()
) -> Person | ChildDetails:
    """The known child to link (recording why), or the details to make a new record from.

    ``taken`` are records already linked to the same referral: two children named in one
    referral never become one record without a person deciding. Called inside the caller's
    transaction.
    """
    match = certain_match(details)
    if match is None or match.person.pk in taken:
        return details
    event_append(
        record=match.person,
        action="person.matched",
        summary=(
            f"{source} linked to the existing record of {match.person.full_name} without "
            f"asking: {match.score.summary}"
        )[:300],
        at=at,
        actor=None,
        child=match.person,
        after={
            "weight": match.weight,
            "reasons": [[f.field, f.level, f.weight, f.reason] for f in match.score.fields],
        },
    )
    return match.person


# --- Online and partner referrals: the person screening says whether the child is known --

TRIAGE_CHANNELS = (Channel.ONLINE_FORM, Channel.PARTNER_API)
TRIAGE_CHECKED = "contact.child_match_checked"


def triage_open(link: ContactChild) -> bool:
    """The child's record was made by this referral alone and nobody has answered yet.

    Only then may the person screening link it to a known child: the record has no history
    of its own to lose, so linking it is a correction, not a merge of two histories.
    """
    contact = link.contact
    child = link.child
    if contact.channel not in TRIAGE_CHANNELS or child.merged_into_id is not None:
        return False
    if ContactChild.objects.filter(child=child).exclude(pk=link.pk).exists():
        return False
    return not Event.objects.filter(
        action=TRIAGE_CHECKED, record_type="contact", record_id=contact.pk, child=child
    ).exists()


TRIAGE_CHOOSE_ERROR = (
    "Select the child this contact is about, or that it is a child not known before"
)


def triage_answer(*, link: ContactChild, answer: str, by: User) -> Person:
    """Link the referral's new record to the known child chosen, or record "none of these".

    Returns the child the contact is now about.
    """
    at = timezone.now()
    if not triage_open(link):
        raise ValidationError({"existing_child": "This child has already been checked"})
    if answer == "new":
        with transaction.atomic():
            event_append(
                record=link.contact,
                action=TRIAGE_CHECKED,
                summary=f"{link.child.full_name} checked against known children: none of them",
                at=at,
                actor=by,
                child=link.child,
            )
        return link.child
    known = Person.objects.filter(
        pk=int(answer) if answer.isdigit() and len(answer) < 12 else 0,
        kind=PersonKind.CHILD,
        merged_into__isnull=True,
    ).first()
    if known is None or known.pk == link.child_id:
        raise ValidationError({"existing_child": TRIAGE_CHOOSE_ERROR})
    person_merge(
        kept=known,
        merged=link.child,
        by=by,
        reason=f"The child named in {link.contact.get_channel_display().lower()} referral "
        f"{link.contact.reference} is {known.full_name}, already known (checked at screening)",
        at=at,
    )
    return known
