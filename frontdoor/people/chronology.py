"""One chronology per child: every event of the child and of every record merged into it.

Read by the chronology page (and printed from it). Entries come from the append-only event
history (``frontdoor.audit.models.Event``), oldest first: a chronology reads as the child's
story in date order, the way social workers write one for a case file or a court. The page
offers newest first as well.

Categories are data: each is a set of event-action prefixes (``"contact."``, ``"transfer."``),
and the longest prefix that matches an action wins. A new kind of work (exploitation, say)
adds its own with ``category_register`` and its events slot in; an action no category claims
is shown under "Other", never hidden.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from frontdoor.accounts.access import Perm, can
from frontdoor.audit.changes import Change, changes_of
from frontdoor.audit.event_types import event_label, event_type_or_none
from frontdoor.audit.models import Event
from frontdoor.people.models import Person


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    prefixes: tuple[str, ...]


OTHER = Category("other", "Other", ())

_CATEGORIES: list[Category] = [
    Category("contacts", "Contacts and screening", ("contact.",)),
    Category("referrals", "Referrals", ("referral.",)),
    Category("enquiries", "MASH enquiries and partner information", ("enquiry.", "request.")),
    Category("decisions", "Decisions", ("decision.",)),
    Category("feedback", "Feedback to the referrer", ("feedback.",)),
    Category("meetings", "Strategy discussions and meetings", ("strategy.", "meeting.")),
    Category("transfers", "Transfers and visits", ("transfer.", "visit.")),
    Category(
        "merges", "Duplicates and merged records", ("person.merge", "person.unmerge", "duplicate.")
    ),
    Category("record", "The child's record", ("person.",)),
    Category("household", "Household and relationships", ("relationship.",)),
]


def categories() -> list[Category]:
    """Every category, in the order the filter shows them ("Other" last)."""
    return [*_CATEGORIES, OTHER]


def category_register(category: Category) -> None:
    """Add (or replace, by key) a category: call from an app's ``ready()``."""
    if category.key == OTHER.key:
        raise ValueError("'other' is reserved for actions no category claims")
    for index, existing in enumerate(_CATEGORIES):
        if existing.key == category.key:
            _CATEGORIES[index] = category
            return
    _CATEGORIES.append(category)


def category_of(action: str) -> Category:
    """The category of ``action``: its registered event type's (``frontdoor.audit.event_types``);
    for a name not registered, the category whose longest prefix matches it ("Other" if none)."""
    kind = event_type_or_none(action)
    if kind is not None:
        if kind.category == OTHER.key:
            return OTHER
        for category in _CATEGORIES:
            if category.key == kind.category:
                return category
    best, length = OTHER, -1
    for category in _CATEGORIES:
        for prefix in category.prefixes:
            if action.startswith(prefix) and len(prefix) > length:
                best, length = category, len(prefix)
    return best


# --------------------------------------------------------------------- merged records


def record_ids_for(child: Person | int) -> list[int]:
    """The child's own record id, then every record merged into it (at any depth).

    A record merged into another belongs to it: its contacts, referrals and history are the
    surviving child's. Reuse this wherever a child's data is counted or listed.
    """
    root = child if isinstance(child, int) else child.pk
    ids = [root]
    seen = {root}
    frontier = [root]
    while frontier:
        found = [
            pk
            for pk in Person.objects.filter(merged_into_id__in=frontier)
            .order_by("pk")
            .values_list("pk", flat=True)
            if pk not in seen  # a cycle would be a data error: never loop on it
        ]
        seen.update(found)
        ids.extend(found)
        frontier = found
    return ids


def surviving_record(child: Person) -> Person:
    """The record ``child`` was merged into, followed to the end (``child`` if not merged)."""
    seen = {child.pk}
    while child.merged_into_id is not None and child.merged_into_id not in seen:
        seen.add(child.merged_into_id)
        child = Person.objects.get(pk=child.merged_into_id)
    return child


# --------------------------------------------------------------------- entries


@dataclass(frozen=True)
class ChronologyEntry:
    event_id: int
    at: datetime
    category: str
    category_label: str
    action: str
    #: What kind of thing happened: the event type's label ("Transfer accepted").
    label: str
    #: What happened, in plain words.
    summary: str
    #: The recorded reason, rationale or oversight, if any.
    detail: str
    #: Who did it (name and role), or "Front Door" for automatic steps.
    who: str
    #: The record it happened to, in words ("Contact C0000012", "Enquiry E4").
    record_label: str
    #: ``(url name, pk)`` of a page the viewer may open for that record, or None.
    link: tuple[str, int] | None
    #: The person record the event belongs to (a merged record's id, or the child's own).
    person_id: int
    #: Set when the event came from a record since merged into this child: its name.
    merged_from: str = ""
    #: A correction's fields, before and after, in words (``frontdoor.audit.changes``).
    changes: tuple[Change, ...] = ()


def _start(day: date | datetime) -> datetime:
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time.min))


def _end(day: date) -> datetime:
    """The first moment after ``day`` (local)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _once(events: Iterable[Event]) -> list[Event]:
    """A merge (or a "not the same person" decision) appends the same event to both records:
    keep one of each."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for event in events:
        key = (event.action, event.record_type, event.record_id, event.at, event.summary)
        if key in seen:
            continue
        seen.add(key)
        kept.append(event)
    return kept


def _who(event: Event) -> str:
    actor = event.actor
    if actor is None:
        return "Front Door"
    role = actor.get_role_display() if actor.role else ""
    return f"{actor.display_name}, {role}" if role else actor.display_name


Link = tuple[str, int] | None


class Viewing:
    """Who reads a chronology (None: printed without a viewer), and what they may open."""

    def __init__(self, viewer: Any) -> None:
        self.viewer = viewer

    def may(self, perm: Perm, obj: Any = None) -> bool:
        return self.viewer is not None and can(self.viewer, perm, obj)

    def shown(self, perm: Perm) -> bool:
        """Content behind ``perm`` is shown to this viewer (always, when printed unviewed)."""
        return self.viewer is None or self.may(perm)


@dataclass(frozen=True)
class RecordKind:
    """How the chronology names an event's record (``Event.record_type``) and links to it.

    The stage that owns the record registers it from its ``ready()``
    (``record_kind_register``), so the children app never imports a later stage's models.
    """

    record_type: str
    #: The records of a batch of events, by id, in one query (what ``describe`` needs).
    load: Callable[[set[int]], Mapping[int, Any]]
    #: ``(record id, loaded record or None, viewing) -> (label, link)``.
    describe: Callable[[int, Any, Viewing], tuple[str, Link]]
    #: ``(event, loaded record or None, viewing) -> (summary, detail)`` to replace an event's
    #: own summary and reason in the chronology, or None to keep them.
    summary: Callable[[Event, Any, Viewing], tuple[str, str] | None] | None = None


def _nothing(ids: set[int]) -> Mapping[int, Any]:
    return {}


_RECORD_KINDS: dict[str, RecordKind] = {
    "person": RecordKind(
        "person",
        _nothing,
        lambda pk, _, viewing: (
            "Child's record",
            ("child-detail", pk) if viewing.may(Perm.CHILD_VIEW) else None,
        ),
    ),
    "relationship": RecordKind("relationship", _nothing, lambda *_: ("Household", None)),
    "personmerge": RecordKind("personmerge", _nothing, lambda *_: ("Child's records", None)),
    "duplicatepair": RecordKind("duplicatepair", _nothing, lambda *_: ("Child's records", None)),
}


def record_kind_register(kind: RecordKind) -> None:
    """Add (or replace, by record type) how the chronology names a kind of record."""
    _RECORD_KINDS[kind.record_type] = kind


class _Records:
    """Labels and links for the records a batch of events refers to (a few queries)."""

    def __init__(self, events: Sequence[Event], viewer: Any) -> None:
        ids: dict[str, set[int]] = defaultdict(set)
        for event in events:
            ids[event.record_type].add(event.record_id)
        self.viewing = Viewing(viewer)
        self.loaded = {
            record_type: _RECORD_KINDS[record_type].load(wanted)
            for record_type, wanted in ids.items()
            if record_type in _RECORD_KINDS
        }

    def summary(self, event: Event) -> tuple[str, str]:
        kind = _RECORD_KINDS.get(event.record_type)
        if kind is not None and kind.summary is not None:
            loaded = self.loaded.get(event.record_type, {}).get(event.record_id)
            found = kind.summary(event, loaded, self.viewing)
            if found is not None:
                return found
        return event.summary, event.reason

    def describe(self, record_type: str, record_id: int) -> tuple[str, Link]:
        kind = _RECORD_KINDS.get(record_type)
        if kind is None:
            return "", None
        loaded = self.loaded.get(record_type, {}).get(record_id)
        return kind.describe(record_id, loaded, self.viewing)


def chronology_for(
    child: Person,
    *,
    categories: Iterable[str] | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    viewer: Any = None,
) -> list[ChronologyEntry]:
    """The child's chronology, oldest first, across every record merged into the child.

    ``categories``: category keys to keep (None: all). ``since``/``until``: dates (local,
    both inclusive) or exact moments. ``viewer``: the user reading, so that an entry links
    to its record only where they may open it (no links without a viewer).
    """
    ids = record_ids_for(child)
    query = Event.objects.filter(child_id__in=ids)
    if since is not None:
        query = query.filter(at__gte=_start(since))
    if isinstance(until, datetime):
        query = query.filter(at__lte=until)
    elif until is not None:
        query = query.filter(at__lt=_end(until))
    events = _once(query.select_related("actor").order_by("at", "id"))
    wanted = None if categories is None else set(categories)
    if wanted is not None:
        events = [e for e in events if category_of(e.action).key in wanted]
    names: dict[int, str] = {}
    if len(ids) > 1:
        names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=ids[1:])}
    records = _Records(events, viewer)
    entries = []
    for event in events:
        category = category_of(event.action)
        label, link = records.describe(event.record_type, event.record_id)
        summary, detail = records.summary(event)
        person_id = event.child_id or child.pk
        entries.append(
            ChronologyEntry(
                event_id=event.pk,
                at=event.at,
                category=category.key,
                label=event_label(event.action),
                category_label=category.label,
                action=event.action,
                summary=summary,
                detail=detail,
                who=_who(event),
                record_label=label,
                link=link,
                person_id=person_id,
                merged_from=names.get(person_id, ""),
                changes=tuple(changes_of(event)),
            )
        )
    return entries
