"""Duplicate records in real Chromium, with an axe-core scan of every page: a manager opens
the queue, compares two records, merges them, sees the child with both records' contacts,
and undoes the merge."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontdoor.intake.models import ContactChild
from frontdoor.matching.duplicates import duplicates_find
from frontdoor.matching.models import DuplicateStatus, PersonMerge
from frontdoor.people.models import Person
from frontdoor.testing.factories import PASSWORD, child_details, contact_child_of, contact_recorded
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import axe_violations, chromium_page, failures, two_factor_complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _child(first: str, last: str) -> Person:
    details = child_details(first_name=first, last_name=last, date_of_birth=date(2017, 6, 12))
    return contact_child_of(contact_recorded(children=[details])).child


def test_a_manager_merges_two_records_of_one_child_and_undoes_it(live_server: Any) -> None:
    persona("mash_manager")
    olivia = _child("Olivia", "Robinson")
    misspelt = _child("Olivai", "Robinsn")
    references = [ContactChild.objects.get(child=p).contact.reference for p in (olivia, misspelt)]
    assert duplicates_find() == 1

    with chromium_page() as page:
        broken = failures(page, console=False)
        scanned: list[str] = []

        def scan() -> None:
            scanned.append(page.url)
            assert axe_violations(page) == [], page.url

        page.goto(live_server.url + "/sign-in/")
        page.get_by_label("Username").fill("mash_manager")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        two_factor_complete(page, "mash_manager")

        # The queue, then the two records side by side.
        page.get_by_role("link", name="Duplicates").click()
        scan()
        main = page.locator("main").inner_text()
        assert "Olivia Robinson" in main and "Olivai Robinsn" in main and "High" in main
        page.get_by_role("link", name="Compare Olivia Robinson and Olivai Robinsn").click()
        scan()
        main = page.locator("main").inner_text()
        assert all(ref in main for ref in references)
        assert "Typing error" in main and "Total" in main

        # A merge with no choice made shows the error summary.
        page.get_by_role("button", name="Merge these records").click()
        scan()
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Select which record to keep" in summary and "Enter why" in summary

        page.get_by_label(f"Keep Olivia Robinson (record {olivia.pk})").check()
        page.get_by_label("Why are these records the same child?").fill(
            "The school confirmed Olivai Robinsn is a misspelling of Olivia's name."
        )
        page.get_by_role("button", name="Merge these records").click()
        scan()
        main = page.locator("main").inner_text()
        assert "was merged into this record" in main
        assert all(ref in main for ref in references)
        assert Person.objects.get(pk=misspelt.pk).merged_into_id == olivia.pk

        # The merged record's own page says where it went.
        page.get_by_role("link", name=f"Olivai Robinsn (record {misspelt.pk})").first.click()
        scan()
        assert "This record was merged into" in page.locator("main").inner_text()
        page.get_by_role("link", name=f"Olivia Robinson (record {olivia.pk})").first.click()
        scan()

        # Undo: the reviewer finds they are two different girls after all.
        page.get_by_role("link", name="Undo this merge").click()
        scan()
        page.get_by_label("Why are these two different children?").fill(
            "Two different girls: the school has both on roll."
        )
        page.get_by_role("button", name="Undo this merge").click()
        scan()
        main = page.locator("main").inner_text()
        assert "The merge was undone" in main
        assert references[1] not in main.split("Contacts", 1)[1].split("History", 1)[0]

        page.get_by_role("link", name="Duplicates").click()
        scan()
        assert "No possible duplicates are waiting" in page.locator("main").inner_text()

        assert broken == []
        assert len(scanned) == 9

    merge = PersonMerge.objects.get()
    assert merge.undone_at is not None and merge.pair is not None
    merge.pair.refresh_from_db()
    assert merge.pair.status == DuplicateStatus.NOT_SAME
    assert ContactChild.objects.get(contact__reference=references[1]).child_id == misspelt.pk
