"""The JSON API at /api/v1/: access by role, problem+json errors, reads and the one write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory

from frontdoor.accounts.access import Perm
from frontdoor.accounts.models import ApiScope
from frontdoor.api.api import DjangoSession, api
from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.clocks import ClockState
from frontdoor.mash.models import PartnerRequest, RequestStatus
from frontdoor.mash.services import enquiry_rate
from frontdoor.testing.factories import access_entries_of, actions_of, local

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
# Mon 2 Mar 2026, 14:00: the known week's enquiry opened at 11:00, its police request at 11:30.
NOW = local(2026, 3, 2, 14)


@pytest.fixture(autouse=True)
def _frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user: Any, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def post_json(client: Client, url: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["type"]
    assert body["title"]
    assert body["detail"]
    return dict(body)


def error_fields(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body.get("errors", [])}


@pytest.fixture
def police_request(request_sent: Any) -> PartnerRequest:
    """An AMBER enquiry (Mon 11:00) with a request to the police (Mon 11:30)."""
    police_request: PartnerRequest = request_sent()
    return police_request


# ------------------------------------------------------------------ schema and docs


def test_the_openapi_schema_declares_session_auth_on_every_staff_operation() -> None:
    """Staff operations use the session; partner intake ones (/intake/) a bearer token,
    tested in frontdoor/intake/tests/test_api.py."""
    schema = Client().get(f"{API}/openapi.json").json()

    assert schema["info"]["title"] == "Front Door API"
    assert schema["info"]["version"] == "1.0.0"
    scheme = schema["components"]["securitySchemes"]["DjangoSession"]
    assert scheme["type"] == "apiKey"
    assert scheme["in"] == "cookie"
    assert scheme["name"] == settings.SESSION_COOKIE_NAME
    operations = [
        op
        for path, item in schema["paths"].items()
        if not path.startswith(f"{API}/intake/")
        for op in item.values()
    ]
    assert {op["operationId"] for op in operations} == {
        "getOverview",
        "searchChildren",
        "getQueue",
        "listRequests",
        "getRequest",
        "answerRequest",
        "getEnquiry",
    }
    for op in operations:
        assert op["security"] == [{"DjangoSession": []}]
        assert {"200", "401", "403"} <= set(op["responses"])


def test_the_openapi_schema_documents_errors_as_problem_json() -> None:
    schema = Client().get(f"{API}/openapi.json").json()

    for item in schema["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                expected = PROBLEM_JSON if int(status) >= 400 else "application/json"
                assert list(response["content"]) == [expected], (op["operationId"], status)
    answer = schema["paths"][f"{API}/requests/{{id}}/answer"]["post"]
    assert {"400", "404", "409", "422"} <= set(answer["responses"])


def test_the_browsable_docs_are_served() -> None:
    response = Client().get(f"{API}/docs")

    assert response.status_code == 200
    assert "openapi.json" in response.content.decode()


def test_every_operation_declares_the_permission_it_needs() -> None:
    declared = {
        # Staff operations declare a permission; partner operations a token scope.
        op.view_func.__name__: getattr(op.auth_param, "perm", None)
        or getattr(op.auth_param, "scope", None)
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for op in path_view.operations
    }

    assert declared == {
        "overview": Perm.OVERVIEW_VIEW,
        "search_children": Perm.CHILD_VIEW,
        "queue": Perm.QUEUE_VIEW,
        "list_requests": Perm.REQUEST_VIEW,
        "get_request": Perm.REQUEST_VIEW,
        "answer_request": Perm.REQUEST_ANSWER,
        "get_enquiry": Perm.ENQUIRY_VIEW,
        "send_referral": ApiScope.REFERRALS_WRITE,
        "get_referral": ApiScope.REFERRALS_READ,
    }


def test_an_operation_that_declares_no_permission_is_refused(mash_manager: Any) -> None:
    request = RequestFactory().get(f"{API}/anything")
    request.user = mash_manager
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]

    with pytest.raises(Exception, match="has not declared") as excinfo:
        DjangoSession(None)(request)
    assert getattr(excinfo.value, "status_code", None) == 403


# ------------------------------------------------------------------ authentication


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/overview"),
        ("get", "/queue"),
        ("get", "/queue?scope=nonsense"),
        ("get", "/requests"),
        ("get", "/requests/1"),
        ("get", "/enquiries/1"),
        ("post", "/requests/1/answer"),
        ("post", "/children/search"),
    ],
)
def test_without_a_session_every_operation_is_401_problem_json(method: str, path: str) -> None:
    response = getattr(Client(enforce_csrf_checks=True), method)(f"{API}{path}")

    body = assert_problem(response, 401)
    assert body["type"] == "about:blank"
    assert body["instance"] == f"{API}{path.split('?')[0]}"
    assert response["WWW-Authenticate"]


def test_an_unknown_api_address_is_404_problem_json(mash_worker: Any) -> None:
    assert_problem(client_for(mash_worker).get(f"{API}/nowhere"), 404)
    assert_problem(client_for(mash_worker).get(f"{API}/"), 404)


def test_a_wrong_method_is_405_problem_json_with_allow(mash_worker: Any) -> None:
    response = client_for(mash_worker).delete(f"{API}/requests/1")

    assert_problem(response, 405)
    assert response["Allow"] == "GET"


# ------------------------------------------------------------------ overview


@pytest.mark.parametrize("persona", ["mash_worker", "mash_manager", "analyst", "auditor"])
def test_roles_with_the_overview_see_counts_by_stage_and_clock_state(
    make_persona: Any, police_request: PartnerRequest, persona: str
) -> None:
    response = client_for(make_persona(persona)).get(f"{API}/overview")

    assert response.status_code == 200
    body = response.json()
    stages = {row["stage"]: row for row in body["stages"]}
    assert stages["MASH enquiry"]["total"] == 1
    assert stages["Partner information request"]["total"] == 1
    assert sum(stages["Partner information request"]["counts"].values()) == 1
    assert body["period_days"] == 28
    assert body["timeliness"][0]["clock"] == "Screening decision"


@pytest.mark.parametrize("persona", ["police_practitioner", "assessment_worker", "outsider"])
def test_roles_without_the_overview_get_403(make_persona: Any, persona: str) -> None:
    body = assert_problem(client_for(make_persona(persona)).get(f"{API}/overview"), 403)

    assert body["type"] == "about:blank"


# ------------------------------------------------------------------ queues


def test_the_mash_team_queue_lists_the_enquiry_with_its_clock(
    mash_worker: Any, police_request: PartnerRequest
) -> None:
    enquiry = police_request.enquiry

    response = client_for(mash_worker).get(f"{API}/queue", {"scope": "team"})

    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "team"
    item = next(i for i in body["items"] if i["reference"] == f"E{enquiry.pk}")
    assert item == {
        "stage": "MASH enquiry",
        "child_id": enquiry.child_id,
        "child_name": enquiry.child.full_name,
        "reference": f"E{enquiry.pk}",
        "rating": "AMBER",
        "owner": "",
        "immediate_risk": False,
        "note": "",
        "clock": {
            "state": ClockState.ON_TIME,
            "label": "On time",
            "started_at": "2026-03-02T11:00:00Z",
            "due_at": "2026-03-04T16:00:00Z",  # AMBER: 24 working hours
            "completed_at": None,
        },
        "url": f"/enquiries/{enquiry.pk}/",
    }
    assert body["count"] == len(body["items"])


def test_a_police_practitioners_own_queue_holds_their_agencys_open_requests(
    police_practitioner: Any, police_request: PartnerRequest, request_sent: Any
) -> None:
    request_sent(enquiry=police_request.enquiry, agency="health")

    body = client_for(police_practitioner).get(f"{API}/queue").json()

    assert body["scope"] == "mine"
    assert [(i["stage"], i["reference"]) for i in body["items"]] == [
        ("Partner information request", f"R{police_request.pk}")
    ]
    assert body["items"][0]["owner"] == "Demo Police"


def test_an_unknown_queue_scope_is_422_naming_the_field(mash_worker: Any) -> None:
    body = assert_problem(client_for(mash_worker).get(f"{API}/queue?scope=everyone"), 422)

    assert body["errors"] == [
        {
            "field": "scope",
            "location": "query",
            "message": body["errors"][0]["message"],
            "code": "literal_error",
        }
    ]


@pytest.mark.parametrize("persona", ["analyst", "auditor", "outsider"])
def test_roles_without_a_queue_get_403(make_persona: Any, persona: str) -> None:
    assert_problem(client_for(make_persona(persona)).get(f"{API}/queue"), 403)


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
