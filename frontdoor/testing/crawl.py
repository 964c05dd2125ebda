"""Follow every link a signed-in user is shown, and report the ones that lead nowhere.

Used by ``frontdoor/web/tests/test_every_link.py``. ``crawl(client, start=[...])`` opens the
start pages with the test client, reads every same-site ``<a href>`` on each page it reaches,
and opens those in turn (GET, following redirects), breadth first. It stops widening when a
URL *shape* has been opened ``per_shape`` times: the shape is the URL pattern the path
resolves to, and whether a query string follows, so ``/enquiries/7/`` and ``/enquiries/9/``
are one shape (and ``/queue/?state=overdue`` and ``/queue/?rating=RED`` another), and a queue
of two hundred children costs a few requests.

A link is *broken* when its target answers 4xx, or sends a signed-in user to sign in. Every
link on every page read is also checked without opening it: the permission its view declares
(``refusal``, as ``DefaultDenyMiddleware`` checks it), so a link beyond the shape's budget
that its reader's role may not open is found too; the object rules (this agency's request,
that team's transfer) are checked on the links opened. The report names the page that showed
the link. Start pages are all opened, whatever their shape; one that refuses its visitor is
not a broken link (nothing showed it), so a start list may hold every route of the site.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.urls import Resolver404, resolve, reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import ATTR, OPEN_PREFIXES, PUBLIC

#: Paths never followed: static files (not pages), and the JSON API (not linked as pages).
SKIP_PREFIXES = ("/static/", "/assets/", "/api/v1/openapi.json")
#: URL names never opened by GET: they end the session.
SKIP_NAMES = frozenset({"logout", "admin:logout"})
HOSTS: frozenset[str | None] = frozenset({None, "", "testserver", "localhost"})
MAX_REDIRECTS = 5


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        href = dict(attrs).get("href")
        if href:
            self.hrefs.append(href)


def links_in(html: str, base: str) -> list[str]:
    """Every same-site link on the page, as a path with its query, in page order."""
    parser = _Links()
    parser.feed(html)
    found: list[str] = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.scheme not in ("", "http", "https") or parts.hostname not in HOSTS:
            continue
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        url = urlunsplit(("", "", parts.path, parts.query, ""))
        if url not in found:
            found.append(url)
    return found


_NUMBER = re.compile(r"/\d+(?=/|$)")


def shape(url: str) -> str:
    """``/enquiries/7/?page=2`` -> ``enquiries/<int:pk>/?``: the URL pattern, and whether a
    query follows (its values, and its names too, multiply without end on a filtered list)."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = _NUMBER.sub("/<n>", parts.path)
    return route + ("?" if parts.query else "")


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


@dataclass(frozen=True)
class Broken:
    """A link shown on ``page`` whose target ``url`` answered ``status`` (``how``: the hops)."""

    page: str
    url: str
    status: int
    how: str

    def __str__(self) -> str:
        return f"{self.page} links to {self.url}: {self.how}"


@dataclass
class Crawl:
    opened: list[str] = field(default_factory=list)  # every URL opened, in order
    pages: int = 0  # HTML pages read for links
    links: int = 0  # links seen (with repeats across pages)
    broken: list[Broken] = field(default_factory=list)
    skipped_shapes: dict[str, int] = field(default_factory=dict)  # links not opened, by shape


def _open(client: Any, url: str, sign_in: set[str]) -> tuple[Any, str, list[str]]:
    """GET ``url``, following redirects; the last response, the final URL and the hops."""
    hops: list[str] = []
    response = client.get(url)
    current = url
    for _ in range(MAX_REDIRECTS):
        if not 300 <= response.status_code < 400:
            break
        location = urljoin(current, response["Location"])
        parts = urlsplit(location)
        hops.append(f"{response.status_code} -> {parts.path}")
        if parts.hostname not in HOSTS:
            break
        current = urlunsplit(("", "", parts.path, parts.query, ""))
        if parts.path in sign_in:
            break
        response = client.get(current)
    return response, current, hops


def refusal(user: Any, path: str) -> str | None:
    """Why the site refuses ``user`` the page at ``path`` before its view runs (the
    permission the view declares, as ``DefaultDenyMiddleware`` checks it), or None."""
    if path.startswith(OPEN_PREFIXES):
        return None  # the admin and the API check for themselves
    try:
        match = resolve(path)
    except Resolver404:
        return "no such page"
    func = match.func
    perm = getattr(func, ATTR, None) or getattr(getattr(func, "view_class", None), ATTR, None)
    if perm == PUBLIC:
        return None
    if perm is None:
        return "the view declares no permission"
    if not can(user, Perm(perm)):
        return f"needs the {perm} permission"
    return None


def crawl(
    client: Any,
    *,
    start: Iterable[str],
    user: Any = None,
    signed_in: bool | None = None,
    per_shape: int = 3,
    budgets: tuple[tuple[str, int], ...] = (),
    max_pages: int = 3000,
) -> Crawl:
    """Open ``start``, then every link reachable from it (see the module's docstring).

    ``user``: the user the client is signed in as, whose permissions every link is checked
    against; ``signed_in`` (by default: a user is given) says a link that leads to the sign-in
    page is refused (for an anonymous visitor it is a link that works). ``budgets``: a smaller
    or larger ``per_shape`` for the URLs under a path prefix, e.g. ``(("/admin/", 1),)``.
    """
    sign_in = {reverse("login"), reverse("admin:login")}
    if signed_in is None:
        signed_in = user is not None
    result = Crawl()
    seen: set[str] = set()
    reported: set[tuple[str, str]] = set()
    by_shape: dict[str, int] = {}
    # Start pages first, each opened whatever its shape; then the links they show, breadth
    # first: (url, the page that showed it).
    starts: deque[str] = deque(start)
    todo: deque[tuple[str, str]] = deque()

    def report(page: str, url: str, status: int, how: str) -> None:
        if (shape(page), shape(url)) not in reported:
            reported.add((shape(page), shape(url)))
            result.broken.append(Broken(page=page, url=url, status=status, how=how))

    while (starts or todo) and len(result.opened) < max_pages:
        url, page = (starts.popleft(), "") if starts else todo.popleft()
        if url in seen or url_name(urlsplit(url).path) in SKIP_NAMES:
            continue
        key = shape(url)
        budget = next((n for prefix, n in budgets if url.startswith(prefix)), per_shape)
        if page and by_shape.get(key, 0) >= budget:
            result.skipped_shapes[key] = result.skipped_shapes.get(key, 0) + 1
            continue
        response, final, hops = _open(client, url, sign_in)
        result.opened.append(url)
        status = int(response.status_code)
        refused = status >= 400 or (
            signed_in and urlsplit(final).path in sign_in and 300 <= status < 400
        )
        if refused:
            if page:  # a start page its visitor may not open is no broken link
                seen.add(url)
                report(page, url, status, " ".join([*hops, f"{status}"]))
            continue
        seen.update((url, final))
        if page:
            by_shape[key] = by_shape.get(key, 0) + 1
        if status != 200 or "html" not in response.get("Content-Type", ""):
            continue
        result.pages += 1
        links = links_in(response.content.decode(response.charset or "utf-8"), final)
        result.links += len(links)
        for link in links:
            if link in seen:
                continue
            why = refusal(user, urlsplit(link).path) if user is not None else None
            if why is not None:
                seen.add(link)
                report(final, link, 403, why)
            else:
                todo.append((link, final))
    return result
