"""The JSON API at /api/v1/ for the MASH: partner information requests (list, read, answer)
and enquiries. Helpers and the frozen clock are those of ``test_api``."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from frontdoor.api.tests.test_api import (  # noqa: F401 (fixtures)
    API,
    NOW,
    PROBLEM_JSON,
    _frozen_time,
    assert_problem,
    client_for,
    error_fields,
    post_json,
)
from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.clocks import ClockState
from frontdoor.mash.models import PartnerRequest, RequestStatus
from frontdoor.mash.services import enquiry_rate
from frontdoor.testing.factories import access_entries_of, actions_of, local

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ requests: list


def test_a_partner_lists_only_their_own_agencys_requests(
    police_practitioner: Any,
    health_practitioner: Any,
    police_request: PartnerRequest,
    request_sent: Any,
) -> None:
    health = request_sent(enquiry=police_request.enquiry, agency="health")

    police_body = client_for(police_practitioner).get(f"{API}/requests").json()
    health_body = client_for(health_practitioner).get(f"{API}/requests").json()

    assert [r["id"] for r in police_body["items"]] == [police_request.pk]
    assert police_body["count"] == 1
    assert [r["id"] for r in health_body["items"]] == [health.pk]
    assert police_body["items"][0]["agency"] == {"code": "police", "name": "Demo Police"}
    assert police_body["items"][0]["clock"]["started_at"] == "2026-03-02T11:30:00Z"


def test_mash_staff_list_every_request_open_ones_first_in_pages(
    mash_worker: Any, police_practitioner: Any, police_request: PartnerRequest, request_sent: Any
) -> None:
    health = request_sent(enquiry=police_request.enquiry, agency="health")
    client_for(police_practitioner).post(
        f"{API}/requests/{police_request.pk}/answer",
        data={"shared": True, "response": "Two call-outs in 2025."},
        content_type="application/json",
    )
    client = client_for(mash_worker)

    everything = client.get(f"{API}/requests").json()
    first = client.get(f"{API}/requests", {"limit": 1}).json()
    second = client.get(f"{API}/requests", {"limit": 1, "offset": 1}).json()

    assert [(r["id"], r["status"]) for r in everything["items"]] == [
        (health.pk, RequestStatus.SENT),
        (police_request.pk, RequestStatus.ANSWERED),
    ]
    assert everything["count"] == first["count"] == 2
    assert [r["id"] for r in first["items"] + second["items"]] == [health.pk, police_request.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=101", "limit"), ("offset=-1", "offset"), ("limit=x", "limit")],
)
def test_a_page_outside_the_limits_is_422_naming_the_field(
    mash_worker: Any, query: str, field: str
) -> None:
    body = assert_problem(client_for(mash_worker).get(f"{API}/requests?{query}"), 422)

    assert error_fields(body) == {field}
    assert body["errors"][0]["location"] == "query"


@pytest.mark.parametrize("persona", ["assessment_worker", "contact_officer", "analyst", "outsider"])
def test_roles_without_requests_get_403(make_persona: Any, persona: str) -> None:
    assert_problem(client_for(make_persona(persona)).get(f"{API}/requests"), 403)


# ------------------------------------------------------------------ requests: one


def test_the_police_read_their_request_and_the_read_is_logged(
    police_practitioner: Any, police_request: PartnerRequest
) -> None:
    response = client_for(police_practitioner).get(f"{API}/requests/{police_request.pk}")

    assert response.status_code == 200
    body = response.json()
    child = police_request.enquiry.child
    assert body["id"] == police_request.pk
    assert body["status"] == "sent"
    assert body["questions"] == police_request.questions
    assert body["child"] == {"id": child.pk, "name": child.full_name, "date_of_birth": "2018-05-01"}
    assert body["clock"]["state"] in {ClockState.ON_TIME, ClockState.DUE_SOON}
    assert body["sent_by"] == "Mo Mash"
    assert body["answered_by"] is None
    views = [e for e in access_entries_of(police_request) if e.action == AccessAction.VIEW]
    assert [(e.user, e.child, e.agency, e.path) for e in views] == [
        (police_practitioner, child, "police", f"{API}/requests/{police_request.pk}")
    ]


def test_mash_staff_read_any_request(mash_worker: Any, police_request: PartnerRequest) -> None:
    response = client_for(mash_worker).get(f"{API}/requests/{police_request.pk}")

    assert response.status_code == 200
    assert response.json()["agency"]["code"] == "police"


def test_another_agencys_request_is_404_not_403_and_is_not_logged(
    health_practitioner: Any, police_request: PartnerRequest
) -> None:
    before = AccessLogEntry.objects.count()

    response = client_for(health_practitioner).get(f"{API}/requests/{police_request.pk}")

    assert_problem(response, 404)
    assert AccessLogEntry.objects.count() == before


def test_a_request_that_does_not_exist_is_404(mash_worker: Any) -> None:
    assert_problem(client_for(mash_worker).get(f"{API}/requests/999999"), 404)


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "99999999999999999999999"])
def test_an_id_that_is_not_a_positive_64_bit_number_is_422(mash_worker: Any, bad_id: str) -> None:
    body = assert_problem(client_for(mash_worker).get(f"{API}/requests/{bad_id}"), 422)

    assert body["errors"][0]["field"] == "id"
    assert body["errors"][0]["location"] == "path"


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


# ------------------------------------------------------------------ enquiries


def test_mash_staff_read_an_enquiry_with_history_requests_and_clock(
    mash_worker: Any, police_request: PartnerRequest, request_sent: Any
) -> None:
    enquiry = police_request.enquiry
    health = request_sent(enquiry=enquiry, agency="health")
    enquiry_rate(
        enquiry=enquiry,
        rating="RED",
        reason="Disclosure at school.",
        by=mash_worker,
        at=local(2026, 3, 2, 12),
    )

    response = client_for(mash_worker).get(f"{API}/enquiries/{enquiry.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == f"E{enquiry.pk}"
    assert body["status"] == "open"
    assert body["rating"] == "RED"
    assert [(r["rating"], r["previous"], r["by"]) for r in body["rating_history"]] == [
        ("AMBER", "", "Mo Mash"),
        ("RED", "AMBER", "Mo Mash"),
    ]
    assert [r["id"] for r in body["requests"]] == [police_request.pk, health.pk]
    assert body["clock"]["started_at"] == "2026-03-02T11:00:00Z"
    assert body["clock"]["due_at"] == "2026-03-02T15:00:00Z"  # RED: 4 working hours
    assert body["clock"]["state"] == ClockState.DUE_SOON
    assert body["decision"] is None
    views = [e for e in access_entries_of(enquiry) if e.action == AccessAction.VIEW]
    assert [(e.user, e.child_id) for e in views] == [(mash_worker, enquiry.child_id)]


def test_an_enquiry_shows_its_decision_awaiting_sign_off(mash_manager: Any, decided: Any) -> None:
    decision = decided()

    body = client_for(mash_manager).get(f"{API}/enquiries/{decision.enquiry_id}").json()

    assert body["status"] == "decided"
    assert body["decision"]["outcome"] == "s17"
    assert body["decision"]["recorded_by"] == "Mo Mash"
    assert body["decision"]["signed_off_by"] is None
    assert body["decision"]["signoff_clock"]["started_at"] == "2026-03-03T10:00:00Z"


@pytest.mark.parametrize(
    "persona", ["police_practitioner", "health_practitioner", "analyst", "outsider"]
)
def test_roles_without_enquiries_get_403(
    make_persona: Any, police_request: PartnerRequest, persona: str
) -> None:
    response = client_for(make_persona(persona)).get(f"{API}/enquiries/{police_request.enquiry_id}")

    assert_problem(response, 403)


def test_an_enquiry_that_does_not_exist_is_404(auditor: Any) -> None:
    assert_problem(client_for(auditor).get(f"{API}/enquiries/424242"), 404)
