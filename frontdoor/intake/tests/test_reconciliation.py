"""Reconciliation: every submission against its contact, gaps flagged and alerted once."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from frontdoor.intake.models import Contact, IntakeAlert
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.reconciliation import (
    Flag,
    reconciliation_alerts_raise,
    reconciliation_rows,
    reconciliation_summary,
)
from frontdoor.intake.services import contact_screen
from frontdoor.intake.submissions import Received, submission_receive
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import referral_document
from frontdoor.work.housekeeping import tick

pytestmark = pytest.mark.django_db


def receive(key: str) -> Received:
    return submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel="online_form",
        idempotency_scope="online_form",
        idempotency_key=key,
    )


@pytest.fixture
def broken_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    from frontdoor.intake import submissions

    def broken(*args: Any, **kwargs: Any) -> Contact:
        raise LookupError("no MASH policy")

    monkeypatch.setattr(submissions, "_contact_from", broken)


def test_a_submission_made_into_a_contact_and_in_time_is_ok(org: Any) -> None:
    received = receive("a")

    (row,) = reconciliation_rows()

    assert row.submission == received.submission and row.ok
    assert (row.children, row.screened) == (1, 0)
    assert row.acknowledgement in ("pending", "sent")


def test_a_submission_with_no_contact_is_flagged(org: Any, broken_conversion: None) -> None:
    receive("a")

    (row,) = reconciliation_rows(problems_only=True)

    assert row.flags == (Flag.NO_CONTACT,)
    assert reconciliation_summary().without_contact == 1


def test_an_unscreened_submission_past_its_clock_is_flagged_then_cleared_by_screening(
    org: Any, mash_worker: Any
) -> None:
    received = receive("a")
    assert received.submission.contact is not None
    link = received.submission.contact.children.get()
    late = link.screening_due_at + timedelta(minutes=1)

    (row,) = reconciliation_rows(now=late)
    assert Flag.SCREENING_OVERDUE in row.flags

    contact_screen(
        contact_child=link, outcome="advice_nfa", rationale="Advice given", by=mash_worker, at=late
    )
    (row,) = reconciliation_rows(now=late)
    assert row.ok and row.screened == 1


def test_each_gap_raises_one_alert_to_the_contact_centre_managers_and_clears_itself(
    org: Any, contact_manager: Any, mash_worker: Any
) -> None:
    received = receive("a")
    assert received.submission.contact is not None
    link = received.submission.contact.children.get()
    late = link.screening_due_at + timedelta(minutes=1)

    first = reconciliation_alerts_raise(now=late)
    again = reconciliation_alerts_raise(now=late + timedelta(minutes=1))

    assert [alert.kind for alert in first] == ["screening_overdue"] and again == []
    (email,) = Message.objects.filter(kind="intake_alert")
    assert email.to == contact_manager.email
    assert received.submission.reference in email.body

    contact_screen(
        contact_child=link, outcome="early_help", rationale="Early help", by=mash_worker, at=late
    )
    reconciliation_alerts_raise(now=late + timedelta(minutes=2))
    assert IntakeAlert.objects.get().resolved_at is not None


def test_the_housekeeping_tick_raises_alerts(org: Any, broken_conversion: None) -> None:
    receive("a")

    report = tick()

    assert report.alerts_raised == 1
    assert IntakeAlert.objects.get().kind == "no_contact"


def test_the_command_lists_every_submission_and_fails_when_there_is_a_gap(
    org: Any, broken_conversion: None
) -> None:
    received = receive("a")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("reconcile", "--csv", stdout=out, stderr=err)

    assert exited.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("reference,received_at")
    assert received.submission.reference in lines[1] and "No contact" in lines[1]
    assert "1 without" in err.getvalue()


def test_the_command_succeeds_when_every_submission_is_a_contact_in_time(org: Any) -> None:
    receive("a")
    out = io.StringIO()

    call_command("reconcile", "--raise-alerts", stdout=out, stderr=io.StringIO())

    assert "screened 0/1  ok" in out.getvalue()


def test_the_reconciliation_page_shows_gaps_to_the_contact_centre_manager(
    org: Any, contact_manager: Any, broken_conversion: None
) -> None:
    received = receive("a")
    reconciliation_alerts_raise()
    client = Client()
    client.force_login(contact_manager)

    response = client.get(reverse("reconciliation"), {"period": "1", "problems": "1"})

    assert response.status_code == 200
    body = response.content.decode()
    assert received.submission.reference in body
    assert "No contact" in body and "Open alerts" in body


def test_the_reconciliation_page_ignores_a_made_up_period(org: Any, contact_manager: Any) -> None:
    client = Client()
    client.force_login(contact_manager)

    assert client.get(reverse("reconciliation"), {"period": "9999999999"}).status_code == 200
