"""The demo's assessments: on a small generated history, every kind of state is there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.assessments.models import Assessment, AssessmentStatus, AssessmentVisit
from frontdoor.assessments.selectors import assessment_clock
from frontdoor.clocks import ClockState
from frontdoor.demo.assessments import demo_assessments
from frontdoor.demo.generator import generate
from frontdoor.oversight.models import OversightEntry
from frontdoor.protection.models import Transfer, TransferStatus

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        generate(seed=3, years=0.5, contacts_per_year=1000, now=NOW)
        yield {"counts": demo_assessments(now=NOW, rng=Random(3))}
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_has_assessments_in_every_state(demo: dict[str, Any]) -> None:
    counts = demo["counts"]
    assert counts["assessments"] == Assessment.objects.count() > 20
    accepted = Transfer.objects.filter(status=TransferStatus.ACCEPTED).count()
    assert Assessment.objects.count() >= accepted * 0.8
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert statuses == {
        AssessmentStatus.IN_PROGRESS,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.AUTHORISED,
    }
    assert AssessmentVisit.objects.filter(seen_alone=True).exists()
    assert AssessmentVisit.objects.filter(child_seen=False).exists()
    states = {assessment_clock(a, NOW).state for a in Assessment.objects.select_related("policy")}
    assert {ClockState.MET, ClockState.MET_LATE, ClockState.OVERDUE} <= states
    late = Assessment.objects.exclude(late_reason="").filter(completed_at__isnull=False)
    assert late.exists()
    assert all(a.completed_at and a.due_at and a.completed_at > a.due_at for a in late)
    assert Assessment.objects.filter(authorised_by__username="assessment.manager").exists()
    assert Assessment.objects.filter(worker__username="assessment.worker").exists()
    not_in_need = Assessment.objects.filter(child_in_need=False)
    assert not_in_need.exists()
    assert (
        OversightEntry.objects.filter(
            transition="assessment_not_in_need", recorded_by__role="assessment_manager"
        ).count()
        >= not_in_need.count()
    )
    assert counts["assessment_visits"] == AssessmentVisit.objects.count() > 0
