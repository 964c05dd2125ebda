"""Reading duplicates for the pages: the review queue, two records side by side, a child's
proposals and merge history. No writes here (the views log who read what)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from frontdoor.accounts.models import User
from frontdoor.matching.duplicates import known_different
from frontdoor.matching.merge import merge_undo_blockers
from frontdoor.matching.models import (
    RESTRICTED_PAIR_REASON,
    DuplicatePair,
    DuplicateStatus,
    MatchSettings,
    PersonMerge,
)
from frontdoor.matching.relations import relation_label
from frontdoor.matching.scorer import FIELD_LABELS, MatchScore, score
from frontdoor.matching.selectors import confidence_for, match_settings, record_for_person
from frontdoor.people.masking import masked_model_register
from frontdoor.people.models import Address, Alias, Person, PersonKind

QUEUE_LIMIT = 200
CONFIDENCE_LABELS = {"high": "High", "medium": "Medium", "low": "Low"}

LEVEL_LABELS = {
    "exact": "Exact",
    "nickname": "Short form",
    "typo": "Typing error",
    "first_part": "Shares a part",
    "part": "Shares a part",
    "sounds": "Sounds alike",
    "initial": "Initial only",
    "different": "Different",
    "swapped": "Swapped round",
    "year_month": "Same month",
    "partial_year_month": "Month and year",
    "partial_year": "Year only",
    "expected_close": "Near the expected date",
    "expected_near": "Close to the expected date",
    "same": "Same",
    "previous": "Earlier postcode",
    "sector": "Same sector",
    "district": "Same district",
    "similar": "Similar",
    "exact_unchecked": "Same (not checked)",
    "typo_unchecked": "Typing error (not checked)",
    "different_unchecked": "Different (not checked)",
}


def live_pairs() -> QuerySet[DuplicatePair]:
    """Pairs whose two records are both live (a merged record is no longer proposed)."""
    return DuplicatePair.objects.filter(
        first__merged_into__isnull=True, second__merged_into__isnull=True
    )


# ------------------------------------------------------------------------------ queue


@dataclass(frozen=True)
class QueueRow:
    pair: DuplicatePair
    confidence: str
    reasons: list[str]

    @property
    def confidence_label(self) -> str:
        return CONFIDENCE_LABELS[self.confidence]


def duplicate_queue(*, limit: int = QUEUE_LIMIT) -> list[QueueRow]:
    """Open proposals, strongest first, with their evidence in plain words."""
    settings = match_settings()
    pairs = (
        live_pairs()
        .filter(status=DuplicateStatus.OPEN)
        .select_related("first", "second")
        .order_by("-weight", "id")[:limit]
    )
    return [
        QueueRow(
            pair=p,
            confidence=confidence_for(p.weight, settings),
            reasons=[str(r[3]) for r in p.reasons[:4]],
        )
        for p in pairs
    ]


def duplicate_counts(settings: MatchSettings | None = None) -> dict[str, int]:
    """Open proposals by confidence, and decisions made so far."""
    settings = settings or match_settings()
    open_ = Q(status=DuplicateStatus.OPEN)
    counts = live_pairs().aggregate(
        open=Count("id", filter=open_),
        high=Count("id", filter=open_ & Q(weight__gte=settings.high_at)),
        medium=Count(
            "id", filter=open_ & Q(weight__gte=settings.medium_at, weight__lt=settings.high_at)
        ),
    )
    decided = DuplicatePair.objects.aggregate(
        merged=Count("id", filter=Q(status=DuplicateStatus.MERGED)),
        not_same=Count("id", filter=Q(status=DuplicateStatus.NOT_SAME)),
    )
    low = counts["open"] - counts["high"] - counts["medium"]
    return {**counts, "low": low, **decided}


# ---------------------------------------------------------------------------- compare


#: What each later stage holds for a person, as a side of the comparison shows it
#: ("contacts", "referrals", "enquiries", "transfers"): registered by the stage from its
#: ``ready()``, so the matcher never imports the stages above it (docs/adr/0021).
_HOLDINGS: dict[str, Callable[[Person], Any]] = {}


def person_holdings_register(name: str, read: Callable[[Person], Any]) -> None:
    """Register how to read what a stage holds for a person (a list, or a count)."""
    _HOLDINGS[name] = read


@dataclass(frozen=True)
class Side:
    person: Person
    aliases: list[Alias]
    addresses: list[Address]
    held: dict[str, Any] = field(default_factory=dict)

    @property
    def contacts(self) -> list[Any]:
        return list(self.held.get("contacts", []))

    @property
    def referrals(self) -> int:
        return int(self.held.get("referrals", 0))

    @property
    def enquiries(self) -> int:
        return int(self.held.get("enquiries", 0))

    @property
    def transfers(self) -> int:
        return int(self.held.get("transfers", 0))


@dataclass(frozen=True)
class FieldRow:
    field: str
    label: str
    left: str
    right: str
    finding: str
    level: str
    weight: float | None


@dataclass(frozen=True)
class Comparison:
    left: Side
    right: Side
    score: MatchScore
    rows: list[FieldRow]
    confidence: str
    pair: DuplicatePair | None
    blockers: list[str] = field(default_factory=list)  # why they cannot be merged
    warnings: list[str] = field(default_factory=list)  # what to look at before merging

    @property
    def weight(self) -> float:
        return self.score.weight

    @property
    def confidence_label(self) -> str:
        return CONFIDENCE_LABELS[self.confidence]

    @property
    def both_live(self) -> bool:
        return self.left.person.merged_into_id is None and self.right.person.merged_into_id is None

    @property
    def decided(self) -> bool:
        return self.pair is not None and self.pair.status != DuplicateStatus.OPEN


def child_records(*ids: int) -> dict[int, Person]:
    """Child records (live or merged) by id, with what the pages show of them."""
    return {
        p.pk: p
        for p in Person.objects.filter(pk__in=ids, kind=PersonKind.CHILD).select_related(
            "allocated_worker", "merged_into"
        )
    }


def _side(person: Person) -> Side:
    return Side(
        person=person,
        aliases=list(person.aliases.order_by("id")),
        addresses=list(person.addresses.all()),
        held={name: read(person) for name, read in _HOLDINGS.items()},
    )


def _names(current: str, others: list[str]) -> str:
    rest = [o for o in dict.fromkeys(others) if o and o != current]
    text = current or "Not known"
    return text + (f" (also {', '.join(rest)})" if rest else "")


def _birth(person: Person) -> str:
    if person.date_of_birth:
        return person.date_of_birth.strftime("%-d %b %Y")
    if person.expected_date_of_birth:
        return "Expected " + person.expected_date_of_birth.strftime("%-d %b %Y")
    return "Not known"


def _values(side: Side) -> dict[str, str]:
    p = side.person
    postcodes = list(dict.fromkeys(a.postcode for a in side.addresses if a.postcode))
    return {
        "given_name": _names(p.first_name, [a.first_name for a in side.aliases]),
        "family_name": _names(p.last_name, [a.last_name for a in side.aliases]),
        "names_swapped": p.full_name,
        "date_of_birth": _birth(p),
        "sex": p.get_sex_display(),
        "postcode": ", ".join(postcodes) or "Not known",
        "address": str(side.addresses[0]) if side.addresses else "Not known",
        "nhs_number": p.nhs_number or "Not known",
        "upn": p.upn or "Not known",
    }


def _rows(left: Side, right: Side, result: MatchScore) -> list[FieldRow]:
    by_field = {f.field: f for f in result.fields}
    lv, rv = _values(left), _values(right)
    rows: list[FieldRow] = []
    for name, label in FIELD_LABELS.items():
        found = by_field.get(name)
        if found is not None:
            rows.append(
                FieldRow(
                    name,
                    label,
                    lv[name],
                    rv[name],
                    found.reason[:1].upper() + found.reason[1:],
                    LEVEL_LABELS.get(found.level, found.level),
                    found.weight,
                )
            )
        elif name == "names_swapped":
            continue
        elif name in ("given_name", "family_name") and "names_swapped" in by_field:
            rows.append(FieldRow(name, label, lv[name], rv[name], "Scored with Names", "", None))
        else:
            rows.append(
                FieldRow(
                    name,
                    label,
                    lv[name],
                    rv[name],
                    "Not compared: missing on one or both records",
                    "",
                    0.0,
                )
            )
    return rows


def pair_between(a: int, b: int) -> DuplicatePair | None:
    first, second = (a, b) if a < b else (b, a)
    return (
        DuplicatePair.objects.select_related("decided_by")
        .filter(first_id=first, second_id=second)
        .first()
    )


def comparison(left: Person, right: Person) -> Comparison:
    """Two child records side by side, the weight of each field, and what to look at."""
    settings = match_settings()
    result = score(record_for_person(left), record_for_person(right))
    a, b = _side(left), _side(right)
    blockers = list(known_different(left, right))
    if left.nhs_number and right.nhs_number and left.nhs_number != right.nhs_number:
        blockers.append("The records have different NHS numbers")
    warnings: list[str] = []
    if left.upn and right.upn and left.upn != right.upn:
        warnings.append("The records have different UPNs")
    if {left.sex, right.sex} == {"M", "F"}:
        warnings.append("The records give a different sex")
    if left.is_unborn != right.is_unborn:
        warnings.append(
            "One record is of an unborn child: if they are the same child, the baby has been "
            "born and the kept record takes the date of birth"
        )
    workers = {p.allocated_worker for p in (left, right) if p.allocated_worker is not None}
    if len(workers) > 1:
        names = " and ".join(sorted(w.display_name for w in workers))
        warnings.append(
            f"Both records have an allocated worker ({names}): the kept record's worker stays, "
            "so tell the other worker"
        )
    for side in (left, right):
        if side.merged_into_id is not None:
            blockers.append(
                f"{side.full_name} (record {side.pk}) has already been merged into "
                f"record {side.merged_into_id}"
            )
    return Comparison(
        left=a,
        right=b,
        score=result,
        rows=_rows(a, b, result),
        confidence=confidence_for(result.weight, settings),
        pair=pair_between(left.pk, right.pk),
        blockers=blockers,
        warnings=warnings,
    )


# -------------------------------------------------------------------------- the child


@dataclass(frozen=True)
class Proposal:
    pair: DuplicatePair
    other: Person
    confidence: str

    @property
    def confidence_label(self) -> str:
        return CONFIDENCE_LABELS[self.confidence]


@dataclass(frozen=True)
class ChildDuplicates:
    child: Person
    merged_into: Person | None  # this record was merged into that one
    merged_by: PersonMerge | None  # ... by this merge
    proposals: list[Proposal]
    merges: list[PersonMerge]  # records merged into this one, not undone


def child_duplicates(child: Person) -> ChildDuplicates:
    settings = match_settings()
    merged_into = None
    merged_by = None
    if child.merged_into_id is not None:
        merged_into = Person.objects.filter(pk=child.merged_into_id).first()
        merged_by = (
            PersonMerge.objects.select_related("merged_by")
            .filter(merged=child, undone_at__isnull=True)
            .order_by("-merged_at", "-id")
            .first()
        )
    proposals: list[Proposal] = []
    if child.merged_into_id is None:
        for pair in (
            live_pairs()
            .filter(Q(first=child) | Q(second=child), status=DuplicateStatus.OPEN)
            .select_related("first", "second")
            .order_by("-weight", "id")
        ):
            other = pair.second if pair.first_id == child.pk else pair.first
            proposals.append(Proposal(pair, other, confidence_for(pair.weight, settings)))
    merges = list(
        PersonMerge.objects.filter(kept=child, undone_at__isnull=True)
        .select_related("merged", "merged_by")
        .order_by("-merged_at", "-id")
    )
    return ChildDuplicates(child, merged_into, merged_by, proposals, merges)


# ------------------------------------------------------------------------------- merges


@dataclass(frozen=True)
class MovedLine:
    label: str
    count: int


@dataclass(frozen=True)
class MergeSummary:
    merge: PersonMerge
    moved: list[MovedLine]
    stayed: list[tuple[str, int, str]]
    filled: list[tuple[str, Any, Any]]
    blockers: list[str]


FILLED_LABELS = {
    "nhs_number": "NHS number",
    "upn": "UPN",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "allocated_worker_id": "Allocated worker",
}


def merge_summary(merge: PersonMerge) -> MergeSummary:
    """What one merge did, in words, and whether it can be undone now."""
    moved = [MovedLine(relation_label(k), len(ids)) for k, ids in sorted(merge.moved.items())]
    stayed = [
        (relation_label(k), int(row[0]), str(row[1]))
        for k, rows in sorted(merge.stayed.items())
        for row in rows
    ]
    filled = [
        (FILLED_LABELS.get(k, k), _filled_value(k, v[0]), _filled_value(k, v[1]))
        for k, v in sorted(merge.filled.items())
    ]
    return MergeSummary(merge, moved, stayed, filled, merge_undo_blockers(merge))


def _filled_value(key: str, value: Any) -> str:
    if value in (None, ""):
        return "Blank"
    if key == "allocated_worker_id":
        user = User.objects.filter(pk=value).first()
        return user.display_name if user else f"User {value}"
    if key.endswith("date_of_birth"):
        try:
            return date.fromisoformat(str(value)).strftime("%-d %b %Y")
        except ValueError:
            return str(value)
    return str(value)


def merge_for_page(pk: int) -> PersonMerge | None:
    return (
        PersonMerge.objects.select_related("kept", "merged", "merged_by", "undone_by", "alias")
        .filter(pk=pk)
        .first()
    )


#: What a reviewer is told about a proposal with a restricted record they may not see: the
#: reasons quote both names, so they are not shown (``frontdoor.people.masking``).
RESTRICTED_REASON = RESTRICTED_PAIR_REASON.lower()
masked_model_register(
    QueueRow,
    person_id=lambda row: (row.pair.first_id, row.pair.second_id),
    masks={"reasons": lambda row: [RESTRICTED_REASON]},
)
