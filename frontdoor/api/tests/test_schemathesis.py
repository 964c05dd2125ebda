"""The API against its own OpenAPI schema, with schemathesis (property-based, deterministic).

Every operation is called with generated valid and invalid input, signed in as a MASH social
worker and as a police practitioner, with one enquiry and its police request in the database.
Whatever is sent, the API must not fail with a 500, and every response must have a status,
media type and body that the schema documents.

Requests go through Django's real WSGI application in-process, so the middleware, CSRF and
session handling are the production ones; the only difference is that, as Django's test
client does, the connection is not closed after each request, so the requests run inside
the test's transaction and see its data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from frontdoor.mash.models import PartnerRequest

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/v1/openapi.json"
CSRF_TOKEN = "schemathesis0csrf0token000000000"  # 32 characters, as Django's secrets are
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class InProcessDjango:
    """Django's WSGI application, keeping the database connection between requests."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()  # sends request_finished while the clean-up is disconnected
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260302,
        "generation": {
            "mode": "all",  # valid and invalid input
            "max-examples": 25,
            "deterministic": True,
            "database": "none",
            # The session cookie is ours, not generated.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, InProcessDjango(), config=CONFIG)

#: Ids of rows that exist in this test's data, by the collection a path's ``{id}`` names.
EXISTING: dict[str, int] = {}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half the time, aim a valid generated ``{id}`` at a row that exists."""
    generated = (path_parameters or {}).get("id")
    collection = context.operation.path.split("/")[3] if context.operation else ""
    if not isinstance(generated, int) or generated < 1 or collection not in EXISTING:
        return st.just(path_parameters)
    assert path_parameters is not None
    return st.sampled_from([path_parameters, {**path_parameters, "id": EXISTING[collection]}])


@pytest.fixture
def api_data(request_sent: Any) -> PartnerRequest:
    """One AMBER enquiry with an open request to the police."""
    police_request: PartnerRequest = request_sent()
    EXISTING.clear()
    EXISTING.update(requests=police_request.pk, enquiries=police_request.enquiry_id)
    return police_request


@pytest.fixture
def cookies(persona: str, make_persona: Callable[[str], Any]) -> dict[str, str]:
    """A signed-in session for the persona, and a CSRF cookie matching ``CSRF_TOKEN``."""
    client = Client()
    client.force_login(make_persona(persona))
    return {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: CSRF_TOKEN,
    }


@schema.parametrize()
@pytest.mark.parametrize("persona", ["mash_worker", "police_practitioner"])
@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_the_api_conforms_to_its_schema(
    case: Any, persona: str, api_data: PartnerRequest, cookies: dict[str, str]
) -> None:
    response = case.call(cookies=cookies, headers={"X-CSRFToken": CSRF_TOKEN})

    case.validate_response(response, checks=CHECKS)
