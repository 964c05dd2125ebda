"""Helpers for browser journeys: Debian's Chromium through Playwright, axe-core scans, and a
``Journey`` through the pages as the people who use them."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.db import connections

from frontdoor.testing.factories import PASSWORD

CHROMIUM = os.environ.get("FRONTDOOR_CHROMIUM", "/usr/bin/chromium")
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@contextmanager
def chromium_page(*, javascript: bool = True) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls a test makes
    # between page actions are ordinary blocking calls.
    with (
        mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=javascript)
            yield context.new_page()
        finally:
            # ORM calls made while Playwright runs get their own connections (a context of
            # their own); close them here, or PostgreSQL cannot drop the test database.
            connections.close_all()
            browser.close()


@functools.cache
def _axe_source() -> str:
    """axe-core as one expression (so Playwright evaluates it rather than calls it)."""
    return "(function () {\n" + AXE.read_text() + "\n}).call(window), true"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the current page; returns violations (empty when accessible)."""
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol, which the page's Content Security Policy does
    # not govern (a <script> tag would need the page's nonce).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
        AXE_TAGS,
    )
    return violations


TWO_FACTOR_PATHS = re.compile(r"/sign-in/(two-factor|set-up-two-factor)/")


def two_factor_step(page: Any) -> bool:
    """Is the page one of the second sign-in steps?"""
    return bool(TWO_FACTOR_PATHS.search(page.url))


def two_factor_code(page: Any, username: str) -> str:
    """The code to type now: from the secret the set-up page shows, or from the user's app
    (the device's replay guard is reset, so the same person may sign in twice a minute)."""
    from base64 import b32decode

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if "set-up-two-factor" in page.url:
        secret = "".join(page.locator("#totp-secret").inner_text().split())
        key = b32decode(secret + "=" * (-len(secret) % 8))
        return str(TOTP(key).token()).zfill(6)
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits).token()).zfill(6)


def two_factor_complete(page: Any, username: str) -> None:
    """After the password: wait for the two-factor page, enter the code and continue."""
    page.wait_for_url(TWO_FACTOR_PATHS)
    page.get_by_label("Code from your authenticator app").fill(two_factor_code(page, username))
    button = "Confirm and continue" if "set-up-two-factor" in page.url else "Continue"
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def failures(page: Any, *, console: bool = True) -> list[str]:
    """A list that collects every failed response on ``page`` from now on (and, with
    ``console``, every script error)."""
    broken: list[str] = []
    page.on(
        "response",
        lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    if console:
        page.on(
            "console",
            lambda m: broken.append(f"console {m.text}") if m.type == "error" else None,
        )
    return broken


class Journey:
    """One browser tab through the pages: signs people in, follows links, submits forms and
    scans each page it lands on with axe-core (``axe=False`` without JavaScript, which axe
    needs). ``broken`` collects every failed response and script error, ``scanned`` the pages.
    """

    def __init__(self, page: Any, base: str, *, axe: bool = True) -> None:
        self.page = page
        self.base = base
        self.axe = axe
        self.scanned: list[str] = []
        self.broken = failures(page)

    def scan(self) -> None:
        self.scanned.append(self.page.url)
        if not self.axe:
            return
        violations = axe_violations(self.page)
        assert violations == [], f"{self.page.url}: {violations}"

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.scan()

    def sign_in(self, username: str, *, scan: bool = True) -> None:
        """Sign in afresh: the password, then the 6-digit code (setting up the authenticator
        app the first time), when two-factor sign-in is on (``scan``: every page on the way
        and the one it leads to)."""
        self.page.context.clear_cookies()
        self.page.goto(self.base + "/sign-in/")
        if scan:
            self.scan()
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        if two_factor_step(self.page):
            if scan:
                self.scan()
            two_factor_complete(self.page, username)
        if scan:
            self.scan()

    def sign_out(self) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign out").click()

    def submit(self, name: str) -> None:
        # Wait for the page the form leads to, or axe may scan the one being replaced.
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name).click()
        self.scan()

    def follow(self, name: str | re.Pattern[str]) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=name).first.click()
        self.scan()

    def date(self, name: str, day: dt.date) -> None:
        """Fill a GOV.UK date field (``name``-day, -month, -year)."""
        self.page.locator(f"#{name}-day").fill(str(day.day))
        self.page.locator(f"#{name}-month").fill(str(day.month))
        self.page.locator(f"#{name}-year").fill(str(day.year))

    def when(self, field: str, day: dt.date, time: str) -> None:
        """Fill a date and time pair (``field``_date and ``field``_time)."""
        self.date(f"{field}_date", day)
        self.page.locator(f"#{field}_time").fill(time)

    def choose(self, question: str, answer: str) -> None:
        self.page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()

    @property
    def main(self) -> str:
        return str(self.page.locator("main").inner_text())
