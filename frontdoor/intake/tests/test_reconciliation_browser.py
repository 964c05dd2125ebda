"""The staff screens for referrals from outside, in real Chromium with axe-core scans:
reconciliation (with an open alert and every kind of row), then a contact made from an online
referral, with what the referrer sent and their evidence as a download."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from frontdoor.accounts.models import Agency, Role, Team, User
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.reconciliation import reconciliation_alerts_raise
from frontdoor.intake.submissions import submission_receive
from frontdoor.testing.factories import local, referral_document
from frontdoor.web.tests.browser import axe_violations, chromium_page, failures, two_factor_complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "reconcile-pass-1234"
#: A Wednesday morning. The "overdue" referral came on the Sunday before: its 1-working-day
#: screening clock ran out at the end of Monday, whatever day the suite runs on.
NOW = local(2026, 3, 11, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _manager() -> User:
    council = Agency.objects.create(
        code="la", name="Demo City Council", kind="local_authority", receives_requests=False
    )
    Team.objects.create(name="MASH", kind="mash", agency=council)
    centre = Team.objects.create(name="Contact Centre", kind="contact_centre", agency=council)
    return User.objects.create_user(
        username="manager",
        password=PASSWORD,
        role=Role.CONTACT_CENTRE_MANAGER,
        team=centre,
        agency=council,
        email="manager@example.org",
        first_name="Carla",
        last_name="Centre",
    )


def _received(key: str, **changes: Any) -> Any:
    return submission_receive(
        referral=ReferralIn.model_validate(referral_document(**changes)),
        channel="online_form",
        idempotency_scope="online_form",
        idempotency_key=key,
        at=NOW - timedelta(days=3),
    ).submission


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_manager_reconciles_referrals_and_opens_one(
    live_server: Any, javascript: bool, settings: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        _reconcile(live_server, javascript, settings)


def _reconcile(live_server: Any, javascript: bool, settings: Any) -> None:
    _manager()
    pdf = base64.b64encode(PDF).decode()
    overdue = _received("a", documents=[{"filename": "notes.pdf", "content_base64": pdf}])
    settings.FRONTDOOR_INTAKE_CONVERT = "worker"
    waiting = _received("b", concern="Another concern")  # never reached by a worker
    reconciliation_alerts_raise()

    with chromium_page(javascript=True) as page:
        if not javascript:
            page.context.close()
            page = page.context.browser.new_context(java_script_enabled=False).new_page()
        broken = failures(page, console=False)

        def scan() -> None:
            if javascript:
                assert axe_violations(page) == [], page.url

        page.goto(live_server.url + "/sign-in/")
        page.get_by_label("Username").fill("manager")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        two_factor_complete(page, "manager")
        page.get_by_role("link", name="Reconciliation").click()
        page.get_by_label("Received").select_option("7")
        page.get_by_role("button", name="Show referrals").click()
        scan()
        text = page.locator("main").inner_text()
        assert "Open alerts" in text
        assert overdue.reference in text and "Screening overdue" in text
        assert waiting.reference in text and "No contact" in text

        page.get_by_label("Only referrals with a problem").check()
        page.get_by_role("button", name="Show referrals").click()
        scan()

        page.get_by_role("link", name=overdue.contact.reference).first.click()
        scan()
        text = page.locator("main").inner_text()
        assert "What the referrer sent" in text and overdue.reference in text
        assert "Mother, Jo Example" in text
        link = page.get_by_role("link", name="notes.pdf")
        assert link.count() == 1
        download = page.request.get(live_server.url + link.get_attribute("href"))
        assert download.status == 200 and download.body() == PDF
        assert download.headers["content-disposition"].startswith("attachment")
        assert broken == []
