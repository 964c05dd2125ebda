"""Management oversight: a manager's recorded direction, required before chosen transitions.

Which transitions need it is policy data (``oversight.required_before`` in the policy version
in force; see docs/how-to/policies.md). A service about to make such a transition calls
``oversight_required``, which refuses with a clear message until a manager has recorded an
oversight entry for that record and that transition.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from frontdoor.accounts.access import Perm, can
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append
from frontdoor.oversight.models import OversightEntry
from frontdoor.policies.defaults import OVERSIGHT_TRANSITIONS
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.people.models import Person


def oversight_needed(transition: str, at: datetime) -> bool:
    """Does the policy in force at ``at`` need management oversight before ``transition``?"""
    return rules_for(policy_in_force(at)).oversight.needed(transition)


def record_key(record: Model) -> tuple[str, int]:
    """How an oversight entry names a record: its model name and primary key."""
    return record._meta.model_name or "", int(record.pk)


def oversight_given(*, record: Model, transition: str, at: datetime) -> bool:
    """Has a manager recorded oversight for this record and transition, at or before ``at``?"""
    record_type, record_id = record_key(record)
    return OversightEntry.objects.filter(
        record_type=record_type, record_id=record_id, transition=transition, recorded_at__lte=at
    ).exists()


def oversight_required(*, record: Model, transition: str, at: datetime) -> None:
    """Refuse (ValidationError) if ``transition`` needs oversight that has not been given.

    Call it inside the service's transaction, before making the transition.
    """
    if transition not in OVERSIGHT_TRANSITIONS:
        raise ValueError(f"Unknown oversight transition {transition!r}")
    if not oversight_needed(transition, at):
        return
    if oversight_given(record=record, transition=transition, at=at):
        return
    label = OVERSIGHT_TRANSITIONS[transition]
    raise ValidationError(
        f"A manager must record management oversight first ({label[0].lower()}{label[1:]} "
        "needs it): ask a manager to add it to this record"
    )


def oversight_record(
    *,
    child: Person,
    direction: str,
    by: User,
    record_type: str = "",
    record_id: int | None = None,
    transition: str = "",
    at: datetime | None = None,
) -> OversightEntry:
    """A manager records management oversight of a child's case (before ``transition``)."""
    at = at or timezone.now()
    if not can(by, Perm.OVERSIGHT_RECORD):
        raise ValidationError("Only a manager can record management oversight")
    if not direction.strip():
        raise ValidationError({"direction": "Enter your direction and the reasons for it"})
    if transition and transition not in OVERSIGHT_TRANSITIONS:
        raise ValidationError({"transition": "Select what the oversight is for"})
    if transition and not (record_type and record_id):
        raise ValidationError({"transition": "Oversight before a step must name its record"})
    if bool(record_type) != (record_id is not None):
        raise ValidationError("Name both the record's kind and its number, or neither")
    with transaction.atomic():
        entry = OversightEntry.objects.create(
            child=child,
            record_type=record_type,
            record_id=record_id,
            transition=transition,
            direction=direction.strip(),
            recorded_by=by,
            recorded_at=at,
        )
        label = OVERSIGHT_TRANSITIONS.get(transition, "")
        event_append(
            record=entry,
            action="oversight.recorded",
            summary="Management oversight recorded"
            + (f" before: {label[0].lower()}{label[1:]}" if label else ""),
            at=at,
            actor=by,
            child=child,
            after={
                "record_type": record_type,
                "record_id": record_id,
                "transition": transition,
                "direction": entry.direction,
            },
        )
        access_log_record(
            user=by, children=[child], record=entry, action=AccessAction.CHANGE, at=at
        )
    return entry
