"""Signing in, in real Chromium with an axe-core scan of every page: (a) a first sign-in that
sets up the authenticator app, a wrong code refused, and a later sign-in with the code;
(b) a username locked after five wrong passwords, saying nothing about whether it exists."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor.accounts.models import SignInEvent, SignInEventKind, SignInLock
from frontdoor.testing.factories import PASSWORD
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page, two_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_first_sign_in_sets_up_two_factor_and_the_next_asks_for_the_code(
    live_server: Any,
) -> None:
    worker = persona("mash_worker")
    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.go("/queue/")  # not signed in: the sign-in page
        assert "/sign-in/" in page.url
        page.get_by_label("Username").fill(worker.username)
        page.get_by_label("Password").fill(PASSWORD)
        j.submit("Sign in")

        # First time: set up the app (QR code and the key as text), then confirm with a code.
        assert "/sign-in/set-up-two-factor/" in page.url
        assert "Set up two-factor authentication" in j.main
        assert page.get_by_role("img", name="QR code to scan with your authenticator app")
        code = two_factor_code(page, worker.username)
        wrong = "000000" if code != "000000" else "111111"
        page.get_by_label("Code from your authenticator app").fill(wrong)
        j.submit("Confirm and continue")
        assert "The code is not correct" in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("Code from your authenticator app").fill(code)
        j.submit("Confirm and continue")
        assert page.url.endswith("/queue/")  # where they were going

        # Signing in again asks for the code (the shared journey enters it).
        j.sign_out()
        j.sign_in(worker.username)
        assert "/sign-in/" not in page.url
        assert "Signed in as" in page.locator("header").inner_text()
        assert j.broken == []
    kinds = list(SignInEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        SignInEventKind.PASSWORD_ACCEPTED,
        SignInEventKind.CODE_FAILED,
        SignInEventKind.TWO_FACTOR_ENROLLED,
        SignInEventKind.SIGNED_IN,
        SignInEventKind.SIGNED_OUT,
        SignInEventKind.PASSWORD_ACCEPTED,
        SignInEventKind.SIGNED_IN,
    ]


def test_five_wrong_passwords_lock_a_username_whether_or_not_it_exists(
    live_server: Any,
) -> None:
    persona("mash_manager")
    messages: dict[str, str] = {}
    with chromium_page() as page:
        j = Journey(page, live_server.url)
        for username in ("mash_manager", "no.such.person"):
            page.context.clear_cookies()
            j.go("/sign-in/")
            for attempt in range(5):
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(f"wrong-{attempt}")
                j.submit("Sign in")
            messages[username] = page.locator(".govuk-error-summary").inner_text()
        # The right password is refused while the username is locked.
        page.get_by_label("Username").fill("mash_manager")
        page.get_by_label("Password").fill(PASSWORD)
        j.submit("Sign in")
        assert "/sign-in/" in page.url
        assert "too many times" in page.locator(".govuk-error-summary").inner_text()
        assert j.broken == []
    assert "Wait 15 minutes" in messages["mash_manager"]
    assert messages["mash_manager"] == messages["no.such.person"]
    assert set(SignInLock.objects.values_list("username", flat=True)) == {
        "mash_manager",
        "no.such.person",
    }
