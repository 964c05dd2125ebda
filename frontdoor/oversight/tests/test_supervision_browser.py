"""Case supervision in real Chromium, with an axe-core scan of every page: an assessment
manager opens Supervision, sees a worker with an overdue case, records a supervision with an
action, marks the action done, and records management oversight on the child."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from frontdoor.oversight.models import OversightEntry, SupervisionRecord
from frontdoor.testing.factories import accepted
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _weekday_morning(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_a_manager_records_supervision_of_an_overdue_case(live_server: Any) -> None:
    manager = persona("assessment_manager")
    worker = persona("assessment_worker")
    # Allocated about two months ago and never supervised: overdue (20 working days).
    child = accepted(received_at=_weekday_morning(60)).child
    today = timezone.localdate()

    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.sign_in(manager.username, scan=False)

        # Supervision: the worker has one case overdue.
        j.go("/supervision/")
        main = j.main
        assert "1 case overdue for supervision" in main
        row = page.get_by_role("row", name=worker.display_name)
        assert row.get_by_role("cell").nth(0).inner_text().strip() == "1"  # overdue
        assert "None recorded" in row.inner_text()

        # The worker's cases, then the form.
        j.follow(worker.display_name)
        assert child.full_name in j.main
        assert "Overdue" in j.main
        j.follow(f"Record supervision for {child.full_name}")

        # Nothing filled in: the error summary.
        j.submit("Record supervision")
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Enter the date of the supervision" in summary
        assert "Enter what the child's lived experience is" in summary

        j.date("held_at", today)
        page.get_by_label("Time of the supervision").fill("00:00")
        page.get_by_label("What is the child's lived experience?").fill(
            "Sam says he hides upstairs when the adults argue."
        )
        page.get_by_label("What is working well?").fill("School see Sam every day.")
        page.get_by_label("What are we worried about?").fill("Two police call-outs in March.")
        page.get_by_label("Analysis").fill("Cumulative harm; mum needs support to protect.")
        page.get_by_label("Decisions and plan").fill("Joint visit; review in 4 weeks.")
        page.get_by_label("Action 1: what needs to happen").fill("Joint visit with police")
        # An owner but no due date: refused, with the rest kept.
        page.get_by_label("Action 1: who owns it").select_option(label=worker.display_name)
        j.submit("Record supervision")
        assert "Enter when action 1 is due" in page.locator(".govuk-error-summary").inner_text()
        assert SupervisionRecord.objects.count() == 0
        j.date("action1_due", today + timedelta(days=7))
        j.submit("Record supervision")

        # The record, its action, and marking it done.
        assert page.locator(".govuk-error-summary").count() == 0, page.locator(
            ".govuk-error-summary"
        ).inner_text()
        main = j.main
        assert "Case supervision" in main and "Joint visit with police" in main
        assert "Overdue" not in main.split("Actions", 1)[1]
        j.submit("Mark done action 1")
        assert "Done " in j.main

        # Management oversight on the child.
        j.follow(f"Add management oversight for {child.full_name}")
        j.submit("Record oversight")
        assert "Enter your direction" in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("Your direction and the reasons for it").fill(
            "Agree the plan; make sure Sam's own words are in the assessment."
        )
        j.submit("Record oversight")
        assert page.url.rstrip("/").endswith(f"/children/{child.pk}")
        assert "Management oversight recorded" in j.main

        # Back on Supervision the worker has nothing overdue.
        j.go("/supervision/")
        assert "overdue for supervision" not in j.main

        assert j.broken == []
        assert len(j.scanned) == 11

    record = SupervisionRecord.objects.get()
    assert (record.child_id, record.worker_id, record.supervisor_id) == (
        child.pk,
        worker.pk,
        manager.pk,
    )
    assert record.actions.get().completed_by == manager
    assert OversightEntry.objects.get().child_id == child.pk
