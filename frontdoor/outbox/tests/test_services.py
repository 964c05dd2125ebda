"""The outbox: enqueue in the business transaction, deliver once, retry, sweep (services)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any, cast

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResult, task_backends
from django_tasks.backends.dummy import DummyBackend

from frontdoor.audit.models import Event
from frontdoor.outbox.channels import REFERENCE_HEADER, PermanentChannelError
from frontdoor.outbox.checks import outbox_settings
from frontdoor.outbox.models import Message, MessageStatus
from frontdoor.outbox.selectors import messages_about, outbox_problems
from frontdoor.outbox.services import (
    message_deliver,
    message_enqueue,
    message_retry,
    outbox_sweep,
    retry_delay,
)
from frontdoor.testing.factories import UserFactory, local

pytestmark = pytest.mark.django_db

T0 = local(2026, 3, 2, 11)


class FakeChannel:
    """Fails ``failures`` times, then sends; ``found`` is what ``find`` answers."""

    def __init__(
        self, *, failures: int = 0, found: str | None = None, error: Exception | None = None
    ) -> None:
        self.failures = failures
        self.found = found
        self.error = error or ConnectionError("the mail server hung up")
        self.sent: list[str] = []
        self.asked: list[str] = []

    def send(self, message: Message) -> str:
        if self.failures:
            self.failures -= 1
            raise self.error
        self.sent.append(message.reference)
        return f"provider-{len(self.sent)}"

    def find(self, reference: str) -> str | None:
        self.asked.append(reference)
        return self.found


def enqueue(**overrides: object) -> Message:
    fields: dict[str, object] = {
        "kind": "referral_acknowledgement",
        "to": "referrer@example.org",
        "subject": "We have your referral",
        "body": "Thank you. We have your referral and will decide what to do within a day.",
        "about": "submission:12",
        "at": T0,
    }
    fields.update(overrides)
    return message_enqueue(**fields)  # type: ignore[arg-type]


def fresh(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def queued() -> list[TaskResult[Any]]:
    """What the dummy task backend (set up by the test) was asked to run."""
    return cast(DummyBackend, task_backends["default"]).results


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
