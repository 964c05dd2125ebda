"""Which policy is in force."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.services import policy_ensure_default

_pinned: ContextVar[list[PolicyVersion] | None] = ContextVar("pinned_policies", default=None)


@contextmanager
def policies_pinned() -> Iterator[None]:
    """For bulk work (the demo generator, imports): read the policy versions once.

    Inside the block ``policy_in_force`` answers from memory; a version published meanwhile
    by someone else is not seen until the block ends.
    """
    policy_ensure_default()
    versions = list(PolicyVersion.objects.order_by("-effective_from", "-version"))
    token = _pinned.set(versions)
    try:
        yield
    finally:
        _pinned.reset(token)


def policy_in_force(at: datetime) -> PolicyVersion:
    """The newest version effective at ``at`` (the default if none is)."""
    pinned = _pinned.get()
    if pinned is not None:
        for candidate in pinned:
            if candidate.effective_from <= at:
                return candidate
    version = (
        PolicyVersion.objects.filter(effective_from__lte=at)
        .order_by("-effective_from", "-version")
        .first()
    )
    return version or policy_ensure_default()
