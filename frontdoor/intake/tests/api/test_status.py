"""The partner intake API: the rate limit, and the status of a sent referral."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from frontdoor.accounts.models import ApiScope, ApiToken
from frontdoor.audit.models import AccessLogEntry
from frontdoor.intake.models import ContactChild, Submission
from frontdoor.intake.services import contact_screen
from frontdoor.intake.tests.api.calls import (
    NOW,
    Issue,
    assert_problem,
    fields,
    send,
    status_of,
    stored,
)
from frontdoor.testing.factories import referral_document

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ rate limit


def test_past_the_tokens_rate_limit_it_is_429_with_retry_after(police: str) -> None:
    ApiToken.objects.update(rate_limit_per_minute=2)

    assert send(police, key="a").status_code == 201
    assert status_of(police, Submission.objects.get().reference).status_code == 200
    response = send(police, key="b")

    assert_problem(response, 429)
    assert response["Retry-After"] == "60"
    assert stored()[0] == 1
    with time_machine.travel(NOW + timedelta(seconds=45), tick=False):
        later = send(police, key="b")
        assert later.status_code == 429 and later["Retry-After"] == "15"
    with time_machine.travel(NOW + timedelta(seconds=60), tick=False):
        assert send(police, key="b").status_code == 201


def test_the_rate_limit_is_per_token(issue: Issue) -> None:
    first, second = issue("police"), issue("police")
    ApiToken.objects.update(rate_limit_per_minute=1)

    assert send(first, key="a").status_code == 201
    assert send(first, key="b").status_code == 429
    assert send(second, key="b").status_code == 201


# ------------------------------------------------------------------ status


def test_the_status_shows_each_child_awaiting_then_screened(police: str, mash_worker: Any) -> None:
    document = referral_document()
    document["children"].append(
        {"first_name": "Jordan", "last_name": "Example", "date_of_birth": "2019-07-08"}
    )
    sent = send(police, document).json()

    response = status_of(police, sent["reference"])

    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "reference": sent["reference"],
        "received_at": sent["received_at"],
        "contact_reference": sent["contact_reference"],
        "children": [
            {
                "status": "awaiting_screening",
                "outcome": None,
                "outcome_label": None,
                "screened_at": None,
            }
        ]
        * 2,
    }
    first, _second = ContactChild.objects.order_by("id")
    contact_screen(
        contact_child=first, outcome="advice_nfa", rationale="Advice given.", by=mash_worker
    )

    children = status_of(police, sent["reference"]).json()["children"]

    assert children[0]["status"] == "screened"
    assert children[0]["outcome"] == "advice_nfa"
    assert children[0]["outcome_label"] == "Advice, signposting or no further action"
    assert children[0]["screened_at"] is not None
    assert children[1]["status"] == "awaiting_screening"
    assert "Riley" not in response.content.decode()


def test_reading_the_status_is_access_logged_against_the_agency(police: str) -> None:
    sent = send(police).json()

    status_of(police, sent["reference"])

    (entry,) = AccessLogEntry.objects.filter(action="view", record_type="submission")
    assert entry.user is None and entry.agency == "police"
    assert entry.child.first_name == "Riley"


def test_another_agencys_referral_is_404(issue: Issue) -> None:
    police, health = issue("police"), issue("health")
    reference = send(police).json()["reference"]

    assert_problem(status_of(health, reference), 404)
    assert_problem(status_of(police, "FD-0000-0000"), 404)


def test_any_token_of_the_same_agency_may_read_the_status(issue: Issue) -> None:
    sender, reader = issue("police"), issue("police", scopes=[ApiScope.REFERRALS_READ])
    reference = send(sender).json()["reference"]

    assert status_of(reader, reference).status_code == 200


def test_a_malformed_reference_is_422_naming_it(police: str) -> None:
    body = assert_problem(status_of(police, "not-a-reference"), 422)

    assert fields(body) == {"reference": "path"}


def test_reading_the_status_needs_the_read_scope_and_a_token(issue: Issue) -> None:
    writer = issue("police", scopes=[ApiScope.REFERRALS_WRITE])
    reference = send(writer).json()["reference"]

    assert_problem(status_of(writer, reference), 403)
    response = status_of(None, reference)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
