"""The permission matrix: every route, for every role, an anonymous visitor and a user with no
role, answers allow or deny exactly as ``permission_matrix.txt`` says.

Routes are found, not listed (``frontdoor.testing.routes.all_routes``), so a new page or API
operation without a row in the table fails here, with the row it was seen to answer, ready to
review and paste. Each user opens each route with arguments from a small world of real records
(``frontdoor.testing.world``) that gives every role a record of its own wherever the role may
use the route at all. Pages are asked with GET (POST with no data where only POST is allowed);
API operations with their own method and no body.

Run ``FRONTDOOR_MATRIX_WRITE=1 pytest frontdoor/accounts/tests/test_permission_matrix.py`` to
write what was seen to ``permission_matrix.observed.txt`` beside the table (for review; the
table itself is only ever edited by hand).

The object-level tests below check by hand the rules the matrix relies on: an agency's
practitioner cannot open another agency's request, discussion or escalation by guessing its
address, an assessment worker cannot open another team's work, and one worker's supervision is
not another's to read.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from frontdoor.accounts.models import Role
from frontdoor.testing.fixtures import client_for
from frontdoor.testing.routes import (
    ALLOW,
    CODES,
    COLUMNS,
    DENY,
    LEAD_TO_SIGN_IN,
    TABLE,
    Route,
    all_routes,
    format_row,
    header,
    outcome,
    read_table,
)
from frontdoor.testing.world import World, world_build

SETTINGS = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    FRONTDOOR_INTAKE_CONVERT="inline",
    FRONTDOOR_API_TOKEN_CACHE_SECONDS=0,
    # As in the rest of the suite (frontdoor.testing.fixtures): force_login sessions count as
    # signed in. The second factor has its own tests (frontdoor/accounts/tests).
    FRONTDOOR_REQUIRE_2FA=False,
)


@dataclass
class Matrix:
    world: World
    routes: list[Route]
    seen: dict[str, dict[str, str]]  # route key -> column code -> a / d / ?status
    how: dict[tuple[str, str], str]  # (route key, code) -> "GET /path -> 302 /sign-in/"

    @property
    def size(self) -> str:
        return (
            f"{len(self.routes)} routes x {len(CODES)} columns "
            f"({len(CODES) - 2} roles + anonymous + no role) = {len(self.routes) * len(CODES)}"
        )


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    if route.api:
        path = route.path
        for name, value in kwargs.items():
            path = path.replace("{" + name + "}", str(value))
        return path
    if route.name is None:
        return "/" + route.path  # an unnamed pattern (no URL arguments: checked by all_routes)
    return reverse(route.name, kwargs=kwargs)


def _ask(client: Client, route: Route, url: str) -> tuple[str, Any]:
    """Send the request in a transaction that is rolled back, so nothing it does (a POST that
    marks something done, signing out) changes the world for the next user."""
    cookies = SimpleCookie()
    cookies.update(client.cookies)
    try:
        with transaction.atomic():
            if route.api:
                method = route.method
                response = client.generic(method, url, b"", content_type="application/json")
            else:
                method = "GET"
                response = client.get(url)
                if response.status_code == 405:
                    method = "POST"
                    response = client.post(url)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return method, response


def _observe(
    world: World, clients: dict[str, Client], route: Route
) -> tuple[dict[str, str], dict[str, str]]:
    row: dict[str, str] = {}
    how: dict[str, str] = {}
    for code, name, _role in COLUMNS:
        user = world.users[name] if name else None
        try:
            url = _url(route, world.kwargs_for(route, user))
            method, response = _ask(clients[code], route, url)
        except Exception as exc:  # reported as a failing cell, with the reason
            row[code] = "?error"
            how[code] = f"{type(exc).__name__}: {exc}"
            continue
        row[code] = outcome(response, api=route.api, key=route.key)
        where = response.get("Location", "") if 300 <= response.status_code < 400 else ""
        how[code] = f"{method} {url} -> {response.status_code} {where}".rstrip()
    return row, how


@pytest.fixture(scope="module")
def matrix(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Matrix]:
    quiet = logging.getLogger("django.request")  # a warning for every 403 and 404 asked for
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    with django_db_blocker.unblock(), SETTINGS:
        try:
            cache.clear()
            world = world_build()
            clients = {
                code: client_for(world.users[name]) if name else Client()
                for code, name, _role in COLUMNS
            }
            routes = all_routes()
            seen: dict[str, dict[str, str]] = {}
            how: dict[tuple[str, str], str] = {}
            for route in routes:
                seen[route.key], details = _observe(world, clients, route)
                how.update({(route.key, code): text for code, text in details.items()})
            found = Matrix(world=world, routes=routes, seen=seen, how=how)
            print(f"\nPermission matrix: {found.size}")
            if os.environ.get("FRONTDOOR_MATRIX_WRITE"):
                table = read_table() if TABLE.exists() else {}
                lines = [header()]
                for route in routes:
                    comment = table[route.key].comment if route.key in table else ""
                    lines.append(format_row(route.key, seen[route.key], comment))
                TABLE.with_suffix(".observed.txt").write_text("\n".join(lines) + "\n")
            quiet.setLevel(level)
            yield found
        finally:  # even when building fails: leave nothing for the next module
            call_command("flush", interactive=False, verbosity=0)


# --------------------------------------------------------------------------- the matrix


def test_every_role_has_a_column() -> None:
    assert {role for _, _, role in COLUMNS if role} == set(Role.values)


@pytest.mark.django_db
def test_every_route_has_a_row_in_the_table(matrix: Matrix) -> None:
    table = read_table()
    missing = [route.key for route in matrix.routes if route.key not in table]
    assert not missing, (
        "These routes have no row in frontdoor/accounts/tests/permission_matrix.txt. Review "
        "who may open them and add the row (as seen now):\n"
        + header()
        + "\n"
        + "\n".join(format_row(key, matrix.seen[key]) for key in missing)
    )


@pytest.mark.django_db
def test_no_row_for_a_route_that_is_gone(matrix: Matrix) -> None:
    routes = {route.key for route in matrix.routes}
    gone = [f"line {row.line}: {key}" for key, row in read_table().items() if key not in routes]
    assert not gone, "The table lists routes that no longer exist:\n" + "\n".join(gone)


@pytest.mark.django_db
def test_every_route_answers_as_the_table_says(matrix: Matrix) -> None:
    table = read_table()
    wrong: list[str] = []
    for route in matrix.routes:
        row = table.get(route.key)
        for code in CODES:
            got = matrix.seen[route.key][code]
            if got not in (ALLOW, DENY):
                wrong.append(f"{route.key} [{code}] no answer: {matrix.how[route.key, code]}")
            elif row is not None and row.outcomes[code] != got:
                expected = "allow" if row.outcomes[code] == ALLOW else "deny"
                wrong.append(
                    f"{route.key} [{code}] table says {expected}, saw "
                    f"{'allow' if got == ALLOW else 'deny'}: {matrix.how[route.key, code]}"
                )
    print(f"Permission matrix: {matrix.size}")
    assert not wrong, f"{len(wrong)} cells differ from the table:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_anonymous_visitors_reach_only_public_pages(matrix: Matrix) -> None:
    """A page an anonymous visitor may open is a public one: the referral form, its outcome
    link, sign-in, and the API's documentation."""
    public_prefixes = ("refer/", "referral-outcome/", "sign-in/", "api/v1/")
    opened = [
        route.path
        for route in matrix.routes
        if matrix.seen[route.key]["anon"] == ALLOW
        and not route.path.startswith(public_prefixes)
        and route.key not in ("home", *LEAD_TO_SIGN_IN)
    ]
    assert not opened, f"Open to anyone without signing in: {opened}"


# --------------------------------------------------------------------------- object rules


def _status(user: Any, url: str) -> int:
    return int(client_for(user).get(url).status_code)


@pytest.mark.django_db
def test_a_practitioner_cannot_open_another_agencys_request(matrix: Matrix) -> None:
    w = matrix.world
    police = w.users["police_practitioner"]
    ours, theirs = w.records["request_police"], w.records["request_health"]
    assert _status(police, reverse("request-detail", args=[ours.pk])) == 200
    assert _status(police, reverse("request-detail", args=[theirs.pk])) in (403, 404)
    assert _status(police, f"/api/v1/requests/{theirs.pk}") == 404
    assert _status(w.users["health_practitioner"], f"/api/v1/requests/{theirs.pk}") == 200


@pytest.mark.django_db
def test_a_practitioner_cannot_open_a_discussion_their_agency_was_not_invited_to(
    matrix: Matrix,
) -> None:
    w = matrix.world
    police, health = w.users["police_practitioner"], w.users["health_practitioner"]
    invited, not_invited = w.records["discussion"], w.records["other_discussion"]
    assert _status(police, reverse("strategy-detail", args=[invited.pk])) == 200
    assert _status(police, reverse("strategy-detail", args=[not_invited.pk])) in (403, 404)
    assert _status(health, reverse("strategy-detail", args=[not_invited.pk])) == 200


@pytest.mark.django_db
def test_a_practitioner_cannot_open_another_agencys_escalation(matrix: Matrix) -> None:
    w = matrix.world
    police = w.users["police_practitioner"]
    ours, theirs = w.records["escalation_police"], w.records["escalation_health"]
    assert _status(police, reverse("escalation-detail", args=[ours.pk])) == 200
    assert _status(police, reverse("escalation-detail", args=[theirs.pk])) in (403, 404)
    assert _status(police, reverse("escalation-withdraw", args=[theirs.pk])) in (403, 404)
    assert (
        _status(w.users["health_practitioner"], reverse("escalation-detail", args=[theirs.pk]))
        == 200
    )


@pytest.mark.django_db
def test_an_assessment_worker_cannot_open_another_teams_transfer_or_assessment(
    matrix: Matrix,
) -> None:
    w = matrix.world
    ours, east = w.users["assessment_worker"], w.users["assessment_worker_east"]
    transfer, assessment = w.records["transfer"], w.records["assessment"]
    pages = [
        reverse("transfer-detail", args=[transfer.pk]),
        reverse("assessment-detail", args=[assessment.pk]),
        reverse("s47-detail", args=[w.records["s47"].pk]),
        reverse("strategy-detail", args=[w.records["discussion"].pk]),
    ]
    for page in pages:
        assert _status(ours, page) == 200, page
        assert _status(east, page) in (403, 404), page
    for page in (
        reverse("transfer-visit", args=[transfer.pk]),
        reverse("assessment-visit", args=[assessment.pk]),
        reverse("assessment-start", args=[transfer.pk]),
    ):
        assert _status(east, page) in (403, 404), page


@pytest.mark.django_db
def test_one_workers_supervision_is_not_another_workers_to_read(matrix: Matrix) -> None:
    w = matrix.world
    worker, colleague = w.users["assessment_worker"], w.users["assessment_worker_2"]
    record = w.records["supervision"]
    detail = reverse("supervision-detail", args=[record.pk])
    assert _status(worker, detail) == 200
    assert _status(colleague, detail) in (403, 404)
    assert _status(colleague, reverse("supervision-worker", args=[worker.pk])) in (403, 404)
    assert _status(w.users["assessment_manager"], detail) == 200
    action = record.actions.get()
    assert _status(colleague, reverse("supervision-action-done", args=[action.pk])) in (
        403,
        404,
        405,
    )
    response = client_for(colleague).post(reverse("supervision-action-done", args=[action.pk]))
    assert response.status_code in (403, 404)
