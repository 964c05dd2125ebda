"""The outbox: deliver once (claims: never twice), and the sweep (never lost) (services)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from frontdoor.outbox.models import Message, MessageStatus
from frontdoor.outbox.services import message_deliver, outbox_sweep
from frontdoor.outbox.tests.sending import T0, FakeChannel, enqueue, fresh, queued

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- claims: never twice


def test_a_fresh_claim_is_not_taken_by_a_second_worker():
    message = enqueue()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=T0, attempts=1
    )
    channel = FakeChannel()

    later = T0 + timedelta(minutes=4, seconds=59)
    assert message_deliver(message_id=message.pk, now=later, channel=channel) == "sending"
    assert channel.sent == []
    assert channel.asked == []
    assert fresh(message).attempts == 1


def test_a_worker_that_arrives_while_another_is_sending_does_nothing() -> None:
    message = enqueue()
    inner: list[str] = []

    class SlowChannel(FakeChannel):
        def send(self, message: Message) -> str:
            # A second worker gets the same task while this one is still talking to the server.
            inner.append(message_deliver(message_id=message.pk, now=T0, channel=self))
            return super().send(message)

    channel = SlowChannel()
    assert message_deliver(message_id=message.pk, now=T0, channel=channel) == "sent"
    assert inner == ["sending"]
    assert channel.sent == [message.reference]


def test_delivering_twice_in_a_row_sends_once():
    message = enqueue()
    channel = FakeChannel()

    assert message_deliver(message_id=message.pk, now=T0, channel=channel) == "sent"
    assert message_deliver(message_id=message.pk, now=T0, channel=channel) == "sent"
    assert channel.sent == [message.reference]


def test_a_stale_claim_that_the_channel_already_sent_is_marked_sent_without_sending():
    message = enqueue()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=T0, attempts=1
    )
    channel = FakeChannel(found="notify-abc")

    later = T0 + timedelta(minutes=6)
    assert message_deliver(message_id=message.pk, now=later, channel=channel) == "sent"
    sent = fresh(message)
    assert sent.provider_id == "notify-abc"
    assert sent.attempts == 2
    assert sent.sent_at == later
    assert channel.sent == []
    assert channel.asked == [message.reference]


def test_a_stale_claim_the_channel_did_not_send_is_sent():
    message = enqueue()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=T0, attempts=1
    )
    channel = FakeChannel(found=None)

    later = T0 + timedelta(minutes=6)
    assert message_deliver(message_id=message.pk, now=later, channel=channel) == "sent"
    assert channel.sent == [message.reference]


def test_a_last_attempt_that_stopped_is_only_checked_never_sent_again(settings):
    settings.FRONTDOOR_OUTBOX_MAX_ATTEMPTS = 3
    unsent, sent = enqueue(), enqueue()
    Message.objects.filter(pk__in=[unsent.pk, sent.pk]).update(
        status=MessageStatus.SENDING, claimed_at=T0, attempts=3
    )
    later = T0 + timedelta(minutes=6)

    nothing = FakeChannel(found=None)
    assert message_deliver(message_id=unsent.pk, now=later, channel=nothing) == "failed"
    assert nothing.sent == []
    assert "Gave up after 3 attempts" in fresh(unsent).last_error
    assert fresh(unsent).attempts == 3

    found = FakeChannel(found="notify-xyz")
    assert message_deliver(message_id=sent.pk, now=later, channel=found) == "sent"
    assert found.sent == []


def test_a_missing_message_is_reported_not_raised():
    assert message_deliver(message_id=987654, now=T0) == "missing"


# ---------------------------------------------------------------- sweep: never lost


def test_the_sweep_delivers_a_message_whose_task_was_lost(django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        message = enqueue()  # the test transaction never commits, so no task was enqueued
    assert mail.outbox == []

    with (
        time_machine.travel(T0 + timedelta(minutes=4), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outbox_sweep() == 0  # not stuck for a lease yet: its task may be queued
    with (
        time_machine.travel(T0 + timedelta(minutes=6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outbox_sweep() == 1

    assert len(mail.outbox) == 1
    assert fresh(message).status == MessageStatus.SENT


def test_the_sweep_takes_back_an_expired_claim(django_capture_on_commit_callbacks):
    message = enqueue()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=T0, attempts=1
    )

    assert outbox_sweep(now=T0 + timedelta(minutes=4)) == 0
    later = T0 + timedelta(minutes=6)
    assert outbox_sweep(now=later) == 1  # on_commit not run: only the row changes here

    taken = fresh(message)
    assert taken.status == MessageStatus.PENDING
    assert taken.next_attempt_at == later
    assert "lease expired" in taken.last_error
    # Swept once, it is not handed out again until another lease has passed.
    assert outbox_sweep(now=later + timedelta(minutes=1)) == 0

    channel = FakeChannel(found="provider-earlier")
    assert message_deliver(message_id=message.pk, now=later, channel=channel) == "sent"
    assert channel.sent == []
    assert fresh(message).attempts == 2


def test_the_sweep_leaves_messages_that_are_not_stuck():
    waiting = enqueue()
    Message.objects.filter(pk=waiting.pk).update(next_attempt_at=T0 + timedelta(minutes=10))
    sending = enqueue()
    Message.objects.filter(pk=sending.pk).update(status=MessageStatus.SENDING, claimed_at=T0)
    sent = enqueue()
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT, sent_at=T0)

    assert outbox_sweep(now=T0 + timedelta(minutes=3)) == 0


def test_a_failed_attempt_schedules_the_retry_on_the_worker(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    now = timezone.now()
    message = enqueue(at=now)

    with django_capture_on_commit_callbacks(execute=True):
        message_deliver(message_id=message.pk, now=now, channel=FakeChannel(failures=1))

    retry = fresh(message).next_attempt_at
    results = queued()
    assert [(r.task.name, r.task.run_after, r.kwargs) for r in results] == [
        ("deliver_message", retry, {"message_id": message.pk})
    ]


def test_the_sweep_command_says_what_it_did(django_capture_on_commit_callbacks):
    failed = enqueue()
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)
    out = StringIO()

    call_command("outbox_sweep", stdout=out)

    assert "handed 0 message(s) to the worker" in out.getvalue()
    assert "1 message(s) failed or are still unsent after an hour" in out.getvalue()
