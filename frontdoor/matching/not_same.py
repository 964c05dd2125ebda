"""Decisions on possible duplicates: "not the same person", for a proposed pair or for any two
records, recorded on both children's histories."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append
from frontdoor.matching.duplicates import ordered, reasons_of
from frontdoor.matching.merge import MAX_REASON, _clean_text, _describe, _lock_pair, _score
from frontdoor.matching.models import DuplicatePair, DuplicateStatus
from frontdoor.people.models import Person

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def pair_not_same(
    *, pair: DuplicatePair, by: User, note: str, at: datetime | None = None
) -> DuplicatePair:
    """Record that the pair's records are two different children: never proposed again."""
    at = at or timezone.now()
    note = _clean_text(note)
    with transaction.atomic():
        locked = (
            DuplicatePair.objects.select_for_update(of=("self",))
            .select_related("first", "second")
            .filter(pk=pair.pk)
            .first()
        )
        if locked is None:
            raise ValidationError({"pair": "That proposal does not exist"})
        errors: dict[str, str] = {}
        if not note:
            errors["note"] = "Enter how you know these are two different children"
        elif len(note) > MAX_REASON:
            errors["note"] = f"Note must be {MAX_REASON} characters or fewer"
        if locked.status == DuplicateStatus.MERGED:
            errors["pair"] = "These records have been merged: undo the merge to separate them"
        elif locked.status == DuplicateStatus.NOT_SAME:
            errors["pair"] = "These records are already recorded as not the same person"
        if errors:
            raise ValidationError(errors)
        before = {"status": locked.status, "weight": locked.weight}
        locked.status = DuplicateStatus.NOT_SAME
        locked.decided_at = at
        locked.decided_by = by
        locked.note = note
        locked.save(update_fields=["status", "decided_at", "decided_by", "note"])
        _decision_history(locked, before=before, by=by, at=at, reason=note)
    return locked


def records_not_same(
    *, first: Person, second: Person, by: User, note: str, at: datetime | None = None
) -> DuplicatePair:
    """``pair_not_same`` for two records, proposed or not (the compare page)."""
    at = at or timezone.now()
    if first.pk == second.pk:
        raise ValidationError({"pair": "Choose two different records"})
    with transaction.atomic():
        pair = _lock_pair(first.pk, second.pk)
        if pair is None:
            if not _clean_text(note):  # refused before anything is written
                raise ValidationError(
                    {"note": "Enter how you know these are two different children"}
                )
            result = _score(first, second)
            a, b = ordered(first.pk, second.pk)
            pair = DuplicatePair.objects.create(
                first_id=a,
                second_id=b,
                weight=result.weight if result else 0.0,
                reasons=reasons_of(result) if result else [],
                found_at=at,
                refreshed_at=at,
            )
        return pair_not_same(pair=pair, by=by, note=note, at=at)


def _decision_history(
    pair: DuplicatePair, *, before: dict[str, Any], by: User, at: datetime, reason: str
) -> None:
    children: Iterable[Person] = (pair.first, pair.second)
    summary = (
        f"{_describe(pair.first)} and {_describe(pair.second)} recorded as not the same person"
    )
    for child in children:
        event_append(
            record=pair,
            action="duplicate.not_same",
            summary=summary,
            at=at,
            actor=by,
            child=child,
            before=before,
            after={"status": pair.status},
            reason=reason,
        )
    access_log_record(user=by, children=children, record=pair, action=AccessAction.CHANGE, at=at)
