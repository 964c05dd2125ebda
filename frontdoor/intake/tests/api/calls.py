"""Calling the partner intake API in tests: its addresses, the frozen time, and helpers to send
a referral, read its status and read a problem response."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from frontdoor.intake.models import Contact, ContactChild, Document, Submission
from frontdoor.testing.factories import local, referral_document

API = "/api/v1/intake"
SEND = f"{API}/referrals"
PROBLEM_JSON = "application/problem+json"
# Mon 2 Mar 2026, 14:00:00, on the minute (the rate-limit window starts here).
NOW = local(2026, 3, 2, 14)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48

Issue = Callable[..., str]


def send(
    token: str | None,
    body: Any = None,
    *,
    key: str | None = "key-1",
    content_type: str = "application/json",
    client: Client | None = None,
    **extra: Any,
) -> Any:
    """POST a referral (``referral_document()`` unless ``body`` is given)."""
    if body is None:
        body = referral_document()
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    headers: dict[str, str] = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    return (client or Client()).post(
        SEND, data=data, content_type=content_type, headers=headers, **extra
    )


def status_of(token: str | None, reference: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(f"{SEND}/{reference}", headers=headers)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return dict(body)


def fields(body: dict[str, Any]) -> dict[str, str]:
    """``{field: location}`` of a problem's errors."""
    return {error["field"]: error["location"] for error in body.get("errors", [])}


def stored() -> tuple[int, int, int, int]:
    return (
        Submission.objects.count(),
        Contact.objects.count(),
        ContactChild.objects.count(),
        Document.objects.count(),
    )


def with_child(**child: Any) -> dict[str, Any]:
    document = referral_document()
    document["children"] = [{**document["children"][0], **child}]
    return document


def with_document(content: bytes | str, filename: str = "report.pdf") -> dict[str, Any]:
    encoded = content if isinstance(content, str) else base64.b64encode(content).decode()
    return referral_document(documents=[{"filename": filename, "content_base64": encoded}])
