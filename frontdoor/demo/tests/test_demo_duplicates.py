"""The demo's duplicate child records: seeded the way they happen, proposed, some merged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.demo.generator import GenerationSummary, generate
from frontdoor.demo.history import contacts
from frontdoor.matching.models import DuplicatePair, DuplicateStatus, PersonMerge
from frontdoor.people.models import Person

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def history(django_db_setup: Any, django_db_blocker: Any) -> Iterator[GenerationSummary]:
    """Every repeat contact recorded again as a new record: the worst case for the journeys
    (open cases, allocated workers, later contacts) that must all still work."""
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with (
        django_db_blocker.unblock(),
        fast_hasher,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(contacts, "P_DUPLICATE", 1.0)
        try:
            yield generate(seed=5, years=0.4, contacts_per_year=1500, now=NOW)
        finally:  # even when generating fails: leave nothing for the next module
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_duplicates_are_seeded_proposed_and_some_merged(history: GenerationSummary) -> None:
    assert history.duplicates_seeded > 10
    assert history.duplicates_proposed > 0
    assert DuplicatePair.objects.filter(status=DuplicateStatus.OPEN).exists()
    assert history.duplicates_merged == 2
    merges = PersonMerge.objects.all()
    assert merges.count() == 3 and merges.filter(undone_at__isnull=False).count() == 1
    assert Person.objects.filter(merged_into__isnull=False).count() == 2
    assert "duplicate child records seeded" in "\n".join(history.lines())
