"""The MASH enquiry pages (frontdoor.mash.views)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.mash.models import Decision, Enquiry
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_a_manager_cannot_sign_off_their_own_decision_through_the_page(
    screened_to_mash: Callable[..., Enquiry], mash_manager: Any
) -> None:
    enquiry = screened_to_mash()
    client = client_for(mash_manager)
    client.post(
        reverse("enquiry-decision", args=[enquiry.pk]),
        {"outcome": "nfa", "rationale": "No concern", "referrer_feedback": "No action"},
    )
    response = client.post(
        reverse("enquiry-sign-off", args=[enquiry.pk]), {"review": "agree", "oversight": "ok"}
    )
    assert response.status_code == 403
    assert "other than the decision" in response.content.decode()
    assert Decision.objects.get().signed_off_at is None
