"""The JSON API at /api/v1/: answering a partner request, the one write."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from frontdoor.api.tests.calls import API, assert_problem, client_for, error_fields, post_json
from frontdoor.audit.models import AccessAction
from frontdoor.clocks import ClockState
from frontdoor.mash.models import PartnerRequest, RequestStatus
from frontdoor.testing.factories import access_entries_of, actions_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen_time")]


# ------------------------------------------------------------------ requests: answer


def answer_url(pr: PartnerRequest) -> str:
    return f"{API}/requests/{pr.pk}/answer"


def test_the_police_share_information_through_the_service(
    police_practitioner: Any, police_request: PartnerRequest
) -> None:
    response = post_json(
        client_for(police_practitioner),
        answer_url(police_request),
        {"shared": True, "response": "Two call-outs in 2025.", "not_shared_reason": ""},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "answered"
    assert body["response"] == "Two call-outs in 2025."
    assert body["answered_by"] == "Pete Police"
    assert body["answered_at"] == "2026-03-02T14:00:00Z"
    assert body["clock"]["state"] == ClockState.MET
    police_request.refresh_from_db()
    assert police_request.status == RequestStatus.ANSWERED
    assert actions_of(police_request) == ["request.sent", "request.answered"]
    changes = [e for e in access_entries_of(police_request) if e.action == AccessAction.CHANGE]
    assert [e.user for e in changes] == [police_practitioner]


def test_the_police_may_decline_to_share_with_a_reason(
    police_practitioner: Any, police_request: PartnerRequest
) -> None:
    response = post_json(
        client_for(police_practitioner),
        answer_url(police_request),
        {"shared": False, "not_shared_reason": "An investigation is live."},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "not_shared"
    assert response.json()["not_shared_reason"] == "An investigation is live."


def test_answering_twice_is_409(police_practitioner: Any, police_request: PartnerRequest) -> None:
    client = client_for(police_practitioner)
    post_json(client, answer_url(police_request), {"shared": True, "response": "Known."})

    response = post_json(client, answer_url(police_request), {"shared": True, "response": "Again."})

    body = assert_problem(response, 409)
    assert body["type"] == "urn:frontdoor:problem:already-answered"
    police_request.refresh_from_db()
    assert police_request.response == "Known."


def test_another_agency_cannot_answer_and_gets_404(
    health_practitioner: Any, police_request: PartnerRequest
) -> None:
    response = post_json(
        client_for(health_practitioner),
        answer_url(police_request),
        {"shared": True, "response": "x"},
    )

    assert_problem(response, 404)
    police_request.refresh_from_db()
    assert police_request.status == RequestStatus.SENT


@pytest.mark.parametrize("persona", ["mash_worker", "mash_manager", "auditor", "outsider"])
def test_roles_that_may_not_answer_get_403_before_the_body_is_read(
    make_persona: Any, police_request: PartnerRequest, persona: str
) -> None:
    response = post_json(client_for(make_persona(persona)), answer_url(police_request), "{not json")

    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        pytest.param({"response": "x"}, "shared", "missing", id="shared-missing"),
        pytest.param(
            {"shared": "yes", "response": "x"}, "shared", "bool_type", id="shared-not-bool"
        ),
        pytest.param(
            {"shared": True, "response": "x", "agency": "health"},
            "agency",
            "extra_forbidden",
            id="extra-field",
        ),
        pytest.param(
            {"shared": True, "response": "x" * 10_001},
            "response",
            "string_too_long",
            id="response-too-long",
        ),
        pytest.param(
            {"shared": False, "not_shared_reason": "y" * 10_001},
            "not_shared_reason",
            "string_too_long",
            id="reason-too-long",
        ),
        pytest.param(
            {"shared": True, "response": "nul \x00 byte"},
            "response",
            "string_pattern_mismatch",
            id="nul-byte",
        ),
        pytest.param({"shared": True, "response": 7}, "response", "string_type", id="not-a-string"),
    ],
)
def test_a_badly_formed_answer_is_422_naming_the_field(
    police_practitioner: Any, police_request: PartnerRequest, body: Any, field: str, code: str
) -> None:
    response = post_json(client_for(police_practitioner), answer_url(police_request), body)

    problem = assert_problem(response, 422)
    assert problem["type"] == "urn:frontdoor:problem:validation"
    assert [(e["field"], e["location"], e["code"]) for e in problem["errors"]] == [
        (field, "body", code)
    ]
    police_request.refresh_from_db()
    assert police_request.status == RequestStatus.SENT


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"shared": True, "response": "   "}, "response", id="shared-without-answer"),
        pytest.param({"shared": False}, "not_shared_reason", id="declined-without-reason"),
    ],
)
def test_an_answer_the_service_refuses_is_400_naming_the_field(
    police_practitioner: Any, police_request: PartnerRequest, body: Any, field: str
) -> None:
    response = post_json(client_for(police_practitioner), answer_url(police_request), body)

    problem = assert_problem(response, 400)
    assert error_fields(problem) == {field}
    police_request.refresh_from_db()
    assert police_request.status == RequestStatus.SENT


@pytest.mark.parametrize("raw", ["{not json", "", "[]", '"text"', "null"])
def test_a_body_that_is_not_an_answer_object_is_a_4xx_problem(
    police_practitioner: Any, police_request: PartnerRequest, raw: str
) -> None:
    response = post_json(client_for(police_practitioner), answer_url(police_request), raw)

    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_answering_needs_the_csrf_token_of_the_session(
    police_practitioner: Any, police_request: PartnerRequest
) -> None:
    client = client_for(police_practitioner, enforce_csrf_checks=True)
    client.get(f"{API}/requests/{police_request.pk}")  # any page; we set the cookie ourselves
    token = "a" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = token

    refused = post_json(client, answer_url(police_request), {"shared": True, "response": "x"})
    accepted = post_json(
        client,
        answer_url(police_request),
        {"shared": True, "response": "x"},
        HTTP_X_CSRFTOKEN=token,
    )

    assert_problem(refused, 403)
    assert accepted.status_code == 200
