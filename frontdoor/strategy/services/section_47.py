"""Section 47 enquiries: recording the outcome."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.audit.services import history_write
from frontdoor.oversight.services import oversight_required
from frontdoor.strategy.models import S47Enquiry, S47Outcome
from frontdoor.strategy.services._shared import _locked_s47, _when


def s47_outcome_record(
    *,
    s47: S47Enquiry,
    outcome: str,
    icpc_needed: bool | None,
    outcome_at: datetime,
    by: User,
    notes: str = "",
    at: datetime | None = None,
) -> S47Enquiry:
    """Record the enquiry's outcome and whether a conference is needed. Ending it without a
    conference may need a manager's oversight first (``s47_no_conference``)."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if outcome not in S47Outcome.values:
        errors["outcome"] = "Select the outcome of the enquiry"
    if icpc_needed is None:
        errors["icpc_needed"] = "Select whether an initial child protection conference is needed"
    if outcome_at > at:
        errors["outcome_at"] = "The outcome cannot be in the future"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_s47(s47)
        if locked.outcome:
            raise ValidationError("The outcome of this enquiry is already recorded")
        if outcome_at < locked.started_at:
            raise ValidationError(
                {
                    "outcome_at": "The outcome cannot be earlier than the enquiry started "
                    f"({_when(locked.started_at)})"
                }
            )
        if not icpc_needed:
            oversight_required(record=locked, transition="s47_no_conference", at=at)
        locked.outcome = outcome
        locked.outcome_at = outcome_at
        locked.outcome_notes = notes.strip()
        locked.icpc_needed = icpc_needed
        locked.outcome_recorded_by = by
        locked.outcome_recorded_at = at
        if not icpc_needed:
            locked.closed_at = outcome_at
        locked.save()
        history_write(
            record=locked,
            action="s47.outcome",
            summary=f"Section 47 outcome: {S47Outcome(outcome).label}; "
            + ("conference needed" if icpc_needed else "no conference"),
            at=at,
            actor=by,
            child=locked.child,
            after={"outcome": outcome, "outcome_at": outcome_at, "icpc_needed": icpc_needed},
            reason=locked.outcome_notes,
        )
    return locked
