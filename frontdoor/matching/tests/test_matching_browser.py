"""Finding a child we already know from a misspelt contact, in real Chromium, with axe scans.

The contact centre officer searches for the child first (Find a child), then records a
contact whose details are misspelt (nickname, sound-alike surname, day and month of birth
swapped): the page shows the known child as a possible match with the reasons, the officer
chooses them, and the contact joins the child's record instead of making a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import time_machine

from frontdoor.intake.models import Contact
from frontdoor.people.models import Person
from frontdoor.people.services import ChildDetails, child_create
from frontdoor.testing.factories import contact_recorded, local
from frontdoor.web.tests.browser import chromium_page
from frontdoor.web.tests.test_journey_browser import Journey, _people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _two_days_after_the_contact() -> Iterator[None]:
    """The contact typed in was received on Monday 23 November 2026: the journey runs two
    days later, whatever day the suite runs on (docs/adr/0020-tests-pass-at-any-moment.md)."""
    with time_machine.travel(local(2026, 11, 25, 10), tick=True):
        yield


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _known_child(by: Any) -> Person:
    william = child_create(
        details=ChildDetails(
            first_name="William",
            last_name="Thompson",
            date_of_birth=date(2014, 3, 9),
            sex="M",
            postcode="DC1 2AB",
            address_line_1="14 Mill Lane",
        ),
        by=by,
    )
    contact_recorded(children=[william], by=by)
    # Someone else entirely, who must not be offered.
    child_create(
        details=ChildDetails(first_name="Priya", last_name="Kaur", date_of_birth=date(2011, 5, 2)),
        by=by,
    )
    return william


def _fill_contact(page: Any) -> None:
    page.fill("#received_date-day", "23")
    page.fill("#received_date-month", "11")
    page.fill("#received_date-year", "2026")
    page.fill("#received_time", "09:15")
    page.get_by_label("Phone", exact=True).check()
    page.select_option("#source", "2A")
    page.get_by_label("First name").fill("Bill")
    page.get_by_label("Last name").fill("Tomson")
    page.fill("#date_of_birth-day", "3")
    page.fill("#date_of_birth-month", "9")
    page.fill("#date_of_birth-year", "2014")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Postcode where the child lives (optional)").fill("dc1 2ab")
    page.get_by_label("What is the concern, in the referrer's words?").fill(
        "Bill's school says he has come in hungry every day this week."
    )
    page.locator("input[name=immediate_risk][value=no]").check()
    page.locator("input[name=consent_status][value=given]").check()
    page.locator("input[name=lawful_basis][value=public_task]").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_an_officer_finds_a_known_child_from_a_misspelt_contact(
    live_server: Any, javascript: bool
) -> None:
    people = _people()
    william = _known_child(people["officer"])
    with chromium_page(javascript=javascript) as page:
        j = Journey(page, live_server.url, axe=javascript)
        j.sign_in("officer")

        # Find a child: misspelt and with only the year of birth.
        j.follow("Find a child")
        page.get_by_label("First name").fill("Bill")
        page.get_by_label("Last name").fill("Tomson")
        page.fill("#date_of_birth-year", "2014")
        j.submit("Search")
        results = page.locator("#results").inner_text()
        assert "1 possible match" in results
        body = page.locator("main").inner_text()
        assert "William Thompson" in body and "Priya Kaur" not in body
        assert "short form (Bill / William)" in body

        # A bad search is explained, not a crash.
        page.fill("#date_of_birth-day", "31")
        page.fill("#date_of_birth-month", "2")
        j.submit("Search")
        assert "must be a real date" in page.locator(".govuk-error-summary").inner_text()

        # Record a contact with the same misspelt details.
        j.follow("Record a contact")
        _fill_contact(page)
        j.submit("Save contact")
        banner = page.locator(".govuk-notification-banner").inner_text()
        assert "This child may already be known" in banner
        assert Contact.objects.count() == 1  # nothing saved yet

        # Saving without answering asks for an answer.
        j.submit("Save contact")
        assert "Select the child this contact is about" in (
            page.locator(".govuk-error-summary").inner_text()
        )
        choice = page.locator("#matches")
        text = choice.inner_text()
        assert "William Thompson" in text and "High confidence" in text
        assert "day and month of birth swapped" in text
        assert "1 previous contact" in text

        # The weights behind the match are on the page.
        page.get_by_text("How these matches were scored").click()
        assert "Total" in page.locator(".govuk-details__text").inner_text()

        page.get_by_label("William Thompson", exact=False).check()
        j.submit("Save contact")
        assert page.locator("h1").inner_text().startswith("Contact C")

        # The contact joined William's record: no new child, two contacts on his page.
        assert Person.objects.count() == 2
        j.follow("William Thompson")
        assert page.locator("h1").inner_text() == "William Thompson"
        assert page.locator("table").first.inner_text().count("C00") == 2

    assert j.broken == []
    assert Contact.objects.filter(children__child=william).count() == 2
