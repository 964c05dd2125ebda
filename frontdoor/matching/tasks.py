"""Matching work for the database-backed task worker."""

from __future__ import annotations

from django_tasks import task

from frontdoor.matching.duplicates import duplicates_check, duplicates_find
from frontdoor.people.models import Person


@task()
def find_duplicates() -> int:
    """Check every child created or changed since the last scan; returns new proposals."""
    return duplicates_find()


@task()
def check_duplicates(person_id: int) -> int:
    """Check one child now (after an edit that should not wait for the next round)."""
    person = Person.objects.filter(pk=person_id).first()
    return len(duplicates_check(person)) if person is not None else 0
