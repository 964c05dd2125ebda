"""Fixtures of the partner intake API tests: time frozen at NOW with an empty cache (for every
test here), and tokens."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.cache import cache

from frontdoor.accounts.models import ApiScope
from frontdoor.accounts.services import api_token_issue
from frontdoor.intake.tests.api.calls import NOW, Issue


@pytest.fixture(autouse=True)
def _frozen_time_and_empty_cache() -> Iterator[None]:
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


@pytest.fixture
def issue(org: SimpleNamespace) -> Issue:
    """``issue("police", scopes=[...])``: a plain token for one of the standard agencies."""

    def make(agency: str = "police", scopes: list[str] | None = None, **kwargs: Any) -> str:
        _token, plain = api_token_issue(
            agency=getattr(org, agency),
            name=f"{agency} system",
            scopes=scopes or [ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ],
            by=None,
            **kwargs,
        )
        return plain

    return make


@pytest.fixture
def police(issue: Issue) -> str:
    return issue("police")
