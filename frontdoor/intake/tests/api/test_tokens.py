"""The partner intake API: tokens and scopes."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client

from frontdoor.accounts.models import Agency, ApiScope, ApiToken
from frontdoor.accounts.services import api_token_revoke
from frontdoor.intake.tests.api.calls import NOW, SEND, Issue, assert_problem, send, stored
from frontdoor.testing.factories import referral_document

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ tokens and scopes


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer nonsense", "Bearer fd_abc_def"],
)
def test_without_a_valid_token_it_is_401_with_a_bearer_challenge(
    org: SimpleNamespace, authorization: str | None
) -> None:
    headers = {"Idempotency-Key": "k"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = Client().post(
        SEND,
        data=json.dumps(referral_document()),
        content_type="application/json",
        headers=headers,
    )

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith('Bearer realm="Front Door"')
    assert stored() == (0, 0, 0, 0)


def test_a_wrong_secret_for_a_real_prefix_is_401(police: str) -> None:
    prefix = police.split("_")[1]

    response = send(f"fd_{prefix}_{'x' * 43}")

    assert_problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_revoked_token_is_401(org: SimpleNamespace, police: str) -> None:
    api_token_revoke(token=ApiToken.objects.get(), by=None, reason="Leaked in a log")

    assert_problem(send(police), 401)
    assert stored() == (0, 0, 0, 0)


def test_an_expired_token_is_401(issue: Issue) -> None:
    token = issue("police", expires_at=NOW + timedelta(days=1))
    assert send(token, key="before").status_code == 201

    with time_machine.travel(NOW + timedelta(days=1, seconds=1), tick=False):
        assert_problem(send(token, key="after"), 401)
    assert stored()[0] == 1


def test_a_token_of_an_inactive_agency_is_401(org: SimpleNamespace, police: str) -> None:
    Agency.objects.filter(pk=org.police.pk).update(active=False)

    assert_problem(send(police), 401)


def test_a_signed_in_session_is_not_a_token(police_practitioner: Any) -> None:
    client = Client()
    client.force_login(police_practitioner)

    assert_problem(send(None, client=client), 401)


def test_a_token_without_the_write_scope_may_not_send(issue: Issue) -> None:
    reader = issue("police", scopes=[ApiScope.REFERRALS_READ])

    response = send(reader)

    body = assert_problem(response, 403)
    assert "referrals:write" in body["detail"]
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert stored() == (0, 0, 0, 0)
