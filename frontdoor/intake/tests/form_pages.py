"""Walking the online referral form with Django's test client: answers that pass, and helpers
to post a page, read its errors and text, and reach "Check your answers"."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdoor.intake.models import ReferralDraft

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

PROFESSIONAL = {
    "name": "Dana Teacher",
    "role": "Designated safeguarding lead",
    "organisation": "Hill Primary School",
    "organisation_type": "school",
    "email": "dana.teacher@school.example",
    "phone": "01632 960000",
}
CHILD = {
    "first_name": "Riley",
    "last_name": "Example",
    "born": "yes",
    "date_of_birth-day": "4",
    "date_of_birth-month": "3",
    "date_of_birth-year": "2016",
    "sex": "F",
    "nhs_number": "943 476 5919",
    "current_location": "At school today",
    "needs": "Needs a Polish interpreter",
}
ADDRESS = {"address_line_1": "1 Example Street", "town": "Exampleton", "postcode": "pe1 1aa"}
CONCERN = {
    "concern": "Riley came to school with a bruise and said she was scared to go home.",
    "when_and_where": "This morning at school",
}


def url(name: str, *args: Any, check: bool = False) -> str:
    return reverse(name, args=args or None) + ("?return=check" if check else "")


def post(client: Client, path: str, data: dict[str, Any], to: str | None = None) -> Any:
    """POST a page; with ``to``, expect a redirect there."""
    response = client.post(path, {"action": "continue", **data})
    if to is not None:
        assert response.status_code == 302, errors_of(response)
        assert response["Location"] == to, (response["Location"], to)
    return response


def errors_of(response: Any) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return plain(match.group(0)) if match else ""


def text_of(response: Any) -> str:
    return plain(response.content.decode())


def plain(html: str) -> str:
    """The text of some HTML, on one line."""
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def professional_until_check(client: Client, **child: str) -> None:
    post(client, url("referral-who"), {"kind": "professional"}, url("referral-referrer"))
    post(client, url("referral-referrer"), PROFESSIONAL, url("referral-risk"))
    post(client, url("referral-risk"), {"immediate_risk": "no"}, url("referral-child", 0))
    post(client, url("referral-child", 0), {**CHILD, **child}, url("referral-child-address", 0))
    post(client, url("referral-child-address", 0), ADDRESS, url("referral-children"))
    post(client, url("referral-children"), {"add_another": "no"}, url("referral-family"))
    post(
        client,
        url("referral-family"),
        {"parental_responsibility": "Mother, Jo Example", "household": "Mother and her partner"},
        url("referral-parents"),
    )
    post(client, url("referral-parents"), {"parents_aware": "no"}, url("referral-concern"))
    post(client, url("referral-concern"), CONCERN, url("referral-consent"))
    post(
        client,
        url("referral-consent"),
        {"consent_status": "not_sought", "consent_reason": "Asking could put Riley at risk"},
        url("referral-lawful-basis"),
    )
    post(
        client,
        url("referral-lawful-basis"),
        {"lawful_basis": "public_task"},
        url("referral-evidence"),
    )
    post(client, url("referral-evidence"), {}, url("referral-check"))


def public_until_check(client: Client) -> None:
    post(client, url("referral-who"), {"kind": "public"}, url("referral-referrer"))
    post(
        client,
        url("referral-referrer"),
        {"relationship": "acquaintance", "anonymous_to_family": "yes", "name": "", "email": ""},
        url("referral-risk"),
    )
    post(client, url("referral-risk"), {"immediate_risk": "yes"}, url("referral-risk-warning"))
    warning = client.get(url("referral-risk-warning"))
    assert "Call 999 now" in text_of(warning)
    post(
        client,
        url("referral-child", 0),
        {"first_name": "", "last_name": "", "born": "no", "sex": "U", **due_in(weeks=10)},
        url("referral-child-address", 0),
    )
    post(client, url("referral-child-address", 0), {}, url("referral-children"))
    post(client, url("referral-children"), {"add_another": "no"}, url("referral-family"))
    post(client, url("referral-family"), {}, url("referral-parents"))
    post(client, url("referral-parents"), {"parents_aware": "not_known"}, url("referral-concern"))
    post(
        client,
        url("referral-concern"),
        {"concern": "I hear shouting and a baby crying every night next door."},
        url("referral-consent"),
    )
    # Members of the public are not asked for a lawful basis.
    post(
        client,
        url("referral-consent"),
        {"consent_status": "not_sought", "consent_reason": "I do not know them well"},
        url("referral-evidence"),
    )
    post(client, url("referral-evidence"), {}, url("referral-check"))


def due_in(weeks: int) -> dict[str, str]:
    due = timezone.localdate() + timedelta(weeks=weeks)
    return {
        "expected_date_of_birth-day": str(due.day),
        "expected_date_of_birth-month": str(due.month),
        "expected_date_of_birth-year": str(due.year),
    }


def send(client: Client) -> Any:
    draft = ReferralDraft.objects.get(public_id=client.session["referral_draft"])
    return client.post(url("referral-check"), {"draft": str(draft.public_id), "action": "send"})


def draft_of(client: Client) -> ReferralDraft:
    return ReferralDraft.objects.get(public_id=client.session["referral_draft"])
