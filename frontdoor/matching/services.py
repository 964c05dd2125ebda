"""Writing matching data: a person's blocking keys, and the thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.audit.services import event_append
from frontdoor.matching.keys import for_kind, stored_keys
from frontdoor.matching.models import MatchKey, MatchSettings
from frontdoor.matching.selectors import (
    people_for_matching,
    record_for_new_person,
    record_for_person,
)
from frontdoor.people.models import Address, Person

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def person_keys(person: Person) -> set[str]:
    """The keys ``person`` is filed under: a child's, or an adult's (``keys.ADULT_PREFIX``)."""
    return for_kind(stored_keys(record_for_person(person)), person.kind)


def match_keys_refresh(person: Person, created_with: Sequence[Address] | None = None) -> None:
    """Rewrite ``person``'s blocking keys (inside the caller's transaction).

    A merged record has none: it is no longer searched. ``created_with``: the person was
    just created, with these addresses (current first); it has no keys and no aliases yet,
    so its keys are written from what is in memory without reading anything back.
    """
    if created_with is not None:
        keys = for_kind(stored_keys(record_for_new_person(person, created_with)), person.kind)
        MatchKey.objects.bulk_create([MatchKey(person=person, key=k) for k in sorted(keys)])
        return
    MatchKey.objects.filter(person=person).delete()
    if person.merged_into_id is not None:
        return
    fresh = people_for_matching([person.pk])
    if not fresh:
        return
    keys = person_keys(fresh[0])
    MatchKey.objects.bulk_create([MatchKey(person=person, key=k) for k in sorted(keys)])


def match_keys_rebuild(people: Iterable[Person], *, batch: int = 2000) -> int:
    """Rewrite the keys of many people (prefetched aliases and addresses); returns the count."""
    count = 0
    rows: list[MatchKey] = []
    ids: list[int] = []
    for person in people:
        ids.append(person.pk)
        if person.merged_into_id is None:
            rows.extend(MatchKey(person=person, key=k) for k in person_keys(person))
        count += 1
        if len(ids) >= batch:
            _flush(ids, rows)
            ids, rows = [], []
    _flush(ids, rows)
    return count


def _flush(ids: list[int], rows: list[MatchKey]) -> None:
    if ids:
        MatchKey.objects.filter(person_id__in=ids).delete()
    MatchKey.objects.bulk_create(rows, batch_size=5000)


SETTINGS_FIELDS = (
    "show_at",
    "medium_at",
    "high_at",
    "duplicate_at",
    "auto_link_at",
    "auto_link_margin",
    "max_candidates",
)


def match_settings_save(*, settings: MatchSettings, by: User | None) -> MatchSettings:
    """Save the matching thresholds (there is one row), recording the change as an event."""
    with transaction.atomic():
        previous = MatchSettings.objects.select_for_update().order_by("pk").first()
        before = {f: getattr(previous, f) for f in SETTINGS_FIELDS} if previous else {}
        if previous is not None:
            settings.pk = previous.pk
        settings._state.adding = previous is None
        settings.full_clean()
        settings.save()
        after = {f: getattr(settings, f) for f in SETTINGS_FIELDS}
        event_append(
            record=settings,
            action="match_settings.changed",
            summary="Matching thresholds changed: "
            + ", ".join(f"{f} {after[f]:g}" for f in SETTINGS_FIELDS if before.get(f) != after[f]),
            at=timezone.now(),
            actor=by,
            before=before,
            after=after,
        )
    return settings
