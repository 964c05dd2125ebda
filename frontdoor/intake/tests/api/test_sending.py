"""The partner intake API: sending a referral, and the Idempotency-Key."""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from frontdoor.accounts.models import ApiToken
from frontdoor.intake.models import Contact, ContactChild, Document, Submission
from frontdoor.intake.tests.api.calls import (
    NOW,
    PDF,
    SEND,
    Issue,
    assert_problem,
    send,
    stored,
    with_document,
)
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import referral_document
from frontdoor.testing.fixtures import row_counts

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ sending a referral


def test_a_referral_is_stored_as_a_contact_with_a_screening_clock(
    org: SimpleNamespace, police: str
) -> None:
    response = send(police, with_document(PDF))

    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"reference", "received_at", "contact_reference", "status_url"}
    submission = Submission.objects.get()
    assert body["reference"] == submission.reference
    assert body["status_url"] == f"http://testserver{SEND}/{submission.reference}"
    assert response["Location"] == body["status_url"]
    assert "Idempotent-Replayed" not in response
    assert submission.channel == "partner_api"
    assert submission.agency == org.police
    assert submission.token == ApiToken.objects.get()
    assert submission.idempotency_scope == "agency:police"
    assert submission.idempotency_key == "key-1"
    contact = submission.contact
    assert contact is not None and body["contact_reference"] == contact.reference
    assert contact.channel == "partner_api" and contact.received_at == NOW
    (link,) = ContactChild.objects.filter(contact=contact)
    assert link.child.first_name == "Riley"
    assert link.screening_due_at > NOW and link.screened_at is None and link.outcome == ""
    (document,) = Document.objects.filter(submission=submission)
    assert document.content_type == "application/pdf" and bytes(document.content) == PDF
    assert Message.objects.filter(
        kind="referral_acknowledgement", about=f"submission:{submission.pk}"
    ).exists()


def test_a_repeat_with_the_same_key_and_body_is_200_with_the_same_answer(police: str) -> None:
    first = send(police)
    again = send(police)
    # The same document, differently spaced and ordered, is the same referral.
    document = referral_document()
    reordered = json.dumps(dict(reversed(list(document.items()))), indent=2)
    third = send(police, reordered)

    assert first.status_code == 201
    for repeat in (again, third):
        assert repeat.status_code == 200, repeat.content
        assert repeat.content == first.content
        assert repeat["Idempotent-Replayed"] == "true"
        assert repeat["Location"] == first["Location"]
    assert stored() == (1, 1, 1, 0)


def test_a_new_key_is_a_new_referral(police: str) -> None:
    first = send(police, key="key-1")
    second = send(police, key="key-2")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["reference"] != second.json()["reference"]
    assert stored()[0] == 2


def test_keys_belong_to_the_agency_so_two_agencies_may_use_the_same_key(issue: Issue) -> None:
    police, health = issue("police"), issue("health")

    assert send(police, key="shared").status_code == 201
    assert send(health, key="shared").status_code == 201
    assert sorted(Submission.objects.values_list("idempotency_scope", flat=True)) == [
        "agency:health",
        "agency:police",
    ]


def test_the_same_key_with_a_different_body_is_409_naming_the_first_referral(
    police: str,
) -> None:
    first = send(police).json()
    before = row_counts()

    response = send(police, referral_document(concern="Something else entirely."))

    body = assert_problem(response, 409)
    assert body["type"] == "urn:frontdoor:problem:idempotency-conflict"
    assert body["reference"] == first["reference"]
    assert first["reference"] in body["detail"]
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_with_the_same_key_store_one_referral(police: str) -> None:
    threads = 4
    barrier = threading.Barrier(threads)
    statuses: list[int] = []
    bodies: list[dict[str, Any]] = []
    failures: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait(timeout=10)
            response = send(police, key="race")
            # SQLite's shared in-memory test database refuses a second writer at once
            # instead of waiting: the API says 503, and a client retries with the same key.
            for _attempt in range(100):
                if response.status_code != 503:
                    break
                assert response["Retry-After"] == "1"
                time.sleep(0.02)
                response = send(police, key="race")
            statuses.append(response.status_code)
            bodies.append(response.json())
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert not failures, failures
    assert sorted(statuses) == [200] * (threads - 1) + [201], bodies
    assert len({body["reference"] for body in bodies}) == 1
    assert Submission.objects.count() == 1 and Contact.objects.count() == 1


# ------------------------------------------------------------------ the Idempotency-Key


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (None, "missing"),
        ("", "invalid"),
        ("k" * 201, "invalid"),
        ("clé-unicode", "invalid"),
        ("tab\tinside", "invalid"),
    ],
)
def test_a_missing_or_invalid_idempotency_key_is_400_naming_the_header(
    police: str, key: str | None, code: str
) -> None:
    response = send(police, key=key)

    body = assert_problem(response, 400)
    assert body["errors"] == [
        {
            "field": "Idempotency-Key",
            "location": "header",
            "message": body["errors"][0]["message"],
            "code": code,
        }
    ]
    assert stored() == (0, 0, 0, 0)


def test_the_longest_printable_key_is_accepted(police: str) -> None:
    assert send(police, key="~ " + "k" * 198).status_code == 201
