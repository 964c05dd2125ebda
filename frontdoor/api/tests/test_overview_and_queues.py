"""The JSON API at /api/v1/: the overview and the queues."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.api.tests.calls import API, assert_problem, client_for
from frontdoor.clocks import ClockState
from frontdoor.mash.models import PartnerRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen_time")]


# ------------------------------------------------------------------ overview


@pytest.mark.parametrize("persona", ["mash_worker", "mash_manager", "analyst", "auditor"])
def test_roles_with_the_overview_see_counts_by_stage_and_clock_state(
    make_persona: Any, police_request: PartnerRequest, persona: str
) -> None:
    response = client_for(make_persona(persona)).get(f"{API}/overview")

    assert response.status_code == 200
    body = response.json()
    stages = {row["stage"]: row for row in body["stages"]}
    assert stages["MASH enquiry"]["total"] == 1
    assert stages["Partner information request"]["total"] == 1
    assert sum(stages["Partner information request"]["counts"].values()) == 1
    assert body["period_days"] == 28
    assert body["timeliness"][0]["clock"] == "Screening decision"


@pytest.mark.parametrize("persona", ["police_practitioner", "assessment_worker", "outsider"])
def test_roles_without_the_overview_get_403(make_persona: Any, persona: str) -> None:
    body = assert_problem(client_for(make_persona(persona)).get(f"{API}/overview"), 403)

    assert body["type"] == "about:blank"


# ------------------------------------------------------------------ queues


def test_the_mash_team_queue_lists_the_enquiry_with_its_clock(
    mash_worker: Any, police_request: PartnerRequest
) -> None:
    enquiry = police_request.enquiry

    response = client_for(mash_worker).get(f"{API}/queue", {"scope": "team"})

    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "team"
    item = next(i for i in body["items"] if i["reference"] == f"E{enquiry.pk}")
    assert item == {
        "stage": "MASH enquiry",
        "child_id": enquiry.child_id,
        "child_name": enquiry.child.full_name,
        "reference": f"E{enquiry.pk}",
        "rating": "AMBER",
        "owner": "",
        "immediate_risk": False,
        "note": "",
        "clock": {
            "state": ClockState.ON_TIME,
            "label": "On time",
            "started_at": "2026-03-02T11:00:00Z",
            "due_at": "2026-03-04T16:00:00Z",  # AMBER: 24 working hours
            "completed_at": None,
        },
        "url": f"/enquiries/{enquiry.pk}/",
    }
    assert body["count"] == len(body["items"])


def test_a_police_practitioners_own_queue_holds_their_agencys_open_requests(
    police_practitioner: Any, police_request: PartnerRequest, request_sent: Any
) -> None:
    request_sent(enquiry=police_request.enquiry, agency="health")

    body = client_for(police_practitioner).get(f"{API}/queue").json()

    assert body["scope"] == "mine"
    assert [(i["stage"], i["reference"]) for i in body["items"]] == [
        ("Partner information request", f"R{police_request.pk}")
    ]
    assert body["items"][0]["owner"] == "Demo Police"


def test_an_unknown_queue_scope_is_422_naming_the_field(mash_worker: Any) -> None:
    body = assert_problem(client_for(mash_worker).get(f"{API}/queue?scope=everyone"), 422)

    assert body["errors"] == [
        {
            "field": "scope",
            "location": "query",
            "message": body["errors"][0]["message"],
            "code": "literal_error",
        }
    ]


@pytest.mark.parametrize("persona", ["analyst", "auditor", "outsider"])
def test_roles_without_a_queue_get_403(make_persona: Any, persona: str) -> None:
    assert_problem(client_for(make_persona(persona)).get(f"{API}/queue"), 403)
