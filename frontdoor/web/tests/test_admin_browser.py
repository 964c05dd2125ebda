"""The administrator's pages meet the same bar as the rest: zero axe violations.

Signed in as the administrator (a superuser, as in the demo), in real Chromium, the test opens
every page type of the Django admin for every registered model, found from the admin site's
registry (so a model registered later is scanned too): the index and each app's index, the
change list, the add form (and, for one model, the add form with its errors), the change form
(or read-only view), the history, the delete confirmation and the "delete selected"
confirmation wherever the model may be deleted, the pages of the admin's own actions (issue
and revoke API tokens) and the password change form. axe-core runs on each with the tags
every journey uses (``frontdoor/web/tests/browser.py``), and any violation fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.models import Agency, SignInEvent, SignInLock, User
from frontdoor.web.tests.browser import Journey, axe_violations, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# --------------------------------------------------------------------------- records


def _group() -> Model:
    return Group.objects.create(name="Duty managers")


def _sign_in_lock() -> Model:
    now = timezone.now()
    return SignInLock.objects.create(
        username="someone", locked_at=now, locked_until=now, failures=5
    )


def _sign_in_event() -> Model:
    return SignInEvent.objects.create(username="someone", kind="password_failed", at=timezone.now())


def _api_token() -> Model:
    from frontdoor.accounts.services import api_token_issue

    token, _plain = api_token_issue(
        agency=Agency.objects.order_by("pk")[0],
        name="Niche RMS",
        scopes=["referrals:write"],
        by=None,
    )
    return token


def _match_settings() -> Model:
    from frontdoor.matching.models import MatchSettings

    return MatchSettings.objects.create()


def _duplicate_pair() -> Model:
    from frontdoor.matching.duplicates import duplicates_find
    from frontdoor.matching.models import DuplicatePair

    duplicates_find()

    return DuplicatePair.objects.get()


def _task_result() -> Model:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        task_path="frontdoor.outbox.tasks.deliver",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        run_after=timezone.now(),
    )


#: How to make a row of a registered model the small world of records does not hold.
MAKERS: dict[str, Callable[[], Model]] = {
    "auth.group": _group,
    "accounts.signinlock": _sign_in_lock,
    "accounts.signinevent": _sign_in_event,
    "accounts.apitoken": _api_token,
    "matching.matchsettings": _match_settings,
    "matching.duplicatepair": _duplicate_pair,
    "django_tasks_database.dbtaskresult": _task_result,
}


CSP_INLINE_STYLE = "console Applying inline style violates the following Content Security"


@dataclass(frozen=True)
class AdminPage:
    what: str
    url: str


def admin_pages(user: User) -> list[AdminPage]:
    """Every page type of the admin for every registered model, for ``user``."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [AdminPage("index", reverse("admin:index"))]
    apps: list[str] = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        if opts.app_label not in apps:
            apps.append(opts.app_label)
            pages.append(
                AdminPage(
                    f"{opts.app_label} index",
                    reverse("admin:app_list", kwargs={"app_label": opts.app_label}),
                )
            )
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            maker = MAKERS.get(opts.label_lower)
            assert maker is not None, f"No {opts.label} to open: add a maker to MAKERS"
            obj = maker()
        pages.append(AdminPage(f"{opts.label} list", reverse(f"admin:{name}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append(AdminPage(f"{opts.label} add", reverse(f"admin:{name}_add")))
        pk = obj.pk
        pages.append(AdminPage(f"{opts.label} change", reverse(f"admin:{name}_change", args=[pk])))
        pages.append(
            AdminPage(f"{opts.label} history", reverse(f"admin:{name}_history", args=[pk]))
        )
        if model_admin.has_delete_permission(request, obj):
            pages.append(
                AdminPage(f"{opts.label} delete", reverse(f"admin:{name}_delete", args=[pk]))
            )
    pages.append(AdminPage("password change", reverse("admin:password_change")))
    return pages


def _scan(j: Journey, what: str, found: dict[str, Any]) -> None:
    j.scanned.append(j.page.url)
    violations = axe_violations(j.page)
    if violations:
        found[f"{what} ({j.page.url.removeprefix(j.base)})"] = violations


def _summary(found: dict[str, Any]) -> str:
    lines = []
    by_rule: dict[str, int] = {}
    for page, violations in found.items():
        lines.append(page)
        for v in violations:
            by_rule[f"{v['id']} ({v['impact']})"] = by_rule.get(f"{v['id']} ({v['impact']})", 0) + 1
            lines.append(f"    {v['id']} ({v['impact']}): {v['help']} {v['nodes']}")
    head = ", ".join(f"{rule} on {n} pages" for rule, n in sorted(by_rule.items()))
    return f"{len(found)} admin pages with violations: {head}\n" + "\n".join(lines)


def test_every_admin_page_of_every_registered_model_has_no_axe_violations(
    live_server: Any,
) -> None:
    from frontdoor.testing.world import world_build

    world = world_build()
    administrator = world.users["administrator"]
    User.objects.filter(pk=administrator.pk).update(is_staff=True, is_superuser=True)
    administrator.refresh_from_db()
    found: dict[str, Any] = {}
    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.sign_in(administrator.username, scan=False)  # sets up their authenticator app
        pages = admin_pages(administrator)
        for admin_page in pages:
            page.goto(live_server.url + admin_page.url)
            assert "/admin/" in page.url, f"{admin_page.what}: sent to {page.url}"
            _scan(j, admin_page.what, found)

        # The add form with its errors (an agency with no name or code).
        page.goto(live_server.url + reverse("admin:accounts_agency_add"))
        with page.expect_navigation():
            page.locator("input[name=_save]").click()
        assert page.locator(".errornote").count() == 1
        _scan(j, "agency add, with errors", found)

        # "Delete selected" asks for confirmation (agencies may be deleted).
        page.goto(live_server.url + reverse("admin:accounts_agency_changelist"))
        page.locator("input.action-select").first.check()
        page.locator("select[name=action]").select_option("delete_selected")
        with page.expect_navigation():
            page.locator("button[name=index]").click()
        _scan(j, "agency delete selected", found)

        # Issue an API token (its own page), the page that shows it once, then revoke it.
        page.goto(live_server.url + reverse("admin:accounts_apitoken_add"))
        _scan(j, "API token issue", found)
        page.locator("select[name=agency]").select_option(index=1)
        page.locator("input[name=name]").fill("Mosaic")
        page.locator("input[name=scopes]").first.check()
        with page.expect_navigation():
            page.locator("input[type=submit]").click()
        assert page.locator("#id_plaintext").count() == 1
        _scan(j, "API token issued", found)
        page.goto(live_server.url + reverse("admin:accounts_apitoken_changelist"))
        page.locator("input.action-select").first.check()
        page.locator("select[name=action]").select_option("revoke_tokens")
        with page.expect_navigation():
            page.locator("button[name=index]").click()
        _scan(j, "API token revoke", found)
    print(f"\nScanned {len(j.scanned)} admin pages ({len(pages)} page types by model).")
    assert not found, _summary(found)
    # Every response answered; the only console errors are the two each change form's jQuery
    # (in Django's admin) causes by testing inline styles, which the CSP refuses, harmlessly.
    assert [b for b in j.broken if not b.startswith(CSP_INLINE_STYLE)] == []
