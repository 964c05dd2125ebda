"""The data protection officer's pages in real Chromium, each scanned with axe-core: the
retention rules, a review batch, keeping a record, and the subject access request."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.retention.models import ItemStatus, RetentionItem
from frontdoor.retention.services import retention_propose
from frontdoor.retention.tests.conftest import NOW, OLD, screen_all
from frontdoor.testing.factories import contact_child_of, contact_recorded
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_officer_reviews_a_batch_and_asks_for_a_subject_access_export(
    live_server: Any,
) -> None:
    persona("data_protection_officer")
    contact = screen_all(contact_recorded(received_at=OLD))
    child = contact_child_of(contact).child
    review = retention_propose(at=NOW)
    assert review is not None

    with chromium_page() as page:
        journey = Journey(page, live_server.url)
        journey.sign_in("data_protection_officer", scan=False)
        # Signing in lands on the home page, which has nothing for this role yet (403).
        journey.broken.clear()
        journey.go("/retention/")
        assert "6 years" in journey.main
        journey.follow(review.reference)
        assert contact.reference in journey.main and "To be deleted" in journey.main
        journey.follow(f"Keep Contact {contact.reference}")
        journey.submit("Keep this record")
        assert "Enter why this record must be kept" in journey.main
        page.get_by_label("Why must this record be kept?").fill("Legal hold: claim LH-1")
        journey.submit("Keep this record")
        assert "Legal hold: claim LH-1" in journey.main
        assert RetentionItem.objects.get().status == ItemStatus.EXCLUDED

        journey.go("/subject-access/")
        journey.submit("Continue")
        assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("Child's record number or NHS number").fill(str(child.pk))
        page.get_by_label("Why are you exporting this child's records?").fill("SAR-2026-1")
        journey.submit("Continue")
        assert "Check this is the right child" in journey.main and "Sam Example" in journey.main
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the export").click()
        assert download.value.suggested_filename.endswith(".zip")
    assert journey.broken == [], journey.broken
