"""Finding likely duplicate child records: proposals for a reviewer, never merges.

``duplicates_check`` compares one child with the records sharing its blocking keys and
keeps one ``DuplicatePair`` per pair of records at or above ``MatchSettings.duplicate_at``.
A pair a reviewer has decided (merged, or not the same person) is never proposed again.
``duplicates_find`` runs the check for every child created or changed since the last scan;
the worker's housekeeping runs it every minute. ``duplicates_find_all`` compares every child
at once by blocking (as ``frontdoor match dedupe`` does), for a whole table such as the
demo's history.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from frontdoor.matching.batch import (
    DEFAULT_PROGRESS_EVERY,
    ProgressCallback,
    blocks_for_dedupe,
    score_pairs,
)
from frontdoor.matching.models import (
    DuplicatePair,
    DuplicateScan,
    DuplicateStatus,
    MatchKey,
    MatchSettings,
)
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import MatchScore, score
from frontdoor.matching.selectors import (
    candidates_for,
    match_settings,
    people_for_matching,
    record_for_person,
    records_for_ids,
)
from frontdoor.people.models import Person, PersonKind, Relationship

logger = logging.getLogger("frontdoor.matching")

SCAN = "people"
# At most this many records are proposed for one child at one check.
MAX_PROPOSALS = 10


def reasons_of(result: MatchScore) -> list[list[object]]:
    """The stored form of a score's evidence: ``[[field, level, weight, reason], ...]``."""
    ranked = sorted(result.fields, key=lambda f: -abs(f.weight))
    return [[f.field, f.level, f.weight, f.reason] for f in ranked]


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


#: Checks a later stage adds (from its ``ready()``): each says why two records are two
#: children, or returns "" (intake: both named on one contact).
_DIFFERENT: list[Callable[[Person, Person], str]] = []


def known_different_register(check: Callable[[Person, Person], str]) -> None:
    """Add a reason two records can never be the same child (once per check)."""
    if check not in _DIFFERENT:
        _DIFFERENT.append(check)


def known_different(a: Person, b: Person) -> list[str]:
    """What the records themselves say about two records being two different children.

    Two children named on the same contact, or recorded as related to each other, are two
    children (twins are the usual case): they are never proposed and never merged.
    """
    found = [reason for check in _DIFFERENT for reason in [check(a, b)] if reason]
    related = (
        Relationship.objects.filter(Q(person=a, child=b) | Q(person=b, child=a))
        .order_by("id")
        .first()
    )
    if related is not None:
        found.append(
            "The records are recorded as related to each other "
            f"({related.get_kind_display().lower()})"
        )
    return found


@dataclass(frozen=True)
class CheckResult:
    pairs: list[DuplicatePair]
    created: int


def duplicates_check(person: Person, *, at: datetime | None = None) -> list[DuplicatePair]:
    """Propose (or refresh) the likely duplicates of one child; returns their open pairs."""
    return _check(person, at=at or timezone.now(), settings=match_settings()).pairs


def _check(person: Person, *, at: datetime, settings: MatchSettings) -> CheckResult:
    fresh = people_for_matching([person.pk])
    if not fresh or fresh[0].kind != PersonKind.CHILD:
        return CheckResult([], 0)  # merged, gone, or an adult
    child = fresh[0]
    record = record_for_person(child)
    floor = settings.duplicate_at
    scores: dict[int, tuple[Person, MatchScore]] = {}
    for candidate in candidates_for(
        record, exclude=[child.pk], settings=settings, minimum=floor, limit=MAX_PROPOSALS
    ):
        if candidate.person.kind == PersonKind.CHILD:
            scores[candidate.person.pk] = (candidate.person, candidate.score)
    # Open pairs the candidate search did not return are scored again directly: the child
    # may have changed since they were proposed.
    open_pairs = DuplicatePair.objects.filter(
        Q(first=child) | Q(second=child), status=DuplicateStatus.OPEN
    )
    others = {(p.second_id if p.first_id == child.pk else p.first_id) for p in open_pairs} - set(
        scores
    )
    for other in people_for_matching(others):
        scores[other.pk] = (other, score(record, record_for_person(other)))

    kept: list[DuplicatePair] = []
    created = 0
    with transaction.atomic():
        decided = {
            (p.first_id, p.second_id): p
            for p in DuplicatePair.objects.filter(Q(first=child) | Q(second=child))
        }
        for other_id, (other, result) in sorted(scores.items()):
            first, second = ordered(child.pk, other_id)
            pair = decided.get((first, second))
            if pair is not None and pair.status != DuplicateStatus.OPEN:
                continue  # a reviewer has decided: never proposed again
            if result.weight < floor or known_different(child, other):
                if pair is not None:  # no longer likely: the proposal is withdrawn
                    DuplicatePair.objects.filter(pk=pair.pk, status=DuplicateStatus.OPEN).delete()
                continue
            reasons = reasons_of(result)
            if pair is None:
                pair, made = _pair_create(first, second, result.weight, reasons, at)
                created += made
                if not made and pair.status != DuplicateStatus.OPEN:
                    continue
            elif pair.weight != result.weight or pair.reasons != reasons:
                pair.weight, pair.reasons, pair.refreshed_at = result.weight, reasons, at
                DuplicatePair.objects.filter(pk=pair.pk, status=DuplicateStatus.OPEN).update(
                    weight=result.weight, reasons=reasons, refreshed_at=at
                )
            kept.append(pair)
    kept.sort(key=lambda p: (-p.weight, p.pk))
    return CheckResult(kept, created)


def _pair_create(
    first: int, second: int, weight: float, reasons: list[list[object]], at: datetime
) -> tuple[DuplicatePair, bool]:
    """Create the pair, or return the one another process has just created."""
    try:
        with transaction.atomic():
            pair = DuplicatePair.objects.create(
                first_id=first,
                second_id=second,
                weight=weight,
                reasons=reasons,
                found_at=at,
                refreshed_at=at,
            )
            return pair, True
    except IntegrityError:
        return DuplicatePair.objects.get(first_id=first, second_id=second), False


# ------------------------------------------------------------------ the background scan


def duplicates_find(*, now: datetime | None = None, limit: int = 500) -> int:
    """Check every child created or changed since the last scan; returns new proposals.

    Safe from several processes at once: a scan claims its range of keys in a short
    transaction on the scan's row (another process skips the round on PostgreSQL), and
    pairs are unique. At most ``limit`` changed people are checked per call; the rest wait
    for the next. A scan that dies after its claim loses nothing: the next one checks the
    previous range again.
    """
    now = now or timezone.now()
    settings = match_settings()
    DuplicateScan.objects.get_or_create(name=SCAN)
    with transaction.atomic():
        scan = DuplicateScan.objects.select_for_update(skip_locked=True).filter(name=SCAN).first()
        if scan is None:
            return 0  # another process is claiming a range right now
        groups = list(
            MatchKey.objects.filter(id__gt=scan.key_mark)
            .values("person_id")
            .annotate(first=Min("id"), last=Max("id"))
            .order_by("first", "person_id")[: limit + 1]
        )
        mark = scan.key_mark
        if len(groups) > limit:
            mark = int(groups[limit]["first"]) - 1
            groups = groups[:limit]
        elif groups:
            mark = max(int(g["last"]) for g in groups)
        people = [int(g["person_id"]) for g in groups]
        if scan.previous_mark < scan.key_mark:
            again = MatchKey.objects.filter(
                id__gt=scan.previous_mark, id__lte=scan.key_mark
            ).values_list("person_id", flat=True)
            people.extend(sorted(set(again) - set(people)))
        DuplicateScan.objects.filter(pk=scan.pk).update(
            previous_mark=scan.key_mark, key_mark=mark, scanned_at=now
        )
    created = 0
    for pk in people:
        created += _check(Person(pk=pk), at=now, settings=settings).created
    DuplicateScan.objects.filter(pk=scan.pk).update(
        people_checked=len(people), pairs_proposed=created
    )
    if created:
        logger.info("Duplicates: %d people checked, %d new proposals", len(people), created)
    return created


# ------------------------------------------------------------------ everyone at once


def duplicates_find_all(
    *,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
    every: int = DEFAULT_PROGRESS_EVERY,
) -> int:
    """Propose the likely duplicates among every live child at once; returns new proposals.

    For a whole table in one go (the demo's history, an import): blocking as ``frontdoor
    match dedupe`` does, rather than one candidate search per child. Every child's record is
    filed under its keys in memory and each pair sharing a key is scored once; the pairs at
    or above ``MatchSettings.duplicate_at`` are proposed as ``duplicates_check`` would (at
    most ``MAX_PROPOSALS`` per child, never a decided pair, never two records that are known
    to be two children). Open pairs are not withdrawn here. The background scan is then
    marked as up to date, so the worker does not check every child again.
    """
    now = now or timezone.now()
    floor = match_settings().duplicate_at
    mark = MatchKey.objects.aggregate(last=Max("id"))["last"] or 0
    ids = list(
        Person.objects.filter(kind=PersonKind.CHILD, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found: dict[int, MatchRecord] = {}
    for start in range(0, len(ids), 2000):  # three queries per chunk (records_for_ids)
        found.update(records_for_ids(ids[start : start + 2000]))
    records = [found[pk] for pk in ids if pk in found]
    blocks = blocks_for_dedupe(records, progress=progress, every=every)
    best: dict[int, list[tuple[float, int]]] = defaultdict(list)
    likely: list[tuple[int, int]] = []
    for i, j, weight in score_pairs(records, records, blocks, progress=progress, every=every):
        if weight >= floor:
            likely.append((i, j))
            best[i].append((weight, j))
            best[j].append((weight, i))
    # As a check of each child does: its MAX_PROPOSALS best (a pair is kept if either keeps it).
    kept_by = {i: {o for _w, o in sorted(c, key=lambda c: (-c[0], c[1]))[:MAX_PROPOSALS]}
               for i, c in best.items()}  # fmt: skip
    pairs = [(i, j) for i, j in likely if j in kept_by[i] or i in kept_by[j]]
    decided = set(
        DuplicatePair.objects.exclude(status=DuplicateStatus.OPEN).values_list(
            "first_id", "second_id"
        )
    )
    created = 0
    people = {p.pk: p for p in people_for_matching({int(records[k].id) for p in pairs for k in p})}
    with transaction.atomic():
        for i, j in pairs:
            first, second = ordered(int(records[i].id), int(records[j].id))
            if (first, second) in decided or first not in people or second not in people:
                continue
            if known_different(people[first], people[second]):
                continue
            result = score(records[i], records[j])
            created += _pair_create(first, second, result.weight, reasons_of(result), now)[1]
    scan, _ = DuplicateScan.objects.get_or_create(name=SCAN)
    DuplicateScan.objects.filter(pk=scan.pk, key_mark__lt=mark).update(
        previous_mark=mark, key_mark=mark, scanned_at=now
    )
    DuplicateScan.objects.filter(pk=scan.pk).update(
        people_checked=len(records), pairs_proposed=created
    )
    logger.info("Duplicates: %d children compared by blocking, %d new proposals", len(ids), created)
    return created
