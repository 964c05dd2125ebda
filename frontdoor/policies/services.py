"""Publishing timescale policies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
        # Lock the newest version's row so concurrent publishers queue; a race on the very
        # first version is settled by the unique constraint on ``version``.
        newest = PolicyVersion.objects.select_for_update().order_by("-version").first()
        version = PolicyVersion.objects.create(
            version=(newest.version if newest else 0) + 1,
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


DEFAULT_EFFECTIVE_FROM = datetime(2000, 1, 1, tzinfo=UTC)


def policy_ensure_default() -> PolicyVersion:
    """The built-in default becomes version 1 the first time any clock needs a policy."""
    existing = (
        PolicyVersion.objects.filter(effective_from__lte=DEFAULT_EFFECTIVE_FROM)
        .order_by("version")
        .first()
    )
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return policy_publish(
                office_hours=DEFAULT_OFFICE_HOURS,
                rules=DEFAULT_RULES,
                due_soon_fraction=0.25,
                effective_from=DEFAULT_EFFECTIVE_FROM,
                by=None,
                note="Built-in default (scheme A)",
            )
    except IntegrityError:  # another process published it first
        return PolicyVersion.objects.get(effective_from=DEFAULT_EFFECTIVE_FROM, version=1)
