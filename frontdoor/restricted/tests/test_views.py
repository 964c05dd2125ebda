"""The pages: access per role, the break-glass page, managing a restriction, the alerts list,
and lists that show a restricted child masked (queue, Find a child, the API search)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.audit.models import AccessLogEntry
from frontdoor.restricted.models import BreakGlass, Restriction
from frontdoor.restricted.services import break_glass_open
from frontdoor.restricted.tests.conftest import counts
from frontdoor.testing.fixtures import client_for

REASON = "Duty desk: a police referral about this child arrived an hour ago."

#: role -> status for the restriction page, the break-glass page and the alerts list, on a
#: child who is not restricted (break-glass then just goes on to the child's page).
ROLES = {
    "contact_officer": (403, 302, 403),
    "mash_worker": (403, 302, 403),
    "mash_manager": (200, 302, 200),
    "assessment_worker": (403, 302, 403),
    "police_practitioner": (403, 403, 403),
    "analyst": (403, 403, 403),
    "auditor": (403, 302, 403),
    "head_of_service": (200, 302, 200),
    "data_protection_officer": (200, 403, 200),
    "outsider": (403, 403, 403),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_access_per_role(screened_to_mash: Any, role: str, request: Any) -> None:
    child = screened_to_mash().child
    client = client_for(request.getfixturevalue(role))
    got = tuple(
        client.get(path).status_code
        for path in (
            reverse("restriction-manage", args=[child.pk]),
            reverse("break-glass", args=[child.pk]),
            reverse("break-glass-alerts"),
        )
    )
    assert got == ROLES[role]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(screened_to_mash: Any) -> None:
    from django.test import Client

    child = screened_to_mash().child
    for path in (
        reverse("restriction-manage", args=[child.pk]),
        reverse("break-glass", args=[child.pk]),
        reverse("break-glass-alerts"),
    ):
        assert Client().get(path).status_code == 302


@pytest.mark.django_db
def test_bad_ids_are_404(mash_manager: Any) -> None:
    client = client_for(mash_manager)
    assert client.get(reverse("restriction-manage", args=[999999])).status_code == 404
    assert client.get(reverse("break-glass", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_break_glass_page_shows_nothing_of_the_child_and_needs_a_reason(
    screened_to_mash: Any, mash_worker: Any, restrict: Any
) -> None:
    child = screened_to_mash().child
    restrict(child)
    client = client_for(mash_worker)
    url = reverse("break-glass", args=[child.pk])
    page = client.get(url, {"next": f"/children/{child.pk}/"}).content.decode()
    assert f"Restricted record (record {child.pk})" in page
    assert child.first_name not in page and child.last_name not in page
    before = counts()
    page = client.post(url, {"reason": "", "next": "/"}).content.decode()
    assert "There is a problem" in page and "in at least a sentence" in page
    assert counts() == before
    response = client.post(url, {"reason": REASON, "next": f"/children/{child.pk}/chronology/"})
    assert response.status_code == 302
    assert response["Location"] == f"/children/{child.pk}/chronology/"
    assert client.get(f"/children/{child.pk}/").status_code == 200
    logged = AccessLogEntry.objects.get(record_type="breakglass")
    assert logged.reason == REASON and logged.user == mash_worker


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_break_glass_goes_on_only_to_a_local_page(
    screened_to_mash: Any, mash_worker: Any, restrict: Any, target: str
) -> None:
    child = screened_to_mash().child
    restrict(child)
    response = client_for(mash_worker).post(
        reverse("break-glass", args=[child.pk]), {"reason": REASON, "next": target}
    )
    assert response["Location"] == reverse("child-detail", args=[child.pk])


@pytest.mark.django_db
def test_a_manager_restricts_names_and_lifts_through_the_page(
    screened_to_mash: Any, mash_manager: Any, mash_worker: Any
) -> None:
    child = screened_to_mash().child
    client = client_for(mash_manager)
    url = reverse("restriction-manage", args=[child.pk])
    assert "Restrict this record" in client.get(f"/children/{child.pk}/").content.decode()
    page = client.post(url, {"action": "restrict", "category": "", "reason": ""}).content
    assert b"There is a problem" in page and b"Select why the record is restricted" in page
    assert not Restriction.objects.exists()
    response = client.post(
        url,
        {"action": "restrict", "category": "staff_relative", "reason": "Nephew of a manager."},
    )
    assert response.status_code == 302
    restriction = Restriction.objects.get()
    assert (
        "Only named people may see this record"
        in client.get(f"/children/{child.pk}/").content.decode()
    )
    page = client.post(url, {"action": "name", "user": ""}).content
    assert b"Select the person who may see this record" in page
    client.post(url, {"action": "name", "user": str(mash_worker.pk)})
    member = restriction.members.get()
    assert member.user == mash_worker
    client.post(url, {"action": "unname", "member": str(member.pk)})
    member.refresh_from_db()
    assert member.removed_at is not None
    page = client.post(url, {"action": "lift", "lift_reason": ""}).content
    assert b"Enter the reason the restriction is lifted" in page
    client.post(url, {"action": "lift", "lift_reason": "The manager has left."})
    restriction.refresh_from_db()
    assert not restriction.is_live


@pytest.mark.django_db
def test_the_alerts_list_shows_uses_with_reasons_masked_for_others(
    screened_to_mash: Any,
    mash_manager: Any,
    head_of_service: Any,
    assessment_worker: Any,
    restrict: Any,
) -> None:
    child = screened_to_mash().child
    restrict(child)
    break_glass_open(child=child, reason=REASON, by=assessment_worker)
    owner_page = client_for(mash_manager).get(reverse("break-glass-alerts")).content.decode()
    assert REASON in owner_page and child.full_name in owner_page and "Your record" in owner_page
    assert "Break-glass alerts" in client_for(mash_manager).get("/queue/").content.decode()
    other = client_for(head_of_service).get(reverse("break-glass-alerts")).content.decode()
    assert REASON in other and child.full_name not in other
    assert f"Restricted record (record {child.pk})" in other
    assert BreakGlass.objects.count() == 1


# ------------------------------------------------------------------ lists mask the child


@pytest.mark.django_db
def test_the_queue_masks_a_restricted_child(
    screened_to_mash: Any, mash_worker: Any, mash_worker_2: Any, restrict: Any
) -> None:
    enquiry = screened_to_mash()
    child = enquiry.child
    restrict(child, named=(mash_worker,))
    named = client_for(mash_worker).get("/queue/team/").content.decode()
    assert child.full_name in named
    other = client_for(mash_worker_2).get("/queue/team/").content.decode()
    assert child.full_name not in other and f"Restricted record (record {child.pk})" in other
    api = client_for(mash_worker_2).get("/api/v1/queue?scope=team").json()
    names = {i["child_name"] for i in api["items"] if i["child_id"] == child.pk}
    assert names == {f"Restricted record (record {child.pk})"}


@pytest.mark.django_db
def test_find_a_child_finds_a_restricted_child_masked_and_unlogged(
    screened_to_mash: Any, mash_worker: Any, restrict: Any
) -> None:
    child = screened_to_mash().child
    restrict(child)
    query = {"first_name": child.first_name, "last_name": child.last_name}
    logged = AccessLogEntry.objects.filter(user=mash_worker, child=child).count()
    page = client_for(mash_worker).get("/children/", query).content.decode()
    assert f"Restricted record (record {child.pk})" in page
    assert child.last_name not in page.split("possible match", 1)[1]
    assert AccessLogEntry.objects.filter(user=mash_worker, child=child).count() == logged


@pytest.mark.django_db
def test_the_api_search_finds_a_restricted_child_masked(
    screened_to_mash: Any, mash_worker: Any, mash_manager: Any, restrict: Any
) -> None:
    child = screened_to_mash().child
    restrict(child)
    body = json.dumps({"given_name": child.first_name, "family_name": child.last_name})

    def search(user: Any) -> list[dict[str, Any]]:
        client = client_for(user)
        client.get("/children/")  # a CSRF cookie
        response = client.post(
            "/api/v1/children/search",
            body,
            content_type="application/json",
            HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
        )
        assert response.status_code == 200, response.content
        return [r for r in response.json()["results"] if r["child"]["id"] == child.pk]

    logged = AccessLogEntry.objects.filter(user=mash_worker, child=child).count()
    [masked] = search(mash_worker)
    assert masked["child"] == {
        "id": child.pk,
        "name": f"Restricted record (record {child.pk})",
        "date_of_birth": None,
    }
    assert masked["reasons"] == []
    assert AccessLogEntry.objects.filter(user=mash_worker, child=child).count() == logged
    [shown] = search(mash_manager)
    assert shown["child"]["name"] == child.full_name
