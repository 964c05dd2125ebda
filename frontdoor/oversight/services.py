"""Management oversight: a manager's recorded direction, required before chosen transitions.

Which transitions need it is policy data (``oversight.required_before`` in the policy version
in force; see docs/how-to/policies.md). A service about to make such a transition calls
``oversight_required``, which refuses with a clear message until a manager has recorded an
oversight entry for that record and that transition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from frontdoor.accounts.access import Perm, can
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append
from frontdoor.oversight.access import can_complete_action, can_record_supervision
from frontdoor.oversight.models import OversightEntry, SupervisionAction, SupervisionRecord
from frontdoor.oversight.selectors import allocated_at, record_key, supervision_clock
from frontdoor.people.models import Person
from frontdoor.policies.defaults import OVERSIGHT_TRANSITIONS
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def oversight_needed(transition: str, at: datetime) -> bool:
    """Does the policy in force at ``at`` need management oversight before ``transition``?"""
    return rules_for(policy_in_force(at)).oversight.needed(transition)


def oversight_given(*, record: Model, transition: str, at: datetime) -> bool:
    """Has a manager recorded oversight for this record and transition, at or before ``at``?"""
    record_type, record_id = record_key(record)
    return OversightEntry.objects.filter(
        record_type=record_type, record_id=record_id, transition=transition, recorded_at__lte=at
    ).exists()


def oversight_missing(*, record: Model, transition: str, at: datetime) -> bool:
    """Would ``transition`` on ``record`` be refused at ``at`` for want of oversight?"""
    return oversight_needed(transition, at) and not oversight_given(
        record=record, transition=transition, at=at
    )


def oversight_required(*, record: Model, transition: str, at: datetime) -> None:
    """Refuse (ValidationError) if ``transition`` needs oversight that has not been given.

    Call it inside the service's transaction, before making the transition.
    """
    if transition not in OVERSIGHT_TRANSITIONS:
        raise ValueError(f"Unknown oversight transition {transition!r}")
    if not oversight_missing(record=record, transition=transition, at=at):
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


# ------------------------------------------------------------------ case supervision


@dataclass(frozen=True)
class ActionDraft:
    """An action agreed in supervision, before it is saved."""

    description: str
    owner: User | None
    due_on: date | None


#: The reflective discussion: field -> the message when it is left blank.
REFLECTION_REQUIRED = {
    "lived_experience": "Enter what the child's lived experience is",
    "working_well": "Enter what is working well",
    "worries": "Enter what you are worried about",
    "analysis": "Enter your analysis",
    "decisions": "Enter the decisions and the plan",
}


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in local time (when a dated action falls due)."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _action_errors(actions: Sequence[ActionDraft], held_at: datetime) -> list[str]:
    held_on = timezone.localdate(held_at)
    errors = []
    for number, action in enumerate(actions, start=1):
        if not action.description.strip():
            errors.append(f"Enter what action {number} is")
        if action.owner is None:
            errors.append(f"Select who owns action {number}: actions need an owner")
        elif not action.owner.is_active:
            errors.append(f"Action {number}'s owner no longer has an account: choose someone else")
        if action.due_on is None:
            errors.append(f"Enter when action {number} is due")
        elif action.due_on < held_on:
            errors.append(f"Action {number} cannot be due before the supervision was held")
    return errors


def supervision_record(
    *,
    child: Person,
    held_at: datetime,
    lived_experience: str,
    working_well: str,
    worries: str,
    analysis: str,
    decisions: str,
    by: User,
    actions: Sequence[ActionDraft] = (),
    worker: User | None = None,
    at: datetime | None = None,
) -> SupervisionRecord:
    """A manager records case supervision of a child with the allocated worker (``by`` is the
    supervisor), with the actions agreed, all in one transaction.

    The supervision completes the case's supervision clock (from the allocation or the last
    supervision) and starts the next: due ``rules.due("supervision", held_at)``.
    """
    at = at or timezone.now()
    if not can(by, Perm.SUPERVISION_RECORD):
        raise ValidationError("Only a manager can record case supervision")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=child.pk)
        if locked.allocated_worker_id is None:
            raise ValidationError(
                "This child's case is not allocated to a social worker, so there is no case "
                "supervision to record"
            )
        worker = worker or locked.allocated_worker
        assert worker is not None
        if worker.pk != locked.allocated_worker_id:
            raise ValidationError(
                {"worker": "Record supervision with the child's allocated worker"}
            )
        if worker.pk == by.pk:
            raise ValidationError(
                "You cannot supervise yourself: supervision is recorded by the worker's manager"
            )
        if not can_record_supervision(by, locked):
            raise ValidationError("You can only record supervision of workers you supervise")
        texts = {
            "lived_experience": lived_experience.strip(),
            "working_well": working_well.strip(),
            "worries": worries.strip(),
            "analysis": analysis.strip(),
            "decisions": decisions.strip(),
        }
        errors: dict[str, list[str]] = {
            key: [message] for key, message in REFLECTION_REQUIRED.items() if not texts[key]
        }
        start = allocated_at(locked)
        if held_at > at:
            errors["held_at"] = ["The date of the supervision must be today or in the past"]
        elif held_at < start:
            errors["held_at"] = [
                "The supervision cannot be before the case was allocated to "
                f"{worker.display_name} ({timezone.localtime(start):%-d %B %Y %H:%M})"
            ]
        action_errors = _action_errors(actions, held_at)
        if action_errors:
            errors["actions"] = action_errors
        if errors:
            raise ValidationError(errors)
        if SupervisionRecord.objects.filter(child=locked, worker=worker, held_at=held_at).exists():
            raise ValidationError("This supervision has already been recorded")
        previous = (
            SupervisionRecord.objects.filter(child=locked, held_at__lt=held_at)
            .select_related("policy")
            .order_by("-held_at", "-id")
            .first()
        )
        completes = supervision_clock(start, previous)
        policy = policy_in_force(held_at)
        record = SupervisionRecord.objects.create(
            child=locked,
            worker=worker,
            supervisor=by,
            held_at=held_at,
            **texts,
            clock_started_at=completes.started_at,
            due_at=completes.due_at,
            next_due_at=rules_for(policy).due("supervision", held_at),
            policy=policy,
            recorded_at=at,
        )
        saved = [
            SupervisionAction.objects.create(
                supervision=record,
                description=action.description.strip(),
                owner=action.owner,
                due_on=action.due_on,
                due_at=end_of_day(action.due_on),
            )
            for action in actions
            if action.owner is not None and action.due_on is not None
        ]
        event_append(
            record=record,
            action="supervision.recorded",
            summary=f"Case supervision: {worker.display_name} with {by.display_name}"
            + (f"; {len(saved)} action{'s' if len(saved) != 1 else ''} agreed" if saved else ""),
            at=at,
            actor=by,
            child=locked,
            after={
                "worker": worker.pk,
                "supervisor": by.pk,
                "held_at": held_at,
                "due_at": completes.due_at,
                "next_due_at": record.next_due_at,
                "actions": [
                    {"description": a.description, "owner": a.owner_id, "due_on": str(a.due_on)}
                    for a in saved
                ],
            },
        )
        access_log_record(
            user=by, children=[locked], record=record, action=AccessAction.CHANGE, at=at
        )
    return record


def supervision_action_complete(
    *, action: SupervisionAction, by: User, at: datetime | None = None
) -> SupervisionAction:
    """The action's owner (or a manager) marks an action agreed in supervision as done."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            SupervisionAction.objects.select_for_update(of=("self",))
            .select_related("supervision__child")
            .get(pk=action.pk)
        )
        if not can_complete_action(by, locked):
            raise ValidationError("Only the action's owner or their manager can mark it as done")
        if locked.completed_at is not None:
            raise ValidationError("This action is already marked as done")
        supervision = locked.supervision
        if at < supervision.held_at:
            raise ValidationError("An action cannot be done before the supervision that agreed it")
        locked.completed_at = at
        locked.completed_by = by
        locked.save(update_fields=["completed_at", "completed_by"])
        event_append(
            record=locked,
            action="supervision.action_completed",
            summary=f"Supervision action done: {locked.description[:80]}",
            at=at,
            actor=by,
            child=supervision.child,
            before={"completed_at": None},
            after={"completed_at": at, "due_at": locked.due_at},
        )
        access_log_record(
            user=by,
            children=[supervision.child],
            record=locked,
            action=AccessAction.CHANGE,
            at=at,
        )
    return locked
