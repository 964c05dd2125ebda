"""Case supervision in real Chromium, with an axe-core scan of every page: an assessment
manager opens Supervision, sees a worker with an overdue case, records a supervision with an
action, marks the action done, and records management oversight on the child."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from frontdoor.oversight.models import OversightEntry, SupervisionRecord
from frontdoor.testing.factories import PASSWORD, accepted
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import axe_violations, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _weekday_morning(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(10)))


def _fill_date(page: Any, name: str, day: Any) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def test_a_manager_records_supervision_of_an_overdue_case(live_server: Any) -> None:
    manager = persona("assessment_manager")
    worker = persona("assessment_worker")
    # Allocated about two months ago and never supervised: overdue (20 working days).
    child = accepted(received_at=_weekday_morning(60)).child
    today = timezone.localdate()

    with chromium_page() as page:
        broken: list[str] = []
        page.on(
            "response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None
        )
        scanned: list[str] = []

        def scan() -> None:
            scanned.append(page.url)
            assert axe_violations(page) == [], page.url

        page.goto(live_server.url + "/sign-in/")
        page.get_by_label("Username").fill(manager.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        # Supervision: the worker has one case overdue.
        page.goto(live_server.url + "/supervision/")
        scan()
        main = page.locator("main").inner_text()
        assert "1 case overdue for supervision" in main
        row = page.get_by_role("row", name=worker.display_name)
        assert row.get_by_role("cell").nth(0).inner_text().strip() == "1"  # overdue
        assert "None recorded" in row.inner_text()

        # The worker's cases, then the form.
        page.get_by_role("link", name=worker.display_name).click()
        scan()
        assert child.full_name in page.locator("main").inner_text()
        assert "Overdue" in page.locator("main").inner_text()
        page.get_by_role("link", name=f"Record supervision for {child.full_name}").click()
        scan()

        # Nothing filled in: the error summary.
        page.get_by_role("button", name="Record supervision").click()
        scan()
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Enter the date of the supervision" in summary
        assert "Enter what the child's lived experience is" in summary

        _fill_date(page, "held_at", today)
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
        page.get_by_role("button", name="Record supervision").click()
        scan()
        assert "Enter when action 1 is due" in page.locator(".govuk-error-summary").inner_text()
        assert SupervisionRecord.objects.count() == 0
        _fill_date(page, "action1_due", today + timedelta(days=7))
        page.get_by_role("button", name="Record supervision").click()

        # The record, its action, and marking it done.
        scan()
        assert page.locator(".govuk-error-summary").count() == 0, page.locator(
            ".govuk-error-summary"
        ).inner_text()
        main = page.locator("main").inner_text()
        assert "Case supervision" in main and "Joint visit with police" in main
        assert "Overdue" not in main.split("Actions", 1)[1]
        page.get_by_role("button", name="Mark done action 1").click()
        scan()
        assert "Done " in page.locator("main").inner_text()

        # Management oversight on the child.
        page.get_by_role("link", name=f"Add management oversight for {child.full_name}").click()
        scan()
        page.get_by_role("button", name="Record oversight").click()
        scan()
        assert "Enter your direction" in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("Your direction and the reasons for it").fill(
            "Agree the plan; make sure Sam's own words are in the assessment."
        )
        page.get_by_role("button", name="Record oversight").click()
        scan()
        assert page.url.rstrip("/").endswith(f"/children/{child.pk}")
        assert "Management oversight recorded" in page.locator("main").inner_text()

        # Back on Supervision the worker has nothing overdue.
        page.goto(live_server.url + "/supervision/")
        scan()
        assert "overdue for supervision" not in page.locator("main").inner_text()

        assert broken == []
        assert len(scanned) == 11

    record = SupervisionRecord.objects.get()
    assert (record.child_id, record.worker_id, record.supervisor_id) == (
        child.pk,
        worker.pk,
        manager.pk,
    )
    assert record.actions.get().completed_by == manager
    assert OversightEntry.objects.get().child_id == child.pk
