"""Correcting and completing records in real Chromium, with an axe-core scan of every page: a
MASH worker corrects a child's date of birth (refused without a reason, then kept with its
before and after in the history and the chronology), and adds a parent with parental
responsibility and an alleged perpetrator from the contact's page, then sees both on the
child's page; the police navigator sees the parent but not the alleged perpetrator."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.testing.factories import child_details, contact_child_of, local
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_worker_corrects_a_date_of_birth_and_adds_a_parent_and_an_alleged_perpetrator(
    live_server: Any, javascript: bool, contact_recorded: Any, request_sent: Any
) -> None:
    persona("mash_worker")
    persona("police_practitioner")
    contact = contact_recorded(
        received_at=local(2026, 3, 2, 10),
        children=[child_details(first_name="Jaden", last_name="Okafor")],
    )
    child = contact_child_of(contact).child

    with chromium_page(javascript=javascript) as page:
        j = Journey(page, live_server.url, axe=javascript)
        j.sign_in("mash_worker")

        # The date of birth was misheard: refused without a reason, then corrected.
        j.go(reverse("child-detail", args=[child.pk]))
        j.follow("Correct or complete Jaden Okafor's details")
        j.date("date_of_birth", date(2018, 5, 2))
        j.submit("Save the corrections")
        summary = page.locator(".govuk-error-summary")
        assert "Enter why the record is being changed" in summary.inner_text()
        page.get_by_label("Why are you changing the record?").fill(
            "Birth certificate seen at the home visit"
        )
        j.submit("Save the corrections")
        history = page.locator(".moj-timeline").inner_text()
        assert "Record corrected: date of birth" in history
        assert "was 1 May 2018, now 2 May 2018" in history
        assert "Birth certificate seen at the home visit" in history
        assert "2 May 2018" in page.locator(".govuk-summary-list").first.inner_text()
        j.follow("View Jaden Okafor's chronology")
        assert "was 1 May 2018, now 2 May 2018" in j.main

        # From the contact's page: the mother, with parental responsibility.
        j.go(reverse("contact-detail", args=[contact.pk]))
        j.follow("Add a parent, carer or other adult")
        page.get_by_label("First name").fill("Grace")
        page.get_by_label("Last name").fill("Okafor")
        j.choose("How are they related to the child?", "Parent")
        j.choose("Do they have parental responsibility?", "Yes")
        j.choose("Do they live in the child's household?", "Yes")
        j.choose("Are they alleged to have harmed the child, or to pose a risk to them?", "No")
        j.submit("Save the person")
        assert page.get_by_role("heading", level=1).inner_text() == f"Contact {contact.reference}"

        # And her partner, who the school says hurt Jaden.
        j.follow("Add a parent, carer or other adult")
        page.get_by_label("First name").fill("Dean")
        page.get_by_label("Last name").fill("Cole")
        j.choose("How are they related to the child?", "Parent's partner")
        j.choose("Do they have parental responsibility?", "No")
        j.choose("Do they live in the child's household?", "Yes")
        j.choose("Are they alleged to have harmed the child, or to pose a risk to them?", "Yes")
        page.get_by_label("Notes (optional)").fill("Named by Jaden to his teacher")
        j.submit("Save the person")

        # Both are on the child's page, in the household.
        j.go(reverse("child-detail", args=[child.pk]))
        household = page.locator("table", has_text="Parental responsibility").inner_text()
        assert "Grace Okafor" in household and "Dean Cole" in household
        assert "Alleged perpetrator" in household
        j.follow("Dean Cole")
        assert page.get_by_role("heading", level=1).inner_text() == "Dean Cole"
        assert "Jaden Okafor" in j.main
        assert j.broken == []

    # The police navigator, asked for information, sees the mother but not Dean.
    from frontdoor.intake.services import contact_screen

    contact_screen(
        contact_child=contact_child_of(contact),
        outcome="mash_enquiry",
        rating="AMBER",
        rationale="Partner checks needed",
        by=persona("mash_worker"),
        at=local(2026, 3, 2, 11),
    )
    from frontdoor.mash.models import Enquiry

    request = request_sent(enquiry=Enquiry.objects.get(child=child), agency="police")
    with chromium_page(javascript=javascript) as page:
        j = Journey(page, live_server.url, axe=javascript)
        j.sign_in("police_practitioner")
        j.go(reverse("request-detail", args=[request.pk]))
        household = page.locator("main").inner_text()
        assert "Grace Okafor" in household
        assert "Dean Cole" not in household
