"""A child and family assessment in real Chromium, with an axe-core scan of every page.

An accepted transfer → the assessment started → a visit (child seen alone) → completed (in
need, factors) → authorised by the assessment manager; the transfer then links to it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from frontdoor.assessments.models import Assessment, AssessmentStatus
from frontdoor.testing.factories import accepted
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_assessment_from_start_to_authorisation(live_server: Any) -> None:
    now = timezone.now()
    transfer = accepted(received_at=now - timedelta(days=7))
    persona("assessment_manager")
    yesterday = timezone.localdate() - timedelta(days=1)

    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.sign_in("assessment_worker", scan=False)
        j.go(f"/transfers/{transfer.pk}/")
        j.follow("Start the assessment")
        j.date("started_on", yesterday)
        j.submit("Start the assessment")
        assessment = Assessment.objects.get(transfer=transfer)
        assert f"Assessment A{assessment.pk}" in j.main
        assert "working days left" in j.main

        j.follow("Record a visit")
        j.date("visited_date", yesterday)
        page.get_by_label("Time of the visit").fill("14:00")
        j.choose("Was the child seen?", "Yes")
        j.choose("Was the child seen alone?", "Yes")
        page.get_by_label("Notes (optional)").fill("Seen alone in his bedroom; talked about home.")
        j.submit("Record visit")
        assert "Seen alone: Yes" in " ".join(j.main.split())

        j.follow("Complete the assessment")
        j.submit("Submit for authorisation")  # nothing chosen: the error summary
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Select whether the child is in need" in summary
        assert "Select the factors identified" in summary
        j.choose("Is the child in need?", "Yes")
        j.choose("What is the next step?", "Child in need plan (section 17)")
        page.get_by_label("3B Domestic violence: a parent or carer").check()
        page.get_by_label("16A Neglect").check()
        page.get_by_label("Analysis and reasons for the outcome").fill(
            "Domestic abuse by mother's former partner continues; a plan is needed."
        )
        j.submit("Submit for authorisation")
        main = j.main
        assert "Awaiting authorisation" in main and "16A Neglect" in main

        j.sign_in("assessment_manager", scan=False)
        j.go(f"/assessments/{assessment.pk}/")
        j.follow("Authorise or return")
        j.choose("Do you authorise this assessment?", "Authorise the assessment")
        page.get_by_label("Your comments").fill("Agreed: a clear analysis.")
        j.submit("Save")
        assert "Agreed: a clear analysis." in j.main

        j.go(f"/transfers/{transfer.pk}/")
        j.follow("View the assessment")

        assert j.broken == []
        assert len(j.scanned) == 13

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED
    assert assessment.factors == ["3B", "16A"]
    assert assessment.visits.get().seen_alone
