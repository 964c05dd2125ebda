"""The JSON API at /api/v1/: the schema and docs, and authentication.

The rest by topic: access by role, problem+json errors, reads and the one write in
test_overview_and_queues, test_requests, test_request_answer and test_enquiries.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from frontdoor.accounts.access import Perm
from frontdoor.accounts.models import ApiScope
from frontdoor.api.api import DjangoSession, api
from frontdoor.api.tests.calls import API, PROBLEM_JSON, assert_problem, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen_time")]


# ------------------------------------------------------------------ schema and docs


def test_the_openapi_schema_declares_session_auth_on_every_staff_operation() -> None:
    """Staff operations use the session; partner intake ones (/intake/) a bearer token,
    tested in frontdoor/intake/tests/api/."""
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
