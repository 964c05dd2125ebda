"""Break-glass in real Chromium, with an axe-core scan of every page: a MASH worker opens a
restricted child's page, lands on the break-glass page, is asked for a reason, gives one and
sees the record; the record's owner sees the alert with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.restricted.models import BreakGlass
from frontdoor.restricted.services import restriction_create
from frontdoor.testing.factories import screened_to_mash
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "A police referral about this child has just come in and I am screening it."


def test_a_worker_breaks_the_glass_and_the_owner_sees_the_alert(live_server: Any) -> None:
    owner = persona("mash_manager")
    worker = persona("mash_worker")
    child = screened_to_mash().child
    restriction_create(
        child=child,
        category="high_profile",
        reason="Named in the local press.",
        by=owner,
    )

    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.sign_in(worker.username, scan=False)

        # The child's page sends the worker to the break-glass page, which names no one.
        j.go(f"/children/{child.pk}/")
        assert f"/children/{child.pk}/break-glass/" in page.url
        assert "This is a restricted record" in j.main
        assert f"record {child.pk}" in j.main and child.last_name not in j.main

        # No reason: the error summary.
        j.submit("Open the record")
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "in at least a sentence" in summary
        assert not BreakGlass.objects.exists()

        # A reason: the record opens.
        page.get_by_label("Why do you need to open this record?").fill(REASON)
        j.submit("Open the record")
        assert page.url.endswith(f"/children/{child.pk}/")
        assert child.full_name in page.locator("h1").inner_text()
        assert "Only named people may see this record" in j.main

        # The owner sees the alert, with the reason.
        j.sign_in(owner.username, scan=False)
        j.go("/queue/")
        j.follow("Break-glass alerts")
        assert REASON in j.main and worker.display_name in j.main and "Your record" in j.main

    assert j.broken == [], j.broken
    assert BreakGlass.objects.get().reason == REASON
