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
from frontdoor.clocks import ClockState
from frontdoor.mash.models import PartnerRequest
from frontdoor.testing.factories import local

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
