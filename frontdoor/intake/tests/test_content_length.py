"""A Content-Length that is not a whole number is a bad request (400), never a server error:
a problem (RFC 9457) on the partner API, the "problem with your request" page elsewhere."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from frontdoor.accounts.models import ApiScope
from frontdoor.accounts.services import api_token_issue
from frontdoor.intake.models import Submission
from frontdoor.testing.factories import referral_document
from frontdoor.web.middleware import content_length_valid

pytestmark = pytest.mark.django_db

BAD = ["abc", "-5", "1e3", "12 ", "0x10", "١٢"]  # the last: Arabic-Indic digits


@pytest.fixture
def token(org: SimpleNamespace) -> str:
    _token, plain = api_token_issue(
        agency=org.police,
        name="police system",
        scopes=[ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ],
        by=None,
    )
    return plain


@pytest.mark.parametrize("length", BAD)
def test_a_referral_with_a_content_length_that_is_not_a_number_is_a_400_problem(
    token: str, length: str
) -> None:
    response = Client().post(
        "/api/v1/intake/referrals",
        data=json.dumps(referral_document()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "key-1"},
        CONTENT_LENGTH=length,
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and "Content-Length" in body["detail"]
    assert not Submission.objects.exists()


def test_a_page_posted_with_a_bad_content_length_is_a_400_page(mash_worker: Any) -> None:
    client = Client()
    client.force_login(mash_worker)

    response = client.post("/contacts/new/", {"concern": "x"}, CONTENT_LENGTH="abc")

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()


def test_a_whole_number_or_no_length_passes() -> None:
    assert content_length_valid(None) and content_length_valid("") and content_length_valid("0")
    assert content_length_valid("10485761")
    assert not any(content_length_valid(value) for value in BAD)
