"""The restricted-record leak crawl: every route and API operation, as every role, over a world
where restricted children have names and identifiers found nowhere else.

Used by ``frontdoor/restricted/tests/test_leaks.py``. ``leak_world_build()`` builds the
permission matrix's world twice (``frontdoor.testing.world``): once as it is (children anyone
with access may see) and once with ``UniqueNaming``, whose every child is then restricted by
an owner who is none of the personas. A few users may see a few of them, on purpose: one
named on a restriction and two who broke the glass (``ALLOWED``). ``crawl()`` asks every route
(``frontdoor.testing.routes.all_routes``: a new page or API operation is crawled without
being listed) as every column of the permission matrix, with the URL arguments of each world,
plus the query variants that matter (``VARIANTS``). ``Leak`` is a response that contains any
of a restricted child's identifying strings (``Identity.tokens``) for a user the guard would
refuse; streamed responses (CSV exports) and zip files are read in full.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from typing import Any, cast

from django.db import transaction
from django.test import Client
from django.urls import reverse

from frontdoor.people.services import ChildDetails
from frontdoor.testing.factories import child_details, referral_document
from frontdoor.testing.routes import ALLOW, COLUMNS, Route, all_routes, read_table
from frontdoor.testing.world import Naming, World, world_build

#: (persona, child key): the only restricted children a crawled user may see. The owner of
#: every restriction is ``OWNER``, who is not crawled.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("mash_manager", "Frankie"),  # named on the restriction
        ("mash_worker", "Dee"),  # broke the glass
        ("auditor", "Sam"),  # broke the glass
    }
)
OWNER = "restriction_owner"
#: A restricted child made for the leak test alone: its contact's concern names it, as a
#: referrer would, and it waits in the screening queue.
CONCERN_CHILD = "Noor"
#: The referrer's outcome link (and its disagreement pages) shows the first name and initial
#: of each child the referrer sent, as they typed it, to whoever holds the link.
REFERRER_ROUTES = ("referral-outcome", "referral-disagree", "referral-disagree-escalate")
REFERRAL_CHILD = "Riley"


# --------------------------------------------------------------------------- identities


def nhs_number(serial: int) -> str:
    """A valid NHS number (modulus 11) starting 999 000, unique to ``serial``."""
    while True:
        stem = f"999000{serial:03d}"
        total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return stem + str(check)
        serial += 500


@dataclass(frozen=True)
class Identity:
    """A restricted child's identifying details, each unlike anything else on any page."""

    key: str  # the world's name for the child ("Sam")
    serial: int
    first_name: str
    last_name: str
    date_of_birth: date
    nhs_number: str
    postcode: str
    address_line_1: str
    upn: str
    alias_first: str
    alias_last: str

    @classmethod
    def make(
        cls, key: str, serial: int, *, last_name: str = "", born: date | None = None
    ) -> Identity:
        letter = chr(ord("a") + serial)
        return cls(
            key=key,
            serial=serial,
            first_name=f"{key}quill",
            last_name=last_name or f"Zorvath{letter}",
            date_of_birth=born or date(2011, 1 + serial % 12, 10 + serial),
            nhs_number=nhs_number(serial),
            postcode=f"ZZ9 9Q{letter.upper()}",
            address_line_1=f"{20 + serial} Quillimore Lane",
            upn=f"LEAKUPN{serial:06d}",
            alias_first=f"{key}vellion",
            alias_last=f"Ostrander{letter}",
        )

    def tokens(self) -> dict[str, str]:
        """What a page must not contain, by kind (compared ignoring case)."""
        dob = self.date_of_birth
        nhs = self.nhs_number
        return {
            "first name": self.first_name,
            "last name": self.last_name,
            "alias": self.alias_first,
            "alias last name": self.alias_last,
            "date of birth": f"{dob.day} {dob:%b %Y}",
            "date of birth (long)": f"{dob.day} {dob:%B %Y}",
            "date of birth (ISO)": dob.isoformat(),
            "date of birth (slashes)": f"{dob:%d/%m/%Y}",
            "NHS number": nhs,
            "NHS number (spaced)": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
            "postcode": self.postcode,
            "address": self.address_line_1,
            "UPN": self.upn,
        }


class UniqueNaming(Naming):
    """Names every child of a world uniquely (``Identity``), and remembers each."""

    tag = "-leak"

    def __init__(self) -> None:
        self.identities: dict[str, Identity] = {}

    def identity(self, key: str, *, last_name: str = "", born: date | None = None) -> Identity:
        if key not in self.identities:
            self.identities[key] = Identity.make(
                key, len(self.identities), last_name=last_name, born=born
            )
        return self.identities[key]

    def details(self, first_name: str) -> ChildDetails:
        found = self.identity(first_name)
        return child_details(
            first_name=found.first_name,
            last_name=found.last_name,
            date_of_birth=found.date_of_birth,
            nhs_number=found.nhs_number,
            postcode=found.postcode.lower(),
            address_line_1=found.address_line_1,
        )

    def person(self, first_name: str, last_name: str) -> dict[str, Any]:
        # Twins share their surname and date of birth, as the world's do, so they still look
        # like duplicates; no NHS number (records with different ones could not be merged).
        born = {"Twin": date(2012, 2, 14), "Merged": date(2012, 3, 15)}.get(last_name)
        found = self.identity(first_name, last_name=f"{last_name}zorvath", born=born)
        return {
            "first_name": found.first_name,
            "last_name": found.last_name,
            "date_of_birth": found.date_of_birth,
        }

    def document(self) -> dict[str, Any]:
        found = self.identity(REFERRAL_CHILD)
        document = referral_document()
        child = document["children"][0]
        child.update(
            first_name=found.first_name,
            last_name=found.last_name,
            date_of_birth=found.date_of_birth.isoformat(),
            nhs_number=found.nhs_number,
            postcode=found.postcode.lower(),
            address_line_1=found.address_line_1,
        )
        document["concern"] = (
            f"{found.first_name} came to school with a bruise and said she was scared to go home."
        )
        return document


# --------------------------------------------------------------------------- the world


@dataclass
class LeakWorld:
    plain: World  # nothing restricted
    restricted: World  # every child restricted
    users: dict[str, Any]
    #: child key -> (Person, Identity), every child of the restricted world
    children: dict[str, tuple[Any, Identity]]
    #: (persona, child key) pairs a user may see (``ALLOWED``), as Person ids
    allowed: set[tuple[str, int]] = field(default_factory=set)

    def child(self, key: str) -> Any:
        return self.children[key][0]

    def refused(self, persona: str | None) -> list[tuple[Any, Identity]]:
        """The restricted children the guard refuses ``persona`` (None: anonymous)."""
        return [
            (person, identity)
            for person, identity in self.children.values()
            if (persona or "", person.pk) not in self.allowed
        ]


def leak_world_build() -> LeakWorld:
    """Both worlds, the restrictions, the grants, and some history to audit (~5 s)."""
    from frontdoor.accounts.models import Role, User
    from frontdoor.matching.duplicates import duplicates_check
    from frontdoor.matching.services import match_keys_refresh
    from frontdoor.people.models import Alias, Person, PersonKind
    from frontdoor.restricted.services import break_glass_open, restriction_create
    from frontdoor.testing.factories import UserFactory, contact_recorded
    from frontdoor.testing.personas import org_agency, org_team

    plain = world_build()
    first_new = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    naming = UniqueNaming()
    restricted = world_build(naming)
    found = naming.identity(CONCERN_CHILD)
    contact_recorded(
        children=[naming.details(CONCERN_CHILD)],
        concern=f"{found.first_name}'s teacher saw bruising on her arm and her neck.",
    )
    users = dict(restricted.users)
    owner = User.objects.filter(username=OWNER).first() or cast(
        User,
        UserFactory(
            username=OWNER,
            role=Role.MASH_MANAGER,
            team=org_team("mash"),
            agency=org_agency("council"),
        ),
    )
    by_first_name = {i.first_name: i for i in naming.identities.values()}
    children: dict[str, tuple[Any, Identity]] = {}
    for person in Person.objects.filter(pk__gte=first_new, kind=PersonKind.CHILD):
        identity = by_first_name.get(person.first_name)
        assert identity is not None, f"a child the leak world did not name: {person.pk}"
        Person.objects.filter(pk=person.pk).update(upn=identity.upn)
        Alias.objects.create(
            person=person, first_name=identity.alias_first, last_name=identity.alias_last
        )
        children[identity.key] = (person, identity)
    missing = set(naming.identities) - set(children)
    assert not missing, f"children named but not made: {missing}"
    for key, (person, _identity) in children.items():
        if person.merged_into_id is not None:
            continue  # a merged record is covered by the restriction of the record it is in
        named = [users[p] for p, k in ALLOWED if k == key and p == "mash_manager"]
        restriction_create(
            child=person,
            category="high_profile",
            reason="A high-profile case: the leak test's restricted child.",
            named=named,
            by=owner,
        )
    for persona, key in ALLOWED:
        if persona != "mash_manager":
            break_glass_open(
                child=children[key][0],
                reason="The leak test opens this record on purpose, with a reason.",
                by=users[persona],
            )
    # The restricted twins, proposed as duplicates: the duplicates queue lists them.
    for key in ("Kim", "Kym"):
        match_keys_refresh(children[key][0])
    assert duplicates_check(children["Kim"][0]), "the restricted twins should look alike"
    world = LeakWorld(plain=plain, restricted=restricted, users=users, children=children)
    world.allowed = {(persona, children[key][0].pk) for persona, key in ALLOWED}
    # A refused attempt to audit: the contact officer tries to open a restricted child.
    client = Client()
    client.force_login(users["contact_officer"])
    client.get(reverse("child-detail", args=[world.child("Sam").pk]))
    return world


# --------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class Ask:
    """One request: a method, a URL and an optional body (form data, or JSON for the API)."""

    method: str
    url: str
    data: dict[str, Any] | None = None
    json_body: bool = False

    def __str__(self) -> str:
        body = f" {json.dumps(self.data)}" if self.data else ""
        return f"{self.method} {self.url}{body}"


def variants(world: LeakWorld) -> dict[str, list[Ask]]:
    """Queries that matter, by route key: a restricted child asked for by record number or
    found by a misspelt name, a user's access audited, every list's filters and scopes."""
    sam, dee, frankie = (world.child(k) for k in ("Sam", "Dee", "Frankie"))
    noor = world.child(CONCERN_CHILD)
    sam_id = world.children["Sam"][1]
    reason = {"reason": "Leak test: an export, with a reason."}
    audit_children = [sam, dee, frankie, world.child(REFERRAL_CHILD)]
    audited = ["mash_worker", "auditor", "contact_officer", "mash_manager"]
    # A misspelt name: found by the fuzzy search, and not itself a restricted child's token.
    typo = {"first_name": sam_id.first_name[:-1], "last_name": sam_id.last_name[:-1]}
    return {
        "audit-child": [Ask("GET", f"/audit/children/?child={c.pk}") for c in audit_children],
        "audit-child-export": [
            ask
            for c in audit_children
            for ask in (
                Ask("GET", f"/audit/children/export/?child={c.pk}"),
                Ask("POST", f"/audit/children/export/?child={c.pk}", reason),
            )
        ],
        "audit-user": [Ask("GET", f"/audit/users/?username={u}") for u in audited],
        "audit-user-export": [
            ask
            for u in audited
            for ask in (
                Ask("GET", f"/audit/users/export/?username={u}"),
                Ask("POST", f"/audit/users/export/?username={u}", reason),
            )
        ],
        "child-search": [
            Ask("GET", f"/children/?first_name={typo['first_name']}&last_name={typo['last_name']}")
        ],
        "contact-new": [Ask("GET", f"/contacts/new/?child={c.pk}") for c in (sam, noor)],
        "reconciliation": [Ask("GET", "/reconciliation/?period=all")],
        "escalation-list": [Ask("GET", "/escalations/?status=all")],
        "escalation-new": [
            Ask("GET", f"/escalations/new/?record=enquiry:{world.restricted.records['enquiry'].pk}")
        ],
        "subject-access": [
            Ask("POST", "/subject-access/", {"child": str(sam.pk), "reason": "SAR-LEAK-1"}),
            Ask(
                "POST",
                "/subject-access/",
                {"child": str(sam.pk), "reason": "SAR-LEAK-1", "confirmed": "yes"},
            ),
        ],
        "POST /api/v1/children/search": [
            Ask(
                "POST",
                "/api/v1/children/search",
                {"given_name": typo["first_name"], "family_name": typo["last_name"]},
                json_body=True,
            )
        ],
        "GET /api/v1/queue": [Ask("GET", "/api/v1/queue?scope=team")],
        "GET /api/v1/requests": [Ask("GET", "/api/v1/requests?limit=100")],
        "POST /api/v1/requests/{id}/answer": [
            Ask(
                "POST",
                f"/api/v1/requests/{pr.pk}/answer",
                {"shared": True, "response": "Known to us: two call-outs."},
                json_body=True,
            )
            for pr in (
                world.restricted.records["request_police"],
                world.restricted.records["request_health"],
            )
        ],
    }


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    if route.api:
        path = route.path
        for name, value in kwargs.items():
            path = path.replace("{" + name + "}", str(value))
        return path
    if route.name is None:
        return "/" + route.path
    return reverse(route.name, kwargs=kwargs)


def asks_for(
    world: LeakWorld,
    route: Route,
    persona: str | None,
    extra: list[Ask],
    *,
    plain: bool = True,
) -> list[Ask]:
    """The route with each world's URL arguments (for ``persona``; only the restricted
    world's unless ``plain``), then its variants."""
    user = world.users.get(persona) if persona else None
    urls: list[str] = []
    for built in (world.plain, world.restricted) if plain else (world.restricted,):
        url = _url(route, built.kwargs_for(route, user))
        if url not in urls:
            urls.append(url)
    method = route.method if route.api else "GET"
    return [Ask(method, url, json_body=route.api) for url in urls] + extra


# --------------------------------------------------------------------------- asking


@dataclass
class Answer:
    status: int
    text: str  # the body (streamed or zipped content read in full) and the headers
    #: restricted child ids the request logged as viewed (read before it was rolled back)
    viewed: set[int]


def body_text(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [f"{name}: {value}" for name, value in response.items()]
    if raw[:4] == b"PK\x03\x04":  # a zip file (the subject access export)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    else:
        parts.append(raw.decode("utf-8", "replace"))
    return "\n".join(parts)


def ask(
    client: Client,
    request: Ask,
    restricted_ids: set[int],
    unprotected: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> Answer:
    """Send ``request`` in a transaction that is rolled back (nothing it does changes the
    world for the next one); a page that answers 405 to GET is sent a POST. With
    ``restricted_ids``, also which of those children the request logged as read."""
    from frontdoor.audit.models import AccessAction, AccessLogEntry

    cookies = SimpleCookie()
    cookies.update(client.cookies)
    try:
        with transaction.atomic():
            last = (
                AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
                if restricted_ids
                else None
            )
            with unprotected():
                if request.json_body or request.url.startswith("/api/"):
                    response = client.generic(
                        request.method,
                        request.url,
                        json.dumps(request.data).encode() if request.data else b"",
                        content_type="application/json",
                    )
                elif request.method == "POST":
                    response = client.post(request.url, request.data or {})
                else:
                    response = client.get(request.url)
                    if response.status_code == 405:
                        response = client.post(request.url)
                text = body_text(response)
            viewed = (
                set(
                    AccessLogEntry.objects.filter(
                        pk__gt=last or 0,
                        child_id__in=restricted_ids,
                        action__in=[AccessAction.VIEW, AccessAction.CHANGE],
                    ).values_list("child_id", flat=True)
                )
                if restricted_ids
                else set()
            )
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return Answer(int(response.status_code), text, viewed)


# --------------------------------------------------------------------------- the crawl


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
