"""The demo's supervision and management oversight, on a small generated history."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.accounts.models import User
from frontdoor.clocks import ClockState
from frontdoor.demo.generator import generate
from frontdoor.demo.oversight import demo_oversight
from frontdoor.oversight.models import OversightEntry, SupervisionAction, SupervisionRecord
from frontdoor.oversight.queues import everything, team
from frontdoor.oversight.selectors import worker_rows
from frontdoor.people.models import Person

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        generate(seed=7, years=0.3, contacts_per_year=1200, now=NOW)
        started = time.monotonic()
        counts = demo_oversight(now=NOW, rng=random.Random(7))
        yield {"counts": counts, "seconds": time.monotonic() - started}
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_creates_supervision_history_and_oversight(demo: dict[str, Any]) -> None:
    counts = demo["counts"]
    assert counts["supervisions"] == SupervisionRecord.objects.count() > 10
    assert counts["supervision_actions"] == SupervisionAction.objects.count() > 5
    assert counts["oversight_entries"] == OversightEntry.objects.count() > 0
    assert counts["cases_overdue_supervision"] > 0
    assert demo["seconds"] < 20
    # Most on time, some late; actions done, open, and open past their date.
    records = list(SupervisionRecord.objects.all())
    late = [r for r in records if r.due_at and r.held_at > r.due_at]
    assert 0 < len(late) < len(records) / 2
    assert SupervisionAction.objects.filter(completed_at__isnull=False).exists()
    open_actions = SupervisionAction.objects.filter(completed_at__isnull=True)
    assert open_actions.exists()
    assert open_actions.filter(due_at__lt=NOW).exists()
    assert all(r.held_at <= NOW and r.recorded_at <= NOW for r in records)
    assert {r.supervisor.username for r in records} >= {"assessment.manager"}


@pytest.mark.django_db
def test_the_managers_page_shows_overdue_cases_per_worker(demo: dict[str, Any]) -> None:
    manager = User.objects.get(username="assessment.manager")
    rows = worker_rows(manager, NOW)
    assert any(row.overdue for row in rows)
    assert any(row.last_supervision_at for row in rows)
    assert any(i.reading.state == ClockState.OVERDUE for i in team(manager, NOW))
    assert (
        len(list(everything(NOW)))
        >= Person.objects.filter(allocated_worker__isnull=False, merged_into__isnull=True).count()
    )
