"""The transfer and first-visit pages (frontdoor.transfers.views)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.testing.fixtures import client_for
from frontdoor.transfers.models import Transfer, Visit

pytestmark = pytest.mark.django_db


def test_a_visit_before_the_transfer_is_refused_with_a_clear_message(
    accepted: Callable[..., Transfer], assessment_worker: Any
) -> None:
    transfer = accepted()
    response = client_for(assessment_worker).post(
        reverse("transfer-visit", args=[transfer.pk]),
        {
            "visited_date-day": "1",
            "visited_date-month": "1",
            "visited_date-year": "2020",
            "visited_time": "10:00",
            "child_seen": "yes",
            "seen_alone": "no",
        },
    )
    assert "cannot be earlier than the transfer was requested" in response.content.decode()
    assert Visit.objects.count() == 0
