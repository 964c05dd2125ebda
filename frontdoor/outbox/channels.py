"""The ways an outbox message leaves Front Door: Django email (SMTP), GOV.UK Notify, console.

A channel has two operations. ``send`` delivers one message and returns the provider's id for
it. ``find`` asks the provider whether a message with this ``reference`` was already accepted
(an earlier attempt may have sent it and then crashed or timed out before recording that);
it returns the provider's id, or ``None`` when there is none or the channel cannot tell.
"""

from __future__ import annotations

import logging
import smtplib
import sys
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME

if TYPE_CHECKING:
    from frontdoor.outbox.models import Message

logger = logging.getLogger("frontdoor.outbox")

REFERENCE_HEADER = "X-Front-Door-Reference"
DEFAULT_EMAIL_TIMEOUT = 60  # seconds; must stay well below the outbox lease


class PermanentChannelError(Exception):
    """The provider refused this message for good (a bad address, say): do not retry it."""


class Channel(Protocol):
    def send(self, message: Message) -> str:
        """Deliver ``message``; return the provider's id for it. Raise on failure."""
        ...

    def find(self, reference: str) -> str | None:
        """The provider's id of an already accepted message with ``reference``, if known."""
        ...


class ConsoleChannel:
    """Writes each message to a stream (stdout) and the log. For development only."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: Message) -> str:
        self.stream.write(
            f"--- outbox {message.kind} {message.reference}\n"
            f"To: {message.to}\nSubject: {message.subject}\n\n{message.body}\n---\n"
        )
        self.stream.flush()
        logger.info("outbox: wrote %s %s to the console", message.kind, message.reference)
        return f"console:{message.reference}"

    def find(self, reference: str) -> str | None:
        return None


class DjangoEmailChannel:
    """Sends through ``django.core.mail`` with the configured ``EMAIL_BACKEND``.

    SMTP in production, locmem in tests, console in development. The ``Message-ID`` is built
    from the reference, so it is the same on every attempt (and some mail systems drop the
    repeat); it is returned as the provider id. SMTP cannot be asked afterwards whether a
    message was accepted, so ``find`` always returns ``None``: see docs/outbox.md for the
    one window in which this channel can send a message twice.
    """

    def __init__(self, *, from_email: str | None = None, timeout: float | None = None) -> None:
        self.from_email = from_email or settings.DEFAULT_FROM_EMAIL
        self.timeout = timeout or getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_EMAIL_TIMEOUT

    def message_id(self, reference: str) -> str:
        domain = parseaddr(self.from_email)[1].rpartition("@")[2] or str(DNS_NAME)
        return f"<{reference}@{domain}>"

    def send(self, message: Message) -> str:
        message_id = self.message_id(message.reference)
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=self.from_email,
            to=[message.to],
            headers={REFERENCE_HEADER: message.reference, "Message-ID": message_id},
            connection=get_connection(fail_silently=False, timeout=self.timeout),
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentChannelError(
                    f"The mail server refused the address ({codes[0]})"
                ) from exc
            raise
        return message_id

    def find(self, reference: str) -> str | None:
        return None


class NotifyClient(Protocol):
    """The part of ``NotificationsAPIClient`` the Notify channel uses."""

    def send_email_notification(
        self,
        email_address: str,
        template_id: str,
        personalisation: dict[str, Any] | None = ...,
        reference: str | None = ...,
    ) -> Any: ...

    def get_all_notifications(
        self,
        status: str | None = ...,
        template_type: str | None = ...,
        reference: str | None = ...,
    ) -> Any: ...


class NotifyChannel:
    """Sends through GOV.UK Notify, with one generic email template.

    The template's subject is ``((subject))`` and its body ``((body))``. The message's
    reference is Notify's ``reference``, so ``find`` can ask Notify whether it already has it.
    """

    def __init__(
        self,
        *,
        client: NotifyClient | None = None,
        api_key: str | None = None,
        template_id: str | None = None,
    ) -> None:
        self.template_id = str(
            template_id or getattr(settings, "FRONTDOOR_NOTIFY_TEMPLATE_ID", "") or ""
        )
        if not self.template_id:
            raise ImproperlyConfigured("Set FRONTDOOR_NOTIFY_TEMPLATE_ID to use GOV.UK Notify")
        if client is None:
            from notifications_python_client.notifications import NotificationsAPIClient

            key = api_key or getattr(settings, "FRONTDOOR_NOTIFY_API_KEY", "")
            if not key:
                raise ImproperlyConfigured("Set FRONTDOOR_NOTIFY_API_KEY to use GOV.UK Notify")
            client = NotificationsAPIClient(key)
        self.client = client

    def send(self, message: Message) -> str:
        from notifications_python_client.errors import HTTPError

        try:
            response = self.client.send_email_notification(
                email_address=message.to,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.body},
                reference=message.reference,
            )
        except HTTPError as exc:
            if exc.status_code == 400:  # a bad address or a team-only key: retrying cannot help
                raise PermanentChannelError(str(exc)) from exc
            raise
        return str(response["id"])

    def find(self, reference: str) -> str | None:
        response = self.client.get_all_notifications(template_type="email", reference=reference)
        for notification in response.get("notifications", []):
            if notification.get("reference") == reference:
                return str(notification["id"])
        return None


CHANNELS = ("email", "console", "notify")


def channel_from_settings() -> Channel:
    """The channel named by FRONTDOOR_OUTBOX_CHANNEL: "email" (default), "console" or "notify"."""
    name = getattr(settings, "FRONTDOOR_OUTBOX_CHANNEL", "email")
    if name == "email":
        return DjangoEmailChannel()
    if name == "console":
        return ConsoleChannel()
    if name == "notify":
        return NotifyChannel()
    raise ImproperlyConfigured(
        f"FRONTDOOR_OUTBOX_CHANNEL must be one of {', '.join(CHANNELS)}, not {name!r}"
    )
