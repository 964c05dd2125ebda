"""The online referral form: one submission however often it is sent, and save and return by
the emailed link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from frontdoor.intake.models import Contact, ReferralDraft, Submission
from frontdoor.intake.tests.form_pages import (
    CONCERN,
    PROFESSIONAL,
    draft_of,
    errors_of,
    post,
    professional_until_check,
    send,
    text_of,
    url,
)
from frontdoor.outbox.models import Message

pytestmark = pytest.mark.django_db


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
