"""The partner intake API: the media type, the size and the body of a referral."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from frontdoor.intake.tests.api.calls import (
    EXE,
    PDF,
    assert_problem,
    fields,
    send,
    stored,
    with_child,
    with_document,
)
from frontdoor.testing.factories import referral_document
from frontdoor.testing.fixtures import row_counts

pytestmark = pytest.mark.django_db


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
