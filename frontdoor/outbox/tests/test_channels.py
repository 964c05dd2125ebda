"""The channels: Django email, GOV.UK Notify (with a fake client: no network) and console."""

from __future__ import annotations

import json
import smtplib
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import HTTPError
from requests import Response

from frontdoor.outbox.channels import (
    REFERENCE_HEADER,
    ConsoleChannel,
    DjangoEmailChannel,
    NotifyChannel,
    PermanentChannelError,
    channel_from_settings,
)
from frontdoor.outbox.models import Message, MessageStatus
from frontdoor.outbox.services import message_deliver, message_enqueue
from frontdoor.testing.factories import local

pytestmark = pytest.mark.django_db

T0 = local(2026, 3, 2, 11)
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def a_message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "kind": "saved_referral_link",
        "to": "referrer@example.org",
        "subject": "Continue your referral",
        "body": "Use this link to continue: https://frontdoor.example.org/continue/abc",
        "about": "submission:7",
        "at": T0,
    }
    fields.update(overrides)
    return message_enqueue(**fields)


def http_error(status: int, errors: list[dict[str, str]]) -> HTTPError:
    response = Response()
    response.status_code = status
    response._content = json.dumps({"status_code": status, "errors": errors}).encode()
    return HTTPError(response)


class FakeNotifyClient:
    """Records calls; keeps the notifications it has "sent" so ``find`` can see them."""

    def __init__(self, *, fail_with: Exception | None = None) -> None:
        self.fail_with = fail_with
        self.sent: list[dict[str, Any]] = []
        self.searches: list[dict[str, Any]] = []

    def send_email_notification(self, **kwargs: Any) -> dict[str, Any]:
        if self.fail_with:
            raise self.fail_with
        self.sent.append(kwargs)
        return {"id": f"notify-{len(self.sent)}", "reference": kwargs.get("reference")}

    def get_all_notifications(self, **kwargs: Any) -> dict[str, Any]:
        self.searches.append(kwargs)
        found = [
            {"id": f"notify-{n}", "reference": sent["reference"], "status": "delivered"}
            for n, sent in enumerate(self.sent, start=1)
            if sent["reference"] == kwargs.get("reference")
        ]
        return {"notifications": found, "links": {}}


# ---------------------------------------------------------------- GOV.UK Notify


def test_notify_sends_with_the_reference_and_personalisation():
    message = a_message()
    client = FakeNotifyClient()
    channel = NotifyChannel(client=client, template_id=TEMPLATE_ID)

    assert channel.send(message) == "notify-1"
    assert client.sent == [
        {
            "email_address": "referrer@example.org",
            "template_id": TEMPLATE_ID,
            "personalisation": {
                "subject": "Continue your referral",
                "body": "Use this link to continue: https://frontdoor.example.org/continue/abc",
            },
            "reference": message.reference,
        }
    ]


def test_notify_finds_a_notification_by_reference():
    message, other = a_message(), a_message()
    client = FakeNotifyClient()
    channel = NotifyChannel(client=client, template_id=TEMPLATE_ID)

    assert channel.find(message.reference) is None
    channel.send(message)

    assert channel.find(message.reference) == "notify-1"
    assert channel.find(other.reference) is None
    assert client.searches[0] == {"template_type": "email", "reference": message.reference}


def test_notify_refusing_the_message_is_permanent():
    error = http_error(400, [{"error": "ValidationError", "message": "email_address Not valid"}])
    channel = NotifyChannel(client=FakeNotifyClient(fail_with=error), template_id=TEMPLATE_ID)

    with pytest.raises(PermanentChannelError, match="400"):
        channel.send(a_message())


def test_notify_being_down_is_retried():
    error = http_error(500, [{"error": "Exception", "message": "Internal server error"}])
    client = FakeNotifyClient(fail_with=error)
    message = a_message()
    channel = NotifyChannel(client=client, template_id=TEMPLATE_ID)

    assert message_deliver(message_id=message.pk, now=T0, channel=channel) == "pending"
    assert Message.objects.get(pk=message.pk).last_error.startswith("HTTPError: 500")


def test_notify_is_not_asked_to_send_again_after_a_timeout_that_got_through():
    """The first attempt reaches Notify but times out; the retry finds it by reference."""
    message = a_message()
    client = FakeNotifyClient()

    class TimesOutAfterSending(FakeNotifyClient):
        def send_email_notification(self, **kwargs: Any) -> dict[str, Any]:
            client.send_email_notification(**kwargs)
            raise TimeoutError("read timed out")

        def get_all_notifications(self, **kwargs: Any) -> dict[str, Any]:
            return client.get_all_notifications(**kwargs)

    flaky = NotifyChannel(client=TimesOutAfterSending(), template_id=TEMPLATE_ID)
    assert message_deliver(message_id=message.pk, now=T0, channel=flaky) == "pending"

    retry_at = Message.objects.get(pk=message.pk).next_attempt_at
    steady = NotifyChannel(client=client, template_id=TEMPLATE_ID)
    assert message_deliver(message_id=message.pk, now=retry_at, channel=steady) == "sent"

    assert len(client.sent) == 1
    sent = Message.objects.get(pk=message.pk)
    assert sent.provider_id == "notify-1"
    assert sent.attempts == 2


def test_notify_needs_its_settings(settings):
    settings.FRONTDOOR_NOTIFY_API_KEY = ""
    settings.FRONTDOOR_NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    with pytest.raises(ImproperlyConfigured, match="FRONTDOOR_NOTIFY_API_KEY"):
        NotifyChannel()
    settings.FRONTDOOR_NOTIFY_TEMPLATE_ID = ""
    with pytest.raises(ImproperlyConfigured, match="FRONTDOOR_NOTIFY_TEMPLATE_ID"):
        NotifyChannel(client=FakeNotifyClient())


def test_notify_builds_the_real_client_from_settings(settings):
    settings.FRONTDOOR_OUTBOX_CHANNEL = "notify"
    settings.FRONTDOOR_NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.FRONTDOOR_NOTIFY_API_KEY = (
        "frontdoor_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
    )

    channel = channel_from_settings()

    assert isinstance(channel, NotifyChannel)
    assert type(channel.client).__name__ == "NotificationsAPIClient"
    assert channel.client.service_id == "26785a09-ab16-4eb0-8407-a37497a57506"


# ---------------------------------------------------------------- Django email


def test_django_email_adds_the_reference_header_and_a_stable_message_id():
    message = a_message()
    channel = DjangoEmailChannel()

    first = channel.send(message)
    second = channel.send(message)

    assert first == second == f"<{message.reference}@example.org>"
    assert [email.extra_headers[REFERENCE_HEADER] for email in mail.outbox] == [
        message.reference,
        message.reference,
    ]
    assert mail.outbox[0].from_email == "frontdoor@example.org"
    assert mail.outbox[0].body == message.body
    assert channel.find(message.reference) is None  # SMTP cannot be asked


class RefusingBackend(BaseEmailBackend):
    code = 550

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused(
            {"referrer@example.org": (self.code, b"5.1.1 mailbox unavailable")}
        )


class GreylistingBackend(RefusingBackend):
    code = 450


def test_django_email_mailbox_refused_is_permanent(settings):
    settings.EMAIL_BACKEND = "frontdoor.outbox.tests.test_channels.RefusingBackend"

    with pytest.raises(PermanentChannelError, match="550"):
        DjangoEmailChannel().send(a_message())


def test_django_email_greylisting_is_retried(settings):
    settings.EMAIL_BACKEND = "frontdoor.outbox.tests.test_channels.GreylistingBackend"
    message = a_message()

    assert message_deliver(message_id=message.pk, now=T0) == MessageStatus.PENDING
    stored = Message.objects.get(pk=message.pk)
    assert stored.last_error.startswith("SMTPRecipientsRefused")
    assert stored.next_attempt_at <= T0 + timedelta(seconds=30)


# ---------------------------------------------------------------- console and choice


def test_console_writes_the_message():
    stream = StringIO()
    message = a_message()

    assert ConsoleChannel(stream).send(message) == f"console:{message.reference}"
    assert "Subject: Continue your referral" in stream.getvalue()
    assert ConsoleChannel(stream).find(message.reference) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [("email", DjangoEmailChannel), ("console", ConsoleChannel)],
)
def test_the_channel_is_chosen_by_setting(settings, name, kind):
    settings.FRONTDOOR_OUTBOX_CHANNEL = name
    assert isinstance(channel_from_settings(), kind)


def test_email_is_the_default_channel(settings):
    del settings.FRONTDOOR_OUTBOX_CHANNEL
    assert isinstance(channel_from_settings(), DjangoEmailChannel)


def test_an_unknown_channel_is_refused(settings):
    settings.FRONTDOOR_OUTBOX_CHANNEL = "fax"
    with pytest.raises(ImproperlyConfigured, match="fax"):
        channel_from_settings()
