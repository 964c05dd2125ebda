"""Decisions on possible duplicates: merge two records, or undo a merge.

Joining the records of two different children is as dangerous as missing a link, so a merge
is explicit (a reviewer, a reason), refused when the records themselves say they are two
children, fully recorded (every row it moved, every blank it filled) and can be undone
exactly. Audit rows (events, the access log) are never rewritten: each record keeps its own
history, and the merge appends an event to both.

What points at a record, and moving it, is in relations.py; "not the same person" in
not_same.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append
from frontdoor.matching.duplicates import known_different, ordered, reasons_of
from frontdoor.matching.models import DuplicatePair, DuplicateStatus, PersonMerge
from frontdoor.matching.relations import _concrete, _move, _relation, person_relations
from frontdoor.matching.scorer import MatchScore, score
from frontdoor.matching.selectors import people_for_matching, record_for_person
from frontdoor.matching.services import match_keys_refresh
from frontdoor.people.models import Alias, Person
from frontdoor.restricted.selectors import live_restrictions

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


ALIAS_KIND = "merged record"
MAX_REASON = 10000

# ----------------------------------------------------------------------------- helpers


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def identity(person: Person) -> dict[str, Any]:
    """What an event records of each record: the details a merge may change."""
    return {
        "id": person.pk,
        "name": person.full_name,
        "date_of_birth": _json(person.date_of_birth),
        "expected_date_of_birth": _json(person.expected_date_of_birth),
        "sex": person.sex,
        "nhs_number": person.nhs_number,
        "upn": person.upn,
        "allocated_worker": person.allocated_worker_id,
        "merged_into": person.merged_into_id,
    }


def _lock_people(*people: Person) -> dict[int, Person]:
    ids = sorted({p.pk for p in people})
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _lock_pair(a: int, b: int) -> DuplicatePair | None:
    first, second = ordered(a, b)
    return DuplicatePair.objects.select_for_update().filter(first=first, second=second).first()


def _score(a: Person, b: Person) -> MatchScore | None:
    found = {p.pk: p for p in people_for_matching([a.pk, b.pk])}
    if a.pk not in found or b.pk not in found:
        return None
    return score(record_for_person(found[a.pk]), record_for_person(found[b.pk]))


def _pair_decide(
    *,
    pair: DuplicatePair | None,
    a: Person,
    b: Person,
    status: str,
    by: User,
    note: str,
    at: datetime,
    result: MatchScore | None,
) -> DuplicatePair:
    """Record the decision on the pair of ``a`` and ``b``, creating the pair if needed."""
    if pair is None:
        first, second = ordered(a.pk, b.pk)
        pair = DuplicatePair(
            first_id=first,
            second_id=second,
            weight=result.weight if result else 0.0,
            reasons=reasons_of(result) if result else [],
            found_at=at,
            refreshed_at=at,
        )
    pair.status = status
    pair.decided_at = at
    pair.decided_by = by
    pair.note = note
    pair.save()
    return pair


def _describe(person: Person) -> str:
    return f"{person.full_name} (record {person.pk})"


def _clean_text(value: str) -> str:
    return (value or "").strip()


# ------------------------------------------------------------------------------- merge


def _on_both(
    record: PersonMerge,
    action: str,
    summary: str,
    children: tuple[Person, Person],
    by: User,
    at: datetime,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str,
) -> None:
    """A merge or its undoing: the same event in both children's histories, and the change
    logged against both."""
    for child in children:
        event_append(
            record=record,
            action=action,
            summary=summary,
            at=at,
            actor=by,
            child=child,
            before=before,
            after=after,
            reason=reason,
        )
    access_log_record(
        user=by, children=list(children), record=record, action=AccessAction.CHANGE, at=at
    )


def person_merge(
    *,
    kept: Person,
    merged: Person,
    by: User,
    reason: str,
    pair: DuplicatePair | None = None,
    at: datetime | None = None,
    overrule_not_same: bool = False,
) -> PersonMerge:
    """Merge ``merged`` into ``kept``: everything ``merged`` had now belongs to ``kept``.

    Refused (ValidationError, nothing saved) for the same record twice, a record already
    merged, a child and an adult, different NHS numbers, two records named on one contact
    or related to each other, a blank reason, or a pair a reviewer decided were not the same
    person (unless ``overrule_not_same``). An unborn and a born record may be merged.
    """
    at = at or timezone.now()
    reason = _clean_text(reason)
    with transaction.atomic():
        locked = _lock_people(kept, merged)
        errors: dict[str, str] = {}
        if not reason:
            errors["reason"] = "Enter why these two records are the same child"
        elif len(reason) > MAX_REASON:
            errors["reason"] = f"Reason must be {MAX_REASON} characters or fewer"
        if kept.pk == merged.pk:
            errors["merged"] = "Choose two different records: a record cannot merge with itself"
            raise ValidationError(errors)
        if kept.pk not in locked or merged.pk not in locked:
            raise ValidationError({"merged": "One of the records no longer exists"})
        k, m = locked[kept.pk], locked[merged.pk]
        if k.merged_into_id is not None:
            errors["kept"] = (
                f"{_describe(k)} has already been merged into record {k.merged_into_id}: "
                "keep that record instead"
            )
        if m.merged_into_id is not None:
            errors["merged"] = (
                f"{_describe(m)} has already been merged into record {m.merged_into_id}"
            )
        if k.kind != m.kind:
            errors["merged"] = "A child's record cannot be merged with an adult's"
        if k.nhs_number and m.nhs_number and k.nhs_number != m.nhs_number:
            errors["nhs_number"] = (
                f"The records have different NHS numbers ({k.nhs_number} and {m.nhs_number}), "
                "and an NHS number belongs to one person: correct the wrong one first"
            )
        different = known_different(k, m)
        if different:
            errors["merged"] = f"{different[0]}, so they are two different children"
        if live_restrictions().filter(child_id=m.pk).exists():
            # Its restriction would stay on a record nobody opens, while its history showed
            # on the kept record: keep the restricted record instead.
            errors["merged"] = (
                f"{_describe(m)} is a restricted record: keep it and merge the other record "
                "into it, or lift its restriction first"
            )
        locked_pair = _lock_pair(k.pk, m.pk)
        if pair is not None and (locked_pair is None or locked_pair.pk != pair.pk):
            errors["pair"] = "That proposal is not about these two records"
        if locked_pair is not None:
            if locked_pair.status == DuplicateStatus.MERGED:
                errors["pair"] = "These records have already been merged"
            elif locked_pair.status == DuplicateStatus.NOT_SAME and not overrule_not_same:
                when = (
                    timezone.localtime(locked_pair.decided_at) if locked_pair.decided_at else None
                )
                errors["overrule_not_same"] = (
                    "A reviewer recorded that these are not the same person"
                    + (f" on {when:%-d %b %Y}" if when else "")
                    + ": confirm you have read their note and these are the same child"
                )
        if errors:
            raise ValidationError(errors)

        result = _score(k, m)
        before = {"kept": identity(k), "merged": identity(m)}
        moved: dict[str, list[int]] = {}
        stayed: dict[str, list[list[Any]]] = {}
        for key, model, field_name in person_relations():
            ids = list(
                model._base_manager.filter(**{field_name: m})
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not ids:
                continue
            done, left = _move(model, field_name, ids, m, k)
            if done:
                moved[key] = done
            if left:
                stayed[key] = left

        alias = _alias_record(k, m)
        filled = _fill_blanks(k, m)
        m.merged_into = k
        m.save(update_fields=["merged_into"])
        match_keys_refresh(k)
        match_keys_refresh(m)
        decided = _pair_decide(
            pair=locked_pair,
            a=k,
            b=m,
            status=DuplicateStatus.MERGED,
            by=by,
            note=reason,
            at=at,
            result=result,
        )
        merge = PersonMerge.objects.create(
            kept=k,
            merged=m,
            pair=decided,
            moved=moved,
            stayed=stayed,
            filled=filled,
            alias=alias,
            reason=reason,
            merged_at=at,
            merged_by=by,
        )
        after = {
            "kept": identity(k),
            "merged": identity(m),
            "moved": {key: len(ids) for key, ids in moved.items()},
            "stayed": stayed,
            "filled": filled,
            "alias": alias.pk if alias else None,
            "weight": result.weight if result else None,
        }
        summary = f"{_describe(m)} merged into {_describe(k)}"
        if stayed:
            summary += f"; {sum(len(v) for v in stayed.values())} row(s) stayed (unique rules)"
        _on_both(merge, "person.merged", summary, (k, m), by, at, before, after, reason)
    return merge


def _alias_record(kept: Person, merged: Person) -> Alias | None:
    """The merged record's name as another name of the kept record (when it is new)."""
    first, last = merged.first_name.strip(), merged.last_name.strip()
    if not (first or last):
        return None
    if (first.lower(), last.lower()) == (
        kept.first_name.strip().lower(),
        kept.last_name.strip().lower(),
    ):
        return None
    if kept.aliases.filter(first_name__iexact=first, last_name__iexact=last).exists():
        return None
    return Alias.objects.create(person=kept, first_name=first, last_name=last, kind=ALIAS_KIND)


def _fill_blanks(kept: Person, merged: Person) -> dict[str, list[Any]]:
    """Fill the kept record's blank identifiers from the merged one; returns what changed."""
    filled: dict[str, list[Any]] = {}

    def fill(attname: str, value: Any) -> None:
        filled[attname] = [_json(getattr(kept, attname)), _json(value)]
        setattr(kept, attname, value)

    for attname in ("nhs_number", "upn"):
        if not getattr(kept, attname) and getattr(merged, attname):
            fill(attname, getattr(merged, attname))
    if kept.date_of_birth is None and merged.date_of_birth is not None:
        # An unborn record merged with the born child's: the child has been born.
        fill("date_of_birth", merged.date_of_birth)
        if kept.expected_date_of_birth is not None:
            fill("expected_date_of_birth", None)
    elif (
        kept.date_of_birth is None
        and kept.expected_date_of_birth is None
        and merged.expected_date_of_birth is not None
    ):
        fill("expected_date_of_birth", merged.expected_date_of_birth)
    if kept.allocated_worker_id is None and merged.allocated_worker_id is not None:
        fill("allocated_worker_id", merged.allocated_worker_id)
    if filled:
        kept.save(update_fields=[Person._meta.get_field(a).name for a in filled])
    return filled


# ------------------------------------------------------------------------------- undo


def merge_undo_blockers(merge: PersonMerge) -> list[str]:
    """Why ``merge`` cannot be undone now (empty when it can)."""
    if merge.undone_at is not None:
        return ["This merge has already been undone"]
    kept = Person.objects.get(pk=merge.kept_id)
    merged = Person.objects.get(pk=merge.merged_id)
    if kept.merged_into_id is not None:
        return [
            f"{_describe(kept)} has since been merged into record {kept.merged_into_id}: "
            "undo that merge first"
        ]
    if merged.merged_into_id != kept.pk:
        return [f"{_describe(merged)} is no longer merged into {_describe(kept)}"]
    return []


def person_unmerge(
    *, merge: PersonMerge, by: User, reason: str, at: datetime | None = None
) -> PersonMerge:
    """Undo ``merge``: move back exactly the rows it moved, remove the name it added,
    restore the blanks it filled, and record the two as not the same person.

    Rows added to the kept record since the merge stay with it. A row the merge moved that
    has since gone or changed is left as it is (the event says so).
    """
    at = at or timezone.now()
    reason = _clean_text(reason)
    with transaction.atomic():
        locked = PersonMerge.objects.select_for_update().filter(pk=merge.pk).first()
        if locked is None:
            raise ValidationError({"merge": "That merge does not exist"})
        people = _lock_people(Person(pk=locked.kept_id), Person(pk=locked.merged_id))
        errors: dict[str, str] = {}
        if not reason:
            errors["reason"] = "Enter why these records are two different children"
        elif len(reason) > MAX_REASON:
            errors["reason"] = f"Reason must be {MAX_REASON} characters or fewer"
        blockers = merge_undo_blockers(locked)
        if blockers:
            errors["merge"] = blockers[0]
        if errors:
            raise ValidationError(errors)
        k, m = people[locked.kept_id], people[locked.merged_id]
        before = {"kept": identity(k), "merged": identity(m)}

        returned: dict[str, int] = {}
        missing: dict[str, list[int]] = {}
        kept_back: dict[str, list[list[Any]]] = {}
        for key, ids in sorted(locked.moved.items()):
            relation = _relation(key)
            if relation is None:
                missing[key] = list(ids)
                continue
            model, field_name = relation
            present = set(
                model._base_manager.filter(pk__in=ids, **{field_name: k}).values_list(
                    "pk", flat=True
                )
            )
            gone = [pk for pk in ids if pk not in present]
            if gone:
                missing[key] = gone
            done, left = _move(model, field_name, sorted(present), k, m)
            returned[key] = len(done)
            if left:
                kept_back[key] = left

        alias_removed = False
        if locked.alias_id is not None:
            alias_removed = bool(Alias.objects.filter(pk=locked.alias_id, person=k).delete()[0])
        restored, not_restored = _restore(k, locked.filled)
        m.merged_into = None
        m.save(update_fields=["merged_into"])
        match_keys_refresh(k)
        match_keys_refresh(m)
        pair = _lock_pair(k.pk, m.pk)
        _pair_decide(
            pair=pair,
            a=k,
            b=m,
            status=DuplicateStatus.NOT_SAME,
            by=by,
            note=reason,
            at=at,
            result=_score(k, m),
        )
        locked.undone_at = at
        locked.undone_by = by
        locked.undo_reason = reason
        locked.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        after = {
            "kept": identity(k),
            "merged": identity(m),
            "returned": returned,
            "not_found": missing,
            "could_not_return": kept_back,
            "restored": restored,
            "not_restored": not_restored,
            "alias_removed": alias_removed,
        }
        summary = f"Merge undone: {_describe(m)} separated again from {_describe(k)}"
        _on_both(locked, "person.unmerged", summary, (k, m), by, at, before, after, reason)
    return locked


# Restored together or not at all (a record has a date of birth or an expected one).
_TOGETHER = (("date_of_birth", "expected_date_of_birth"),)


def _restore(kept: Person, filled: dict[str, list[Any]]) -> tuple[list[str], list[str]]:
    """Put back the blanks a merge filled, where nobody has changed them since."""
    groups: list[tuple[str, ...]] = []
    for together in _TOGETHER:
        present = tuple(a for a in together if a in filled)
        if present:
            groups.append(present)
    grouped = {a for g in groups for a in g}
    groups.extend((a,) for a in filled if a not in grouped)
    restored: list[str] = []
    not_restored: list[str] = []
    for group in groups:
        unchanged = all(_json(getattr(kept, a)) == filled[a][1] for a in group)
        target = restored if unchanged else not_restored
        target.extend(group)
        if unchanged:
            for attname in group:
                field = _concrete(Person, attname)
                before = filled[attname][0]
                setattr(kept, attname, None if before is None else field.to_python(before))
    if restored:
        kept.save(update_fields=[Person._meta.get_field(a).name for a in restored])
    return restored, not_restored
