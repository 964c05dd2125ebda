"""Reading matches: candidates for a search, and records built from people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch

from frontdoor.matching.keys import record_keys
from frontdoor.matching.models import MatchKey, MatchSettings
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import MatchScore, score
from frontdoor.people.models import Address, Alias, Person

if TYPE_CHECKING:
    from frontdoor.people.services import ChildDetails

# A search scores at most this many records: those sharing the most keys with it.
MAX_SCORED = 300


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


def record_for_person(person: Person) -> MatchRecord:
    """The person with every name and address they have had (aliases, address history).

    Uses ``person.aliases`` and ``person.addresses``: prefetch them for many people.
    """
    aliases = list(person.aliases.all())
    addresses = list(person.addresses.all())
    return MatchRecord.build(
        id=str(person.pk),
        given_names=[person.first_name, *(a.first_name for a in aliases)],
        family_names=[person.last_name, *(a.last_name for a in aliases)],
        date_of_birth=person.date_of_birth,
        expected_date_of_birth=person.expected_date_of_birth,
        sex=person.sex,
        postcodes=[a.postcode for a in addresses],
        addresses=[str(a) for a in addresses],
        nhs_number=person.nhs_number,
        upn=person.upn,
    )


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
            Prefetch("addresses", queryset=Address.objects.order_by("-moved_in", "-id")),
        )
    )


def candidate_ids(record: MatchRecord, *, limit: int = MAX_SCORED) -> list[int]:
    """Ids of the people sharing the most blocking keys with ``record``."""
    keys = sorted(record_keys(record, query=True))
    if not keys:
        return []
    rows = (
        MatchKey.objects.filter(key__in=keys)
        .values("person_id")
        .annotate(shared=Count("id"))
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
) -> list[Candidate]:
    """Possible existing records for ``record``, best first, each with its reasons.

    Only records at or above ``minimum`` (by default the "show" threshold) are returned.
    """
    settings = settings or match_settings()
    floor = settings.show_at if minimum is None else minimum
    ids = [i for i in candidate_ids(record) if i not in set(exclude)]
    found: list[Candidate] = []
    for person in people_for_matching(ids):
        result = score(record, record_for_person(person))
        if result.weight >= floor:
            found.append(Candidate(person, result, confidence_for(result.weight, settings)))
    found.sort(key=lambda c: (-c.weight, c.person.pk))
    return found[: (limit or settings.max_candidates)]
