"""Reading matches: candidates for a search, and records built from people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch

from frontdoor.matching.keys import for_kind, search_keys
from frontdoor.matching.models import MatchKey, MatchSettings
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import MatchScore, score
from frontdoor.people.models import Address, Alias, Person

if TYPE_CHECKING:
    from frontdoor.people.services import ChildDetails

# A search scores at most this many records: those sharing the most keys with it. At a
# million children the true record was within the first 200 as often as within 300
# (benchmarks/matching_search.py).
MAX_SCORED = 200


def match_settings() -> MatchSettings:
    found = MatchSettings.objects.order_by("pk").first()
    return found if found is not None else MatchSettings()


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: MatchScore
    confidence: str  # "high", "medium" or "low"

    @property
    def weight(self) -> float:
        return self.score.weight

    @property
    def confidence_label(self) -> str:
        return {"high": "High", "medium": "Medium", "low": "Low"}[self.confidence]


def confidence_for(weight: float, settings: MatchSettings) -> str:
    if weight >= settings.high_at:
        return "high"
    if weight >= settings.medium_at:
        return "medium"
    return "low"


def _record(
    pk: int,
    person: tuple[str, str, date | None, date | None, str, str, str],
    aliases: Iterable[tuple[str, str]],
    addresses: Iterable[tuple[str, str, str, str]],
) -> MatchRecord:
    """The one way a stored child becomes a record, from plain values, whichever way read.

    ``person``: first name, last name, date of birth, expected date of birth, sex, NHS
    number, UPN; ``aliases``: (first, last); ``addresses``: (line 1, line 2, town, postcode),
    current first.
    """
    first, last, dob, expected, sex, nhs, upn = person
    aliases = list(aliases)
    addresses = list(addresses)
    return MatchRecord.build(
        id=str(pk),
        given_names=[first, *(a[0] for a in aliases)],
        family_names=[last, *(a[1] for a in aliases)],
        date_of_birth=dob,
        expected_date_of_birth=expected,
        sex=sex,
        postcodes=[a[3] for a in addresses],
        addresses=[", ".join(p for p in a if p) for a in addresses],
        nhs_number=nhs,
        upn=upn,
    )


def _details(person: Person) -> tuple[str, str, date | None, date | None, str, str, str]:
    """A person's own details, in the order ``_record`` takes them."""
    return (
        person.first_name,
        person.last_name,
        person.date_of_birth,
        person.expected_date_of_birth,
        person.sex,
        person.nhs_number,
        person.upn,
    )


def record_for_person(person: Person) -> MatchRecord:
    """The person with every name and address they have had (aliases, address history).

    Uses ``person.aliases`` and ``person.addresses``: prefetch them for many people.
    """
    return _record(
        person.pk,
        _details(person),
        ((a.first_name, a.last_name) for a in person.aliases.all()),
        ((a.line_1, a.line_2, a.town, a.postcode) for a in person.addresses.all()),
    )


def record_for_new_person(person: Person, addresses: Sequence[Address]) -> MatchRecord:
    """A person just created, as ``record_for_person`` would read them back: no aliases yet,
    and ``addresses`` (current first) the ones written with them."""
    return _record(
        person.pk,
        _details(person),
        (),
        ((a.line_1, a.line_2, a.town, a.postcode) for a in addresses),
    )


# Current address first: one not moved out of, then the most recently moved into.
ADDRESS_ORDER = (
    F("moved_out").desc(nulls_first=True),
    F("moved_in").desc(nulls_last=True),
    "-id",
)

_PERSON_VALUES = (
    "pk",
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "nhs_number",
    "upn",
)


def records_for_ids(ids: Sequence[int]) -> dict[int, MatchRecord]:
    """Live people's records read as plain rows (three queries, no model instances).

    A search scores up to ``MAX_SCORED`` people; making Django objects for each costs most
    of a search's time at a million children, so only the few shown become ``Person``.
    """
    aliases: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pid, first, last in (
        Alias.objects.filter(person_id__in=ids)
        .order_by("id")
        .values_list("person_id", "first_name", "last_name")
    ):
        aliases[pid].append((first, last))
    addresses: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    for pid, line_1, line_2, town, postcode in (
        Address.objects.filter(person_id__in=ids)
        .order_by(*ADDRESS_ORDER)
        .values_list("person_id", "line_1", "line_2", "town", "postcode")
    ):
        addresses[pid].append((line_1, line_2, town, postcode))
    rows = Person.objects.filter(pk__in=ids, merged_into__isnull=True).values_list(*_PERSON_VALUES)
    return {
        row[0]: _record(row[0], row[1:], aliases.get(row[0], ()), addresses.get(row[0], ()))
        for row in rows
    }


def record_for_details(details: ChildDetails) -> MatchRecord:
    return MatchRecord.build(
        given_names=[details.first_name],
        family_names=[details.last_name],
        date_of_birth=details.date_of_birth,
        expected_date_of_birth=details.expected_date_of_birth,
        sex=details.sex,
        postcodes=[details.postcode],
        addresses=[
            ", ".join(p for p in (details.address_line_1, details.town, details.postcode) if p)
        ],
        nhs_number=details.nhs_number,
    )


def people_for_matching(ids: Iterable[int]) -> list[Person]:
    """Live (not merged) people with their aliases and addresses, in one query each."""
    return list(
        Person.objects.filter(pk__in=list(ids), merged_into__isnull=True).prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("id")),
            Prefetch("addresses", queryset=Address.objects.order_by(*ADDRESS_ORDER)),
        )
    )


def candidate_ids(
    record: MatchRecord, *, limit: int = MAX_SCORED, kinds: Sequence[str] = ("child",)
) -> list[int]:
    """Ids of the people (children unless ``kinds`` says otherwise: "child", "adult") sharing
    the most blocking keys with ``record``."""
    plain = search_keys(record)
    wanted: set[str] = set()
    for kind in kinds:
        wanted |= for_kind(plain, kind)
    keys = sorted(wanted)
    if not keys:
        return []
    rows = (
        MatchKey.objects.filter(key__in=keys)
        .values("person_id")
        .annotate(shared=Count("*"))  # answered from the (key, person) index alone
        .order_by("-shared", "-person_id")[:limit]
    )
    return [row["person_id"] for row in rows]


def candidates_for(
    record: MatchRecord,
    *,
    exclude: Sequence[int] = (),
    settings: MatchSettings | None = None,
    minimum: float | None = None,
    limit: int | None = None,
    kinds: Sequence[str] = ("child",),
) -> list[Candidate]:
    """Possible existing records for ``record``, best first, each with its reasons.

    Children only, unless ``kinds`` names "adult" too (or instead): adults are searched when
    recording a parent or carer, and by "Find a person".

    Only records at or above ``minimum`` (by default the "show" threshold) are returned.
    """
    settings = settings or match_settings()
    floor = settings.show_at if minimum is None else minimum
    skip = set(exclude)
    ids = [i for i in candidate_ids(record, kinds=kinds) if i not in skip]
    scored = [
        (result.weight, pk, result)
        for pk, other in records_for_ids(ids).items()
        if (result := score(record, other)).weight >= floor
    ]
    scored.sort(key=lambda row: (-row[0], row[1]))
    best = scored[: (limit or settings.max_candidates)]
    people = {p.pk: p for p in people_for_matching([pk for _w, pk, _r in best])}
    return [
        Candidate(people[pk], result, confidence_for(weight, settings))
        for weight, pk, result in best
        if pk in people  # merged a moment ago
    ]
