"""How often things happen in the demo history: sources, channels, outcomes, ratings, ages,
how late each clock is met, and the random helpers that draw from them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from frontdoor.clocks import ClockState
from frontdoor.intake.models import Channel, ScreeningOutcome
from frontdoor.mash.models import Rating

LONDON = ZoneInfo("Europe/London")
HISTORIC_WORKING_DAYS = 10
OPEN_STATES = (ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE)
NEVER = datetime.max.replace(tzinfo=UTC)

# ---------------------------------------------------------------- distributions

#: (CIN referral source code, weight, category); police ~30%, schools ~20%, health ~15%.
SOURCES: tuple[tuple[str, float, str], ...] = (
    ("6", 30.0, "police"),
    ("2A", 18.5, "school"),
    ("2B", 1.5, "school"),
    ("3A", 3.5, "health"),
    ("3B", 3.0, "health"),
    ("3C", 1.5, "health"),
    ("3D", 2.5, "health"),
    ("3E", 3.0, "health"),
    ("3F", 1.5, "health"),
    ("1A", 5.0, "individual"),
    ("1B", 2.0, "individual"),
    ("1C", 1.0, "individual"),
    ("1D", 1.0, "individual"),
    ("5A", 2.5, "la"),
    ("5B", 2.0, "la"),
    ("5C", 2.0, "la"),
    ("5D", 3.5, "la"),
    ("4", 3.0, "housing"),
    ("7", 3.0, "legal"),
    ("8", 5.0, "other"),
    ("9", 2.0, "anonymous"),
    ("10", 1.0, "unknown"),
)
CHANNELS: dict[str, tuple[tuple[str, float], ...]] = {
    "police": (
        (Channel.PARTNER_API, 0.6),
        (Channel.POLICE_NOTIFICATION, 0.3),
        (Channel.PHONE, 0.1),
    ),
    "school": ((Channel.ONLINE_FORM, 0.7), (Channel.EMAIL, 0.1), (Channel.PHONE, 0.2)),
    "health": (
        (Channel.ONLINE_FORM, 0.35),
        (Channel.PARTNER_API, 0.2),
        (Channel.PHONE, 0.3),
        (Channel.EMAIL, 0.15),
    ),
    "individual": ((Channel.PHONE, 0.85), (Channel.EMAIL, 0.1), (Channel.ONLINE_FORM, 0.05)),
    "anonymous": ((Channel.PHONE, 0.95), (Channel.EMAIL, 0.05)),
    "unknown": ((Channel.PHONE, 0.5), (Channel.EMAIL, 0.5)),
    "default": ((Channel.ONLINE_FORM, 0.5), (Channel.EMAIL, 0.3), (Channel.PHONE, 0.2)),
}
#: Relative number of police notifications by local hour (evenings and nights are busy).
POLICE_HOURS = (3, 2.5, 2, 1.5, 1, 1, 1, 1.5, 2, 2.5, 3, 3, 3, 3, 3, 3.5, 4, 4.5, 5, 5, 5, 4.5,
                4, 3.5)  # fmt: skip
#: Office-day shape of other contacts, 08:00 to 18:00.
DAY_HOURS = (3, 5, 6, 5.5, 4, 5, 5.5, 5, 4, 2.5)

SCREENING_WEIGHTS: tuple[tuple[str, float], ...] = (
    (ScreeningOutcome.ADVICE_NFA, 30.0),
    (ScreeningOutcome.EARLY_HELP, 15.0),
    (ScreeningOutcome.MASH_ENQUIRY, 45.0),
    (ScreeningOutcome.STRATEGY_DISCUSSION, 3.0),
)
RATING_WEIGHTS: tuple[tuple[str, float], ...] = (
    (Rating.RED, 10.0),
    (Rating.AMBER, 35.0),
    (Rating.GREEN, 40.0),
    (Rating.BLUE, 15.0),
)
#: Decision outcome by final rating; overall ~25% NFA/advice, 20% early help, 40% s17, 10% s47.
DECISION_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    Rating.RED: (("s47", 50), ("s17", 40), ("nfa", 2), ("advice", 3), ("other_service", 5)),
    Rating.AMBER: (
        ("s47", 10), ("s17", 60), ("early_help", 15), ("nfa", 4), ("advice", 6),
        ("other_service", 5),
    ),
    Rating.GREEN: (
        ("s47", 2), ("s17", 40), ("early_help", 25), ("nfa", 12), ("advice", 16),
        ("other_service", 5),
    ),
    Rating.BLUE: (("s17", 5), ("early_help", 30), ("nfa", 30), ("advice", 30),
                  ("other_service", 5)),
}  # fmt: skip
#: Agencies asked, by weight (education mostly for school-age children).
AGENCY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("police", 10.0),
    ("health", 8.0),
    ("education", 7.0),
    ("domestic_abuse", 2.5),
    ("early_help", 2.0),
    ("housing", 1.5),
    ("probation", 1.5),
    ("youth_offending", 1.5),
)
#: Age of the (eldest) child named in a contact, in whole years.
AGE_WEIGHTS: tuple[tuple[int, float], ...] = tuple(
    (age, 9.0 if age == 0 else 4.5 if age < 5 else 5.0 if age < 10 else 6.0 if age < 16 else 5.0)
    for age in range(18)
)
QUOTA_KEYS = (
    "screening",
    "enquiry RED",
    "enquiry AMBER",
    "enquiry GREEN",
    "enquiry BLUE",
    "request police",
    "request health",
    "request education",
    "signoff",
    "acceptance",
    "visit",
)

P_REPEAT = 0.22  # a contact about a family contacted in the last 12 months
P_RERATE = 0.092  # of Red/Amber/Green enquiries (about 8% of all enquiries)
P_NOT_SHARED = 0.08
P_RETURN = 0.05
P_LIVED_EXPERIENCE = 0.75
P_QUOTA_STALL = 0.3
P_STARVED_STALL = 0.85
TOP_UP_PROBES = 16
LATE_STAGES = ("signoff", "acceptance", "visit")
#: How managers review a decision: most agree; some send it back, a few replace it.
REVIEW_WEIGHTS = (("agree", 0.91), ("send_back", 0.06), ("replace", 0.03))
LATE = {
    "screening": 0.07,
    "request": 0.05,
    "decision": 0.04,
    "signoff": 0.07,
    "acceptance": 0.07,
    "visit": 0.09,
}

#: Why a generated decision is lower than the repeat rule proposes (the plans are drawn before
#: the history is known, so some repeat children are rated lower than proposed).
REPEAT_REASONS = {
    "screening": "Earlier contacts were about different, resolved concerns; this one does not "
    "add to the risk.",
    "rating": "Partner information answers the repeat concern: the lower rating is proportionate.",
}


def weighted(rng: Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def whole_seconds(value: datetime) -> datetime:
    return value.replace(microsecond=0)
