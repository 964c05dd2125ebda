"""Initial child protection conferences: booking one and recording it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.audit.services import history_write
from frontdoor.oversight.services import oversight_required
from frontdoor.strategy.models import AbuseCategory, Conference, S47Enquiry
from frontdoor.strategy.services._shared import _locked_s47, _when


def conference_book(
    *, s47: S47Enquiry, scheduled_for: datetime, by: User, at: datetime | None = None
) -> Conference:
    """Book (or move) the initial child protection conference."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked_s47(s47)
        if not locked.outcome:
            raise ValidationError("Record the outcome of the section 47 enquiry first")
        if not locked.icpc_needed:
            raise ValidationError("The enquiry's outcome was that no conference is needed")
        start = locked.last_discussion.held_at
        assert start is not None
        if scheduled_for < start:
            raise ValidationError(
                {
                    "scheduled_for": "The conference cannot be before the strategy discussion "
                    f"({_when(start)})"
                }
            )
        if at < locked.started_at:
            raise ValidationError("A conference cannot be booked before the enquiry started")
        conference = Conference.objects.filter(s47=locked).first()
        if conference is not None and conference.held_at is not None:
            raise ValidationError("The conference has already been held")
        if conference is not None and conference.scheduled_for == scheduled_for:
            return conference  # the same booking again: nothing changes
        before = {"scheduled_for": conference.scheduled_for} if conference else {}
        if conference is None:
            conference = Conference.objects.create(
                s47=locked,
                child=locked.child,
                booked_at=at,
                booked_by=by,
                scheduled_for=scheduled_for,
            )
        else:
            conference.scheduled_for = scheduled_for
            conference.save(update_fields=["scheduled_for"])
        late = locked.icpc_due_at is not None and scheduled_for > locked.icpc_due_at
        history_write(
            record=locked,
            action="conference.booked" if not before else "conference.rebooked",
            summary=f"Initial child protection conference booked for {_when(scheduled_for)}"
            + (" (after it is due)" if late else ""),
            at=at,
            actor=by,
            child=locked.child,
            before=before,
            after={"scheduled_for": scheduled_for, "icpc_due_at": locked.icpc_due_at},
        )
    return conference


def conference_record(
    *,
    conference: Conference,
    held_at: datetime,
    plan: bool | None,
    by: User,
    category: str = "",
    notes: str = "",
    at: datetime | None = None,
) -> Conference:
    """Record the conference: held when, and whether it made a child protection plan (with
    the category of abuse). No plan may need a manager's oversight first (``icpc_no_plan``)."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if plan is None:
        errors["plan"] = "Select whether the conference made a child protection plan"
    elif plan and category not in AbuseCategory.values:
        errors["category"] = "Select the category of abuse"
    if held_at > at:
        errors["held_at"] = "The conference cannot be held in the future"
    if errors:
        raise ValidationError(errors)
    if not plan:
        category = ""
    with transaction.atomic():
        locked = (
            Conference.objects.select_for_update(of=("self",))
            .select_related("child", "s47__last_discussion")
            .get(pk=conference.pk)
        )
        if locked.held_at is not None:
            raise ValidationError("The outcome of this conference is already recorded")
        s47 = _locked_s47(locked.s47)
        start = s47.last_discussion.held_at
        assert start is not None
        if held_at < start:
            raise ValidationError(
                {
                    "held_at": "The conference cannot be before the strategy discussion "
                    f"({_when(start)})"
                }
            )
        if not plan:
            oversight_required(record=s47, transition="icpc_no_plan", at=at)
        locked.held_at = held_at
        locked.plan = plan
        locked.category = category
        locked.notes = notes.strip()
        locked.recorded_by = by
        locked.recorded_at = at
        locked.save()
        s47.closed_at = held_at
        s47.save(update_fields=["closed_at"])
        history_write(
            record=s47,
            action="conference.held",
            summary="Initial child protection conference held: "
            + (
                f"child protection plan, {AbuseCategory(category).label.lower()}"
                if plan
                else "no child protection plan"
            ),
            at=at,
            actor=by,
            child=locked.child,
            after={
                "held_at": held_at,
                "plan": plan,
                "category": category,
                "icpc_due_at": s47.icpc_due_at,
            },
            reason=locked.notes,
        )
    return locked
