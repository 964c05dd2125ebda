"""Refused attempts: an access-log entry for each view or change a guard refused.

A refusal is noted where the guard refuses (``access_log_record``) but written only when the
request ends (``refusals_kept``, entered by ``frontdoor.restricted.middleware``): a refused
change rolls back the service's transaction, and the entry must not go with it. Outside a
request (a command, the worker, a test calling a service) it is written at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from frontdoor.audit.models import AccessAction, AccessLogEntry

VERBS = {AccessAction.VIEW: "view", AccessAction.CHANGE: "change"}


@dataclass(frozen=True)
class Refusal:
    """``user`` was refused ``attempted`` (view or change) on these children through a
    record."""

    user: Any
    child_ids: tuple[int, ...]
    record_type: str
    record_id: int
    attempted: str
    at: datetime
    path: str = ""
    fields: tuple[str, ...] = field(default=())

    @property
    def reason(self) -> str:
        verb = VERBS.get(AccessAction(self.attempted), str(self.attempted))
        return f"Tried to {verb} a restricted record: not named on it and no break-glass grant"


_PENDING: ContextVar[list[Refusal] | None] = ContextVar("frontdoor_refusals", default=None)


@contextmanager
def refusals_kept(path: str = "") -> Iterator[None]:
    """Collect the refusals noted inside (one request) and write them at the end, after
    whatever the refusal rolled back; ``path`` fills in entries noted without one."""
    pending: list[Refusal] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
        if pending:
            refusals_write(pending, path=path)


def refusal_note(refusal: Refusal) -> None:
    pending = _PENDING.get()
    if pending is None:
        refusals_write([refusal])
    else:
        pending.append(refusal)


def refusals_write(refusals: Iterable[Refusal], *, path: str = "") -> None:
    """One ``REFUSED`` access-log entry per child of each refusal."""
    entries = []
    seen: set[tuple[Any, ...]] = set()
    for refusal in refusals:
        user = refusal.user if getattr(refusal.user, "pk", None) else None
        for child_id in refusal.child_ids:
            key = (child_id, refusal.record_type, refusal.record_id, refusal.attempted)
            if key in seen:  # the same refusal noted twice in one request
                continue
            seen.add(key)
            entries.append(
                AccessLogEntry(
                    at=refusal.at,
                    user=user,
                    role=getattr(user, "role", "") or "",
                    agency=getattr(getattr(user, "agency", None), "code", "") or "",
                    action=AccessAction.REFUSED,
                    child_id=child_id,
                    record_type=refusal.record_type,
                    record_id=refusal.record_id,
                    path=(refusal.path or path)[:300],
                    fields=list(refusal.fields),
                    reason=refusal.reason,
                )
            )
    if entries:
        with transaction.atomic():
            AccessLogEntry.objects.bulk_create(entries)
