"""Steps the strategy service tests share: publishing a policy, recording a section 47 outcome,
booking a conference."""

from __future__ import annotations

import copy

from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_publish
from frontdoor.strategy.models import S47Enquiry
from frontdoor.strategy.services import conference_book, s47_outcome_record
from frontdoor.testing.factories import local


def _publish(**changes):
    rules = copy.deepcopy(DEFAULT_RULES)
    rules.update(changes)
    return policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 1, 1),
        by=None,
        at=local(2026, 1, 1),
    )


def _outcome(s47, by, *, needed=True, at=None, outcome="continuing_risk"):
    at = at or local(2026, 3, 9, 15)
    return s47_outcome_record(
        s47=s47, outcome=outcome, icpc_needed=needed, outcome_at=at, by=by, at=at
    )


def _booked(held, worker):
    s47 = S47Enquiry.objects.get(start_discussion=held())
    _outcome(s47, worker)
    return conference_book(
        s47=s47, scheduled_for=local(2026, 3, 20, 10), by=worker, at=local(2026, 3, 9, 16)
    )
