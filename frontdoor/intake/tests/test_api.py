"""The partner intake API (/api/v1/intake/): tokens, idempotency, limits, refusals, status."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from frontdoor.accounts.models import Agency, ApiScope, ApiToken
from frontdoor.accounts.services import api_token_issue, api_token_revoke
from frontdoor.audit.models import AccessLogEntry
from frontdoor.intake.models import Contact, ContactChild, Document, Submission
from frontdoor.intake.services import contact_screen
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import local, referral_document
from frontdoor.testing.fixtures import row_counts

pytestmark = pytest.mark.django_db

API = "/api/v1/intake"
SEND = f"{API}/referrals"
PROBLEM_JSON = "application/problem+json"
# Mon 2 Mar 2026, 14:00:00, on the minute (the rate-limit window starts here).
NOW = local(2026, 3, 2, 14)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture(autouse=True)
def _frozen_time_and_empty_cache() -> Iterator[None]:
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


Issue = Callable[..., str]


@pytest.fixture
def issue(org: SimpleNamespace) -> Issue:
    """``issue("police", scopes=[...])``: a plain token for one of the standard agencies."""

    def make(agency: str = "police", scopes: list[str] | None = None, **kwargs: Any) -> str:
        _token, plain = api_token_issue(
            agency=getattr(org, agency),
            name=f"{agency} system",
            scopes=scopes or [ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ],
            by=None,
            **kwargs,
        )
        return plain

    return make


@pytest.fixture
def police(issue: Issue) -> str:
    return issue("police")


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


# ------------------------------------------------------------------ tokens and scopes


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer nonsense", "Bearer fd_abc_def"],
)
def test_without_a_valid_token_it_is_401_with_a_bearer_challenge(
    org: SimpleNamespace, authorization: str | None
) -> None:
    headers = {"Idempotency-Key": "k"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = Client().post(
        SEND,
        data=json.dumps(referral_document()),
        content_type="application/json",
        headers=headers,
    )

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith('Bearer realm="Front Door"')
    assert stored() == (0, 0, 0, 0)


def test_a_wrong_secret_for_a_real_prefix_is_401(police: str) -> None:
    prefix = police.split("_")[1]

    response = send(f"fd_{prefix}_{'x' * 43}")

    assert_problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_revoked_token_is_401(org: SimpleNamespace, police: str) -> None:
    api_token_revoke(token=ApiToken.objects.get(), by=None, reason="Leaked in a log")

    assert_problem(send(police), 401)
    assert stored() == (0, 0, 0, 0)


def test_an_expired_token_is_401(issue: Issue) -> None:
    token = issue("police", expires_at=NOW + timedelta(days=1))
    assert send(token, key="before").status_code == 201

    with time_machine.travel(NOW + timedelta(days=1, seconds=1), tick=False):
        assert_problem(send(token, key="after"), 401)
    assert stored()[0] == 1


def test_a_token_of_an_inactive_agency_is_401(org: SimpleNamespace, police: str) -> None:
    Agency.objects.filter(pk=org.police.pk).update(active=False)

    assert_problem(send(police), 401)


def test_a_signed_in_session_is_not_a_token(police_practitioner: Any) -> None:
    client = Client()
    client.force_login(police_practitioner)

    assert_problem(send(None, client=client), 401)


def test_a_token_without_the_write_scope_may_not_send(issue: Issue) -> None:
    reader = issue("police", scopes=[ApiScope.REFERRALS_READ])

    response = send(reader)

    body = assert_problem(response, 403)
    assert "referrals:write" in body["detail"]
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert stored() == (0, 0, 0, 0)


# ------------------------------------------------------------------ media type and size


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "",
    ],
)
def test_a_body_that_is_not_declared_json_is_415(police: str, content_type: str) -> None:
    assert_problem(send(police, content_type=content_type), 415)
    assert stored() == (0, 0, 0, 0)


def test_json_with_a_charset_is_accepted(police: str) -> None:
    assert send(police, content_type="application/json; charset=utf-8").status_code == 201


def test_a_body_declared_larger_than_the_limit_is_413_before_it_is_read(
    police: str, settings: Any
) -> None:
    # The declared length is far more than is sent: reading the body would fail loudly.
    response = send(police, CONTENT_LENGTH=str(10 * 1024 * 1024 + 1))

    body = assert_problem(response, 413)
    assert str(10 * 1024 * 1024) in body["detail"]
    settings.FRONTDOOR_API_MAX_BODY_BYTES = 1000
    assert_problem(send(police, with_document(PDF * 50)), 413)
    assert stored() == (0, 0, 0, 0)


def test_a_body_larger_than_django_will_read_is_413(police: str, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    assert_problem(send(police, with_document(PDF * 50)), 413)
    assert stored() == (0, 0, 0, 0)


# ------------------------------------------------------------------ the body


@pytest.mark.parametrize("raw", ["{not json", "", "\x00", '{"concern": "x"', b"\xff\xfe{}"])
def test_a_body_that_is_not_json_is_400_or_422_and_stores_nothing(police: str, raw: Any) -> None:
    # (The test client leaves out Content-Type for an empty body; a client may not.)
    response = send(police, raw, CONTENT_TYPE="application/json")

    if raw == "":  # no body at all: the referral is missing
        body = assert_problem(response, 422)
        assert fields(body) == {"(body)": "body"}
    else:
        body = assert_problem(response, 400)
        assert "Cannot parse" in body["detail"]
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("document", "field", "code"),
    [
        (referral_document(colour="blue"), "colour", "extra_forbidden"),
        (with_child(eye_colour="blue"), "children.0.eye_colour", "extra_forbidden"),
        (referral_document(immediate_risk="yes"), "immediate_risk", "bool_type"),
        (referral_document(children=[]), "children", "too_short"),
        (referral_document(concern="x" * 10_001), "concern", "string_too_long"),
        (referral_document(concern="a\x00b"), "concern", "string_pattern_mismatch"),
        (with_child(first_name=42), "children.0.first_name", "string_type"),
        (
            with_child(date_of_birth="2019-02-30"),
            "children.0.date_of_birth",
            "date_from_datetime_parsing",
        ),
        (referral_document(consent_status="maybe"), "consent_status", "literal_error"),
        ([referral_document()], "(body)", "model_attributes_type"),
    ],
)
def test_a_body_that_breaks_the_schema_is_422_naming_the_field(
    police: str, document: Any, field: str, code: str
) -> None:
    response = send(police, document)

    body = assert_problem(response, 422)
    assert body["type"] == "urn:frontdoor:problem:validation"
    errors = {error["field"]: error for error in body["errors"]}
    assert field in errors, body["errors"]
    assert errors[field]["location"] == "body"
    assert errors[field]["code"] == code
    assert stored() == (0, 0, 0, 0)


def test_a_missing_required_field_is_422_naming_it(police: str) -> None:
    document = referral_document()
    del document["concern"]
    del document["referrer"]["kind"]

    body = assert_problem(send(police, document), 422)

    assert {"concern", "referrer.kind"} <= set(fields(body))


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (with_child(nhs_number="943 476 5918"), "children.0.nhs_number"),
        (with_child(date_of_birth="2026-03-04"), "children.0.date_of_birth"),
        (with_child(postcode="NOT A CODE"), "children.0.postcode"),
        (referral_document(consent_reason=""), "consent_reason"),
        (with_document("this is not base64!"), "documents.0.content_base64"),
        (with_document(EXE, filename="report.pdf"), "documents.0.content_base64"),
    ],
    ids=["nhs-check-digit", "future-dob", "postcode", "consent-reason", "base64", "exe-as-pdf"],
)
def test_a_referral_that_breaks_a_rule_is_422_naming_the_field(
    police: str, document: Any, field: str
) -> None:
    before = row_counts()

    response = send(police, document)

    body = assert_problem(response, 422)
    assert body["type"] == "urn:frontdoor:problem:validation"
    assert field in fields(body), body["errors"]
    assert fields(body)[field] == "body"
    assert row_counts() == before
    assert stored() == (0, 0, 0, 0)


def test_every_rule_broken_is_named_at_once(police: str) -> None:
    document = with_child(nhs_number="943 476 5918", date_of_birth="2026-03-04")
    document["consent_reason"] = ""

    body = assert_problem(send(police, document), 422)

    assert {"children.0.nhs_number", "children.0.date_of_birth", "consent_reason"} <= set(
        fields(body)
    )


def test_a_refused_referral_does_not_use_up_its_key(police: str) -> None:
    assert send(police, with_child(nhs_number="943 476 5918")).status_code == 422

    assert send(police).status_code == 201


def test_a_busy_database_is_503_with_retry_after_not_500(
    police: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(**kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr("frontdoor.intake.api.submission_receive", busy)

    response = send(police)

    assert_problem(response, 503)
    assert response["Retry-After"] == "1"
    assert stored() == (0, 0, 0, 0)


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


# ------------------------------------------------------------------ the OpenAPI document


def test_the_openapi_document_describes_the_intake_operations() -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    scheme = schema["components"]["securitySchemes"]["PartnerToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    send_op = schema["paths"][f"{SEND}"]["post"]
    status_op = schema["paths"][f"{SEND}/{{reference}}"]["get"]
    assert send_op["security"] == [{"PartnerToken": ["referrals:write"]}]
    assert status_op["security"] == [{"PartnerToken": ["referrals:read"]}]
    body = send_op["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/ReferralIn"}
    assert {"police", "health"} <= set(body["examples"])
    assert schema["components"]["schemas"]["ReferralIn"]["additionalProperties"] is False
    (header,) = [p for p in send_op["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key" and header["required"] is True
    assert set(send_op["responses"]) == {
        "200",
        "201",
        "400",
        "401",
        "403",
        "409",
        "413",
        "415",
        "422",
        "429",
        "503",
    }
    assert set(status_op["responses"]) == {"200", "401", "403", "404", "422", "429", "503"}
    for op in (send_op, status_op):
        for code, response in op["responses"].items():
            if int(code) >= 400:
                assert list(response["content"]) == [PROBLEM_JSON]
        assert "WWW-Authenticate" in op["responses"]["401"]["headers"]
        assert "Retry-After" in op["responses"]["429"]["headers"]
    assert "Location" in send_op["responses"]["201"]["headers"]
    assert "Idempotent-Replayed" in send_op["responses"]["200"]["headers"]


def test_the_examples_in_the_openapi_document_are_accepted(police: str) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    examples = schema["paths"][SEND]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]

    for name, example in examples.items():
        response = send(police, example["value"], key=name)
        assert response.status_code == 201, (name, response.content)


def test_the_browsable_docs_are_served_from_installed_static_files() -> None:
    page = Client().get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "//unpkg" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert Client().get(f"/static/ninja/{asset}").status_code == 200, asset
