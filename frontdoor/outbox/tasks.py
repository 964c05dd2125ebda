"""Outbox work for the database-backed task worker."""

from __future__ import annotations

from django_tasks import task

from frontdoor.outbox.services import message_deliver, outbox_sweep


@task()
def deliver_message(message_id: int) -> str:
    """One delivery attempt for one outbox message; returns its status afterwards."""
    return message_deliver(message_id=message_id)


@task()
def sweep_outbox() -> int:
    """Hand the worker again every message a crash left behind; returns how many."""
    return outbox_sweep()
