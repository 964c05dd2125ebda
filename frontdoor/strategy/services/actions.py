"""Strategy discussions: the actions agreed, added and completed."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Agency, User
from frontdoor.audit.services import history_write
from frontdoor.strategy.models import DiscussionStatus, StrategyAction, StrategyDiscussion
from frontdoor.strategy.services._shared import _locked, _when


def action_add(
    *,
    discussion: StrategyDiscussion,
    description: str,
    due_on: date | None,
    by: User,
    owner_user: User | None = None,
    owner_agency: Agency | None = None,
    owner_name: str = "",
    at: datetime | None = None,
) -> StrategyAction:
    """Add an action agreed at a held discussion: an owner and a due date are required."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Enter the action"
    if owner_user is None and (owner_agency is None or not owner_name.strip()):
        errors["owner"] = (
            "Every action needs an owner: select a person, or an agency and the name of the "
            "person in it"
        )
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    with transaction.atomic():
        locked = _locked(discussion)
        if locked.status != DiscussionStatus.HELD:
            raise ValidationError("Actions are agreed at the discussion: record its outcome first")
        assert locked.held_at is not None
        if due_on < timezone.localtime(locked.held_at).date():
            raise ValidationError(
                {"due_on": "An action cannot be due before the discussion was held"}
            )
        if at < locked.held_at:
            raise ValidationError(
                {"description": "An action cannot be earlier than the discussion"}
            )
        action = StrategyAction.objects.create(
            discussion=locked,
            description=description.strip(),
            owner_user=owner_user,
            owner_agency=None if owner_user else owner_agency,
            owner_name="" if owner_user else owner_name.strip(),
            due_on=due_on,
            created_at=at,
            created_by=by,
        )
        history_write(
            record=locked,
            action="strategy.action_added",
            summary=f"Action for {action.owner_label}, due {due_on:%-d %b %Y}",
            at=at,
            actor=by,
            child=locked.child,
            after={"action": action.pk, "description": action.description, "due_on": due_on},
        )
    return action


def action_complete(
    *, action: StrategyAction, by: User, note: str = "", at: datetime | None = None
) -> StrategyAction:
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            StrategyAction.objects.select_for_update(of=("self",))
            .select_related("discussion__child", "owner_user__agency", "owner_agency")
            .get(pk=action.pk)
        )
        if locked.completed_at is not None:
            raise ValidationError(f"This action was already done on {_when(locked.completed_at)}")
        if at < locked.created_at:
            raise ValidationError("An action cannot be done before it was agreed")
        locked.completed_at = at
        locked.completed_by = by
        locked.completion_note = note.strip()
        locked.save(update_fields=["completed_at", "completed_by", "completion_note"])
        discussion = locked.discussion
        history_write(
            record=discussion,
            action="strategy.action_done",
            summary=f"Action done: {locked.description[:120]}",
            at=at,
            actor=by,
            child=discussion.child,
            after={"action": locked.pk},
            reason=locked.completion_note,
        )
    return locked
