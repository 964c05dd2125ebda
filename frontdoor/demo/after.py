"""Demo work after the front door: strategy discussions, section 47 enquiries and conferences,
assessments, supervision and management oversight, and escalations.

Run once the front-door history exists (it works on that history's decisions and transfers),
each area with its own random stream so adding one never changes another's choices.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from random import Random

from frontdoor.demo.assessments import demo_assessments
from frontdoor.demo.escalations import demo_escalations
from frontdoor.demo.followup import demo_followup
from frontdoor.demo.oversight import demo_oversight
from frontdoor.demo.progress import Phase, Say
from frontdoor.demo.records import demo_records
from frontdoor.demo.restricted import demo_restricted
from frontdoor.demo.retention import demo_retention
from frontdoor.demo.strategy import demo_strategy

#: In order: the follow-up of the front door's decisions first (its emails are delivered);
#: assessments and supervision follow the strategy discussions; escalations come last, so
#: they can be about any of the records before them.
AREAS: tuple[tuple[str, Callable[..., dict[str, int]]], ...] = (
    ("followup", demo_followup),  # referrers told, new information acknowledged, duty
    ("strategy", demo_strategy),
    ("assessments", demo_assessments),
    ("oversight", demo_oversight),
    ("escalations", demo_escalations),
    ("restricted", demo_restricted),
    ("retention", demo_retention),  # it adds old contacts and deletes some
    # Households and corrections, on the history as it stands (restricted records left out).
    ("records", demo_records),
)


def demo_after_front_door(
    *, now: datetime, seed: int, progress: Say | None = None
) -> dict[str, dict[str, int]]:
    """Generate each area's records; return their counts by area (a progress line each)."""
    counts: dict[str, dict[str, int]] = {}
    for name, make in AREAS:
        phase = Phase(progress, name)
        counts[name] = make(now=now, rng=Random(f"{seed}:{name}"))
        phase.end(note=f": {sum(counts[name].values())} records")
    return counts
