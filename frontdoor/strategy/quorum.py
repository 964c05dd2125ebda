"""The statutory minimum at a strategy discussion: a local-authority social worker, the police
and health (Working Together 2023). Read from the attendance recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from frontdoor.accounts.models import AgencyKind

#: The agency kinds that must attend, in the order a shortfall is named.
STATUTORY_KINDS: tuple[tuple[str, str], ...] = (
    (AgencyKind.LOCAL_AUTHORITY, "local authority social worker"),
    (AgencyKind.POLICE, "police"),
    (AgencyKind.HEALTH, "health"),
)


@dataclass(frozen=True)
class Quorum:
    recorded: bool  # has any attendance been recorded?
    missing: tuple[str, ...]

    @property
    def quorate(self) -> bool:
        return self.recorded and not self.missing

    @property
    def label(self) -> str:
        if not self.recorded:
            return "Attendance not recorded"
        if not self.missing:
            return "Quorate"
        return "Not quorate: no " + _join(self.missing)


def _join(words: tuple[str, ...]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def quorum_of(attended_kinds: Iterable[str], *, recorded: bool) -> Quorum:
    """Which statutory agencies are missing, given the kinds of agency that attended."""
    present = set(attended_kinds)
    return Quorum(
        recorded=recorded,
        missing=tuple(label for kind, label in STATUTORY_KINDS if kind not in present),
    )
