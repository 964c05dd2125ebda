"""The journey tells the truth, in real Chromium with an axe scan of every page: an
immediate-risk referral from a police system tops the screening queue; a manager sends a
decision back; the worker decides again; the manager signs it off; then the contact is found
by its reference, the child's date of birth is corrected, and a parent and an alleged
perpetrator are added to the household."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import time_machine

from frontdoor.accounts.models import ApiScope
from frontdoor.accounts.services import api_token_issue
from frontdoor.intake.models import Contact
from frontdoor.mash.models import Decision, DecisionStatus
from frontdoor.people.models import Person, Relationship
from frontdoor.testing.factories import local, referral_document
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: A Wednesday, 10:00: the police referral came 20 minutes ago.
NOW = local(2026, 3, 11, 10)


def test_immediate_risk_first_a_manager_who_disagrees_and_a_record_corrected(
    live_server: Any, org: Any, mash_worker: Any, mash_manager: Any, contact_officer: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        _journey(live_server, org)


def _journey(live_server: Any, org: Any) -> None:
    _token, plain = api_token_issue(
        agency=org.police,
        name="Police case system",
        scopes=[ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ],
        by=None,
    )
    ordinary = referral_document(concern="A worry about neglect: often hungry at school.")
    urgent = referral_document(
        immediate_risk=True,
        concern="Officers attended a domestic assault: the child is with a neighbour tonight.",
        children=[
            {
                "first_name": "Kai",
                "last_name": "Urgent",
                "date_of_birth": "2019-02-03",
                "sex": "M",
                "postcode": "pe1 2bb",
                "address_line_1": "9 Urgent Road",
            }
        ],
    )
    with chromium_page() as page:
        j = Journey(page, live_server.url)
        # The police system sends two referrals: an ordinary one, then one at immediate risk.
        for key, document in (("ordinary-1", ordinary), ("urgent-1", urgent)):
            sent = page.request.post(
                live_server.url + "/api/v1/intake/referrals",
                headers={
                    "Authorization": f"Bearer {plain}",
                    "Idempotency-Key": key,
                    "Content-Type": "application/json",
                },
                data=json.dumps(document),
            )
            assert sent.status in (200, 201, 202), sent.text()

        # A MASH worker's team queue: the immediate-risk contact is first, tagged in red.
        j.sign_in("mash_worker")
        j.go("/queue/team/")
        first_row = page.locator("main table tbody tr").first
        assert "Immediate risk" in first_row.inner_text()
        assert "Kai Urgent" in first_row.inner_text()
        first_row.get_by_role("link").first.click()
        page.wait_for_load_state()
        j.scan()
        assert "Immediate risk" in j.main and "emailed an alert" in j.main

        # Screened into a Red MASH enquiry; the worker decides no further action.
        j.follow("Record screening decision")
        page.get_by_label("MASH enquiry").check()
        page.get_by_label("Red").check()
        page.get_by_label("Reason for the decision").fill("Domestic assault: partners now.")
        j.submit("Record decision")
        enquiry_path = page.url.replace(live_server.url, "")
        j.follow("Record the decision")
        page.get_by_label("No further action").check()
        page.get_by_label("Rationale").fill("The child is safe with a neighbour.")
        page.get_by_label("Feedback to give the referrer").fill("No further action by social care.")
        j.submit("Record decision")

        # The manager disagrees and sends it back with reasons.
        j.sign_in("mash_manager")
        j.go(enquiry_path)
        j.follow("Review the decision")
        j.submit("Record my review")  # nothing chosen: the error summary
        assert "Select whether you agree with the decision" in j.main
        page.get_by_label("send it back", exact=False).check()
        page.get_by_label("Your management oversight").fill(
            "A 4-year-old saw an assault: police and health must be asked before any NFA."
        )
        j.submit("Record my review")
        assert "Sent back" in j.main and "A 4-year-old saw an assault" in j.main

        # The worker sees it sent back in their own queue and decides again.
        j.sign_in("mash_worker")
        assert "Sent back" in j.main
        j.go(enquiry_path)
        j.follow("Decide again")
        page.get_by_label("Strategy discussion (section 47)").check()
        page.get_by_label("Rationale").fill("Significant harm is likely: strategy discussion.")
        page.get_by_label("Feedback to give the referrer").fill(
            "Social workers, police and health will hold a strategy discussion."
        )
        j.submit("Record decision")
        assert "Earlier decisions" in j.main

        # The manager agrees this time.
        j.sign_in("mash_manager")
        j.go(enquiry_path)
        j.follow("Review the decision")
        page.get_by_label("Yes, sign it off").check()
        page.get_by_label("Your management oversight").fill("Agreed: convene today.")
        j.submit("Record my review")
        assert "Transfer request" in j.main

        # The contact centre finds the contact by its reference, typed in lower case...
        contact = Contact.objects.get(children__child__first_name="Kai")
        j.sign_in("contact_officer")
        j.follow("Find work")
        page.get_by_label("Reference", exact=True).fill(contact.reference.lower())
        j.submit("Search")
        assert page.get_by_role("heading", level=1).inner_text() == f"Contact {contact.reference}"

        # ...the child's date of birth was misheard: corrected, with the reason.
        j.follow("Kai Urgent")
        j.follow("Correct or complete Kai Urgent's details")
        j.date("date_of_birth", date(2019, 3, 2))
        page.get_by_label("Why are you changing the record?").fill(
            "The police system swapped day and month; the school confirmed 2 March."
        )
        j.submit("Save the corrections")
        assert "was 3 Feb 2019, now 2 Mar 2019" in j.main

        # ...and the household: the mother, with parental responsibility, and her partner,
        # who the police say assaulted her in front of Kai.
        j.go(f"/contacts/{contact.pk}/")
        for first, last, relation, pr, alleged in (
            ("Tara", "Urgent", "Parent", "Yes", "No"),
            ("Lee", "Marsh", "Parent's partner", "No", "Yes"),
        ):
            j.follow("Add a parent, carer or other adult")
            page.get_by_label("First name").fill(first)
            page.get_by_label("Last name").fill(last)
            j.choose("How are they related to the child?", relation)
            j.choose("Do they have parental responsibility?", pr)
            j.choose("Do they live in the child's household?", "Yes")
            j.choose(
                "Are they alleged to have harmed the child, or to pose a risk to them?", alleged
            )
            j.submit("Save the person")
        assert j.broken == [], j.broken

    kai = Person.objects.get(first_name="Kai")
    assert kai.date_of_birth == date(2019, 3, 2)
    household = {
        (r.person.first_name, r.parental_responsibility, r.alleged_perpetrator)
        for r in Relationship.objects.filter(child=kai).select_related("person")
    }
    assert household == {("Tara", True, False), ("Lee", False, True)}

    statuses = list(Decision.objects.order_by("recorded_at").values_list("status", flat=True))
    assert statuses == [DecisionStatus.SENT_BACK, DecisionStatus.SIGNED_OFF]
