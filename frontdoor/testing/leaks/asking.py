"""What the leak crawl asks: each route's URLs in each world with the query variants that matter,
and asking one as a user (streamed responses and zip files read in full)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse

from frontdoor.testing.leaks.identities import CONCERN_CHILD, REFERRAL_CHILD
from frontdoor.testing.leaks.leak_world import LeakWorld
from frontdoor.testing.routes import Route


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
