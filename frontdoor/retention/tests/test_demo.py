"""The demo's retention work on a small generated history."""

from __future__ import annotations

from datetime import UTC, datetime
from random import Random

import pytest

from frontdoor.demo.generator import generate
from frontdoor.demo.retention import demo_retention
from frontdoor.retention.models import (
    ItemStatus,
    RetentionDeletion,
    RetentionReview,
    ReviewStatus,
)

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_demo_has_a_review_waiting_and_one_done() -> None:
    summary = generate(seed=3, years=0.05, contacts_per_year=400, now=NOW)
    counts = summary.after_front_door["retention"]
    assert counts["records_waiting_for_review"] >= 10 and counts["records_deleted"] >= 3
    done = RetentionReview.objects.get(status=ReviewStatus.APPLIED)
    waiting = RetentionReview.objects.get(status=ReviewStatus.PROPOSED)
    assert done.approved_by is not None and done.approved_by.username == "dpo"
    assert RetentionDeletion.objects.filter(review=done).count() >= 3
    assert waiting.items.filter(status=ItemStatus.DUE, record_type="contact").count() >= 10
    assert waiting.items.filter(record_type="referraldraft").exists()
    assert waiting.items.filter(status=ItemStatus.EXCLUDED).count() == 1
    # Running it again adds nothing.
    assert demo_retention(now=NOW, rng=Random(3)) == {"reviews": 0}
