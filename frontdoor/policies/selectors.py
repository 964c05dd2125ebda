"""Which policy is in force."""

from __future__ import annotations

from datetime import datetime

from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.services import policy_ensure_default


def policy_in_force(at: datetime) -> PolicyVersion:
    """The newest version effective at ``at`` (the default if none is)."""
    version = (
        PolicyVersion.objects.filter(effective_from__lte=at)
        .order_by("-effective_from", "-version")
        .first()
    )
    return version or policy_ensure_default()
