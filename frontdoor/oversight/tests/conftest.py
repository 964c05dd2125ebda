"""Shared pieces for the supervision tests: a supervision's text and a second worker."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.accounts.models import Role, User
from frontdoor.testing.personas import org_team

REFLECTION: dict[str, Any] = {
    "lived_experience": "Sam says home is noisy at night and he is scared when dad shouts.",
    "working_well": "School attendance is good; mum engages with the health visitor.",
    "worries": "Two police call-outs for domestic abuse in March; bruising seen at school.",
    "analysis": "A pattern of harm at home; mum's protective capacity is untested.",
    "decisions": "Continue the assessment; joint visit with police; review in 4 weeks.",
}


@pytest.fixture
def second_worker(org: Any) -> User:
    """Another assessment team social worker."""
    from frontdoor.testing.factories import UserFactory

    user: Any = UserFactory(
        username="assessment_worker_2",
        first_name="Bea",
        last_name="Busy",
        role=Role.ASSESSMENT_SOCIAL_WORKER,
        team=org_team("assessment"),
        agency=org.council,
    )
    return user
