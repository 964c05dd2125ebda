"""Publishing timescale policies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from frontdoor.audit.services import event_append
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.rules import parse_rules

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def policy_publish(
    *,
    office_hours: dict[str, Any],
    rules: dict[str, Any],
    due_soon_fraction: float,
    effective_from: datetime,
    by: User | None,
    note: str = "",
    at: datetime | None = None,
) -> PolicyVersion:
    """Publish a new policy version. Earlier versions are never changed."""
    at = at or timezone.now()
    try:
        parse_rules(office_hours, rules, due_soon_fraction)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError({"rules": f"The policy is not valid: {exc}"}) from exc
    with transaction.atomic():
        latest = PolicyVersion.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        version = PolicyVersion.objects.create(
            version=latest + 1,
            effective_from=effective_from,
            created_at=at,
            created_by=by,
            note=note,
            office_hours=office_hours,
            rules=rules,
            due_soon_fraction=due_soon_fraction,
        )
        event_append(
            record=version,
            action="policy.published",
            summary=f"Policy version {version.version} published",
            at=at,
            actor=by,
            after={"effective_from": effective_from, "note": note},
        )
    return version


def policy_ensure_default() -> PolicyVersion:
    """The built-in default becomes version 1 the first time any clock needs a policy."""
    existing = PolicyVersion.objects.order_by("version").first()
    if existing is not None:
        return existing
    return policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=DEFAULT_RULES,
        due_soon_fraction=0.25,
        effective_from=datetime(2000, 1, 1, tzinfo=UTC),
        by=None,
        note="Built-in default (scheme A)",
    )
