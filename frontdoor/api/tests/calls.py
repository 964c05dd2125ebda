"""Calling the staff JSON API in tests: its address, the time the tests run at, a signed-in
client, posting JSON and reading a problem response."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from frontdoor.testing.factories import local

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
# Mon 2 Mar 2026, 14:00: the known week's enquiry opened at 11:00, its police request at 11:30.
NOW = local(2026, 3, 2, 14)


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
