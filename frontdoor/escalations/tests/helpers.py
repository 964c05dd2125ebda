"""Shared helpers for the escalation tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Model

from frontdoor.escalations.models import Escalation
from frontdoor.escalations.records import record_facts, record_key
from frontdoor.escalations.services import escalation_raise
from frontdoor.people.models import Person
from frontdoor.testing.factories import local

#: Wednesday 4 March 2026, 10:00: after the default journey's decision and sign-off.
RAISED_AT = local(2026, 3, 4, 10)


def raised(record: Model, by: Any, *, at: datetime | None = None, **overrides: Any) -> Escalation:
    """An escalation raised through the service about ``record``."""
    record_type, record_id = record_key(record)
    values: dict[str, Any] = {
        "child": Person.objects.get(pk=record_facts(record).child_id),
        "record_type": record_type,
        "record_id": record_id,
        "about": "decision",
        "disagreement": "The threshold for a strategy discussion is met: two call-outs.",
        "outcome_sought": "Hold a strategy discussion this week.",
        "by": by,
        "at": at or RAISED_AT,
    }
    values.update(overrides)
    return escalation_raise(**values)
