"""Fixtures the API's tests share."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.mash.models import PartnerRequest


@pytest.fixture
def police_request(request_sent: Any) -> PartnerRequest:
    """An AMBER enquiry (Mon 11:00) with a request to the police (Mon 11:30)."""
    police_request: PartnerRequest = request_sent()
    return police_request
