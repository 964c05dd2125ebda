"""``GET /api/v1/requests`` names a restricted child only to those who may see it, and logs
each child it names as read (it used to name every child and log nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.people.models import Person
from frontdoor.restricted.services import restriction_create
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_the_requests_list_masks_a_restricted_child_and_logs_the_children_it_names(
    request_sent: Any, police_practitioner: Any, mash_manager: Any
) -> None:
    hidden = request_sent(agency="police")
    shown = request_sent(agency="police")
    Person.objects.filter(pk=shown.enquiry.child_id).update(first_name="Robin")
    restriction_create(
        child=hidden.enquiry.child,
        category="staff_relative",
        reason="The child's mother works in the MASH.",
        by=mash_manager,
    )

    response = client_for(police_practitioner).get("/api/v1/requests")

    assert response.status_code == 200
    names = {row["id"]: row["child_name"] for row in response.json()["items"]}
    assert names == {
        hidden.pk: f"Restricted record (record {hidden.enquiry.child_id})",
        shown.pk: "Robin Example",
    }
    assert "Sam" not in response.content.decode()
    logged = AccessLogEntry.objects.filter(user=police_practitioner)
    assert [(e.action, e.child_id, e.record_id, e.fields, e.path) for e in logged] == [
        (AccessAction.VIEW, shown.enquiry.child_id, shown.pk, ["child_name"], "/api/v1/requests")
    ]
    # The owner sees the name (and the read is logged).
    owner = client_for(mash_manager).get("/api/v1/requests").json()["items"]
    assert {row["child_name"] for row in owner} == {"Sam Example", "Robin Example"}
    assert AccessLogEntry.objects.filter(user=mash_manager, path="/api/v1/requests").count() == 2
