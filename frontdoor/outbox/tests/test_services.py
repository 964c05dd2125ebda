"""The outbox: enqueue in the business transaction, and the selectors and checks (services).

Retries are tested in test_retries, delivering once and the sweep in test_claims_and_sweep.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.outbox.channels import REFERENCE_HEADER
from frontdoor.outbox.checks import outbox_settings
from frontdoor.outbox.models import Message, MessageStatus
from frontdoor.outbox.selectors import messages_about, outbox_problems
from frontdoor.outbox.services import message_deliver
from frontdoor.outbox.tests.sending import T0, enqueue, fresh

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- enqueue and commit


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue()
        raise RuntimeError("the business change failed")

    assert callbacks == []
    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_a_committed_change_sends_exactly_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["referrer@example.org"]
    assert email.subject == "We have your referral"
    assert email.extra_headers[REFERENCE_HEADER] == message.reference
    assert email.extra_headers["Message-ID"] == f"<{message.reference}@example.org>"
    sent = fresh(message)
    assert sent.status == MessageStatus.SENT
    assert sent.attempts == 1
    assert sent.provider_id == f"<{message.reference}@example.org>"
    assert sent.sent_at is not None

    # Delivering it again (a duplicate task) sends nothing more.
    assert message_deliver(message_id=message.pk) == MessageStatus.SENT
    assert len(mail.outbox) == 1


def test_the_message_is_written_but_not_sent_before_commit():
    message = enqueue()  # the test's transaction never commits

    stored = fresh(message)
    assert stored.status == MessageStatus.PENDING
    assert stored.attempts == 0
    assert stored.next_attempt_at == T0
    assert stored.created_at == T0
    assert stored.reference.startswith("fd-")
    assert len(stored.reference) <= 64
    assert mail.outbox == []


def test_each_message_gets_its_own_reference():
    references = {enqueue().reference for _ in range(5)}
    assert len(references) == 5


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("to", "not-an-address", id="no-at"),
        pytest.param("to", "someone@", id="no-domain"),
        pytest.param("to", "", id="empty"),
        pytest.param("to", "a@example.org, b@example.org", id="two-addresses"),
        pytest.param("subject", "Hello\nBcc: victim@example.org", id="header-injection"),
        pytest.param("subject", "x" * 201, id="subject-too-long"),
        pytest.param("body", "  ", id="empty-body"),
        pytest.param("kind", "", id="no-kind"),
        pytest.param("about", "x" * 81, id="about-too-long"),
    ],
)
def test_an_invalid_message_is_refused(field, value):
    with pytest.raises(ValidationError) as refused:
        enqueue(**{field: value})

    assert field in refused.value.message_dict
    assert Message.objects.count() == 0


def test_the_address_is_trimmed():
    assert enqueue(to="  referrer@example.org ").to == "referrer@example.org"


def test_a_message_for_later_is_not_sent_early(django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(at=later)

    assert mail.outbox == []
    assert message_deliver(message_id=message.pk) == MessageStatus.PENDING
    assert message_deliver(message_id=message.pk, now=later) == MessageStatus.SENT
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------- selectors and checks


def test_messages_about_a_record():
    first, second = enqueue(about="submission:12"), enqueue(about="submission:12")
    enqueue(about="submission:13")

    assert list(messages_about("submission:12")) == [first, second]


def test_outbox_problems_are_failures_and_messages_stuck_for_an_hour():
    failed = enqueue()
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)
    stuck = enqueue(at=T0 - timedelta(hours=2))
    enqueue()  # pending for a few minutes only
    sent = enqueue(at=T0 - timedelta(hours=2))
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT, sent_at=T0)

    assert set(outbox_problems(T0 + timedelta(minutes=5))) == {failed, stuck}


def test_the_settings_are_checked(settings):
    assert outbox_settings() == []
    settings.FRONTDOOR_OUTBOX_CHANNEL = "pigeon"
    assert [error.id for error in outbox_settings()] == ["outbox.E001"]
    settings.FRONTDOOR_OUTBOX_CHANNEL = "notify"
    settings.FRONTDOOR_OUTBOX_MAX_ATTEMPTS = 0
    assert [error.id for error in outbox_settings()] == [
        "outbox.E002",
        "outbox.E002",
        "outbox.E003",
    ]
