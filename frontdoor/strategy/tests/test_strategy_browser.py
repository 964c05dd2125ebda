"""A MASH "section 47" decision to a child protection plan, in real Chromium, with an axe-core
scan of every page: strategy discussion convened → attendance (quorate) → held, joint s47 →
action and minutes sent → s47 outcome (conference needed, so no oversight) → ICPC booked →
ICPC held with a child protection plan (neglect)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontdoor.strategy.models import Conference, S47Enquiry, StrategyDiscussion
from frontdoor.testing.factories import signed_off
from frontdoor.testing.personas import org_setup, persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_section_47_decision_leads_to_a_child_protection_plan(live_server: Any) -> None:
    org_setup()
    for name in ("mash_worker", "mash_manager", "police_practitioner", "health_practitioner"):
        persona(name)
    decision = signed_off(outcome="s47", rating="RED")  # signed off Tue 3 Mar 2026 12:00

    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.sign_in("mash_worker")
        j.go(f"/enquiries/{decision.enquiry_id}/")
        j.follow("Convene a strategy discussion")
        assert page.locator("#decided_date-day").input_value() == "3"

        # A missing reason is shown in the error summary; nothing is convened.
        j.submit("Convene the discussion")
        assert "Enter why a strategy discussion is needed" in j.main
        assert not StrategyDiscussion.objects.exists()
        page.get_by_label("Why is a strategy discussion needed?").fill(
            "Bruising to the face of a two-year-old; police hold a domestic abuse record."
        )
        j.submit("Convene the discussion")
        discussion = StrategyDiscussion.objects.get()
        assert f"Strategy discussion SD{discussion.pk}" in j.main
        assert "Attendance not recorded" in j.main

        # Attendance: all three statutory agencies came.
        j.follow("Record attendance")
        for group in page.get_by_role("group").all():
            if group.get_by_label("Attended").count():
                group.get_by_label("Attended").check()
        j.submit("Save attendance")
        assert "Quorate" in j.main

        # The outcome: a joint section 47 enquiry.
        j.follow("Record the outcome")
        j.when("held", date(2026, 3, 3), "14:00")
        page.get_by_label("Information shared").fill(
            "Police: two domestic abuse call-outs. Health: A&E visit last month."
        )
        page.get_by_label("Section 47 enquiry", exact=True).check()
        page.get_by_label("Joint with the police").check()
        page.get_by_label("Contingency plan").fill("Child to stay with the grandmother tonight.")
        j.submit("Record the outcome")
        assert "Section 47 enquiry (joint with the police)" in j.main

        # An action for the police, and the minutes sent to the agencies that attended.
        j.follow("Add an action")
        page.get_by_label("Action", exact=True).fill("Police to arrange a joint visit")
        page.get_by_label("Owner", exact=True).select_option(label="Pete Police (Demo Police)")
        page.fill("#due_on-day", "5")
        page.fill("#due_on-month", "3")
        page.fill("#due_on-year", "2026")
        j.submit("Add the action")
        assert "Police to arrange a joint visit" in j.main
        j.follow("Record the minutes")
        page.get_by_label("Minutes").fill("Present: social worker, police, health. Agreed s47.")
        j.submit("Save and send to the attending agencies")
        assert "Sent" in j.main and "Demo Police" in j.main

        # The section 47 enquiry: a manager records the outcome and the conference.
        s47 = S47Enquiry.objects.get()
        j.sign_in("mash_manager")
        j.go(f"/strategy/{discussion.pk}/")
        j.follow(f"Section 47 enquiry {s47.reference}")
        assert "Due 24 Mar 2026" in j.main
        j.follow("Record the outcome")
        page.get_by_label(
            "Concerns substantiated, child judged at continuing risk of significant harm"
        ).check()
        page.get_by_label("Yes").check()
        j.when("outcome", date(2026, 3, 9), "16:00")
        j.submit("Record the outcome")
        j.follow("Book the conference")
        j.when("scheduled", date(2026, 3, 20), "10:00")
        j.submit("Book the conference")
        assert "20 Mar 2026 10:00" in j.main
        j.follow("Record the conference")
        # An ICPC before its strategy discussion is refused with a clear error.
        j.when("held", date(2026, 3, 2), "10:00")
        page.get_by_label("Yes").check()
        page.get_by_label("Neglect").check()
        j.submit("Record the conference")
        assert "cannot be before the strategy discussion" in j.main
        j.when("held", date(2026, 3, 20), "10:00")
        j.submit("Record the conference")
        assert "Yes: Neglect" in j.main

        assert j.broken == []
        assert len(j.scanned) >= 20

    conference = Conference.objects.get()
    assert conference.plan and conference.category == "NEG"
    s47.refresh_from_db()
    assert not s47.is_open
