"""Hypothesis throws arbitrary answers at every question page of the online referral form.

Whatever is posted (any Unicode, very long text, impossible dates, unknown choices, stray
fields, random bytes as a file) a page either moves on (302) or shows the error summary
(200). Never a server error.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.intake.models import Document
from frontdoor.intake.tests.form_pages import professional_until_check, url

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD = [
    "",
    " ",
    "yes",
    "no",
    "professional",
    "public",
    "given",
    "consent",
    "school",
    "F",
    "0",
    "-1",
    "31",
    "2.5",
    "1e9",
    "٣",
    "２０１６",
    "9" * 5000,
    "\x00",
    "\u202e",
    "𝕏𝕐",
    "<script>alert(1)</script>",
    "'; DROP TABLE intake_submission; --",
    "PE1 1AA",
    "943 476 5919",
    "name@example.com",
]


def long_text() -> st.SearchStrategy[str]:
    return st.builds(
        lambda unit, times: unit * times,
        st.text(min_size=1, max_size=4),
        st.integers(min_value=100, max_value=12_000),
    )


VALUE = st.one_of(st.sampled_from(ODD), st.text(max_size=60), long_text())


def answers(*fields: str) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of a page's fields (and stray ones), with any values."""
    return st.fixed_dictionaries(
        {"action": st.sampled_from(["continue", "save", "upload", "remove", "", "zzz"])},
        optional={
            **{field: VALUE for field in fields},
            "unexpected": VALUE,
            "csrfmiddlewaretoken": VALUE,
        },
    )


def date(name: str) -> tuple[str, ...]:
    return (f"{name}-day", f"{name}-month", f"{name}-year")


PAGES: dict[str, tuple[str, tuple[Any, ...], tuple[str, ...]]] = {
    "who": ("referral-who", (), ("kind",)),
    "referrer": (
        "referral-referrer",
        (),
        ("name", "role", "organisation", "organisation_type", "email", "phone"),
    ),
    "risk": ("referral-risk", (), ("immediate_risk",)),
    "child": (
        "referral-child",
        (0,),
        (
            "first_name",
            "last_name",
            "born",
            *date("date_of_birth"),
            *date("expected_date_of_birth"),
            "sex",
            "nhs_number",
            "current_location",
            "needs",
        ),
    ),
    "address": (
        "referral-child-address",
        (0,),
        ("address_line_1", "town", "postcode", "previous_addresses"),
    ),
    "children": ("referral-children", (), ("add_another",)),
    "family": ("referral-family", (), ("parental_responsibility", "household")),
    "parents": ("referral-parents", (), ("parents_aware",)),
    "concern": ("referral-concern", (), ("concern", "when_and_where")),
    "consent": ("referral-consent", (), ("consent_status", "consent_reason")),
    "lawful_basis": ("referral-lawful-basis", (), ("lawful_basis",)),
    "evidence": ("referral-evidence", (), ("document",)),
    "save": ("referral-save", (), ("email",)),
    "check": ("referral-check", (), ("draft",)),
}


def assert_handled(response: Any) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert 'class="govuk-error-summary"' in response.content.decode()


@pytest.fixture
def referrer(client: Client) -> Client:
    """A session with a complete professional referral, so every page is reachable."""
    professional_until_check(client)
    return client


@pytest.mark.parametrize("page", list(PAGES))
def test_no_answer_makes_a_question_page_fail(referrer: Client, page: str) -> None:
    name, args, fields = PAGES[page]

    @FUZZ
    @given(data=answers(*fields))
    def run(data: dict[str, Any]) -> None:
        assert_handled(referrer.post(url(name, *args), data))

    run()


def test_the_public_details_page_takes_any_answer(client: Client) -> None:
    client.post(url("referral-who"), {"kind": "public"})

    @FUZZ
    @given(
        data=answers("relationship", "name", "phone", "email", "anonymous_to_family"),
    )
    def run(data: dict[str, Any]) -> None:
        assert_handled(client.post(url("referral-referrer"), data))

    run()


def test_any_file_is_refused_or_kept_without_failing(referrer: Client) -> None:
    @FUZZ
    @given(
        name=st.one_of(st.text(max_size=300), st.sampled_from(["a.pdf", "../../etc/passwd", ""])),
        content=st.one_of(
            st.binary(max_size=2_000),
            st.builds(lambda tail: b"%PDF-" + tail, st.binary(max_size=200)),
            st.builds(lambda tail: b"PK\x03\x04" + tail, st.binary(max_size=200)),
        ),
        action=st.sampled_from(["upload", "continue", "save"]),
    )
    def run(name: str, content: bytes, action: str) -> None:
        # Django's test client cannot even build an upload whose base name is empty or a dot.
        base = os.path.basename(name.replace("\x00", ""))
        upload = SimpleUploadedFile(base if base not in ("", ".", "..") else "file", content)
        response = referrer.post(url("referral-evidence"), {"action": action, "documents": upload})
        assert_handled(response)
        Document.objects.filter(submission__isnull=True).delete()  # room for the next one

    run()
