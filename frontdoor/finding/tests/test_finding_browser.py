"""Finding work in real Chromium, with an axe-core scan of every page.

A contact officer finds a contact by its reference (typed in lower case: it opens the contact)
and by its referrer, and is told what is wrong with a date. A MASH manager filters the
decisions and closures, opens the team's caseloads and one worker's, and downloads it as a
spreadsheet, which is logged as downloaded.

Nothing here depends on the day it runs: the records are the factories' known week, and no
clock state is asserted.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.mash.services import enquiry_allocate
from frontdoor.testing.factories import (
    child_details,
    contact_child_of,
    contact_recorded,
    local,
    screened,
    screened_to_mash,
    signed_off,
)
from frontdoor.testing.personas import persona
from frontdoor.web.downloads import BOM
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finding_a_contact_a_decision_and_a_workers_caseload(live_server: Any) -> None:
    officer = persona("contact_officer")
    manager = persona("mash_manager")
    worker = persona("mash_worker")
    amy = contact_recorded(
        received_at=local(2026, 3, 2, 9),
        referrer_name="Pat Teacher",
        referrer_agency="Hill Primary School",
        children=[child_details(first_name="Amy", last_name="Apple")],
    )
    screened(outcome="early_help", contact_child=contact_child_of(amy))
    contact_recorded(
        received_at=local(2026, 3, 2, 11),
        referrer_name="Dr Lee",
        referrer_agency="Riverside Surgery",
        children=[child_details(first_name="Ben", last_name="Berry")],
    )
    cal = screened_to_mash(
        rating="RED",
        received_at=local(2026, 3, 3, 9),
        referrer_name="PC Shah",
        children=[child_details(first_name="Cal", last_name="Cole")],
    )
    enquiry_allocate(enquiry=cal, allocated_to=worker, by=manager, at=local(2026, 3, 3, 11))
    signed_off(
        outcome="nfa",
        received_at=local(2026, 3, 3, 10),
        referrer_name="Nurse Ng",
        children=[child_details(first_name="Dee", last_name="Dale")],
    )

    with chromium_page() as page:
        j = Journey(page, live_server.url)

        # The contact officer: by reference (lower case), straight to the contact.
        j.sign_in(officer.username, scan=False)
        j.follow("Find work")
        assert "Find a contact" in j.main
        page.get_by_label("Reference", exact=True).fill(amy.reference.lower())
        j.submit("Search")
        assert page.url.rstrip("/").endswith(f"/contacts/{amy.pk}")
        assert amy.reference in j.main and "Amy Apple" in j.main

        # By referrer: a list of one.
        j.follow("Find work")
        page.get_by_label("Referrer", exact=True).fill("teacher")
        j.submit("Search")
        results = page.locator("#results").inner_text()
        assert results.strip() == "1 contact"
        assert "Amy Apple" in j.main and "Ben Berry" not in j.main
        assert "Early help" in j.main

        # A date that does not exist: the error summary, and the search kept.
        j.date("received_from", date(2026, 2, 28))
        page.locator("#received_from-day").fill("30")
        j.submit("Search")
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Received from must be a real date" in summary
        assert page.get_by_label("Referrer", exact=True).input_value() == "teacher"
        assert page.title().startswith("Error: ")

        # The MASH manager: decisions and closures, filtered to the enquiries closed.
        j.sign_out()
        j.sign_in(manager.username, scan=False)
        j.follow("Find work")
        j.follow("Decisions and closures")
        assert "Dee Dale" in j.main and "Cal Cole" in j.main
        page.get_by_label("MASH enquiry closed").check()
        j.submit("Apply filters")
        assert page.locator("#results").inner_text().strip() == "1 decision and closure"
        assert "Dee Dale" in j.main and "No further action" in j.main
        assert "Cal Cole" not in j.main

        # Caseloads: the team, then one worker's open work.
        j.follow("Caseloads")
        row = page.get_by_role("row", name=worker.display_name)
        assert row.count() == 1
        assert "Team total" in j.main
        j.follow(worker.display_name)
        assert "Cal Cole" in j.main and "MASH enquiry" in j.main

        # The worker's caseload as a spreadsheet.
        with page.expect_download() as info:
            page.get_by_role("link", name=f"Download {worker.display_name}'s caseload").click()
        download = info.value
        assert download.suggested_filename.startswith(f"caseload-{worker.username}-")
        text = Path(download.path()).read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
        assert rows[0][:3] == ["Child", "Child record", "Stage"]
        assert [(r[0], r[2]) for r in rows[1:]] == [("Cal Cole", "MASH enquiry")]

        assert j.broken == []
        assert len(j.scanned) >= 9

    logged = AccessLogEntry.objects.filter(user=manager, action=AccessAction.EXPORT)
    assert [(e.child_id, e.record_type, e.record_id) for e in logged] == [
        (cal.child_id, "user", worker.pk)
    ]
