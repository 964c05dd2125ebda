"""Refused attempts are logged, and the data protection officer and auditors can always
audit a restricted record: who accessed it, what a user accessed (break-glass uses and
refusals included), with the child shown as its record number unless they may see it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.restricted.services import break_glass_open
from frontdoor.testing.fixtures import client_for

REASON = "Duty desk: a police referral about this child arrived an hour ago."


def refusals() -> list[tuple[Any, ...]]:
    return list(
        AccessLogEntry.objects.filter(action=AccessAction.REFUSED)
        .order_by("id")
        .values_list("user__username", "child_id", "record_type", "path", "reason")
    )


@pytest.fixture
def restricted(screened_to_mash: Any, restrict: Any, mash_manager: Any) -> Any:
    """A MASH enquiry whose child is restricted by the MASH manager."""
    enquiry = screened_to_mash()
    restrict(enquiry.child, by=mash_manager)
    return enquiry


# ------------------------------------------------------------------ refused attempts


@pytest.mark.django_db
def test_a_refused_page_is_logged_as_refused(restricted: Any, mash_worker: Any) -> None:
    child = restricted.child
    path = reverse("child-detail", args=[child.pk])

    response = client_for(mash_worker).get(path)

    assert response.status_code == 302  # to the break-glass page
    assert refusals() == [
        (
            "mash_worker",
            child.pk,
            "person",
            path,
            "Tried to view a restricted record: not named on it and no break-glass grant",
        )
    ]
    assert not AccessLogEntry.objects.filter(user=mash_worker, action=AccessAction.VIEW).exists()


@pytest.mark.django_db
def test_a_refused_change_is_logged_although_the_change_is_rolled_back(
    restricted: Any, mash_worker: Any
) -> None:
    path = reverse("enquiry-decision", args=[restricted.pk])
    response = client_for(mash_worker).post(
        path,
        {
            "outcome": "nfa",
            "rating": "GREEN",
            "rationale": "No further action: the family is getting support.",
            "referrer_feedback": "Thank you.",
        },
    )

    assert response.status_code == 403
    assert [(r[0], r[1], r[2]) for r in refusals()] == [
        ("mash_worker", restricted.child_id, "enquiry")
    ]
    assert refusals()[0][4].startswith("Tried to change")
    assert refusals()[0][3] == path  # the request's path, where the service gave none


@pytest.mark.django_db
def test_a_refused_api_read_is_logged(restricted: Any, mash_worker: Any) -> None:
    response = client_for(mash_worker).get(f"/api/v1/enquiries/{restricted.pk}")

    assert response.status_code == 403
    assert [(r[0], r[1], r[2], r[3]) for r in refusals()] == [
        ("mash_worker", restricted.child_id, "enquiry", f"/api/v1/enquiries/{restricted.pk}")
    ]


@pytest.mark.django_db
def test_outside_a_request_a_refusal_is_written_at_once(restricted: Any, mash_worker: Any) -> None:
    from django.utils import timezone

    from frontdoor.audit.services import access_log_record
    from frontdoor.restricted.guard import RestrictedRecord

    with pytest.raises(RestrictedRecord):
        access_log_record(
            user=mash_worker,
            children=[restricted.child],
            record=restricted,
            action=AccessAction.VIEW,
            at=timezone.now(),
        )

    assert [(r[0], r[1], r[2]) for r in refusals()] == [
        ("mash_worker", restricted.child_id, "enquiry")
    ]


@pytest.mark.django_db
def test_the_named_and_those_who_broke_the_glass_are_not_refused(
    restricted: Any, mash_manager: Any, head_of_service: Any
) -> None:
    child = restricted.child
    assert client_for(mash_manager).get(f"/children/{child.pk}/").status_code == 200
    break_glass_open(child=child, reason=REASON, by=head_of_service)
    assert client_for(head_of_service).get(f"/children/{child.pk}/").status_code == 200
    assert refusals() == []


# ------------------------------------------------------------------ auditing a restricted record


@pytest.mark.django_db
def test_the_dpo_sees_what_a_user_who_broke_the_glass_accessed(
    restricted: Any, head_of_service: Any, mash_worker: Any, data_protection_officer: Any
) -> None:
    """Once a user has broken the glass, "what did this user access" still opens for the
    data protection officer, with the child as its record number."""
    child = restricted.child
    break_glass_open(child=child, reason=REASON, by=head_of_service)
    client_for(head_of_service).get(f"/children/{child.pk}/")
    client_for(mash_worker).get(f"/children/{child.pk}/")  # refused
    dpo = client_for(data_protection_officer)

    page = dpo.get("/audit/users/", {"username": "head_of_service"})

    assert page.status_code == 200
    html = page.content.decode()
    assert f"Restricted record (record {child.pk})" in html
    assert child.first_name not in html and child.last_name not in html
    assert REASON in html  # the break-glass reason
    refused = dpo.get("/audit/users/", {"username": "mash_worker"}).content.decode()
    assert "Refused" in refused and "Tried to view a restricted record" in refused
    assert child.first_name not in refused
    audited = AccessLogEntry.objects.filter(user=data_protection_officer)
    assert {(e.action, e.child_id) for e in audited} == {(AccessAction.AUDIT, child.pk)}


@pytest.mark.django_db
def test_the_dpo_audits_who_accessed_a_restricted_record_and_exports_it_masked(
    restricted: Any, head_of_service: Any, data_protection_officer: Any
) -> None:
    child = restricted.child
    break_glass_open(child=child, reason=REASON, by=head_of_service)
    dpo = client_for(data_protection_officer)

    page = dpo.get("/audit/children/", {"child": str(child.pk)}).content.decode()
    export_page = dpo.get("/audit/children/export/", {"child": str(child.pk)})
    export = dpo.post(
        f"/audit/children/export/?child={child.pk}", {"reason": "Complaint C-12 about access"}
    )

    assert f"Who accessed Restricted record (record {child.pk})" in page
    assert "ask the record's owner to name you on it" in page  # no break-glass for the DPO
    assert "head_of_service" in page and REASON in page
    title = export_page.content.decode()
    assert f"Export who accessed Restricted record (record {child.pk})" in title
    rows = list(csv.reader(io.StringIO(export.getvalue().decode())))
    assert {r[7] for r in rows[1:]} == {f"Restricted record (record {child.pk})"}
    for text in (page, title, str(rows)):
        assert child.first_name not in text and child.last_name not in text
    audited = AccessLogEntry.objects.filter(user=data_protection_officer).order_by("id")
    # The page, the export page (it names the child) and the export, each an audit.
    assert [(e.action, e.path) for e in audited] == [
        (AccessAction.AUDIT, "/audit/children/"),
        (AccessAction.AUDIT, "/audit/children/export/"),
        (AccessAction.AUDIT, "/audit/children/export/"),
    ]
    assert audited.last().reason == "Complaint C-12 about access"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_an_auditor_may_break_the_glass_to_see_whose_record_it_is(
    restricted: Any, auditor: Any
) -> None:
    child = restricted.child
    client = client_for(auditor)
    audit = f"/audit/children/?child={child.pk}"

    page = client.get(audit).content.decode()
    assert child.first_name not in page
    link = reverse("break-glass", args=[child.pk])
    assert link in page
    response = client.post(link, {"reason": REASON, "next": audit})
    assert response["Location"] == audit

    assert child.full_name in client.get(audit).content.decode()
