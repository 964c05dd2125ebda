"""Subject access: one zip with every section for a child with a full journey, logged with
the reason given."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest

from frontdoor.assessments.services import assessment_start
from frontdoor.audit.models import AccessLogEntry
from frontdoor.people.models import Person
from frontdoor.retention.subject_access import SECTIONS, subject_access_export
from frontdoor.testing.factories import (
    accepted,
    decided,
    local,
    request_sent,
    screened_to_mash,
    signed_off,
    visited,
)
from frontdoor.testing.fixtures import client_for, refused
from frontdoor.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(org: Any) -> Person:
    """Contact, screening, MASH enquiry, partner request, decision, transfer, visit, assessment."""
    enquiry = screened_to_mash()
    request_sent(enquiry=enquiry)
    decision = signed_off(decision=decided(enquiry=enquiry))
    transfer = accepted(decision=decision)
    visited(transfer=transfer)
    assessment_start(
        transfer=transfer,
        started_on=date(2026, 3, 4),
        by=persona("assessment_worker"),
        at=local(2026, 3, 4, 12),
    )
    return enquiry.child


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_has_every_section_for_a_full_journey(journey: Person) -> None:
    dpo = persona("data_protection_officer")
    export = subject_access_export(child=journey, reason="SAR-2026-014", by=dpo)
    files = unzip(export.content)
    assert {f"sections/{s.key}.json" for s in SECTIONS} <= set(files)
    assert "summary.html" in files
    for key in (
        "person",
        "addresses",
        "contacts",
        "screening",
        "referrals",
        "enquiries",
        "ratings",
        "partner_requests",
        "decisions",
        "transfers",
        "visits",
        "assessments",
        "chronology",
    ):
        rows = json.loads(files[f"sections/{key}.json"])
        assert rows, f"{key} is empty"
        assert export.counts[key] == len(rows)
    person = json.loads(files["sections/person.json"])[0]
    assert person["first_name"] == "Sam" and person["sex_label"] == "Male"
    requests = json.loads(files["sections/partner_requests.json"])
    assert requests[0]["agency"]  # the agency by name as well as id
    summary = files["summary.html"].decode()
    assert "Everything held about Sam Example" in summary
    assert "Section 47 enquiries" in summary and "None held." in summary


def test_the_export_is_logged_with_its_reason(journey: Person) -> None:
    dpo = persona("data_protection_officer")
    subject_access_export(child=journey, reason="SAR-2026-014 from the mother", by=dpo)
    entry = AccessLogEntry.objects.filter(user=dpo).get()
    assert entry.child == journey
    assert "SAR-2026-014 from the mother" in entry.reason
    assert "contacts" in entry.fields and "assessments" in entry.fields


def test_an_export_without_a_reason_is_refused(journey: Person) -> None:
    dpo = persona("data_protection_officer")
    with refused("reason", "Enter why"):
        subject_access_export(child=journey, reason=" ", by=dpo)


def test_an_export_includes_documents(org: Any) -> None:
    from frontdoor.intake.documents import document_check
    from frontdoor.intake.models import Submission
    from frontdoor.intake.payload import ReferralIn
    from frontdoor.intake.submissions import submission_receive
    from frontdoor.retention.tests.conftest import PDF
    from frontdoor.testing.factories import referral_document

    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="online_form",
        idempotency_scope="online_form",
        idempotency_key="k",
        extra_documents=[document_check(filename="letter.pdf", content=PDF)],
    )
    contact = Submission.objects.get(pk=received.submission.pk).contact
    assert contact is not None
    child = contact.children.get().child
    files = unzip(
        subject_access_export(
            child=child, reason="SAR", by=persona("data_protection_officer")
        ).content
    )
    documents = json.loads(files["sections/documents.json"])
    assert documents[0]["filename"] == "letter.pdf"
    assert files[documents[0]["file"]] == PDF
    assert json.loads(files["sections/submissions.json"])[0]["payload"]


def test_the_page_asks_which_child_and_why_then_downloads(journey: Person) -> None:
    dpo = persona("data_protection_officer")
    client = client_for(dpo)
    page = client.post("/subject-access/", {"child": "", "reason": ""})
    assert page.status_code == 200
    body = page.content.decode()
    assert "There is a problem" in body and "record number or NHS number" in body
    page = client.post("/subject-access/", {"child": "999999", "reason": "SAR-1"})
    assert "No child has this record number" in page.content.decode()
    check = client.post("/subject-access/", {"child": str(journey.pk), "reason": "SAR-1"})
    assert "Check this is the right child" in check.content.decode()
    assert not AccessLogEntry.objects.filter(user=dpo).exclude(reason="").exists()
    download = client.post(
        "/subject-access/", {"child": str(journey.pk), "reason": "SAR-1", "confirmed": "yes"}
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    assert "sections/contacts.json" in unzip(download.content)
    assert AccessLogEntry.objects.filter(user=dpo, reason__contains="SAR-1").exists()
