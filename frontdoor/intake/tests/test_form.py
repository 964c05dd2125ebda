"""The online referral form, page by page, with Django's test client: professional and public
journeys end to end and what "Check your answers" shows.

The other pages' tests: test_form_validation (the GOV.UK error messages on each page),
test_form_sending (one submission however often it is sent; save and return by the emailed
link), test_form_evidence (uploads) and test_form_outcome (a professional's outcome page).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from frontdoor.intake.models import Contact, ContactChild, ReferralDraft, Submission
from frontdoor.intake.tests.form_pages import (
    ADDRESS,
    CHILD,
    CONCERN,
    PROFESSIONAL,
    draft_of,
    due_in,
    errors_of,
    post,
    professional_until_check,
    public_until_check,
    send,
    text_of,
    url,
)
from frontdoor.outbox.models import Message

pytestmark = pytest.mark.django_db


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
