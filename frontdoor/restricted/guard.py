"""Enforcement, in one place: the guard every read and write of a child's data passes.

``access_log_record`` runs it before logging (and so before a page shows a child or a service
saves a change to one). A signed-in user who may not see a restricted child is refused with
``RestrictedRecord``; a page turns that into the break-glass page (see ``middleware``), and a
service's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection

from frontdoor.audit.models import AccessAction
from frontdoor.people.models import Person
from frontdoor.restricted.models import Restriction
from frontdoor.restricted.selectors import (
    child_reference,
    hidden_child_ids,
    restricted_record_of,
    signed_in,
)


class RestrictedRecord(PermissionDenied):
    """The user may not see ``child`` (nor any of ``children``): its record is restricted
    (break-glass may open it)."""

    def __init__(self, child: Person, children: list[Person] | None = None) -> None:
        super().__init__(
            f"This child's record is restricted ({child_reference(child)}): only named people "
            "may see it. To open it, give your reason on its break-glass page."
        )
        self.child = child
        self.children = children or [child]


#: (user id, child id) pairs a break-glass grant is being made for, in this context: the log
#: entry that records the grant is allowed even when the grant is back-dated (demo data).
_OPENING: ContextVar[frozenset[tuple[int, int]]] = ContextVar("opening", default=frozenset())


@contextmanager
def opening(user: Any, child: Person) -> Iterator[None]:
    token = _OPENING.set(_OPENING.get() | {(user.pk, child.pk)})
    try:
        yield
    finally:
        _OPENING.reset(token)


def any_restricted(child_ids: list[int]) -> bool:
    """Is any of these children restricted now? The guard runs on every logged access, and
    almost no child is restricted, so this is one small indexed query (through the partial
    unique index on a child's live restriction) without the ORM's cost of building one."""
    table = connection.ops.quote_name(Restriction._meta.db_table)
    child = connection.ops.quote_name(Restriction._meta.get_field("child").column)
    lifted = connection.ops.quote_name(Restriction._meta.get_field("lifted_at").column)
    marks = ", ".join(["%s"] * len(child_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE {lifted} IS NULL AND {child} IN ({marks}) LIMIT 1",
            child_ids,
        )
        return cursor.fetchone() is not None


def merged_into_ids(children: list[Person]) -> list[int]:
    """The records these children were merged into, at any depth: none (and no query) for
    almost every child, whose ``merged_into_id`` is empty."""
    found: set[int] = set()
    frontier = {int(c.merged_into_id) for c in children if c.merged_into_id is not None}
    while frontier - found:
        frontier -= found
        found |= frontier
        frontier = set(
            Person.objects.filter(pk__in=frontier, merged_into__isnull=False).values_list(
                "merged_into_id", flat=True
            )
        )
    return sorted(found)


def restricted_guard(user: Any, children: list[Person], action: AccessAction) -> None:
    """Refuse a signed-in user any restricted child they are not on and hold no grant for.

    An audit of a child's access log (``AUDIT``) is not refused: the audit pages show a child
    the user may not see as its record number only (``frontdoor.people.masking``).
    """
    if not children or not signed_in(user) or action == AccessAction.AUDIT:
        return
    # A record merged into a restricted child is that child (ADR 15).
    if not any_restricted([int(c.pk) for c in children] + merged_into_ids(children)):
        return
    hidden = hidden_child_ids(user, [c.pk for c in children])
    opened = _OPENING.get()
    refused = [c for c in children if c.pk in hidden and (user.pk, c.pk) not in opened]
    if refused:
        # Break-glass opens the record that is restricted (a merged record is opened through
        # the record it was merged into).
        first = refused[0]
        restricted = restricted_record_of(first)
        if restricted != first.pk:
            first = Person.objects.get(pk=restricted)
        raise RestrictedRecord(first, refused)
