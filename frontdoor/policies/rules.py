"""Turning a stored policy version into clock-engine objects (and validating it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from frontdoor.clocks import ClockReading, OfficeHours, Timescale, WorkingCalendar, evaluate
from frontdoor.policies.defaults import (
    DEFAULT_REPEAT_RULE,
    DEFAULT_RULES,
    ESCALATION_STAGES,
    FIXED_CLOCKS,
    LATER_KEYS,
    OVERSIGHT_TRANSITIONS,
    RATED_CLOCKS,
    RATING_URGENCY,
    RATINGS,
)


def rating_at_least(chosen: str, proposed: str) -> bool:
    """Is BRAG rating ``chosen`` at least as urgent as ``proposed``?"""
    return RATING_URGENCY.index(chosen) >= RATING_URGENCY.index(proposed)


@dataclass(frozen=True)
class RepeatRule:
    """When a child keeps coming back, propose a higher rating (the decision stays human).

    ``contacts_at_least`` counts previous contacts (not the one being screened) in the
    ``window_months`` before it; a re-referral (a previous referral in the 12 months before:
    the DfE definition, not configurable) proposes ``re_referral_propose_rating``.
    """

    window_months: int
    contacts_at_least: int | None
    propose_rating: str | None
    re_referral_propose_rating: str | None

    def proposal(self, *, previous_contacts: int, re_referral: bool) -> tuple[str, tuple[str, ...]]:
        """The rating proposed ("" for none) and the triggers that fired: "contacts",
        "re_referral"."""
        fired: list[tuple[str, str]] = []
        if (
            self.contacts_at_least is not None
            and self.propose_rating
            and previous_contacts >= self.contacts_at_least
        ):
            fired.append(("contacts", self.propose_rating))
        if re_referral and self.re_referral_propose_rating:
            fired.append(("re_referral", self.re_referral_propose_rating))
        if not fired:
            return "", ()
        rating = max((r for _, r in fired), key=RATING_URGENCY.index)
        return rating, tuple(trigger for trigger, _ in fired)


REPEAT_KEYS = ("window_months", "contacts_at_least", "propose_rating", "re_referral_propose_rating")
PROPOSABLE = ("RED", "AMBER", "GREEN")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_repeat(value: Any) -> RepeatRule | None:
    """Validate the ``repeat`` rule; raises ValueError naming the bad part. ``None``: off."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("repeat: give an object (or null to switch the rule off).")
    unknown = set(value) - set(REPEAT_KEYS)
    if unknown:
        raise ValueError(f"repeat: unknown setting {', '.join(sorted(unknown))}.")
    window = value.get("window_months", 12)
    if not _whole(window) or not 1 <= window <= 60:
        raise ValueError("repeat window_months: give a whole number of months from 1 to 60.")
    at_least = value.get("contacts_at_least")
    if at_least is not None and (not _whole(at_least) or at_least < 1):
        raise ValueError("repeat contacts_at_least: give a whole number, 1 or more (or null).")
    names = ", ".join(PROPOSABLE)
    propose = value.get("propose_rating")
    if at_least is not None and propose is None:
        raise ValueError("repeat propose_rating: give the rating to propose.")
    if propose is not None and propose not in PROPOSABLE:
        raise ValueError(f"repeat propose_rating: give one of {names}.")
    re_referral = value.get("re_referral_propose_rating")
    if re_referral is not None and re_referral not in PROPOSABLE:
        raise ValueError(f"repeat re_referral_propose_rating: give one of {names} (or null).")
    return RepeatRule(
        window_months=window,
        contacts_at_least=at_least,
        propose_rating=propose,
        re_referral_propose_rating=re_referral,
    )


@dataclass(frozen=True)
class OversightRule:
    """Which transitions need a manager's management-oversight entry before they are made."""

    required_before: frozenset[str] = frozenset()

    def needed(self, transition: str) -> bool:
        return transition in self.required_before


def parse_oversight(value: Any) -> OversightRule:
    """Validate the ``oversight`` rule; raises ValueError naming the bad part."""
    if not isinstance(value, Mapping):
        raise ValueError('oversight: give an object like {"required_before": [...]}.')
    unknown = set(value) - {"required_before"}
    if unknown:
        raise ValueError(f"oversight: unknown setting {', '.join(sorted(unknown))}.")
    required = value.get("required_before", [])
    if not isinstance(required, list) or not all(isinstance(t, str) for t in required):
        raise ValueError("oversight required_before: give a list of transitions.")
    bad = sorted(set(required) - set(OVERSIGHT_TRANSITIONS))
    if bad:
        raise ValueError(
            f"oversight required_before: unknown transition {', '.join(bad)} (known: "
            + ", ".join(OVERSIGHT_TRANSITIONS)
            + ")."
        )
    return OversightRule(required_before=frozenset(required))


@dataclass(frozen=True)
class AdultsRule:
    """What partner agencies see of the adults linked to a child."""

    alleged_perpetrator_visible_to_partners: bool = False


ADULTS_KEYS = ("alleged_perpetrator_visible_to_partners",)


def parse_adults(value: Any) -> AdultsRule:
    """Validate the ``adults`` rule; raises ValueError naming the bad part."""
    if not isinstance(value, Mapping):
        raise ValueError(
            'adults: give an object like {"alleged_perpetrator_visible_to_partners": false}.'
        )
    unknown = set(value) - set(ADULTS_KEYS)
    if unknown:
        raise ValueError(f"adults: unknown setting {', '.join(sorted(unknown))}.")
    visible = value.get("alleged_perpetrator_visible_to_partners", False)
    if not isinstance(visible, bool):
        raise ValueError("adults alleged_perpetrator_visible_to_partners: give true or false.")
    return AdultsRule(alleged_perpetrator_visible_to_partners=visible)


#: The keys of each clock that has one timescale per rating (or, for escalations, per stage).
KEYED_CLOCKS: dict[str, tuple[str, ...]] = {
    **{clock: RATINGS for clock in RATED_CLOCKS},
    "escalation": ESCALATION_STAGES,
}


@dataclass(frozen=True)
class Rules:
    """The parsed timescales of one policy version."""

    calendar: WorkingCalendar
    screening: Timescale | None
    #: Clocks keyed by rating (and "escalation", keyed by stage).
    rated: Mapping[str, Mapping[str, Timescale | None]]
    due_soon_fraction: float
    #: None when the version switches the repeat rule off.
    repeat: RepeatRule | None = None
    #: Clocks with one timescale (``FIXED_CLOCKS``).
    fixed: Mapping[str, Timescale | None] = field(default_factory=dict)
    oversight: OversightRule = field(default_factory=OversightRule)
    adults: AdultsRule = field(default_factory=AdultsRule)

    def timescale(self, clock: str, rating: str | None = None) -> Timescale | None:
        """The timescale of ``clock``; ``rating`` is the BRAG rating (or escalation stage)."""
        if clock == "screening":
            return self.screening
        if clock in self.fixed:
            return self.fixed[clock]
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

    def setting(key: str) -> Any:
        # A version published before a later key existed gets that key's default.
        if key in LATER_KEYS and key not in rules:
            return DEFAULT_RULES[key]
        return rules.get(key)

    rated: dict[str, dict[str, Timescale | None]] = {}
    for clock, keys in KEYED_CLOCKS.items():
        by_rating = setting(clock)
        word = "stage" if clock == "escalation" else "rating"
        if not isinstance(by_rating, Mapping):
            raise ValueError(f"{clock}: give a timescale for each {word} ({', '.join(keys)}).")
        unknown = set(by_rating) - set(keys)
        if unknown:
            raise ValueError(f"{clock}: unknown {word} {', '.join(sorted(unknown))}.")
        rated[clock] = {}
        for rating in keys:
            try:
                rated[clock][rating] = Timescale.from_dict(by_rating.get(rating))
            except ValueError as exc:
                raise ValueError(f"{clock} {rating}: {exc}") from exc
    fixed: dict[str, Timescale | None] = {}
    for clock in FIXED_CLOCKS:
        try:
            fixed[clock] = Timescale.from_dict(setting(clock))
        except ValueError as exc:
            raise ValueError(f"{clock}: {exc}") from exc
    # A version published before the repeat rule existed has no "repeat": it gets the default.
    repeat = parse_repeat(rules.get("repeat", DEFAULT_REPEAT_RULE))
    return Rules(
        calendar=WorkingCalendar(office_hours=hours),
        screening=screening,
        rated=rated,
        due_soon_fraction=due_soon_fraction,
        repeat=repeat,
        fixed=fixed,
        oversight=parse_oversight(setting("oversight")),
        adults=parse_adults(setting("adults")),
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
