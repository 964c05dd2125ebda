"""Every route of the site, and the permission matrix table that says who may open each.

Used by ``frontdoor/accounts/tests/test_permission_matrix.py``:

* ``all_routes()`` walks ``django.urls.get_resolver()`` (the admin counts as one route, its
  index: the admin checks staff status itself) and adds every operation (method + path) of the
  JSON API's OpenAPI schema;
* ``read_table()`` / ``format_row()`` read and write the table
  (``frontdoor/accounts/tests/permission_matrix.txt``): one line per route, one column per role
  (``COLUMNS``), ``a`` allow or ``d`` deny, then an optional ``# comment``;
* ``outcome()`` turns a response into ``a`` or ``d``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from frontdoor.accounts.models import Role

#: One column per role (short code, persona used to sign in), then an anonymous visitor and
#: an active user with no role. Every ``Role`` must have a column (checked by the test).
COLUMNS: tuple[tuple[str, str | None, str], ...] = (
    # (code, persona name or None for anonymous, role)
    ("co", "contact_officer", Role.CONTACT_OFFICER),
    ("ccm", "contact_manager", Role.CONTACT_CENTRE_MANAGER),
    ("msw", "mash_worker", Role.MASH_SOCIAL_WORKER),
    ("mm", "mash_manager", Role.MASH_MANAGER),
    ("pp", "police_practitioner", Role.PARTNER_PRACTITIONER),
    ("asw", "assessment_worker", Role.ASSESSMENT_SOCIAL_WORKER),
    ("am", "assessment_manager", Role.ASSESSMENT_MANAGER),
    ("pa", "analyst", Role.PERFORMANCE_ANALYST),
    ("aud", "auditor", Role.AUDITOR),
    ("pl", "partnership_lead", Role.PARTNERSHIP_LEAD),
    ("hos", "head_of_service", Role.HEAD_OF_SERVICE),
    ("dpo", "data_protection_officer", Role.DATA_PROTECTION_OFFICER),
    ("adm", "administrator", Role.ADMINISTRATOR),
    ("anon", None, ""),
    ("none", "outsider", ""),
)
CODES: tuple[str, ...] = tuple(code for code, _, _ in COLUMNS)
ALLOW, DENY = "a", "d"

API_PREFIX = "/api/v1"
#: Namespaces whose URL patterns are not walked: the admin (one row, its index) and the API
#: (its operations come from the OpenAPI schema; its other named views are walked by hand).
ADMIN_NS = "admin"
API_NS = "api-v1"


@dataclass(frozen=True)
class Route:
    """One row of the matrix: a named URL pattern, or an API operation."""

    key: str  # the route name ("contact-detail", "admin:index") or "GET /api/v1/..."
    name: str | None  # the URL name to reverse (None: an unnamed pattern, or an API operation)
    path: str  # the pattern, e.g. "contacts/<int:pk>/" (API: "/api/v1/requests/{id}")
    kwargs: tuple[str, ...] = field(default=())
    api: bool = False
    method: str = "GET"  # API operations: their method; pages: tried GET first, then POST

    @property
    def first_segment(self) -> str:
        return self.path.removeprefix(API_PREFIX).strip("/").split("/")[0]


_KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


def _kwargs_of(path: str) -> tuple[str, ...]:
    return tuple(_KWARG.findall(path))


def _api_path(path: str) -> str:
    """``requests/<id>`` under the API -> ``/api/v1/requests/{id}`` (the schema's spelling)."""
    inner = _KWARG.sub(r"{\1}", path)
    return f"{API_PREFIX}/{inner}".rstrip("/")


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str, Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def all_routes() -> list[Route]:
    """Every page route, the admin index, the API's own pages and every API operation."""
    from frontdoor.api.api import api

    schema = api.get_openapi_schema()
    operations = set(schema.get("paths", {}))
    routes: dict[str, Route] = {}
    admin_seen = False
    for path, namespace, pattern in _walk(get_resolver(), "", ""):
        if namespace == ADMIN_NS:
            if not admin_seen:
                routes["admin:index"] = Route("admin:index", "admin:index", "admin/")
                admin_seen = True
            continue
        if namespace == API_NS:
            inner = path.removeprefix(API_PREFIX.strip("/") + "/")
            if _api_path(inner) in operations or pattern.name == "not-found":
                continue  # an operation (from the schema below) or the catch-all 404
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        if not name and _kwargs_of(path):
            raise ValueError(f"Name the URL pattern {path!r}: it takes arguments")
        routes[name or path] = Route(name or path, name, path, _kwargs_of(path))
    for api_path, item in schema.get("paths", {}).items():
        for method in item:
            key = f"{method.upper()} {api_path}"
            kwargs = tuple(re.findall(r"{(\w+)}", api_path))
            routes[key] = Route(key, None, api_path, kwargs, api=True, method=method.upper())
    return sorted(routes.values(), key=lambda r: (r.api, r.path, r.key))


# --------------------------------------------------------------------------- the table


TABLE = Path(__file__).resolve().parents[1] / "accounts" / "tests" / "permission_matrix.txt"


@dataclass(frozen=True)
class Row:
    key: str
    outcomes: dict[str, str]
    comment: str = ""
    line: int = 0


def read_table(path: Path = TABLE) -> dict[str, Row]:
    """The table's rows by route key. Blank lines and lines starting with ``#`` are skipped.

    A row: the route key (an API row is two words, ``GET /api/v1/...``), then one ``a``/``d``
    per column of ``COLUMNS``, then optionally ``# comment``.
    """
    rows: dict[str, Row] = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        text, _, comment = raw.partition("#")
        words = text.split()
        if not words:
            continue
        cells = words[-len(CODES) :]
        key = " ".join(words[: -len(CODES)])
        if not key or len(cells) != len(CODES) or any(c not in (ALLOW, DENY) for c in cells):
            raise ValueError(f"{path.name} line {number}: cannot read {raw!r}")
        if key in rows:
            raise ValueError(f"{path.name} line {number}: {key} is listed twice")
        rows[key] = Row(key, dict(zip(CODES, cells, strict=True)), comment.strip(), number)
    return rows


KEY_WIDTH = 48


def format_row(key: str, outcomes: dict[str, str], comment: str = "") -> str:
    """One table line, aligned with the header."""
    cells = " ".join(f"{outcomes.get(code, '?'):<{len(code)}}" for code in CODES)
    line = f"{key:<{KEY_WIDTH}} {cells}"
    return f"{line}  # {comment}" if comment else line.rstrip()


def header() -> str:
    return "# " + f"{'route':<{KEY_WIDTH - 2}} " + " ".join(CODES)


# --------------------------------------------------------------------------- outcomes


def sign_in_paths() -> set[str]:
    return {reverse("login"), reverse("admin:login")}


#: Routes whose whole job is to send the visitor to the sign-in page: landing there is "allow".
LEAD_TO_SIGN_IN = frozenset({"logout", "admin/login/"})


def outcome(response: Any, *, api: bool, key: str = "") -> str:
    """``a`` (allowed), ``d`` (denied) or ``?<status>`` for an answer that is neither.

    Pages: 2xx, or a redirect anywhere but a sign-in page, is allowed; 403, 404 or a redirect
    to sign in is denied. API: 401, 403 and 404 are denied; any other answer below 500 (200,
    or 400/409/422 for the empty body we send) means the operation let the caller in.
    """
    status = int(response.status_code)
    if status >= 500:
        return f"?{status}"
    if api:
        return DENY if status in (401, 403, 404) else ALLOW
    if status in (403, 404):
        return DENY
    if 300 <= status < 400:
        target = urlsplit(response["Location"]).path
        return DENY if target in sign_in_paths() and key not in LEAD_TO_SIGN_IN else ALLOW
    if 200 <= status < 300:
        return ALLOW
    return f"?{status}"
