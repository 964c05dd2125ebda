"""Every link can be followed: no page shows a link that its reader would be refused.

Signed in as every role of the permission matrix (``frontdoor.testing.routes.COLUMNS``), and
as an anonymous visitor, the crawl (``frontdoor.testing.crawl``) starts from home, follows
every same-site link on every page it reaches, then starts again from every other route of
the site that the matrix's world of records (``frontdoor.testing.world``) can fill, so a page
no link reaches yet is read too. Any link whose target answers 403, 404 or another 4xx, or
sends a signed-in user to sign in, fails the test, named with the page that showed it.

Routes and links are found, not listed: a new page is crawled as soon as it has a route (and,
if it takes a URL argument, a slot in the world). A link to a restricted child's record that
leads its reader to the break-glass page (200) is a link that can be followed.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from frontdoor.accounts.models import User
from frontdoor.testing.crawl import Crawl, crawl, links_in, refusal, shape
from frontdoor.testing.fixtures import client_for
from frontdoor.testing.routes import COLUMNS, all_routes
from frontdoor.testing.world import Slot, World, slot_name, world_build


def _settings() -> override_settings:
    return override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        FRONTDOOR_INTAKE_CONVERT="inline",
        FRONTDOOR_REQUIRE_2FA=False,
    )


#: How many URLs of one shape (URL pattern, with or without a query) each visitor opens
#: from links; in the Django admin, whose sorting and filter links multiply, one.
PER_SHAPE = 3
BUDGETS = (("/admin/", 1),)
#: At most this many records of one kind to start from.
PER_KIND = 10


@dataclass
class Site:
    world: World
    crawls: dict[str, Crawl] = field(default_factory=dict)  # persona name -> its crawl


#: A detail page: one record's own page (``enquiries/<int:pk>/``). The crawl starts from every
#: record's detail page, so every state of every kind of record in the world is read.
DETAIL = re.compile(r"^[\w-]+/<int:pk>/$")


def _starts(world: World, user: Any) -> list[str]:
    """Home; every page route the world can fill for ``user`` (GET; API excluded); and the
    detail page of every record of each kind the world has."""
    urls = [reverse("home")]
    details: list[str] = []
    for route in all_routes():
        if route.api or route.name in (None, "home"):
            continue
        try:
            urls.append(reverse(route.name, kwargs=world.kwargs_for(route, user)))
        except KeyError:
            continue  # no slot yet: the permission matrix's test asks for one
        slot = world.slots.get(slot_name(route, "pk") or "")
        if DETAIL.match(route.path) and isinstance(slot, Slot):
            model = type(slot.candidates[0])
            pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
            details += [reverse(route.name, kwargs={"pk": pk}) for pk in pks[:PER_KIND]]
    return urls + [url for url in details if url not in urls]


def _restricted_child(world: World) -> None:
    """A child in the MASH whose record is restricted to the MASH manager: every other
    reader's links to it lead to the break-glass page."""
    from frontdoor.restricted.services import restriction_create
    from frontdoor.testing.factories import child_details, screened_to_mash

    enquiry = screened_to_mash(children=[child_details(first_name="Quinn")])
    restriction_create(
        child=enquiry.child,
        category="staff_relative",
        reason="A member of staff's family.",
        by=world.users["mash_manager"],
    )


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    with django_db_blocker.unblock(), _settings():
        try:
            cache.clear()
            world = world_build()
            # As in the demo, the administrator is a superuser: the admin shows them everything.
            User.objects.filter(pk=world.users["administrator"].pk).update(is_superuser=True)
            world.users["administrator"].refresh_from_db()
            _restricted_child(world)
            yield Site(world=world)
        finally:  # even when building fails: leave nothing for the next module
            call_command("flush", interactive=False, verbosity=0)


ANONYMOUS = "anonymous"
#: Column code -> persona name (the anonymous visitor: ``ANONYMOUS``).
PERSONAS = {code: name or ANONYMOUS for code, name, _role in COLUMNS}


def _crawl_as(site: Site, name: str) -> Crawl:
    """The crawl as the world's user ``name`` (once per module: the tests share it)."""
    if name in site.crawls:
        return site.crawls[name]
    user = site.world.users[name] if name != ANONYMOUS else None
    client = client_for(user) if user else Client()
    quiet = logging.getLogger("django.request")  # a warning for every 403 and 404 asked for
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    began = time.monotonic()
    try:
        with _settings():
            found = crawl(
                client,
                start=_starts(site.world, user),
                user=user,
                per_shape=PER_SHAPE,
                budgets=BUDGETS,
            )
    finally:
        quiet.setLevel(level)
    print(
        f"\n[{name}] opened {len(found.opened)} URLs, read {found.pages} pages and checked "
        f"{found.links} links in {time.monotonic() - began:.1f} s"
    )
    site.crawls[name] = found
    return found


def _report(name: str, found: Crawl) -> str:
    return f"[{name}] {len(found.broken)} links lead nowhere:\n" + "\n".join(
        str(b) for b in found.broken
    )


@pytest.mark.django_db
@pytest.mark.parametrize("code", list(PERSONAS))
def test_every_link_a_reader_is_shown_can_be_followed(site: Site, code: str) -> None:
    found = _crawl_as(site, PERSONAS[code])
    assert not found.broken, _report(PERSONAS[code], found)


@pytest.mark.django_db
def test_every_link_can_be_followed_by_the_worlds_other_users(site: Site) -> None:
    """The world's users for the object rules: a second MASH manager, the health agency's
    practitioner, another assessment team's worker and a colleague in the same team, each of
    whom is refused records the matrix's personas may open."""
    others = sorted(set(site.world.users) - set(PERSONAS.values()))
    assert others, "the world has no users beyond the matrix's columns"
    broken = [_report(name, found) for name in others if (found := _crawl_as(site, name)).broken]
    assert not broken, "\n".join(broken)


@pytest.mark.django_db
def test_the_crawl_reads_the_pages_of_every_role(site: Site) -> None:
    """A crawl that read nothing would pass the test above for nothing."""
    for code, _name, role in COLUMNS:
        if role:
            found = _crawl_as(site, PERSONAS[code])
            assert found.pages >= 10, f"[{code}] read only {found.pages} pages"


# --------------------------------------------------------------------------- the crawler


class _Page:
    def __init__(self, status: int, body: str = "", location: str = "") -> None:
        self.status_code = status
        self.content = body.encode()
        self.charset = "utf-8"
        self.headers = {"Content-Type": "text/html; charset=utf-8", "Location": location}

    def __getitem__(self, key: str) -> str:
        return self.headers[key]

    def get(self, key: str, default: str = "") -> str:
        return self.headers.get(key, default)


class _Site:
    """A fake client: path -> page."""

    def __init__(self, pages: dict[str, _Page]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def get(self, url: str) -> _Page:
        self.asked.append(url)
        return self.pages.get(url, _Page(404))


def test_the_crawl_names_the_page_that_shows_a_refused_link() -> None:
    fake = _Site(
        {
            "/start/": _Page(200, '<a href="/fine/">a</a> <a href="/secret/1/">b</a>'),
            "/fine/": _Page(200, '<a href="/gone/">c</a> <a href="https://gov.uk/">d</a>'),
            "/secret/1/": _Page(403),
            "/moved/": _Page(302, location="/sign-in/?next=/moved/"),
            "/elsewhere/": _Page(
                200, '<a href="/moved/">e</a> <a href="#top">f</a> <a href="/refused-start/">g</a>'
            ),
        }
    )
    found = crawl(fake, start=["/refused-start/", "/start/", "/elsewhere/"], signed_in=True)
    assert [(b.page, b.url, b.status) for b in found.broken] == [
        ("/start/", "/secret/1/", 403),
        ("/elsewhere/", "/moved/", 302),
        ("/elsewhere/", "/refused-start/", 404),  # refused as a start page: not reported then
        ("/fine/", "/gone/", 404),
    ]
    assert "https://gov.uk/" not in fake.asked


def test_the_crawl_opens_a_few_urls_of_each_shape() -> None:
    links = "".join(f'<a href="/things/{n}/">{n}</a>' for n in range(50))
    pages = {"/list/": _Page(200, links)}
    pages.update({f"/things/{n}/": _Page(200, "") for n in range(50)})
    fake = _Site(pages)
    found = crawl(fake, start=["/list/"], signed_in=True, per_shape=3)
    assert fake.asked == ["/list/", "/things/0/", "/things/1/", "/things/2/"]
    assert found.skipped_shapes == {"/things/<n>/": 47}


@pytest.mark.django_db
def test_a_link_beyond_the_budget_is_checked_against_the_readers_permissions(
    police_practitioner: Any, mash_worker: Any
) -> None:
    links = "".join(f'<a href="/enquiries/{n}/">{n}</a>' for n in range(1, 6))
    pages = {"/list/": _Page(200, links)}
    pages.update({f"/enquiries/{n}/": _Page(200, "") for n in range(1, 6)})
    found = crawl(_Site(pages), start=["/list/"], user=police_practitioner, per_shape=1)
    assert [(b.page, b.url, b.how) for b in found.broken] == [
        ("/list/", "/enquiries/1/", "needs the enquiry_view permission")
    ]  # reported once for the page and the route, not for every row
    assert crawl(_Site(pages), start=["/list/"], user=mash_worker, per_shape=1).broken == []
    assert refusal(police_practitioner, "/no-such-page/") == "no such page"
    assert refusal(police_practitioner, "/admin/accounts/user/") is None  # the admin's own


def test_links_are_read_as_same_site_paths() -> None:
    html = (
        '<a href="/a/?x=1#frag">1</a><a href="b/">2</a><a href="http://testserver/c/">3</a>'
        '<a href="mailto:x@y.z">4</a><a href="/static/app.css">5</a><a>6</a>'
    )
    assert links_in(html, "/here/") == ["/a/?x=1", "/here/b/", "/c/"]


@pytest.mark.django_db
def test_a_shape_is_the_route_and_the_query_names() -> None:
    assert shape("/enquiries/7/?page=2&sort=due") == "enquiries/<int:pk>/?"
    assert shape("/enquiries/7/?next=/") == shape("/enquiries/8/?page=2")
    assert shape("/enquiries/9/") == shape("/enquiries/7/")
