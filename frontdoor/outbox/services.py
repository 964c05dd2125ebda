"""Writing to the outbox and delivering from it. See docs/outbox.md for the guarantees.

``message_enqueue`` is called inside the caller's transaction, so a message exists exactly when
the business change does. Delivery runs on the task worker after commit: ``message_deliver``
claims the row, sends it through the channel and records the outcome, retrying with backoff.
``outbox_sweep`` finds what a crash left behind.
"""

from __future__ import annotations

import logging
import random
import secrets
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor.audit.services import event_append
from frontdoor.outbox.channels import Channel, PermanentChannelError, channel_from_settings
from frontdoor.outbox.models import Message, MessageStatus

if TYPE_CHECKING:
    from frontdoor.accounts.models import Agency, User

logger = logging.getLogger("frontdoor.outbox")

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
JITTER = 0.1  # each delay is shortened by up to a tenth, so retries after an outage spread out
SWEEP_BATCH = 1000  # the most one sweep hands over; the next sweep takes the rest


# ---------------------------------------------------------------------------- settings


def lease() -> timedelta:
    """How long a claim protects a message from other workers (FRONTDOOR_OUTBOX_LEASE_SECONDS)."""
    return timedelta(seconds=getattr(settings, "FRONTDOOR_OUTBOX_LEASE_SECONDS", 300))


def max_attempts() -> int:
    """How many attempts before a message is marked failed (FRONTDOOR_OUTBOX_MAX_ATTEMPTS)."""
    return int(getattr(settings, "FRONTDOOR_OUTBOX_MAX_ATTEMPTS", 10))


def retry_delay(attempts: int, *, jitter: float | None = None) -> timedelta:
    """The wait after failed attempt number ``attempts``: 30 s × 2^(attempts−1), at most 1 hour,
    less up to 10% jitter (``jitter`` is the fraction taken off; random when not given)."""
    exponent = min(max(attempts, 1) - 1, 20)
    delay = min(FIRST_RETRY * 2**exponent, LONGEST_RETRY)
    fraction = random.uniform(0, JITTER) if jitter is None else jitter
    return delay * (1 - fraction)


# ---------------------------------------------------------------------------- helpers


def new_reference() -> str:
    """A random, unguessable id with no personal data in it (Notify shows it to its users)."""
    return f"fd-{secrets.token_hex(16)}"


def _enqueue_delivery(message_id: int, run_after: datetime | None = None) -> None:
    """Hand a message to the task worker, now or at ``run_after``.

    A backend that cannot defer (the immediate one, in tests) is not asked to run a message
    before it is due: the sweep picks it up then.
    """
    from frontdoor.outbox.tasks import deliver_message

    task = deliver_message
    if run_after is not None and run_after > timezone.now():
        if not task.get_backend().supports_defer:
            logger.debug("outbox: message %s left for the sweep (no deferred tasks)", message_id)
            return
        task = task.using(run_after=run_after)
    task.enqueue(message_id=message_id)


def _after_commit(message_id: int, run_after: datetime | None = None) -> None:
    # robust: if enqueuing fails after the business change committed, log it rather than fail
    # the caller's request; the message is in the table and the sweep will find it.
    transaction.on_commit(partial(_enqueue_delivery, message_id, run_after), robust=True)


def _secrets() -> list[str]:
    names = ("FRONTDOOR_NOTIFY_API_KEY", "EMAIL_HOST_PASSWORD", "SECRET_KEY")
    values = [str(getattr(settings, name, "") or "") for name in names]
    return [value for value in values if len(value) >= 8]


def describe_error(error: BaseException) -> str:
    """The error's type and message for ``last_error``, with any configured secret removed."""
    text = f"{type(error).__name__}: {error}"
    for secret in _secrets():
        text = text.replace(secret, "[secret]")
    return text[:2000]


# ---------------------------------------------------------------------------- enqueue


def message_enqueue(
    *, kind: str, to: str, subject: str, body: str, about: str = "", at: datetime | None = None
) -> Message:
    """Write one email to the outbox; it is delivered after the caller's transaction commits.

    Call it inside the transaction that makes the business change: if that rolls back, the
    message never existed and nothing is sent. ``at`` is when the message is written and the
    earliest it may be sent (now by default).
    """
    at = at or timezone.now()
    to = to.strip()
    errors: dict[str, str] = {}
    try:
        validate_email(to)
    except ValidationError:
        errors["to"] = "Enter an email address in the correct format, like name@example.com"
    if not kind.strip() or len(kind) > 60:
        errors["kind"] = "Give the kind of message in 60 characters or fewer"
    if not subject.strip() or len(subject) > 200 or "\n" in subject or "\r" in subject:
        errors["subject"] = "Give a subject of one line, 200 characters or fewer"
    if not body.strip():
        errors["body"] = "Enter the text of the message"
    if len(about) > 80:
        errors["about"] = "Keep what the message is about to 80 characters or fewer"
    if errors:
        raise ValidationError(errors)
    # One insert is atomic on its own: no savepoint inside the caller's transaction (an error
    # still rolls the caller back, and the after-commit hook is dropped with it).
    with transaction.atomic(savepoint=False):
        message = Message.objects.create(
            kind=kind,
            to=to,
            subject=subject,
            body=body,
            about=about,
            reference=new_reference(),
            status=MessageStatus.PENDING,
            next_attempt_at=at,
            created_at=at,
        )
        _after_commit(message.pk, at)
    return message


# ---------------------------------------------------------------------------- deliver


def email_quietly(**message: Any) -> Message | None:
    """``message_enqueue`` for a notification that must never block the work: an unusable
    address is logged (by the message's kind, never the address) and nothing is sent."""
    try:
        return message_enqueue(**message)
    except ValidationError:
        logger.warning("Email %s to an unusable address not sent", message.get("kind"))
        return None


def agency_practitioners_email(
    agency: Agency, *, kind: str, subject: str, body: str, about: str, at: datetime
) -> int:
    """Email each active practitioner of a partner agency (who has an address) that work
    waits for them in Front Door. The body names no child. Returns how many were emailed."""
    from frontdoor.accounts.models import Role, User

    recipients = list(
        User.objects.filter(agency=agency, role=Role.PARTNER_PRACTITIONER, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    for email in recipients:
        email_quietly(kind=kind, to=email, subject=subject, body=body, about=about, at=at)
    return len(recipients)


def message_deliver(
    *, message_id: int, now: datetime | None = None, channel: Channel | None = None
) -> str:
    """Make one delivery attempt and return the message's status afterwards.

    Returns without doing anything when the message is sent or failed, is claimed by another
    worker whose lease has not expired, or is not due yet. Otherwise it claims the message,
    asks the channel whether an earlier attempt already sent it, and sends it if not. A
    channel failure is recorded (with the next attempt's time) and never raised. ``channel``
    defaults to ``channel_from_settings()``; ``"missing"`` means there is no such message.
    """
    explicit_now = now is not None
    now = now or timezone.now()
    # The worker calls this outside any transaction; inside one (a caller delivering many
    # messages in its own transaction) the claim and the outcome need no savepoints: nothing
    # here catches an error raised inside them.
    with transaction.atomic(savepoint=False):
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            logger.warning("outbox: message %s does not exist", message_id)
            return "missing"
        if message.status in (MessageStatus.SENT, MessageStatus.FAILED):
            return message.status
        if message.status == MessageStatus.SENDING and (
            message.claimed_at is not None and message.claimed_at > now - lease()
        ):
            return message.status  # another worker has it
        if message.status == MessageStatus.PENDING and message.next_attempt_at > now:
            return message.status  # not due yet
        tried_before = message.claimed_at is not None
        # Only a claim that expired during the last allowed attempt gets here at the limit: it
        # may only check whether that attempt got through, never send again.
        check_only = message.attempts >= max_attempts()
        if not check_only:
            message.attempts += 1
        message.status = MessageStatus.SENDING
        message.claimed_at = now
        message.save(update_fields=["status", "claimed_at", "attempts"])
    claim = now

    try:
        channel = channel or channel_from_settings()
        provider_id = channel.find(message.reference) if tried_before else None
        if provider_id is not None:
            logger.info("outbox: %s was already sent (%s)", message.reference, provider_id)
        elif check_only:
            raise PermanentChannelError(
                f"Gave up after {message.attempts} attempts; the last one stopped before it "
                "finished and the channel cannot tell whether it was sent"
            )
        else:
            provider_id = channel.send(message)
    except Exception as error:  # a channel failure is recorded, never raised
        finished = now if explicit_now else timezone.now()
        return _record_failure(message=message, claim=claim, error=error, at=finished)

    finished = now if explicit_now else timezone.now()
    with transaction.atomic(savepoint=False):
        Message.objects.filter(pk=message.pk).exclude(status=MessageStatus.SENT).update(
            status=MessageStatus.SENT, sent_at=finished, provider_id=provider_id[:200]
        )
    logger.info(
        "outbox: sent %s %s on attempt %d", message.kind, message.reference, message.attempts
    )
    return MessageStatus.SENT


def _record_failure(*, message: Message, claim: datetime, error: Exception, at: datetime) -> str:
    permanent = isinstance(error, PermanentChannelError)
    with transaction.atomic():
        locked = (
            Message.objects.select_for_update()
            .filter(pk=message.pk, status=MessageStatus.SENDING, claimed_at=claim)
            .first()
        )
        if locked is None:  # our lease expired and another worker took the message over
            current = Message.objects.filter(pk=message.pk).values_list("status", flat=True)
            return current.first() or "missing"
        locked.last_error = describe_error(error)
        if permanent or locked.attempts >= max_attempts():
            locked.status = MessageStatus.FAILED
        else:
            locked.status = MessageStatus.PENDING
            locked.next_attempt_at = at + retry_delay(locked.attempts)
            _after_commit(locked.pk, locked.next_attempt_at)
        locked.save(update_fields=["last_error", "status", "next_attempt_at"])
    logger.warning(
        "outbox: %s %s attempt %d failed (%s); now %s",
        locked.kind,
        locked.reference,
        locked.attempts,
        type(error).__name__,
        locked.status,
    )
    return locked.status


# ---------------------------------------------------------------------------- retry by hand


def message_retry(*, message: Message, by: User, at: datetime | None = None) -> Message:
    """Send a failed (or waiting) message again now, with a fresh set of attempts.

    A message that has been sent, or that a worker is sending now, is refused. Delivery still
    asks the channel first whether an earlier attempt got through.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.status == MessageStatus.SENT:
            raise ValidationError("This message has already been sent")
        if locked.status == MessageStatus.SENDING and (
            locked.claimed_at is not None and locked.claimed_at > at - lease()
        ):
            raise ValidationError("This message is being sent now")
        before = {"status": locked.status, "attempts": locked.attempts}
        locked.status = MessageStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = at
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        event_append(
            record=locked,
            action="outbox.retried",
            summary=f"Email {locked.reference} ({locked.kind}) queued to be sent again",
            at=at,
            actor=by,
            before=before,
            after={"status": locked.status, "attempts": 0},
        )
        _after_commit(locked.pk)
    return locked


# ---------------------------------------------------------------------------- sweep


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Hand the worker again every message a crash or a lost task left behind; return how many.

    That is each pending message more than a lease past its next attempt time (its task was
    never enqueued, or was lost) and each ``sending`` message whose claim has expired (the
    worker stopped mid-attempt; it goes back to pending and its next attempt first asks the
    channel whether it was sent). Each gets ``next_attempt_at = now``, so a busy worker is
    not handed the same message again until another lease has passed. At most
    ``SWEEP_BATCH`` messages, oldest first, per sweep.
    """
    now = now or timezone.now()
    stale = now - lease()
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update()
            .filter(
                Q(status=MessageStatus.PENDING, next_attempt_at__lte=stale)
                | Q(status=MessageStatus.SENDING, claimed_at__lt=stale)
            )
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if ids:
            Message.objects.filter(pk__in=ids, status=MessageStatus.SENDING).update(
                status=MessageStatus.PENDING,
                last_error="The worker stopped during this attempt (its lease expired)",
            )
            Message.objects.filter(pk__in=ids).update(next_attempt_at=now)
        for message_id in ids:
            _after_commit(message_id)
    if ids:
        logger.warning("outbox: sweep handed %d message(s) to the worker again", len(ids))
    return len(ids)
