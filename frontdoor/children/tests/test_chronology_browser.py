"""Knowing the child, in real Chromium with an axe-core scan of every page: a child contacted
for the fourth time is screened (the repeat warning, a reason for rating below the proposal),
then the MASH opens the child's chronology, filters it and prints it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frontdoor.intake.tests.test_repeats import sam_history
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARNING = (
    "Contacted 4 times in 12 months (3 previous contacts). "
    "Re-referral: referred on 3 March 2026. The repeat rule proposes at least Amber."
)


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_repeat_child_is_screened_with_the_warning_and_the_chronology_is_filtered_and_printed(
    live_server: Any, javascript: bool
) -> None:
    sam = sam_history()
    persona("mash_worker")
    link = sam["new"]
    child = sam["child"]

    with chromium_page(javascript=javascript) as page:
        v = Journey(page, live_server.url, axe=javascript)
        v.sign_in("mash_worker")

        # Screening the fourth contact: the warning, the previous contacts and their outcomes.
        v.go(reverse("contact-detail", args=[link.contact_id]))
        v.follow("Record screening decision")
        warning = page.locator(".govuk-warning-text")
        assert WARNING in warning.inner_text()
        history = page.locator("table", has_text="Previous contacts")
        assert history.locator("tbody tr").count() == 3
        assert "Early help" in history.inner_text()

        # Rating below the proposal without a reason is refused through the error summary.
        page.get_by_label("MASH enquiry").check()
        page.get_by_label("Green").check()
        page.get_by_label("Reason for the decision").fill("A low-level concern on its own.")
        v.submit("Record decision")
        summary = page.locator(".govuk-error-summary")
        assert "lower than the repeat rule proposes (at least Amber)" in summary.inner_text()
        summary.get_by_role("link").first.click()
        page.get_by_label("If your decision is lower than the repeat rule proposes, why?").fill(
            "The school confirms the earlier concerns were resolved."
        )
        v.submit("Record decision")
        assert page.get_by_role("heading", level=1).inner_text() == "MASH enquiry"
        assert WARNING in page.locator(".govuk-warning-text").inner_text()

        # The chronology: everything, oldest first, then filtered to contacts and a date range.
        v.follow(f"{child.full_name}'s chronology")
        assert page.get_by_role("heading", level=1).inner_text() == "Chronology"
        categories = page.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.category)"
        )
        assert categories[0] == "record" and "enquiries" in categories
        print_button = page.get_by_role("button", name="Print this chronology")
        assert print_button.is_visible() is javascript

        page.get_by_label("Contacts and screening").check()
        page.fill("#since-day", "1")
        page.fill("#since-month", "2")
        page.fill("#since-year", "2026")
        v.submit("Apply filters")
        shown = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.category)")
        assert shown and set(shown) == {"contacts"}
        assert "from 1 February 2026" in page.locator("#chronology-shown").inner_text()
        assert "category=contacts" in page.url  # a GET form: the filter is in the address
        dates = page.locator("tbody time").evaluate_all(
            "times => times.map(t => t.getAttribute('datetime'))"
        )
        assert dates == sorted(dates) and dates[0] >= "2026-02-01"

        # An impossible date is explained, linked from the error summary.
        page.fill("#until-day", "31")
        page.fill("#until-month", "2")
        page.fill("#until-year", "2026")
        v.submit("Apply filters")
        assert "Date to must be a real date" in page.locator(".govuk-error-summary").inner_text()

        # Printing: the button calls window.print; the print stylesheet hides the header, the
        # navigation and the filters, and puts the child and the filter on every page.
        v.follow("Clear filters")
        if javascript:
            page.evaluate("() => { window.printed = 0; window.print = () => window.printed++; }")
            page.get_by_role("button", name="Print this chronology").click()
            assert page.evaluate("window.printed") == 1
        heading = page.locator(".fd-print-heading")
        assert not heading.is_visible()
        page.emulate_media(media="print")
        assert heading.is_visible()
        assert f"{child.full_name}, born 1 May 2018" in heading.inner_text()
        assert "All categories; all dates; oldest first" in heading.inner_text()
        for hidden in ("header[role=banner]", ".fd-chronology-filter", ".govuk-footer"):
            assert not page.locator(hidden).first.is_visible(), hidden
        assert (
            page.locator("thead").first.evaluate("el => getComputedStyle(el).display")
            == "table-header-group"
        )
        page.emulate_media(media="screen")

    assert len(v.scanned) >= 8
    assert v.broken == []  # every stylesheet and script loaded; no script errors
