"""Restricted means restricted, everywhere: no page, list, export, print view, page title or
API operation shows a restricted child's name or identifiers to someone the guard refuses.

The crawl (``frontdoor.testing.leaks``) asks every route the site has and every operation of
its API (found, not listed: ``frontdoor.testing.routes.all_routes``) as every column of the
permission matrix, with the URL arguments of a plain world and of a world whose every child
is restricted, plus the query variants that matter (a restricted child's record number on the
audit pages and their exports, a misspelt name in both searches, a user's access audited, the
lists' filters). Every response, streamed CSV and zipped export included, is searched for each
restricted child's name, alias, date of birth, NHS number, UPN, postcode and address.

The proof that the crawl can fail: ``test_removing_the_protection_from_a_route_is_caught``
crawls again with the guard and the masking removed around each request (one route at a
time) and checks the crawl then reports a leak on every route that shows a child.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.testing.leaks import (
    ALLOWED,
    CONCERN_CHILD,
    Crawl,
    LeakWorld,
    allowed_columns,
    crawl,
    leak_world_build,
    protection_removed,
)
from frontdoor.testing.routes import all_routes


def crawl_settings() -> override_settings:
    """As the permission matrix's (a new object each time: they nest)."""
    return override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        FRONTDOOR_INTAKE_CONVERT="inline",
        FRONTDOOR_API_TOKEN_CACHE_SECONDS=0,
        FRONTDOOR_REQUIRE_2FA=False,
    )


#: Routes that show a child's name or details to someone allowed to open them: with the
#: protection removed, the crawl must report each (a floor: it reports more).
SHOW_A_CHILD = {
    "child-detail",
    "child-chronology",
    "contact-detail",
    "contact-screen",
    "contact-new",
    "enquiry-detail",
    "enquiry-decision",
    "enquiry-sign-off",
    "request-detail",
    "transfer-detail",
    "strategy-detail",
    "s47-detail",
    "assessment-detail",
    "supervision-detail",
    "escalation-detail",
    "queue-mine",
    "queue-team",
    "child-search",
    "duplicate-queue",
    "duplicate-compare",
    "merge-undo",
    "escalation-list",
    "audit-child",
    "audit-child-export",
    "audit-user",
    "audit-user-export",
    "subject-access",
    "GET /api/v1/requests",
    "GET /api/v1/requests/{id}",
    "GET /api/v1/enquiries/{id}",
    "GET /api/v1/queue",
    "POST /api/v1/children/search",
}


#: Lists that name children without reading their records, and the audit pages: only the
#: masking protects them. (The searches, the duplicates queue and the API's requests list
#: also log each child they name as read, so without the masking the guard refuses them.)
LISTS = {
    "queue-mine",
    "queue-team",
    "escalation-list",
    "break-glass-alerts",
    "audit-child",
    "audit-user",
    "audit-child-export",
    "audit-user-export",
    "GET /api/v1/queue",
}
#: Pages about one record: the guard refuses them.
RECORD_PAGES = {
    "child-detail",
    "child-chronology",
    "contact-detail",
    "enquiry-detail",
    "request-detail",
    "transfer-detail",
    "strategy-detail",
    "s47-detail",
    "assessment-detail",
    "GET /api/v1/enquiries/{id}",
    "GET /api/v1/requests/{id}",
}
#: Record pages that show what was written about a child, naming it (event summaries, a
#: referral's concern): only the guard protects them.
WRITTEN_ABOUT = {"child-chronology", "child-detail", "contact-detail"}


@dataclass
class Crawled:
    world: LeakWorld
    found: Crawl
    seconds: float


@pytest.fixture(scope="module")
def leak_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[LeakWorld]:
    quiet = logging.getLogger("django.request")  # a warning for every 403 and 404
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), crawl_settings():
        cache.clear()
        try:
            yield leak_world_build()
        finally:
            quiet.setLevel(level)
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def crawled(leak_world: LeakWorld, django_db_blocker: Any) -> Crawled:
    with django_db_blocker.unblock(), crawl_settings():
        started = time.monotonic()
        found = crawl(leak_world)
        seconds = time.monotonic() - started
    asked = sum(found.asked.values())
    print(f"\nLeak crawl: {len(found.asked)} routes, {asked} requests in {seconds:.0f} s")
    return Crawled(leak_world, found, seconds)


@pytest.mark.django_db
def test_no_response_names_a_restricted_child_to_someone_the_guard_refuses(
    crawled: Crawled,
) -> None:
    leaks = crawled.found.leaks
    routes = sorted(crawled.found.leaking_routes)
    assert not leaks, f"{len(leaks)} leaks on {len(routes)} routes {routes}:\n" + "\n".join(
        str(leak) for leak in leaks[:60]
    )


@pytest.mark.django_db
def test_no_request_fails(crawled: Crawled) -> None:
    assert not crawled.found.errors, "\n".join(crawled.found.errors)


@pytest.mark.django_db
def test_every_route_and_api_operation_is_crawled_as_every_role(crawled: Crawled) -> None:
    routes = all_routes()
    assert {r.key for r in routes} == set(crawled.found.asked)
    for route in routes:
        # Each column once per world (the same URL when the route takes no argument).
        assert crawled.found.asked[route.key] >= 15, route.key


@pytest.mark.django_db
def test_the_crawl_sees_restricted_children_where_they_may_be_seen(crawled: Crawled) -> None:
    """The positive control: the same search finds a child's name where the guard allows it,
    so a clean crawl means the names were masked, not missed."""
    world, shown = crawled.world, crawled.found.shown_allowed
    import os

    if os.environ.get("LEAK_DEBUG"):
        print(sorted(shown))
    frankie, dee, sam = (world.child(k).pk for k in ("Frankie", "Dee", "Sam"))
    assert ("mash_manager", "Frankie") in ALLOWED
    assert ("contact-detail", "mm", frankie) in shown  # named on the restriction
    assert ("GET /api/v1/queue", "msw", dee) in shown  # broke the glass
    assert ("child-chronology", "aud", sam) in shown  # broke the glass
    assert not {(route, code) for route, code, child in shown if code in ("dpo", "pa", "co")}


@pytest.mark.django_db
def test_lists_and_searches_show_restricted_children_masked(
    leak_world: LeakWorld, django_db_blocker: Any
) -> None:
    from frontdoor.testing.fixtures import client_for

    sam = leak_world.child("Sam")
    noor = leak_world.child(CONCERN_CHILD)
    with django_db_blocker.unblock(), crawl_settings():
        client = client_for(leak_world.users["mash_worker"])
        first, last = (
            leak_world.children["Sam"][1].first_name,
            leak_world.children["Sam"][1].last_name,
        )
        search = client.get("/children/", {"first_name": first[:-1], "last_name": last[:-1]})
        assert f"Restricted record (record {sam.pk})" in search.content.decode()
        queue = client.get("/queue/team/").content.decode()
        assert f"Restricted record (record {noor.pk})" in queue
        listed = client_for(leak_world.users["police_practitioner"]).get("/api/v1/requests")
        names = {row["child_name"] for row in listed.json()["items"]}
        assert f"Restricted record (record {sam.pk})" in names


# --------------------------------------------------------------------------- the proof

#: Routes that log a read of a child but show nothing that identifies it (so the crawl finds
#: nothing there even with the protection removed), and why.
READS_WITHOUT_IDENTITY = {
    "contact-document": "the evidence file itself: whatever the referrer uploaded",
    "retention-review": "contacts due for deletion, by reference",
    "retention-exclude": "a POST that redirects back to the review",
    "retention-include": "a POST that redirects back to the review",
    "supervision-action-done": "a POST that redirects back to the supervision",
    "referral-outcome": "the referrer's own first name and initial for the child (allowed)",
    "referral-disagree": "the referrer's own first name and initial for the child (allowed)",
    "referral-disagree-escalate": "the referrer's own first name and initial (allowed)",
    "contact-edit": "the contact's own details (referrer, concern) for correcting; the page "
    "does not name the children it is about",
}

#: One role per route for the proof, the first of these the permission matrix allows (those
#: who may see a restricted child of the world on purpose last).
PROOF_ORDER = ("hos", "ccm", "co", "asw", "am", "pp", "pa", "pl", "dpo", "adm", "msw", "mm", "aud")


def _first_allowed(route: Any) -> list[str]:
    allowed = allowed_columns(route)
    return [next((c for c in PROOF_ORDER if c in allowed), "anon")]


def _unprotected_crawl(world: LeakWorld, blocker: Any, **removed: bool) -> Crawl:
    with blocker.unblock(), crawl_settings():
        started = time.monotonic()
        mutated = crawl(
            world,
            columns=_first_allowed,
            unprotected=lambda: protection_removed(**removed),
            plain_world=False,
            track_reads=True,
        )
        seconds = time.monotonic() - started
    without = " and ".join(k for k, v in removed.items() if v)
    routes = sorted(mutated.leaking_routes)
    print(f"\nCrawl without {without} ({seconds:.0f} s): leaks on {len(routes)} routes: {routes}")
    return mutated


@pytest.mark.django_db
def test_removing_the_protection_from_a_route_is_caught(
    leak_world: LeakWorld, django_db_blocker: Any
) -> None:
    """Crawl with the guard and the masking removed around each request (so each route is
    crawled as if its own protection were gone), as a role that may open it, on the
    restricted world: every route that shows a child must now be reported, and so must every
    route that logged a read of a restricted child the user may not see (unless it is known
    to show nothing that identifies the child)."""
    mutated = _unprotected_crawl(leak_world, django_db_blocker, guard=True, masking=True)
    leaking = mutated.leaking_routes
    missed = SHOW_A_CHILD - leaking
    assert not missed, f"The crawl did not catch these routes when unprotected: {missed}"
    unseen = set(mutated.read_refused) - leaking - set(READS_WITHOUT_IDENTITY)
    assert not unseen, (
        f"These routes read a restricted child (access-logged) but the crawl found nothing "
        f"of it in the response: {unseen}"
    )


@pytest.mark.django_db
def test_without_the_masking_every_list_names_restricted_children(
    leak_world: LeakWorld, django_db_blocker: Any
) -> None:
    """The guard alone keeps record pages shut, but the lists that name children without
    reading their records, and the audit pages, would name them: only the masking protects
    those."""
    leaking = _unprotected_crawl(
        leak_world, django_db_blocker, guard=False, masking=True
    ).leaking_routes
    missed = LISTS - leaking
    assert not missed, f"Without the masking these lists should name a child: {missed}"
    assert not leaking & RECORD_PAGES, "the guard alone should keep record pages shut"


@pytest.mark.django_db
def test_without_the_guard_record_pages_show_what_was_written_about_a_child(
    leak_world: LeakWorld, django_db_blocker: Any
) -> None:
    """The masking alone hides names wherever a page prints a child, but not what people
    wrote about it (a chronology's event summaries, a referral's concern): only the guard,
    which keeps the page shut, protects those."""
    leaking = _unprotected_crawl(
        leak_world, django_db_blocker, guard=True, masking=False
    ).leaking_routes
    missed = WRITTEN_ABOUT - leaking
    assert not missed, f"Without the guard these pages should show a child's name: {missed}"
    assert not leaking & LISTS, "the masking alone should keep every list masked"
