"""Realistic duplicate child records for the demo.

In real front doors the same child is recorded again under a slightly different name or
date: a nickname, a misheard surname, a day and month typed the wrong way round. The demo
seeds such records (a share of repeat contacts recorded as if the child were new), so the
duplicate queue, the comparison page, merging and unmerging all have something to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from random import Random

from django.core.exceptions import ValidationError
from nicknames import NickNamer

from frontdoor.accounts.models import User
from frontdoor.matching.batch import Progress
from frontdoor.matching.duplicates import duplicates_find_all
from frontdoor.matching.merge import person_merge, person_unmerge
from frontdoor.matching.models import DuplicatePair, DuplicateStatus
from frontdoor.people.models import Person
from frontdoor.people.services import ChildDetails

#: Share of repeat contacts recorded as a new (duplicate) record.
P_DUPLICATE = 0.06
#: A progress line every this many children filed, and pairs scored.
PROGRESS_EVERY = 20_000

_nicknamer = NickNamer()
_SOUND_ALIKE = [
    ("ph", "f"), ("th", "t"), ("y", "i"), ("ie", "y"), ("ck", "k"), ("ou", "ow"),
    ("ll", "l"), ("nn", "n"), ("ss", "s"), ("ey", "y"), ("son", "sen"), ("mm", "m"),
]  # fmt: skip


def _surname_variant(name: str, rng: Random) -> str:
    lower = name.lower()
    swaps = [(a, b) for a, b in _SOUND_ALIKE if a in lower] + [
        (b, a) for a, b in _SOUND_ALIKE if b in lower and len(b) > 1
    ]
    if swaps and rng.random() < 0.6:
        a, b = rng.choice(swaps)
        at = lower.index(a)
        changed = lower[:at] + b + lower[at + len(a) :]
        return changed[:1].upper() + changed[1:]
    if len(name) > 3:  # two neighbouring letters the wrong way round
        i = rng.randint(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def _first_name_variant(name: str, rng: Random) -> str:
    short = sorted(n for n in _nicknamer.nicknames_of(name.lower()) if len(n) > 2)
    if short:
        return rng.choice(short).title()
    return _surname_variant(name, rng)


def _date_variant(dob: date, rng: Random) -> date:
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.6:
        return dob.replace(day=dob.month, month=dob.day)
    day = dob.day + rng.choice((-1, 1))
    try:
        return dob.replace(day=day)
    except ValueError:
        return dob


def duplicate_details(person: Person, *, postcode: str, address: str, rng: Random) -> ChildDetails:
    """The child as someone might record them again: one or two details different."""
    first, last, dob = person.first_name, person.last_name, person.date_of_birth
    changes = rng.sample(["first", "last", "date"], k=rng.choice((1, 2)))
    if "first" in changes and first:
        first = _first_name_variant(first, rng)
    if "last" in changes and last:
        last = _surname_variant(last, rng)
    if "date" in changes and dob is not None:
        dob = _date_variant(dob, rng)
    return ChildDetails(
        first_name=first,
        last_name=last,
        date_of_birth=dob,
        expected_date_of_birth=person.expected_date_of_birth if dob is None else None,
        sex=person.sex,
        postcode=postcode if rng.random() < 0.8 else "",
        address_line_1=address,
    )


@dataclass(frozen=True)
class ReviewSummary:
    proposed: int
    merged: int
    undone: int


def demo_duplicates_review(
    *, now: datetime, reviewer: User, progress: Callable[[str], None] | None = None
) -> ReviewSummary:
    """Propose the likely duplicates, then decide a few as a manager would.

    Every child is compared at once by blocking (``duplicates_find_all``), not one search
    per child; ``progress`` hears how the comparison is going.

    The two most certain proposals are merged; the third is merged and then undone (the
    school confirmed they are two children), which also marks it "not the same person". The
    rest stay in the queue for the demo's reviewers.
    """
    found_at = now - timedelta(hours=8)

    def report(at: Progress) -> None:
        if progress is not None:
            progress(f"duplicates, {at.message}")

    proposed = duplicates_find_all(now=found_at, progress=report, every=PROGRESS_EVERY)
    candidates = (
        DuplicatePair.objects.filter(status=DuplicateStatus.OPEN)
        .select_related("first", "second")
        .order_by("-weight", "id")
    )
    merged = undone = 0
    for pair in candidates[:20]:
        if merged == 3:
            break
        at = now - timedelta(hours=6 - merged)
        try:
            merge = person_merge(
                kept=pair.first,
                merged=pair.second,
                by=reviewer,
                reason="Same child: the same family and address, recorded again under a "
                "different spelling. Checked against the contact history.",
                pair=pair,
                at=at,
            )
        except ValidationError:  # refused (say, named together on one contact): leave it
            continue
        merged += 1
        if merged == 3:
            person_unmerge(
                merge=merge,
                by=reviewer,
                reason="The school confirmed these are two different children.",
                at=at + timedelta(minutes=40),
            )
            undone += 1
    return ReviewSummary(proposed=proposed, merged=merged, undone=undone)
