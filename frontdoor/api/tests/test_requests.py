"""The JSON API at /api/v1/: partner requests, the list and one."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.api.tests.calls import API, assert_problem, client_for, error_fields
from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.clocks import ClockState
from frontdoor.mash.models import PartnerRequest, RequestStatus
from frontdoor.testing.factories import access_entries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen_time")]


# ------------------------------------------------------------------ requests: list


def test_a_partner_lists_only_their_own_agencys_requests(
    police_practitioner: Any,
    health_practitioner: Any,
    police_request: PartnerRequest,
    request_sent: Any,
) -> None:
    health = request_sent(enquiry=police_request.enquiry, agency="health")

    police_body = client_for(police_practitioner).get(f"{API}/requests").json()
    health_body = client_for(health_practitioner).get(f"{API}/requests").json()

    assert [r["id"] for r in police_body["items"]] == [police_request.pk]
    assert police_body["count"] == 1
    assert [r["id"] for r in health_body["items"]] == [health.pk]
    assert police_body["items"][0]["agency"] == {"code": "police", "name": "Demo Police"}
    assert police_body["items"][0]["clock"]["started_at"] == "2026-03-02T11:30:00Z"


def test_mash_staff_list_every_request_open_ones_first_in_pages(
    mash_worker: Any, police_practitioner: Any, police_request: PartnerRequest, request_sent: Any
) -> None:
    health = request_sent(enquiry=police_request.enquiry, agency="health")
    client_for(police_practitioner).post(
        f"{API}/requests/{police_request.pk}/answer",
        data={"shared": True, "response": "Two call-outs in 2025."},
        content_type="application/json",
    )
    client = client_for(mash_worker)

    everything = client.get(f"{API}/requests").json()
    first = client.get(f"{API}/requests", {"limit": 1}).json()
    second = client.get(f"{API}/requests", {"limit": 1, "offset": 1}).json()

    assert [(r["id"], r["status"]) for r in everything["items"]] == [
        (health.pk, RequestStatus.SENT),
        (police_request.pk, RequestStatus.ANSWERED),
    ]
    assert everything["count"] == first["count"] == 2
    assert [r["id"] for r in first["items"] + second["items"]] == [health.pk, police_request.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=101", "limit"), ("offset=-1", "offset"), ("limit=x", "limit")],
)
def test_a_page_outside_the_limits_is_422_naming_the_field(
    mash_worker: Any, query: str, field: str
) -> None:
    body = assert_problem(client_for(mash_worker).get(f"{API}/requests?{query}"), 422)

    assert error_fields(body) == {field}
    assert body["errors"][0]["location"] == "query"


@pytest.mark.parametrize("persona", ["assessment_worker", "contact_officer", "analyst", "outsider"])
def test_roles_without_requests_get_403(make_persona: Any, persona: str) -> None:
    assert_problem(client_for(make_persona(persona)).get(f"{API}/requests"), 403)


# ------------------------------------------------------------------ requests: one


def test_the_police_read_their_request_and_the_read_is_logged(
    police_practitioner: Any, police_request: PartnerRequest
) -> None:
    response = client_for(police_practitioner).get(f"{API}/requests/{police_request.pk}")

    assert response.status_code == 200
    body = response.json()
    child = police_request.enquiry.child
    assert body["id"] == police_request.pk
    assert body["status"] == "sent"
    assert body["questions"] == police_request.questions
    assert body["child"] == {"id": child.pk, "name": child.full_name, "date_of_birth": "2018-05-01"}
    assert body["clock"]["state"] in {ClockState.ON_TIME, ClockState.DUE_SOON}
    assert body["sent_by"] == "Mo Mash"
    assert body["answered_by"] is None
    views = [e for e in access_entries_of(police_request) if e.action == AccessAction.VIEW]
    assert [(e.user, e.child, e.agency, e.path) for e in views] == [
        (police_practitioner, child, "police", f"{API}/requests/{police_request.pk}")
    ]


def test_mash_staff_read_any_request(mash_worker: Any, police_request: PartnerRequest) -> None:
    response = client_for(mash_worker).get(f"{API}/requests/{police_request.pk}")

    assert response.status_code == 200
    assert response.json()["agency"]["code"] == "police"


def test_another_agencys_request_is_404_not_403_and_is_not_logged(
    health_practitioner: Any, police_request: PartnerRequest
) -> None:
    before = AccessLogEntry.objects.count()

    response = client_for(health_practitioner).get(f"{API}/requests/{police_request.pk}")

    assert_problem(response, 404)
    assert AccessLogEntry.objects.count() == before


def test_a_request_that_does_not_exist_is_404(mash_worker: Any) -> None:
    assert_problem(client_for(mash_worker).get(f"{API}/requests/999999"), 404)


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "99999999999999999999999"])
def test_an_id_that_is_not_a_positive_64_bit_number_is_422(mash_worker: Any, bad_id: str) -> None:
    body = assert_problem(client_for(mash_worker).get(f"{API}/requests/{bad_id}"), 422)

    assert body["errors"][0]["field"] == "id"
    assert body["errors"][0]["location"] == "path"
