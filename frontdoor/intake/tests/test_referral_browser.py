"""The online referral form in real Chromium, with and without JavaScript.

A professional sends a referral end to end, with an axe-core scan of every page of the form
(zero violations); then a contact centre officer signs in and finds the new contact in the
contact centre's queue (Team work: contacts awaiting a screening decision).

axe-core needs JavaScript, so in the run without it each page's HTML (exactly as the
JavaScript-free browser has it) is scanned again in a second, JavaScript-enabled tab with
its scripts taken out: the scan sees what someone without JavaScript sees.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from frontdoor.accounts.models import Agency, Role, Team, User
from frontdoor.intake.models import Submission
from frontdoor.web.tests.browser import (
    axe_violations,
    chromium_page,
    failures,
    two_factor_complete,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "referral-pass-1234"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
SCRIPTS = re.compile(r"<script\b.*?</script>", re.S | re.I)


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API runs an event loop in this thread; the ORM calls made here are
    ordinary blocking calls between page actions."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _contact_centre() -> User:
    council = Agency.objects.create(
        code="la", name="Demo City Council", kind="local_authority", receives_requests=False
    )
    Team.objects.create(name="MASH", kind="mash", agency=council)  # screening needs one
    centre = Team.objects.create(name="Contact Centre", kind="contact_centre", agency=council)
    return User.objects.create_user(
        username="officer",
        password=PASSWORD,
        role=Role.CONTACT_OFFICER,
        team=centre,
        agency=council,
        first_name="Cara",
        last_name="Officer",
    )


class Referral:
    """Drives the form; scans every page it lands on."""

    def __init__(self, page: Any, base: str, *, javascript: bool) -> None:
        self.page = page
        self.base = base
        self.javascript = javascript
        self.scanner = None if javascript else page.context.browser.new_context().new_page()
        if self.scanner is not None:
            self.scanner.goto(base + "/refer/")  # same origin: the page's assets load
        self.scanned: list[str] = []
        self.broken = failures(page)

    def scan(self) -> None:
        url = self.page.url
        self.scanned.append(url)
        if self.scanner is None:
            violations = axe_violations(self.page)
        else:
            # The click that got here may have returned as the new page committed: read it
            # only once it has loaded, or its HTML can still be the empty document between.
            self.page.wait_for_load_state("load")
            title, html = self.page.title(), self.page.content()
            self.scanner.set_content(SCRIPTS.sub("", html))
            assert self.scanner.title() == title  # the same page, scanned
            violations = axe_violations(self.scanner)
        assert violations == [], f"{url}: {violations}"

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.scan()

    def submit(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.scan()

    def choose(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()

    def heading(self) -> str:
        return str(self.page.locator("h1, legend.govuk-fieldset__legend--l").first.inner_text())


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_professional_refers_a_child_and_the_contact_centre_sees_it(
    live_server: Any, javascript: bool
) -> None:
    _contact_centre()
    with chromium_page(javascript=javascript) as page:
        r = Referral(page, live_server.url, javascript=javascript)

        r.go("/refer/")
        assert "call 999" in page.content()
        page.get_by_role("button", name="Start now").click()
        r.scan()

        # A first answer left out shows the error summary, linked to the question.
        r.submit("Continue")
        summary = page.locator(".govuk-error-summary")
        assert "Select whether you are a professional" in summary.inner_text()
        assert page.title().startswith("Error:")
        r.choose("I am a professional")
        r.submit("Continue")

        assert r.heading() == "Your details"
        page.get_by_label("Full name").fill("Dana Teacher")
        page.get_by_label("Job title").fill("Designated safeguarding lead")
        page.get_by_label("Organisation", exact=True).fill("Hill Primary School")
        r.choose("School or college")
        page.get_by_label("Work email address").fill("dana.teacher@school.example")
        r.submit("Continue")

        r.choose("No")
        r.submit("Continue")

        assert r.heading() == "Tell us about the child"
        page.get_by_label("First name").fill("Sam")
        page.get_by_label("Last name").fill("Taylor")
        page.locator("#born").check()  # Yes, born
        page.fill("#date_of_birth-day", "4")
        page.fill("#date_of_birth-month", "5")
        page.fill("#date_of_birth-year", "2016")
        r.choose("Female")
        page.get_by_label("NHS number (optional)").fill("943 476 5918")  # wrong check digit
        r.submit("Continue")
        assert "Enter a valid 10-digit NHS number" in summary.inner_text()
        assert page.get_by_label("First name").input_value() == "Sam"  # kept
        page.get_by_label("NHS number (optional)").fill("943 476 5919")
        r.submit("Continue")

        assert r.heading() == "Where does Sam Taylor live?"
        page.get_by_label("House number and street").fill("1 Example Street")
        page.get_by_label("Town or city").fill("Exampleton")
        page.get_by_label("Postcode").fill("PE1 1AA")
        r.submit("Continue")

        assert r.heading() == "You have added 1 child"
        r.choose("No")
        r.submit("Continue")

        page.get_by_label("Who has parental responsibility for the child? (optional)").fill(
            "Mother, Jo Taylor"
        )
        r.submit("Continue")
        r.choose("Yes")
        r.submit("Continue")

        page.get_by_label("What are you worried about?").fill(
            "Sam came to school with bruises on her arm and said she is scared to go home."
        )
        r.submit("Continue")

        assert r.heading() == "Does the family agree to this referral?"
        r.choose("I have not asked them")
        r.submit("Continue")
        assert "Explain why the family has not agreed" in summary.inner_text()
        page.get_by_label(
            "If the family does not agree, or you have not asked them, tell us why"
        ).fill("Asking could put Sam at greater risk.")
        r.submit("Continue")

        assert page.get_by_label("Public task").is_checked()  # preselected
        r.submit("Continue")

        assert r.heading() == "Add photos or documents (optional)"
        page.set_input_files(
            "#documents", {"name": "body map.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        r.submit("Upload file")
        assert "body map.pdf" in page.locator(".govuk-summary-list").inner_text()
        r.submit("Continue")

        assert r.heading() == "Check your answers before sending your referral"
        content = page.content()
        for shown in ("Dana Teacher", "Sam Taylor", "4 May 2016", "PE1 1AA", "body map.pdf"):
            assert shown in content, shown
        # Change an answer and come straight back.
        page.get_by_role("link", name=re.compile(r"Change\s+when and where")).click()
        r.scan()
        page.get_by_label("When and where did it happen? (optional)").fill("This morning")
        r.submit("Continue")
        assert r.heading() == "Check your answers before sending your referral"
        assert "This morning" in page.content()
        r.submit("Accept and send")

        panel = page.locator(".govuk-panel").inner_text()
        assert "Referral sent" in panel
        reference = re.search(r"FD-[0-9A-Z]{4}-[0-9A-Z]{4}", panel)
        assert reference is not None
        # The back button and "Accept and send" again: still one referral, same reference.
        page.go_back()
        if page.get_by_role("button", name="Accept and send").count():
            page.get_by_role("button", name="Accept and send").click()
            assert reference.group(0) in page.locator(".govuk-panel").inner_text()
        assert Submission.objects.count() == 1
        submission = Submission.objects.get(reference=reference.group(0))
        assert submission.contact is not None and submission.documents.count() == 1
        contact_reference = submission.contact.reference

        # The contact centre officer sees the new contact waiting for screening.
        page.context.clear_cookies()
        page.goto(live_server.url + "/sign-in/")
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        two_factor_complete(page, "officer")
        page.goto(live_server.url + "/queue/team/")
        row = page.locator("tr", has_text="Sam Taylor")
        assert row.count() == 1
        assert contact_reference in row.inner_text()
        assert "Awaiting screening decision" in row.inner_text()

    form_pages = [u for u in r.scanned if "/refer/" in u]
    assert len(form_pages) >= 18
    assert r.broken == []  # every stylesheet, script, font and image loaded; no script errors


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_other_pages_of_the_form_are_accessible(live_server: Any, javascript: bool) -> None:
    """A member of the public's details, the 999 page, removing a child, save and return,
    an expired link, and a professional's outcome page (before and after screening)."""
    from frontdoor.intake.payload import ReferralIn
    from frontdoor.intake.services import contact_screen
    from frontdoor.intake.submissions import submission_receive
    from frontdoor.outbox.models import Message
    from frontdoor.testing.factories import referral_document

    officer = _contact_centre()
    with chromium_page(javascript=javascript) as page:
        r = Referral(page, live_server.url, javascript=javascript)
        r.go("/refer/who/")
        r.choose("I am a member of the public")
        r.submit("Continue")
        assert r.heading() == "About you"
        r.choose("I know the child or family (a friend or neighbour)")
        page.locator("input[name=anonymous_to_family][value=yes]").check()
        r.submit("Continue")
        r.choose("Yes")
        r.submit("Continue")
        assert r.heading() == "Call 999 now"
        page.get_by_role("button", name="Continue").click()
        r.scan()
        page.get_by_label("First name").fill("Alex")
        page.locator("#born").check()
        r.choose("Not known")
        r.submit("Continue")
        r.submit("Continue")
        page.get_by_role("link", name=re.compile(r"Remove\s+Alex")).click()
        r.scan()
        assert r.heading() == "Are you sure you want to remove Alex?"
        r.choose("No")
        r.submit("Continue")
        r.submit("Save and come back later")
        assert r.heading() == "Save your referral and come back later"
        page.get_by_label("Email address").fill("neighbour@example.org")
        r.submit("Send me a link")
        assert r.heading() == "We have sent you a link"

        body = Message.objects.get(kind="draft_resume_link").body
        link = re.search(r"/refer/resume/\S+/", body)
        assert link is not None
        page.context.clear_cookies()
        r.go(link.group(0))
        assert r.heading() == "You have added 1 child"  # the first unanswered question

        received = submission_receive(
            referral=ReferralIn.model_validate(referral_document()),
            channel="partner_api",
            idempotency_scope="browser",
            idempotency_key="outcome-page",
        )
        outcome = re.search(
            r"/referral-outcome/\S+/",
            Message.objects.get(kind="referral_acknowledgement").body,
        )
        assert outcome is not None
        r.go(outcome.group(0))
        assert "Being looked into now" in page.content()
        assert received.submission.reference in page.content()
        officer.role = Role.MASH_SOCIAL_WORKER
        contact = received.submission.contact
        assert contact is not None
        contact_screen(
            contact_child=contact.children.get(),
            outcome="advice_nfa",
            rationale="Advice given to the school.",
            by=officer,
        )
        r.go(outcome.group(0))
        assert "Advice or signposting given" in page.content()

        # Links that do not work say so plainly (404s, expected here).
        r.broken.clear()
        r.go("/refer/resume/not-a-real-link/")
        assert r.heading() == "This link has expired or does not work"
        r.go("/referral-outcome/not-a-real-link/")
        assert r.heading() == "This link has expired or is not right"
        # (Chromium also logs each 404 to the console.)
        assert [b.split()[0] for b in r.broken if not b.startswith("console")] == ["404", "404"]
        r.broken.clear()

    assert r.broken == []
