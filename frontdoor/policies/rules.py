"""Turning a stored policy version into clock-engine objects (and validating it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from frontdoor.clocks import ClockReading, OfficeHours, Timescale, WorkingCalendar, evaluate
from frontdoor.policies.defaults import RATED_CLOCKS, RATINGS


@dataclass(frozen=True)
class Rules:
    """The parsed timescales of one policy version."""

    calendar: WorkingCalendar
    screening: Timescale | None
    rated: Mapping[str, Mapping[str, Timescale | None]]
    due_soon_fraction: float

    def timescale(self, clock: str, rating: str | None = None) -> Timescale | None:
        if clock == "screening":
            return self.screening
        return self.rated[clock].get(rating or "RED")

    def due(self, clock: str, start: datetime, rating: str | None = None) -> datetime | None:
        timescale = self.timescale(clock, rating)
        return None if timescale is None else timescale.due(start, self.calendar)

    def reading(
        self,
        *,
        started_at: datetime,
        due_at: datetime | None,
        completed_at: datetime | None,
        now: datetime,
    ) -> ClockReading:
        return evaluate(
            started_at=started_at,
            due_at=due_at,
            completed_at=completed_at,
            now=now,
            due_soon_fraction=self.due_soon_fraction,
        )


def parse_rules(
    office_hours: Mapping[str, Any], rules: Mapping[str, Any], due_soon_fraction: float
) -> Rules:
    """Validate and parse; raises ValueError with a message naming the bad part."""
    hours = OfficeHours.from_dict(office_hours)
    if not 0 <= due_soon_fraction < 1:
        raise ValueError("The due-soon share must be at least 0 and less than 1.")
    if not isinstance(rules, Mapping):
        raise ValueError("Rules must be an object.")
    try:
        screening = Timescale.from_dict(rules.get("screening"))
    except ValueError as exc:
        raise ValueError(f"screening: {exc}") from exc
    rated: dict[str, dict[str, Timescale | None]] = {}
    for clock in RATED_CLOCKS:
        by_rating = rules.get(clock)
        if not isinstance(by_rating, Mapping):
            raise ValueError(
                f"{clock}: give a timescale for each rating (RED, AMBER, GREEN, BLUE)."
            )
        unknown = set(by_rating) - set(RATINGS)
        if unknown:
            raise ValueError(f"{clock}: unknown rating {', '.join(sorted(unknown))}.")
        rated[clock] = {}
        for rating in RATINGS:
            try:
                rated[clock][rating] = Timescale.from_dict(by_rating.get(rating))
            except ValueError as exc:
                raise ValueError(f"{clock} {rating}: {exc}") from exc
    return Rules(
        calendar=WorkingCalendar(office_hours=hours),
        screening=screening,
        rated=rated,
        due_soon_fraction=due_soon_fraction,
    )


@lru_cache(maxsize=64)
def _cached(version_id: int, key: str) -> Rules:
    import json

    data = json.loads(key)
    return parse_rules(data["office_hours"], data["rules"], data["due_soon_fraction"])


def rules_for(policy: Any) -> Rules:
    """Parsed rules for a PolicyVersion (versions are immutable, so this caches safely)."""
    import json

    key = json.dumps(
        {
            "office_hours": policy.office_hours,
            "rules": policy.rules,
            "due_soon_fraction": policy.due_soon_fraction,
        },
        sort_keys=True,
    )
    return _cached(policy.pk, key)
