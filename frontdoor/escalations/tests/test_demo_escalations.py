"""The demo's escalations: raised by partners, referrers and the council, at every stage."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.accounts.models import User
from frontdoor.clocks import ClockState
from frontdoor.demo.escalations import demo_escalations
from frontdoor.demo.generator import generate
from frontdoor.escalations.access import visible_escalations
from frontdoor.escalations.models import Escalation, EscalationStage, EscalationStatus
from frontdoor.escalations.queues import everything
from frontdoor.escalations.selectors import escalation_rows
from frontdoor.outbox.models import Message

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)  # a Wednesday afternoon


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        generate(seed=7, years=0.25, contacts_per_year=1500, now=NOW)
        started = time.perf_counter()
        counts = demo_escalations(now=NOW, rng=Random(7))
        yield {"counts": counts, "seconds": time.perf_counter() - started}
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_has_escalations_in_every_state(demo: dict[str, Any]) -> None:
    counts = demo["counts"]
    assert 20 <= counts["escalations"] <= 45, counts
    assert counts["escalations"] == Escalation.objects.count()
    assert counts["escalations_by_referrers"] >= 1
    assert counts["escalations_about_delays"] >= 1
    assert Escalation.objects.filter(raised_by__isnull=True).exists()
    assert Escalation.objects.filter(raised_by__username="police.practitioner").exists()
    assert Escalation.objects.filter(raised_by__username__startswith="mash.worker").exists()
    resolved = Escalation.objects.filter(status=EscalationStatus.RESOLVED)
    assert resolved.count() >= 10
    assert not resolved.filter(learning="").exists()
    stages_resolved = set(resolved.values_list("stage", flat=True))
    assert {"practitioner", "team_manager", "head_of_service"} <= stages_resolved
    assert not Message.objects.filter(about__startswith="escalation:", status="pending").exists()
    assert demo["seconds"] < 20


@pytest.mark.django_db
def test_the_managers_concerned_have_open_escalations_to_see(demo: dict[str, Any]) -> None:
    items = list(everything(NOW))
    overdue = {i.stage for i in items if i.reading.state == ClockState.OVERDUE}
    assert "Escalation: team manager stage" in overdue
    assert "Escalation: head of service stage" in overdue
    assert any(i.stage == "Escalation: partnership stage" for i in items)
    for username in ("mash.manager", "head.of.service", "partnership.lead"):
        user = User.objects.get(username=username)
        rows = escalation_rows(user, status="open", now=NOW)
        assert rows, username
    head = User.objects.get(username="head.of.service")
    assert visible_escalations(head, Escalation.objects.all()).count() == Escalation.objects.count()
    assert EscalationStage.objects.filter(responded_at__gt=NOW).count() == 0
