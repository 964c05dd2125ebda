"""Writing matching data: a person's blocking keys."""

from __future__ import annotations

from collections.abc import Iterable

from frontdoor.matching.keys import record_keys
from frontdoor.matching.models import MatchKey
from frontdoor.matching.selectors import people_for_matching, record_for_person
from frontdoor.people.models import Person


def match_keys_refresh(person: Person) -> None:
    """Rewrite ``person``'s blocking keys (inside the caller's transaction).

    A merged record has none: it is no longer searched.
    """
    MatchKey.objects.filter(person=person).delete()
    if person.merged_into_id is not None:
        return
    fresh = people_for_matching([person.pk])
    if not fresh:
        return
    keys = record_keys(record_for_person(fresh[0]))
    MatchKey.objects.bulk_create([MatchKey(person=person, key=k) for k in sorted(keys)])


def match_keys_rebuild(people: Iterable[Person], *, batch: int = 2000) -> int:
    """Rewrite the keys of many people (prefetched aliases and addresses); returns the count."""
    count = 0
    rows: list[MatchKey] = []
    ids: list[int] = []
    for person in people:
        ids.append(person.pk)
        if person.merged_into_id is None:
            rows.extend(
                MatchKey(person=person, key=k) for k in record_keys(record_for_person(person))
            )
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
