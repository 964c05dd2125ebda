"""The online referral form, page by page, with Django's test client.

Professional and public journeys end to end; what "Check your answers" shows; the GOV.UK
error messages on each page; one submission however often it is sent; save and return by
the emailed link; evidence uploads; a professional's outcome page.
"""

from __future__ import annotations

import html as htmllib
import io
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry
from frontdoor.intake.models import (
    Contact,
    ContactChild,
    Document,
    ReferralDraft,
    ScreeningOutcome,
    Submission,
)
from frontdoor.intake.services import contact_screen
from frontdoor.outbox.models import Message

pytestmark = pytest.mark.django_db

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


# --------------------------------------------------------------------------- journeys


def test_the_start_page_says_call_999_and_what_you_need(client: Client) -> None:
    response = client.get(url("referral-start"))

    assert response.status_code == 200
    page = text_of(response)
    assert "If a child is in immediate danger, call 999" in page
    assert "Before you start" in page and "about 15 minutes" in page
    assert f'href="{url("referral-who")}"' in response.content.decode()
    assert ReferralDraft.objects.count() == 0  # nothing is stored until the first answer


def test_a_professional_sends_a_referral_and_it_becomes_one_contact(client: Client) -> None:
    professional_until_check(client)
    check = client.get(url("referral-check"))
    assert check.status_code == 200
    page = text_of(check)
    for shown in (
        "Dana Teacher",
        "Designated safeguarding lead",
        "School or college",
        "dana.teacher@school.example",
        "Riley Example",
        "4 March 2016",
        "Female",
        "9434765919",
        "1 Example Street",
        "PE1 1AA",
        "Needs a Polish interpreter",
        "Mother, Jo Example",
        "scared to go home",
        "I have not asked them",
        "Asking could put Riley at risk",
        "Public task",
        "None added",
    ):
        assert shown in page, shown
    html = check.content.decode()
    assert f'href="{url("referral-child", 0, check=True)}"' in html  # change links return here
    assert f'href="{url("referral-consent", check=True)}"' in html

    response = send(client)

    assert response.status_code == 302 and response["Location"] == url("referral-confirmation")
    submission = Submission.objects.get()
    confirmation = client.get(url("referral-confirmation"))
    assert submission.reference in text_of(confirmation)
    assert "within 1 working day" in text_of(confirmation)
    assert "dana.teacher@school.example" in text_of(confirmation)
    contact = Contact.objects.get()
    assert submission.contact == contact and contact.channel == "online_form"
    assert contact.source == "2A" and contact.referrer_email == "dana.teacher@school.example"
    assert contact.consent_status == "not_sought" and contact.lawful_basis == "public_task"
    (link,) = ContactChild.objects.filter(contact=contact)
    assert link.screening_due_at > contact.received_at and link.screened_at is None
    assert (link.child.first_name, link.child.nhs_number) == ("Riley", "9434765919")
    assert link.child.addresses.get().postcode == "PE1 1AA"
    assert submission.payload["children"][0]["needs"] == "Needs a Polish interpreter"
    assert Message.objects.filter(kind="referral_acknowledgement").count() == 1
    # The session forgets the draft: the start page begins afresh.
    assert "referral_draft" not in client.session
    assert "Continue your referral" not in text_of(client.get(url("referral-start")))


def test_a_member_of_the_public_can_stay_anonymous_and_refer_an_unborn_baby(
    client: Client,
) -> None:
    public_until_check(client)
    page = text_of(client.get(url("referral-check")))
    assert "A member of the public" in page
    assert "I know the child or family (a friend or neighbour)" in page
    assert "Unborn baby" in page and "Expected date of birth" in page
    assert "Lawful basis" not in page

    send(client)

    submission = Submission.objects.get()
    assert submission.payload["lawful_basis"] == "public_task"
    assert submission.payload["referrer"]["anonymous_to_family"] is True
    assert submission.payload["immediate_risk"] is True
    contact = submission.contact
    assert contact is not None and contact.source == "9"  # anonymous
    assert contact.children.get().child.expected_date_of_birth is not None
    confirmation = text_of(client.get(url("referral-confirmation")))
    assert submission.reference in confirmation
    assert "call 999 now" in confirmation
    assert not Message.objects.exists()  # no email given, none sent
    assert not submission.feedback_token_hash  # no outcome link for the public


def test_several_children_are_added_changed_and_removed(client: Client) -> None:
    professional_until_check(client)
    post(client, url("referral-children", check=True), {"add_another": "yes"})
    post(
        client,
        url("referral-child", 1, check=True),
        {**CHILD, "first_name": "Jordan", "date_of_birth-year": "2019", "nhs_number": ""},
        url("referral-child-address", 1, check=True),
    )
    post(
        client,
        url("referral-child-address", 1, check=True),
        ADDRESS,
        url("referral-children", check=True),
    )
    listing = text_of(client.get(url("referral-children")))
    assert "You have added 2 children" in listing
    assert "Riley Example" in listing and "Jordan Example" in listing
    post(client, url("referral-children", check=True), {"add_another": "no"}, url("referral-check"))
    # Changing an existing child from "Check your answers" goes straight back there.
    post(
        client,
        url("referral-child", 1, check=True),
        {**CHILD, "first_name": "Jordan", "last_name": "Other", "nhs_number": ""},
        url("referral-check"),
    )
    assert "Jordan Other" in text_of(client.get(url("referral-check")))
    # Removing asks first.
    refused = post(client, url("referral-child-remove", 0), {})
    assert "Select yes if you want to remove this child" in errors_of(refused)
    post(client, url("referral-child-remove", 0), {"remove": "no"}, url("referral-children"))
    assert len(draft_of(client).data["children"]) == 2
    post(client, url("referral-child-remove", 0), {"remove": "yes"}, url("referral-children"))
    assert [c["first_name"] for c in draft_of(client).data["children"]] == ["Jordan"]

    send(client)
    contact = Contact.objects.get()
    assert [link.child.first_name for link in contact.children.all()] == ["Jordan"]


def test_no_more_than_twenty_children(client: Client) -> None:
    professional_until_check(client)
    draft = draft_of(client)
    draft.data["children"] = draft.data["children"] * 20
    draft.save()

    page = client.get(url("referral-children"))
    assert "the most one referral can include" in text_of(page)
    assert client.get(url("referral-child", 20)).status_code == 302
    post(client, url("referral-children"), {}, url("referral-family"))


def test_the_check_page_sends_an_incomplete_referral_back_to_the_first_unanswered_page(
    client: Client,
) -> None:
    post(client, url("referral-who"), {"kind": "professional"})
    assert client.get(url("referral-check"))["Location"] == url("referral-referrer")
    post(client, url("referral-referrer"), PROFESSIONAL)
    assert client.get(url("referral-check"))["Location"] == url("referral-risk")


def test_pages_without_a_draft_go_to_the_start(client: Client) -> None:
    for name in ("referral-referrer", "referral-risk", "referral-concern", "referral-check"):
        assert client.get(url(name))["Location"] == url("referral-start"), name
    assert client.post(url("referral-concern"), CONCERN)["Location"] == url("referral-start")
    assert client.get(url("referral-confirmation"))["Location"] == url("referral-start")
    assert ReferralDraft.objects.count() == 0


def test_a_problem_found_only_when_sending_is_shown_on_check_your_answers(client: Client) -> None:
    professional_until_check(client, born="no", **due_in(weeks=2))
    draft = draft_of(client)
    # The draft was saved weeks ago: the expected date of birth is now in the past.
    child = draft.data["children"][0]
    child["expected_date_of_birth"] = (timezone.localdate() - timedelta(days=3)).isoformat()
    draft.save()

    page = client.get(url("referral-check"))
    refused = send(client)

    for response in (page, refused):
        assert response.status_code == 200
        assert "Expected date of birth must be between today and 44 weeks" in errors_of(response)
        assert f'href="{url("referral-child", 0, check=True)}"' in response.content.decode()
    assert not Submission.objects.exists()


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


# --------------------------------------------------------------------------- sent once


def test_sending_again_shows_the_same_reference(client: Client) -> None:
    professional_until_check(client)
    draft = draft_of(client)

    first = send(client)
    # Back button, double click: the same "Accept and send" is posted again.
    again = client.post(url("referral-check"), {"draft": str(draft.public_id)})

    assert first["Location"] == again["Location"] == url("referral-confirmation")
    assert Submission.objects.count() == 1 and Contact.objects.count() == 1
    reference = Submission.objects.get().reference
    assert reference in text_of(client.get(url("referral-confirmation")))
    # A question page re-posted after sending does not change anything.
    response = post(client, url("referral-concern"), CONCERN)
    assert response.status_code == 302
    assert Submission.objects.get().payload["concern"] == CONCERN["concern"]


def test_a_second_tab_that_sends_the_same_draft_lands_on_the_same_confirmation(
    client: Client,
) -> None:
    professional_until_check(client)
    draft = draft_of(client)
    send(client)
    client.get(url("referral-start"))  # the first tab has moved on

    again = client.post(url("referral-check"), {"draft": str(draft.public_id)})

    assert again["Location"] == url("referral-confirmation")
    assert Submission.objects.count() == 1
    assert Submission.objects.get().reference in text_of(client.get(url("referral-confirmation")))


def resume_link(email: str) -> str:
    message = Message.objects.filter(kind="draft_resume_link", to=email).latest("id")
    match = re.search(r"https?://[^\s]+/refer/resume/[^\s/]+/", message.body)
    assert match, message.body
    return "/" + match.group(0).split("/", 3)[3]


def test_two_devices_sending_one_draft_make_one_submission(client: Client) -> None:
    professional_until_check(client)
    post(client, url("referral-check"), {"action": "save"})
    client.post(url("referral-save"), {"email": "dana.teacher@school.example"})
    other = Client()
    other.get(resume_link("dana.teacher@school.example"))

    first = send(client)
    second = send(other)

    assert first.status_code == second.status_code == 302
    assert Submission.objects.count() == 1 and Contact.objects.count() == 1
    reference = Submission.objects.get().reference
    assert reference in text_of(client.get(url("referral-confirmation")))
    assert reference in text_of(other.get(url("referral-confirmation")))


def test_another_device_still_answering_is_taken_to_the_confirmation(client: Client) -> None:
    professional_until_check(client)
    client.post(url("referral-save"), {"email": "dana@example.org"})
    other = Client()
    other.get(resume_link("dana@example.org"))
    send(client)

    late = post(other, url("referral-concern"), {"concern": "Something new"})

    assert late["Location"] == url("referral-confirmation")
    assert Submission.objects.get().payload["concern"] == CONCERN["concern"]
    assert Submission.objects.get().reference in text_of(other.get(url("referral-confirmation")))


def test_save_and_come_back_later_by_the_emailed_link(client: Client) -> None:
    post(client, url("referral-who"), {"kind": "professional"})
    post(client, url("referral-referrer"), PROFESSIONAL)
    # "Save and come back later" on a page with new answers keeps them.
    response = client.post(url("referral-risk"), {"immediate_risk": "no", "action": "save"})
    assert response["Location"] == url("referral-save")
    form = client.get(url("referral-save"))
    assert 'value="dana.teacher@school.example"' in form.content.decode()  # work email offered
    refused = client.post(url("referral-save"), {"email": "nope"})
    assert "Enter an email address in the correct format" in errors_of(refused)

    saved = client.post(url("referral-save"), {"email": "dana@example.org"})

    assert saved["Location"] == url("referral-saved")
    assert "dana@example.org" in text_of(client.get(url("referral-saved")))
    link = resume_link("dana@example.org")
    later = Client()
    resumed = later.get(link)
    assert resumed["Location"] == url("referral-child", 0)  # the first unanswered page
    assert later.get(url("referral-risk")).status_code == 200
    assert 'value="no" checked' in later.get(url("referral-risk")).content.decode()


def test_a_resumed_complete_referral_opens_at_check_your_answers(client: Client) -> None:
    professional_until_check(client)
    client.post(url("referral-save"), {"email": "dana@example.org"})
    later = Client()
    assert later.get(resume_link("dana@example.org"))["Location"] == url("referral-check")


def test_save_for_later_without_new_answers_is_not_blocked_by_an_empty_page(
    client: Client,
) -> None:
    post(client, url("referral-who"), {"kind": "professional"})
    post(client, url("referral-referrer"), PROFESSIONAL)

    response = client.post(url("referral-risk"), {"action": "save"})

    assert response["Location"] == url("referral-save")


def test_an_expired_or_unknown_resume_link_says_so_plainly(client: Client) -> None:
    professional_until_check(client)
    client.post(url("referral-save"), {"email": "dana@example.org"})
    link = resume_link("dana@example.org")
    ReferralDraft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    for path in (
        link,
        url("referral-resume", "not-a-real-token"),
        url("referral-resume", "x" * 300),
    ):
        response = Client().get(path)
        assert response.status_code == 404
        assert "This link has expired or does not work" in text_of(response)


def test_a_resume_link_stops_working_once_the_referral_is_sent(client: Client) -> None:
    professional_until_check(client)
    client.post(url("referral-save"), {"email": "dana@example.org"})
    link = resume_link("dana@example.org")
    send(client)

    assert Client().get(link).status_code == 404


# --------------------------------------------------------------------------- evidence


def docx(*, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return buffer.getvalue()


def upload(client: Client, name: str, content: bytes, action: str = "upload") -> Any:
    file = io.BytesIO(content)
    file.name = name
    return client.post(url("referral-evidence"), {"action": action, "documents": file})


def test_evidence_is_uploaded_listed_removed_and_sent(client: Client) -> None:
    professional_until_check(client)

    assert upload(client, "body map.pdf", PDF)["Location"] == url("referral-evidence")
    assert upload(client, "photo.png", PNG)["Location"] == url("referral-evidence")
    assert upload(client, "letter.docx", docx())["Location"] == url("referral-evidence")
    page = client.get(url("referral-evidence"))
    assert "body map.pdf" in text_of(page) and "photo.png" in text_of(page)
    assert 'enctype="multipart/form-data"' in page.content.decode()
    photo = Document.objects.get(filename="photo.png")
    removed = client.post(url("referral-evidence"), {"action": "remove", "document": photo.pk})
    assert removed["Location"] == url("referral-evidence")
    assert "photo.png" not in text_of(client.get(url("referral-evidence")))
    check = text_of(client.get(url("referral-check")))
    assert "body map.pdf" in check and "letter.docx" in check

    send(client)

    submission = Submission.objects.get()
    assert sorted(d.filename for d in submission.documents.all()) == ["body map.pdf", "letter.docx"]
    assert not Document.objects.filter(draft__isnull=False, submission__isnull=True).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", EXE, "The selected file must be a PDF, JPG, PNG or Word (DOCX) file"),
        ("macro.docx", docx(macro=True), "must be a PDF, JPG, PNG or Word (DOCX) file"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "smaller than 5 MB"),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_message(
    client: Client, name: str, content: bytes, message: str
) -> None:
    professional_until_check(client)

    response = upload(client, name, content)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert 'href="#documents"' in response.content.decode()
    assert not Document.objects.exists()


def test_upload_without_a_file_and_too_many_files(client: Client) -> None:
    professional_until_check(client)
    assert "Select a file to upload" in errors_of(
        client.post(url("referral-evidence"), {"action": "upload"})
    )
    for index in range(5):
        upload(client, f"file{index}.pdf", PDF)
    refused = upload(client, "six.pdf", PDF, action="continue")
    assert "You can upload up to 5 files" in errors_of(refused)
    assert Document.objects.count() == 5


def test_continue_with_a_file_chosen_uploads_it(client: Client) -> None:
    professional_until_check(client)
    assert upload(client, "note.pdf", PDF, action="continue")["Location"] == url("referral-check")
    assert Document.objects.get().filename == "note.pdf"


# --------------------------------------------------------------------------- outcome


def sent_with_outcome_link(client: Client) -> tuple[Submission, str]:
    professional_until_check(client)
    send(client)
    submission = Submission.objects.get()
    message = Message.objects.get(kind="referral_acknowledgement")
    match = re.search(r"https?://\S+/referral-outcome/(\S+)/", message.body)
    assert match, message.body
    return submission, url("referral-outcome", match.group(1))


def test_the_outcome_page_shows_each_childs_decision_in_plain_words(
    client: Client, mash_worker: Any
) -> None:
    submission, link = sent_with_outcome_link(client)
    referrer = Client()

    before = text_of(referrer.get(link))
    assert submission.reference in before
    assert "Riley E." in before and "Example" not in before
    assert "Being looked into now" in before

    contact_screen(
        contact_child=ContactChild.objects.get(),
        outcome=ScreeningOutcome.EARLY_HELP,
        rationale="Family would benefit from early help.",
        by=mash_worker,
    )
    response = referrer.get(link)

    assert response.status_code == 200
    assert "Early help offered" in text_of(response)
    assert response["Cache-Control"] == "no-store"
    logged = AccessLogEntry.objects.filter(record_type="submission", record_id=submission.pk)
    assert logged.count() == 2 and {e.user_id for e in logged} == {None}
    assert {e.path for e in logged} == {link}


def test_the_outcome_page_shows_the_signed_off_mash_decision(
    client: Client, mash_worker: Any, mash_manager: Any
) -> None:
    from frontdoor.mash.services import decision_record, decision_sign_off

    _submission, link = sent_with_outcome_link(client)
    contact_screen(
        contact_child=ContactChild.objects.get(),
        outcome=ScreeningOutcome.MASH_ENQUIRY,
        rating="AMBER",
        rationale="Partners to check.",
        by=mash_worker,
    )
    assert "Passed to the multi-agency safeguarding hub" in text_of(client.get(link))
    enquiry = ContactChild.objects.get().referral.enquiry
    decision = decision_record(
        enquiry=enquiry,
        outcome="s17",
        rationale="Needs an assessment.",
        referrer_feedback="An assessment will start this week.",
        by=mash_worker,
    )
    assert "Child and family assessment" not in text_of(client.get(link))  # not signed off
    decision_sign_off(decision=decision, oversight="Agreed.", by=mash_manager)

    page = text_of(client.get(link))
    assert "Child and family assessment (section 17)" in page
    assert "An assessment will start this week." in page


def test_an_expired_or_unknown_outcome_link_is_a_plain_404(client: Client) -> None:
    _submission, link = sent_with_outcome_link(client)
    Submission.objects.update(feedback_expires_at=timezone.now() - timedelta(seconds=1))

    for path in (link, url("referral-outcome", "nope"), url("referral-outcome", "y" * 500)):
        response = client.get(path)
        assert response.status_code == 404
        assert "This link has expired or is not right" in text_of(response)
    assert not AccessLogEntry.objects.filter(record_type="submission").exists()
