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

from frontdoor.audit.services import event_append
from frontdoor.matching.selectors import (
    Candidate,
    candidates_for,
    match_settings,
    record_for_details,
)
from frontdoor.people.models import Person
from frontdoor.people.services import ChildDetails

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
