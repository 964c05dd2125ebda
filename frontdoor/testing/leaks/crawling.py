"""The leak crawl: every route as every column of the permission matrix, scanning each answer for
a restricted child's identifying strings; and the protections it proves, removed on purpose."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from frontdoor.testing.leaks.asking import ask, asks_for, variants
from frontdoor.testing.leaks.identities import REFERRAL_CHILD, REFERRER_ROUTES, Identity
from frontdoor.testing.leaks.leak_world import LeakWorld
from frontdoor.testing.routes import ALLOW, COLUMNS, Route, all_routes, read_table


@dataclass(frozen=True)
class Leak:
    route: str
    column: str
    ask: str
    status: int
    child: int
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return (
            f"{self.route} [{self.column}] {self.ask} -> {self.status}: the {self.kind} of "
            f"restricted record {self.child}: ...{self.excerpt}..."
        )


class Scanner:
    """Finds any of some children's identifying strings in a text, in one pass."""

    def __init__(self, children: Iterable[tuple[Any, Identity]]) -> None:
        self.owner: dict[str, tuple[int, Identity, str]] = {}
        for person, identity in children:
            for kind, token in identity.tokens().items():
                self.owner.setdefault(token.lower(), (person.pk, identity, kind))
        tokens = sorted(self.owner, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(t) for t in tokens), re.IGNORECASE)

    def find(
        self, text: str, skip: Callable[[Identity, str], bool]
    ) -> Iterator[tuple[int, str, str]]:
        if not self.owner:
            return
        reported: set[tuple[int, str]] = set()
        for match in self.pattern.finditer(text):
            pk, identity, kind = self.owner[match.group(0).lower()]
            if skip(identity, kind) or (pk, kind) in reported:
                continue
            reported.add((pk, kind))
            at = match.start()
            excerpt = text[max(0, at - 60) : match.end() + 60].replace("\n", " ")
            yield pk, kind, excerpt


def _never(identity: Identity, kind: str) -> bool:
    return False


def _skip_for(route_key: str) -> Callable[[Identity, str], bool]:
    """What a response may show: on the referrer's outcome link (a capability link: whoever
    holds it is the referrer), the first name of the child they referred, as they typed it
    (the page reads the referral they sent, never the child's record)."""

    def skip(identity: Identity, kind: str) -> bool:
        return (
            route_key in REFERRER_ROUTES
            and identity.key == REFERRAL_CHILD
            and kind == ("first name")
        )

    return skip


@dataclass
class Crawl:
    leaks: list[Leak] = field(default_factory=list)
    #: route key -> how many requests were sent
    asked: dict[str, int] = field(default_factory=dict)
    #: route keys whose requests logged a view or change of a restricted child the user may
    #: not see (possible only with the protection removed)
    read_refused: dict[str, set[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    #: (route key, column, child id): a restricted child shown to a user who may see it (the
    #: positive control: the checker finds a child's name where it may be shown)
    shown_allowed: set[tuple[str, str, int]] = field(default_factory=set)

    @property
    def leaking_routes(self) -> set[str]:
        return {leak.route for leak in self.leaks}


def allowed_columns(route: Route) -> set[str]:
    """The columns the permission matrix lets open ``route`` (every column for a route the
    table does not list yet: the matrix test asks for its row)."""
    row = read_table().get(route.key)
    if row is None:
        return {code for code, _, _ in COLUMNS}
    return {code for code, outcome in row.outcomes.items() if outcome == ALLOW}


def crawl(
    world: LeakWorld,
    *,
    routes: list[Route] | None = None,
    columns: Callable[[Route], Iterable[str]] | None = None,
    unprotected: Callable[[], AbstractContextManager[Any]] = nullcontext,
    plain_world: bool = True,
    track_reads: bool = False,
) -> Crawl:
    """Ask every route as every column (or ``columns(route)``) and report each leak.

    A route's URL arguments come from the restricted world for every column, and also from
    the plain world for the columns the permission matrix allows (a page about an open
    record, with restricted children in its lists and panels) unless not ``plain_world``.
    ``unprotected``: entered around each request (the mutation test removes the guard and the
    masking there). ``track_reads``: note which refused children each request access-logged.
    """
    from frontdoor.testing.fixtures import client_for

    routes = routes if routes is not None else all_routes()
    extra = variants(world)
    restricted_ids = {person.pk for person, _ in world.children.values()}
    found = Crawl()
    personas = {code: persona for code, persona, _ in COLUMNS}
    clients = {
        code: client_for(world.users[persona]) if persona else Client()
        for code, persona in personas.items()
    }
    scanners: dict[str, tuple[Scanner, Scanner, set[int]]] = {}
    for code, persona in personas.items():
        refused = world.refused(persona)
        refused_ids = {person.pk for person, _ in refused}
        allowed = [(p, i) for p, i in world.children.values() if p.pk not in refused_ids]
        scanners[code] = (Scanner(refused), Scanner(allowed), refused_ids)
    table = read_table()
    for route in routes:
        wanted = set(columns(route)) if columns is not None else set(personas)
        row = table.get(route.key)
        plain_codes = (
            {c for c, outcome in row.outcomes.items() if outcome == ALLOW}
            if row is not None
            else set(personas)
        )
        for code in [c for c in personas if c in wanted]:
            persona = personas[code]
            refused_scan, allowed_scan, refused_ids = scanners[code]
            skip = _skip_for(route.key)
            try:
                requests = asks_for(
                    world,
                    route,
                    persona,
                    extra.get(route.key, []),
                    plain=plain_world and code in plain_codes,
                )
            except KeyError as exc:
                found.errors.append(f"{route.key}: {exc}")
                continue
            for request in requests:
                answer = ask(
                    clients[code], request, restricted_ids if track_reads else set(), unprotected
                )
                found.asked[route.key] = found.asked.get(route.key, 0) + 1
                if answer.status >= 500:
                    found.errors.append(f"{route.key} [{code}] {request} -> {answer.status}")
                read = answer.viewed & refused_ids
                if read:
                    found.read_refused.setdefault(route.key, set()).update(read)
                for child, kind, excerpt in refused_scan.find(answer.text, skip):
                    found.leaks.append(
                        Leak(route.key, code, str(request), answer.status, child, kind, excerpt)
                    )
                for child, _kind, _excerpt in allowed_scan.find(answer.text, _never):
                    found.shown_allowed.add((route.key, code, child))
    return found


@contextmanager
def protection_removed(*, guard: bool = True, masking: bool = True) -> Iterator[None]:
    """The mutation: no guard (every page opens) and/or no masking (every name printed)."""
    from contextlib import ExitStack
    from unittest import mock

    from frontdoor.audit import services as audit_services
    from frontdoor.restricted.viewer import RequestViewer

    with ExitStack() as stack:
        if guard:
            stack.enter_context(mock.patch.object(audit_services, "_GUARDS", []))
        if masking:
            stack.enter_context(
                mock.patch.object(RequestViewer, "hides", lambda self, person_id: False)
            )
        yield
