"""The JSON API at /api/v1/: enquiries."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.api.tests.calls import API, assert_problem, client_for
from frontdoor.audit.models import AccessAction
from frontdoor.clocks import ClockState
from frontdoor.mash.models import PartnerRequest
from frontdoor.mash.services import enquiry_rate
from frontdoor.testing.factories import access_entries_of, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen_time")]


# ------------------------------------------------------------------ enquiries


def test_mash_staff_read_an_enquiry_with_history_requests_and_clock(
    mash_worker: Any, police_request: PartnerRequest, request_sent: Any
) -> None:
    enquiry = police_request.enquiry
    health = request_sent(enquiry=enquiry, agency="health")
    enquiry_rate(
        enquiry=enquiry,
        rating="RED",
        reason="Disclosure at school.",
        by=mash_worker,
        at=local(2026, 3, 2, 12),
    )

    response = client_for(mash_worker).get(f"{API}/enquiries/{enquiry.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == f"E{enquiry.pk}"
    assert body["status"] == "open"
    assert body["rating"] == "RED"
    assert [(r["rating"], r["previous"], r["by"]) for r in body["rating_history"]] == [
        ("AMBER", "", "Mo Mash"),
        ("RED", "AMBER", "Mo Mash"),
    ]
    assert [r["id"] for r in body["requests"]] == [police_request.pk, health.pk]
    assert body["clock"]["started_at"] == "2026-03-02T11:00:00Z"
    assert body["clock"]["due_at"] == "2026-03-02T15:00:00Z"  # RED: 4 working hours
    assert body["clock"]["state"] == ClockState.DUE_SOON
    assert body["decision"] is None
    views = [e for e in access_entries_of(enquiry) if e.action == AccessAction.VIEW]
    assert [(e.user, e.child_id) for e in views] == [(mash_worker, enquiry.child_id)]


def test_an_enquiry_shows_its_decision_awaiting_sign_off(mash_manager: Any, decided: Any) -> None:
    decision = decided()

    body = client_for(mash_manager).get(f"{API}/enquiries/{decision.enquiry_id}").json()

    assert body["status"] == "decided"
    assert body["decision"]["outcome"] == "s17"
    assert body["decision"]["recorded_by"] == "Mo Mash"
    assert body["decision"]["signed_off_by"] is None
    assert body["decision"]["signoff_clock"]["started_at"] == "2026-03-03T10:00:00Z"


@pytest.mark.parametrize(
    "persona", ["police_practitioner", "health_practitioner", "analyst", "outsider"]
)
def test_roles_without_enquiries_get_403(
    make_persona: Any, police_request: PartnerRequest, persona: str
) -> None:
    response = client_for(make_persona(persona)).get(f"{API}/enquiries/{police_request.enquiry_id}")

    assert_problem(response, 403)


def test_an_enquiry_that_does_not_exist_is_404(auditor: Any) -> None:
    assert_problem(client_for(auditor).get(f"{API}/enquiries/424242"), 404)
