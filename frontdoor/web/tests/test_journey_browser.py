"""The whole front door in real Chromium, with an axe-core accessibility scan of every page.

contact recorded → screened to MASH → rated → partner answers → decision → manager sign-off →
transfer requested → transfer accepted → first visit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from frontdoor.accounts.models import Agency, Role, Team, User
from frontdoor.mash.models import RequestTemplate
from frontdoor.testing.factories import PASSWORD, local
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _two_days_after_the_contact() -> Iterator[None]:
    """The contact typed in was received on Monday 23 November 2026: the journey runs two
    days later, whatever day the suite runs on (docs/adr/0020-tests-pass-at-any-moment.md)."""
    with time_machine.travel(local(2026, 11, 25, 10), tick=True):
        yield


def _people() -> dict[str, User]:
    la = Agency.objects.create(
        code="la", name="Demo City Council", kind="local_authority", receives_requests=False
    )
    police = Agency.objects.create(code="police", name="Police", kind="police")
    RequestTemplate.objects.create(
        agency=police, questions=["Any police incidents at the address?", "Any known adults?"]
    )
    teams = {
        kind: Team.objects.create(name=name, kind=kind, agency=la)
        for name, kind in [
            ("Contact Centre", "contact_centre"),
            ("MASH", "mash"),
            ("Assessment Service", "assessment"),
        ]
    }
    police_team = Team.objects.create(name="Police MASH desk", kind="partner", agency=police)

    def user(username: str, role: str, team: Team, agency: Agency, name: str) -> User:
        first, last = name.split()
        person = User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=role,
            team=team,
            agency=agency,
            first_name=first,
            last_name=last,
        )
        return person

    return {
        "officer": user(
            "officer", Role.CONTACT_OFFICER, teams["contact_centre"], la, "Cara Officer"
        ),
        "worker": user("worker", Role.MASH_SOCIAL_WORKER, teams["mash"], la, "Will Worker"),
        "manager": user("manager", Role.MASH_MANAGER, teams["mash"], la, "Mia Manager"),
        "police": user("police", Role.PARTNER_PRACTITIONER, police_team, police, "Pat Police"),
        "amanager": user("amanager", Role.ASSESSMENT_MANAGER, teams["assessment"], la, "Ann Lead"),
        "aworker": user(
            "aworker", Role.ASSESSMENT_SOCIAL_WORKER, teams["assessment"], la, "Sol Visitor"
        ),
    }


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_concern_travels_from_contact_to_first_visit(live_server: Any, javascript: bool) -> None:
    people = _people()
    with chromium_page(javascript=javascript) as page:
        j = Journey(page, live_server.url, axe=javascript)

        # The contact centre records the contact; a bad first attempt shows the error summary.
        j.sign_in("officer")
        j.follow("Record a contact")
        j.submit("Save contact")
        assert page.locator(".govuk-error-summary").is_visible()
        assert "Enter the concern" in page.locator(".govuk-error-summary").inner_text()
        page.fill("#received_date-day", "23")
        page.fill("#received_date-month", "11")
        page.fill("#received_date-year", "2026")
        page.fill("#received_time", "09:15")
        page.get_by_label("Phone", exact=True).check()
        page.select_option("#source", "2A")
        page.get_by_label("Referrer's name (optional)").fill("Ms Teacher")
        page.get_by_label("Referrer's email address (optional)").fill("teacher@example.org")
        page.get_by_label("First name").fill("Sam")
        page.get_by_label("Last name").fill("Taylor")
        page.fill("#date_of_birth-day", "4")
        page.fill("#date_of_birth-month", "5")
        page.fill("#date_of_birth-year", "2016")
        page.locator("#sex-2").check()  # Female (second option)
        page.get_by_label("What is the concern, in the referrer's words?").fill(
            "Sam came to school with bruises on her arm and said she is scared to go home."
        )
        page.locator("input[name=immediate_risk][value=no]").check()
        page.locator("input[name=consent_status][value=given]").check()
        page.locator("input[name=lawful_basis][value=public_task]").check()
        j.submit("Save contact")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Contact C")
        contact_url = page.url

        # A MASH social worker screens the child into a MASH enquiry, rated Amber.
        j.sign_in("worker")
        j.go(contact_url.replace(live_server.url, ""))
        j.follow("Record screening decision")
        page.get_by_label("MASH enquiry").check()
        page.get_by_label("Amber").check()
        page.get_by_label("Reason for the decision").fill("Unexplained injury: partners to check.")
        j.submit("Record decision")
        assert page.get_by_role("heading", level=1).inner_text() == "MASH enquiry"
        enquiry_path = page.url.replace(live_server.url, "")

        # The worker takes the enquiry (it joins their own queue).
        j.follow("Allocate this enquiry")
        j.submit("Allocate")
        assert "allocated to Will Worker" in page.content()

        # Re-rate to Red, record lived experience, ask the police.
        j.follow("Change the rating")
        page.get_by_label("Red").check()
        page.get_by_label("Why is the rating changing?").fill("Sibling disclosed a threat.")
        j.submit("Change rating")
        j.follow("Record the child's lived experience")
        page.get_by_label("What is daily life like for the child?").fill(
            "Sam says home is loud at night and she hides in her room."
        )
        j.submit("Save")
        j.follow("Send an information request")
        page.select_option("#agency", label="Police")
        j.submit("Send request")
        assert "Awaiting answer" in page.content()

        # The police practitioner sees it in their queue and answers.
        j.sign_in("police")
        assert "Partner information request" in page.content()
        j.follow("Sam Taylor")
        page.get_by_label("Yes, share the information").check()
        page.get_by_label("Information your agency holds").fill("Two domestic incidents in 2026.")
        j.submit("Send answer")
        assert "Information shared" in page.content()

        # The social worker records the decision; a manager signs it off.
        j.sign_in("worker")
        j.go(enquiry_path)
        j.follow("Record the decision")
        page.get_by_label("Child and family assessment (section 17)").check()
        page.get_by_label("Rationale").fill("Needs an assessment of the home situation.")
        page.get_by_label("Feedback to give the referrer").fill("An assessment will start.")
        j.submit("Record decision")
        j.sign_in("manager")
        assert "Awaiting manager sign-off" in page.content()
        j.go(enquiry_path)
        j.follow("Review the decision")
        page.get_by_label("Yes, sign it off").check()
        page.get_by_label("Your management oversight").fill("Agreed: s17 assessment, Red.")
        j.submit("Record my review")
        j.follow("Transfer to the assessment team")
        j.submit("Request transfer")
        transfer_link = page.get_by_role("link", name=re.compile(r"Transfer T\d+"))
        transfer_link.click()
        j.scan()
        transfer_path = page.url.replace(live_server.url, "")

        # The assessment team accepts and the social worker visits.
        j.sign_in("amanager")
        assert "Awaiting transfer acceptance" in page.content()
        j.go(transfer_path)
        j.follow("Accept and allocate")
        page.select_option("#allocated_to", label="Sol Visitor")
        j.submit("Accept and allocate")
        j.sign_in("aworker")
        assert "Awaiting first visit" in page.content()
        j.go(transfer_path)
        j.follow("Record the first visit")
        # A visit before the transfer is refused with a clear message.
        page.fill("#visited_date-day", "1")
        page.fill("#visited_date-month", "1")
        page.fill("#visited_date-year", "2020")
        page.fill("#visited_time", "10:00")
        page.locator("input[name=child_seen][value=yes]").check()
        page.locator("input[name=seen_alone][value=yes]").check()
        j.submit("Record visit")
        assert (
            "cannot be earlier than the transfer"
            in page.locator(".govuk-error-summary").inner_text()
        )
        from django.utils import timezone

        now = timezone.localtime()
        page.fill("#visited_date-day", str(now.day))
        page.fill("#visited_date-month", str(now.month))
        page.fill("#visited_date-year", str(now.year))
        page.fill("#visited_time", now.strftime("%H:%M"))
        j.submit("Record visit")
        assert "First visit: child seen alone" in page.content()

        # The overview and the child's record show the journey.
        j.sign_in("manager")
        j.go("/overview/")
        j.go("/children/?last_name=Taylor")
        j.follow("Sam Taylor")
        assert "Transfer accepted" in page.content()

    assert len(j.scanned) > 25
    assert j.broken == []  # every stylesheet, script, font and image loaded; no script errors
    assert people["aworker"].pk
