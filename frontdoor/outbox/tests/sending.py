"""Helpers for the outbox tests: a channel that fails on demand, enqueueing a message, reading
it again, and what the dummy task backend was asked to run."""

from __future__ import annotations

from typing import Any, cast

from django_tasks import TaskResult, task_backends
from django_tasks.backends.dummy import DummyBackend

from frontdoor.outbox.models import Message
from frontdoor.outbox.services import message_enqueue
from frontdoor.testing.factories import local

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
