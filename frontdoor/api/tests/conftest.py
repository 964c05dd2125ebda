"""Fixtures of the JSON API tests: the time frozen at NOW (for the modules that ask for it), and
the police request of the known week."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from frontdoor.api.tests.calls import NOW
from frontdoor.mash.models import PartnerRequest


@pytest.fixture
def _frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def police_request(request_sent: Any) -> PartnerRequest:
    """An AMBER enquiry (Mon 11:00) with a request to the police (Mon 11:30)."""
    police_request: PartnerRequest = request_sent()
    return police_request
