"""The demo's strategy discussions, section 47 enquiries and conferences."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.clocks import ClockState
from frontdoor.demo.generator import generate
from frontdoor.demo.strategy import demo_strategy
from frontdoor.oversight.models import OversightEntry
from frontdoor.strategy.models import (
    Conference,
    DiscussionStatus,
    MinutesDistribution,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.strategy.queues import everything

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)  # a Wednesday afternoon


@pytest.fixture(scope="module")
def made(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        generate(seed=7, years=0.3, contacts_per_year=2500, now=NOW)
        started = time.perf_counter()
        counts = demo_strategy(now=NOW, rng=Random(7))
        seconds = time.perf_counter() - started
        again = demo_strategy(now=NOW, rng=Random(7))
        yield {"counts": counts, "again": again, "seconds": seconds}
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_has_discussions_in_every_state(made: dict[str, Any]) -> None:
    counts = made["counts"]
    print(counts, f"{made['seconds']:.1f} s")
    assert counts["discussions"] == StrategyDiscussion.objects.count() > 5
    assert StrategyDiscussion.objects.filter(status=DiscussionStatus.HELD).exists()
    assert StrategyDiscussion.objects.filter(status=DiscussionStatus.CONVENED).exists()
    assert MinutesDistribution.objects.exists()
    assert StrategyAction.objects.filter(owner_user__username="police.practitioner").exists()
    assert S47Enquiry.objects.exists()
    assert Conference.objects.exists()
    assert (
        counts.get("oversight_entries", 0)
        == OversightEntry.objects.filter(transition="s47_no_conference").count()
    )
    # Running it again changes nothing.
    assert made["again"].get("discussions", 0) == 0


@pytest.mark.django_db
def test_the_demo_leaves_open_work_for_the_queues(made: dict[str, Any]) -> None:
    items = everything(NOW)
    stages = {item.stage for item in items}
    assert "Strategy discussion to hold" in stages or "Section 47: conference due" in stages
    assert any(item.reading.state == ClockState.OVERDUE for item in items)
