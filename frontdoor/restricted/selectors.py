"""Reading restrictions: who may see a restricted child, and what a list must mask.

``hidden_child_ids`` is the one question every check asks: of these children, which are
restricted records this user may not see (not the owner, not named, no live break-glass
grant), or records merged into one? One query, whatever the number of children (and one more
for the merged records, when anything is hidden).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

# Re-exported: how a hidden child is named.
from frontdoor.people.masking import child_reference as child_reference
from frontdoor.people.masking import current_viewer
from frontdoor.people.masking import masked_label as masked_label
from frontdoor.people.models import Person
from frontdoor.restricted.models import BreakGlass, Restriction, RestrictionMember

T = TypeVar("T")


def break_glass_minutes() -> int:
    """How long a break-glass grant lasts (FRONTDOOR_BREAK_GLASS_MINUTES, default 60)."""
    return int(getattr(settings, "FRONTDOOR_BREAK_GLASS_MINUTES", 60))


def break_glass_period() -> timedelta:
    return timedelta(minutes=break_glass_minutes())


def signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def live_restrictions() -> QuerySet[Restriction]:
    return Restriction.objects.filter(lifted_at__isnull=True)


def restriction_of(child: Person | int) -> Restriction | None:
    """The child's live restriction, if it is restricted."""
    pk = child if isinstance(child, int) else child.pk
    return live_restrictions().select_related("owner").filter(child_id=pk).first()


def live_grant_q(user: Any, now: datetime) -> QuerySet[BreakGlass]:
    return BreakGlass.objects.filter(user=user, at__lte=now, expires_at__gt=now)


def hidden_restrictions(user: Any, now: datetime | None = None) -> QuerySet[Restriction]:
    """The live restrictions ``user`` is not on (owner or named) and holds no live grant for."""
    now = now or timezone.now()
    named = RestrictionMember.objects.filter(
        restriction=OuterRef("pk"), user=user, removed_at__isnull=True
    )
    granted = live_grant_q(user, now).filter(restriction=OuterRef("pk"))
    return (
        live_restrictions()
        .exclude(owner=user)
        .annotate(named=Exists(named), granted=Exists(granted))
        .filter(named=False, granted=False)
    )


def hidden_child_ids(
    user: Any, child_ids: Iterable[int] | None = None, *, now: datetime | None = None
) -> set[int]:
    """Of ``child_ids`` (all children when None), the restricted ones ``user`` may not see,
    with every record merged into one of them (at any depth: it is the same child, and its
    history is shown as that child's).

    Nobody signed in (a partner system's token, a referrer's link) is not refused here: those
    routes never show a child's case record.
    """
    if not signed_in(user):
        return set()
    if child_ids is not None:
        ids = {int(pk) for pk in child_ids}
        if not ids:
            return set()
    hidden = set(hidden_restrictions(user, now).values_list("child_id", flat=True))
    hidden |= merged_into_any(hidden)
    return hidden if child_ids is None else hidden & ids


def merged_into_any(roots: set[int]) -> set[int]:
    """The records merged into any of ``roots``, at any depth (one query per depth)."""
    found: set[int] = set()
    frontier = set(roots)
    while frontier:
        frontier = (
            set(Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
            - found
            - roots
        )
        found |= frontier
    return found


def restricted_record_of(child: Person | int) -> int:
    """The record whose restriction covers ``child``: the child itself, or the record it was
    merged into that is restricted (``child`` itself when neither is)."""
    pk = child if isinstance(child, int) else int(child.pk)
    seen = {pk}
    current: int | None = pk
    while current is not None:
        if live_restrictions().filter(child_id=current).exists():
            return current
        current = Person.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if current in seen:
            break
        if current is not None:
            seen.add(current)
    return pk


#: The brief's name for it: which of these children are restricted from this user.
restricted_ids_for = hidden_child_ids


def shown_children(user: Any, children: Iterable[Person]) -> list[Person]:
    """The children a list may name to ``user`` (the others it shows masked, unread). Asks
    the request's viewer when it is this user's (one query per request, however many lists)."""
    children = list(children)
    viewer = current_viewer()
    if viewer is not None and getattr(viewer, "user", None) is user:
        return [c for c in children if not viewer.hides(int(c.pk))]
    hidden = hidden_child_ids(user, [c.pk for c in children])
    return [c for c in children if c.pk not in hidden]


def may_see(user: Any, child: Person) -> bool:
    return child.pk not in hidden_child_ids(user, [child.pk])


def live_grant(user: Any, child: Person, now: datetime | None = None) -> BreakGlass | None:
    now = now or timezone.now()
    return (
        live_grant_q(user, now)
        .filter(child=child, restriction__lifted_at__isnull=True)
        .order_by("-expires_at")
        .first()
    )


def named_members(restriction: Restriction) -> QuerySet[RestrictionMember]:
    return restriction.members.filter(removed_at__isnull=True).select_related(
        "user", "user__team", "added_by"
    )


def alert_recipients(restriction: Restriction) -> list[Any]:
    """Who is told of a break-glass use: the owner and the named users (active ones)."""
    users = [restriction.owner, *(m.user for m in named_members(restriction))]
    seen: dict[int, Any] = {}
    for user in users:
        if user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def break_glass_uses(*, since: datetime | None = None) -> QuerySet[BreakGlass]:
    """Break-glass uses, newest first (since ``since``)."""
    qs = BreakGlass.objects.select_related("user", "user__team", "child", "restriction__owner")
    if since is not None:
        qs = qs.filter(at__gte=since)
    return qs


def alerts_for(user: Any, *, since: datetime) -> QuerySet[BreakGlass]:
    """Break-glass uses of records ``user`` owns or is named on, since ``since``."""
    on = RestrictionMember.objects.filter(
        restriction=OuterRef("restriction"), user=user, removed_at__isnull=True
    )
    return (
        break_glass_uses(since=since)
        .annotate(on=Exists(on))
        .filter(Q(restriction__owner=user) | Q(on=True))
    )
