"""The online referral form: the GOV.UK error messages on each page, and what each page keeps."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from frontdoor.intake.models import ReferralDraft
from frontdoor.intake.tests.form_pages import (
    CHILD,
    PROFESSIONAL,
    draft_of,
    due_in,
    errors_of,
    post,
    professional_until_check,
    text_of,
    url,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- validation


def start_professional(client: Client) -> None:
    post(client, url("referral-who"), {"kind": "professional"})


@pytest.mark.parametrize(
    ("page", "data", "message"),
    [
        ("referral-who", {}, "Select whether you are a professional or a member of the public"),
        ("referral-who", {"kind": "robot"}, "Select whether you are a professional"),
        ("referral-referrer", {}, "Enter your full name"),
        ("referral-referrer", {}, "Enter your work email address"),
        ("referral-referrer", {}, "Select the type of organisation you work for"),
        (
            "referral-referrer",
            {**PROFESSIONAL, "organisation_type": "spaceship"},
            "Select the type of organisation you work for",
        ),
        (
            "referral-referrer",
            {**PROFESSIONAL, "email": "not an email"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("referral-referrer", {**PROFESSIONAL, "phone": "call me"}, "Enter a telephone number"),
        ("referral-referrer", {**PROFESSIONAL, "name": "x" * 201}, "200 characters or fewer"),
        ("referral-risk", {}, "Select yes if a child is in immediate danger"),
        ("referral-risk", {"immediate_risk": "maybe"}, "Select yes if a child is in immediate"),
        ("referral-child", {"born": "yes", "sex": "F"}, "Enter the child's first name or last"),
        ("referral-child", {**CHILD, "born": ""}, "Select yes if the child has been born"),
        ("referral-child", {**CHILD, "sex": "X"}, "Select the child's sex"),
        (
            "referral-child",
            {**CHILD, "date_of_birth-day": "31", "date_of_birth-month": "2"},
            "Date of birth must be a real date",
        ),
        (
            "referral-child",
            {**CHILD, "date_of_birth-year": str(timezone.localdate().year + 1)},
            "Date of birth must be today or in the past",
        ),
        ("referral-child", {**CHILD, "date_of_birth-month": ""}, "must include a month"),
        (
            "referral-child",
            {**CHILD, "nhs_number": "943 476 5918"},
            "Enter a valid 10-digit NHS number",
        ),
        ("referral-child", {**CHILD, "born": "no"}, "Enter the expected date of birth"),
        (
            "referral-child",
            {**CHILD, "born": "no", **due_in(weeks=60)},
            "Expected date of birth must be between today and 44 weeks from today",
        ),
        ("referral-child", {**CHILD, "first_name": "x" * 101}, "100 characters or fewer"),
        ("referral-child-address", {"postcode": "NOT A CODE"}, "Enter a real postcode"),
        ("referral-children", {}, "Select yes if you need to add another child"),
        ("referral-parents", {}, "Select whether the child's parents or carers know"),
        ("referral-concern", {}, "Describe what you are worried about"),
        ("referral-concern", {"concern": "x" * 10_001}, "10,000 characters or fewer"),
        ("referral-concern", {"concern": "a\x00b"}, "must not contain null characters"),
        ("referral-consent", {}, "Select whether the family agrees to this referral"),
        (
            "referral-consent",
            {"consent_status": "refused"},
            "Explain why the family has not agreed, or why you did not ask them",
        ),
        ("referral-consent", {"consent_status": "perhaps"}, "Select whether the family agrees"),
        ("referral-lawful-basis", {}, "Select the lawful basis for sharing this information"),
        (
            "referral-lawful-basis",
            {"lawful_basis": "consent"},
            "Consent cannot be the lawful basis because the family has not agreed",
        ),
    ],
)
def test_each_page_explains_what_to_fix(
    client: Client, page: str, data: dict[str, str], message: str
) -> None:
    professional_until_check(client)
    args = (0,) if page.startswith("referral-child") and page != "referral-children" else ()
    before = dict(draft_of(client).data)

    response = post(client, url(page, *args), data)

    assert response.status_code == 200
    assert message in errors_of(response), errors_of(response)
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert re.search(r"<title>\s*Error:", response.content.decode())
    assert draft_of(client).data == before  # nothing saved from a page with a problem


def test_a_page_with_a_problem_keeps_what_was_typed(client: Client) -> None:
    start_professional(client)
    response = post(client, url("referral-referrer"), {**PROFESSIONAL, "email": "dana@"})

    html = response.content.decode()
    assert 'value="Dana Teacher"' in html and 'value="dana@"' in html
    assert 'value="school" checked' in html


def test_the_date_that_does_not_apply_is_ignored(client: Client) -> None:
    professional_until_check(client)
    response = post(
        client,
        url("referral-child", 0),
        {**CHILD, "expected_date_of_birth-day": "99", "expected_date_of_birth-month": "x"},
        url("referral-child-address", 0),
    )
    assert response.status_code == 302
    assert draft_of(client).data["children"][0]["expected_date_of_birth"] is None


def test_pages_refuse_a_post_without_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(url("referral-who"), {"kind": "public"})
    assert response.status_code == 403
    assert ReferralDraft.objects.count() == 0


def test_every_page_declares_it_is_public_and_renders(client: Client) -> None:
    from frontdoor.intake import urls

    for pattern in urls.urlpatterns:
        assert getattr(pattern.callback, "frontdoor_permission", None) == "public", pattern.name
    professional_until_check(client)
    for name, args in [
        ("referral-start", ()),
        ("referral-who", ()),
        ("referral-referrer", ()),
        ("referral-risk", ()),
        ("referral-risk-warning", ()),
        ("referral-child", (0,)),
        ("referral-child", (1,)),
        ("referral-child-address", (0,)),
        ("referral-child-remove", (0,)),
        ("referral-children", ()),
        ("referral-family", ()),
        ("referral-parents", ()),
        ("referral-concern", ()),
        ("referral-consent", ()),
        ("referral-lawful-basis", ()),
        ("referral-evidence", ()),
        ("referral-check", ()),
        ("referral-save", ()),
    ]:
        response = client.get(url(name, *args))
        assert response.status_code == 200, name
        assert "<h1" in response.content.decode() or "legend--l" in response.content.decode()


def test_answers_are_shown_again_when_a_page_is_revisited(client: Client) -> None:
    professional_until_check(client)

    child = client.get(url("referral-child", 0)).content.decode()
    assert 'value="Riley"' in child and 'value="2016"' in child and 'value="F" checked' in child
    consent = client.get(url("referral-consent")).content.decode()
    assert 'value="not_sought" checked' in consent and "Asking could put Riley" in consent
    assert 'value="no" checked' in client.get(url("referral-risk")).content.decode()


def test_switching_from_professional_to_public_asks_for_the_public_details(
    client: Client,
) -> None:
    professional_until_check(client)
    post(
        client,
        url("referral-who", check=True),
        {"kind": "public"},
        url("referral-referrer", check=True),
    )
    post(
        client,
        url("referral-referrer", check=True),
        {"relationship": "family", "anonymous_to_family": "no"},
        url("referral-check"),
    )
    page = text_of(client.get(url("referral-check")))
    assert "I am a family member" in page and "Lawful basis" not in page
