"""The outbox: retries with backoff, giving up, and retrying by hand (services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from frontdoor.audit.models import Event
from frontdoor.outbox.channels import PermanentChannelError
from frontdoor.outbox.models import Message, MessageStatus
from frontdoor.outbox.services import message_deliver, message_retry, outbox_sweep, retry_delay
from frontdoor.outbox.tests.sending import T0, FakeChannel, enqueue, fresh
from frontdoor.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- retries


def test_a_channel_that_fails_twice_sends_on_the_third_attempt_with_backoff():
    message = enqueue()
    channel = FakeChannel(failures=2)

    assert message_deliver(message_id=message.pk, now=T0, channel=channel) == "pending"
    first = fresh(message)
    assert first.attempts == 1
    assert first.last_error == "ConnectionError: the mail server hung up"
    assert T0 + timedelta(seconds=27) <= first.next_attempt_at <= T0 + timedelta(seconds=30)

    # Not due yet: nothing happens.
    early = first.next_attempt_at - timedelta(seconds=1)
    assert message_deliver(message_id=message.pk, now=early, channel=channel) == "pending"
    assert fresh(message).attempts == 1

    at = first.next_attempt_at
    assert message_deliver(message_id=message.pk, now=at, channel=channel) == "pending"
    second = fresh(message)
    assert second.attempts == 2
    assert at + timedelta(seconds=54) <= second.next_attempt_at <= at + timedelta(seconds=60)

    at = second.next_attempt_at
    assert message_deliver(message_id=message.pk, now=at, channel=channel) == "sent"
    third = fresh(message)
    assert third.status == MessageStatus.SENT
    assert third.attempts == 3
    assert third.sent_at == at
    assert third.provider_id == "provider-1"
    assert channel.sent == [message.reference]
    # Attempts 2 and 3 first asked whether an earlier attempt had got through.
    assert channel.asked == [message.reference, message.reference]


def test_a_channel_that_always_fails_gives_up_after_the_maximum(settings):
    settings.FRONTDOOR_OUTBOX_MAX_ATTEMPTS = 4
    message = enqueue()
    channel = FakeChannel(failures=100)
    at = T0
    statuses = []
    for _ in range(4):
        statuses.append(message_deliver(message_id=message.pk, now=at, channel=channel))
        at = fresh(message).next_attempt_at

    assert statuses == ["pending", "pending", "pending", "failed"]
    failed = fresh(message)
    assert failed.status == MessageStatus.FAILED
    assert failed.attempts == 4
    assert failed.last_error.startswith("ConnectionError")
    assert channel.failures == 96
    # A failed message is left alone by later deliveries and by the sweep.
    later = at + timedelta(days=1)
    assert message_deliver(message_id=message.pk, now=later, channel=channel) == "failed"
    assert outbox_sweep(now=later) == 0
    assert channel.failures == 96


def test_a_permanent_refusal_fails_at_once():
    message = enqueue()
    channel = FakeChannel(failures=1, error=PermanentChannelError("400 - not a valid address"))

    assert message_deliver(message_id=message.pk, now=T0, channel=channel) == "failed"
    assert fresh(message).attempts == 1
    assert fresh(message).last_error == "PermanentChannelError: 400 - not a valid address"


def test_a_misconfigured_channel_is_a_recorded_failure_not_an_exception(settings):
    settings.FRONTDOOR_OUTBOX_CHANNEL = "notify"
    settings.FRONTDOOR_NOTIFY_TEMPLATE_ID = ""
    message = enqueue()

    assert message_deliver(message_id=message.pk, now=T0) == "pending"
    assert "FRONTDOOR_NOTIFY_TEMPLATE_ID" in fresh(message).last_error


def test_the_recorded_error_leaves_out_secrets(settings):
    settings.FRONTDOOR_NOTIFY_API_KEY = "key-name-0000-secret-value-1234"
    message = enqueue()
    error = RuntimeError("refused with key-name-0000-secret-value-1234")

    message_deliver(message_id=message.pk, now=T0, channel=FakeChannel(failures=1, error=error))

    assert fresh(message).last_error == "RuntimeError: refused with [secret]"


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (10, 3600), (60, 3600)],
)
def test_retry_delay_doubles_to_an_hour(attempts, seconds):
    assert retry_delay(attempts, jitter=0) == timedelta(seconds=seconds)
    assert retry_delay(attempts, jitter=0.1) == timedelta(seconds=seconds * 0.9)
    assert timedelta(seconds=seconds * 0.9) <= retry_delay(attempts) <= timedelta(seconds=seconds)


# ---------------------------------------------------------------- retry by hand


def test_a_failed_message_can_be_retried_by_hand(settings, django_capture_on_commit_callbacks):
    settings.FRONTDOOR_OUTBOX_MAX_ATTEMPTS = 1
    admin = UserFactory(is_staff=True)
    message = enqueue()
    message_deliver(message_id=message.pk, now=T0, channel=FakeChannel(failures=1))
    assert fresh(message).status == MessageStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        retried = message_retry(message=message, by=admin, at=T0 + timedelta(hours=2))

    assert retried.attempts == 0
    assert len(mail.outbox) == 1  # delivered straight after commit
    sent = fresh(message)
    assert sent.status == MessageStatus.SENT
    assert sent.attempts == 1
    event = Event.objects.get(action="outbox.retried")
    assert event.actor == admin
    assert event.record_id == message.pk
    assert event.before == {"status": "failed", "attempts": 1}


def test_a_sent_message_cannot_be_retried():
    message = enqueue()
    message_deliver(message_id=message.pk, now=T0, channel=FakeChannel())

    with pytest.raises(ValidationError, match="already been sent"):
        message_retry(message=message, by=UserFactory(), at=T0)


def test_a_message_being_sent_cannot_be_retried():
    message = enqueue()
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_at=T0)

    with pytest.raises(ValidationError, match="being sent now"):
        message_retry(message=message, by=UserFactory(), at=T0 + timedelta(minutes=1))
