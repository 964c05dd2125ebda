"""The demo's restricted records, on a small generated history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.demo.generator import generate
from frontdoor.demo.restricted import demo_restricted
from frontdoor.outbox.models import Message
from frontdoor.restricted.models import BreakGlass, Restriction, RestrictionCategory
from frontdoor.restricted.selectors import hidden_child_ids

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        try:
            summary = generate(seed=11, years=0.25, contacts_per_year=1500, now=NOW)
            again = demo_restricted(now=NOW, rng=Random(11))
            yield {"counts": summary.after_front_door["restricted"], "again": again}
        finally:  # even when generating fails: leave nothing for the next module
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_restricts_children_and_breaks_the_glass_once(demo: dict[str, Any]) -> None:
    counts = demo["counts"]
    assert counts["restricted_records"] == Restriction.objects.count() >= 2
    categories = set(Restriction.objects.values_list("category", flat=True))
    assert {RestrictionCategory.STAFF_RELATIVE, RestrictionCategory.HIGH_PROFILE} <= categories
    assert counts["named_users"] >= 2
    grant = BreakGlass.objects.get()
    assert grant.user.username == "mash.worker" and grant.reason
    assert Message.objects.filter(kind="break_glass", about=f"breakglass:{grant.pk}").exists()
    # A refused attempt, in the audit trail.
    refused = AccessLogEntry.objects.get(action=AccessAction.REFUSED)
    assert counts["refused_attempts"] == 1
    assert (refused.user.username, refused.child_id) == ("contact.officer", grant.child_id)  # type: ignore[union-attr]
    # The grant has expired: the worker sees the child masked again.
    worker = User.objects.get(username="mash.worker")
    assert hidden_child_ids(worker, [grant.child_id]) == {grant.child_id}


@pytest.mark.django_db
def test_running_it_again_adds_nothing(demo: dict[str, Any]) -> None:
    assert demo["again"] == {
        "restricted_records": 0,
        "named_users": 0,
        "break_glass_uses": 0,
        "refused_attempts": 0,
    }
