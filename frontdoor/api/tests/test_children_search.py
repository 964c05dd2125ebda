"""POST /api/v1/children/search: search before create for other systems and scripts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from frontdoor.api.tests.calls import API, assert_problem, client_for, error_fields, post_json
from frontdoor.audit.models import AccessLogEntry
from frontdoor.people.models import Person
from frontdoor.people.services import child_create
from frontdoor.testing.factories import child_details

pytestmark = pytest.mark.django_db
URL = f"{API}/children/search"


@pytest.fixture
def bill(mash_worker: Any) -> Person:
    return child_create(
        details=child_details(
            first_name="William",
            last_name="Jones-Smith",
            date_of_birth=date(2012, 1, 19),
            nhs_number="943 476 5919",
            postcode="PE1 1AA",
        ),
        by=mash_worker,
    )


def test_a_nickname_and_part_of_a_double_surname_find_the_child(
    mash_worker: Any, bill: Person
) -> None:
    body = {"given_name": "Bill", "family_name": "Smith", "birth_year": 2012}
    response = post_json(client_for(mash_worker), URL, body)

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == 1
    (match,) = data["results"]
    assert match["child"]["id"] == bill.pk
    assert match["confidence"] in ("high", "medium", "low")
    levels = {r["field"]: r["level"] for r in match["reasons"]}
    assert levels == {
        "given_name": "nickname",
        "family_name": "part",
        "date_of_birth": "partial_year",
    }
    assert match["weight"] == pytest.approx(sum(r["weight"] for r in match["reasons"]), abs=0.05)
    assert AccessLogEntry.objects.filter(user=mash_worker, child=bill, action="view").exists()


def test_the_nhs_number_alone_finds_the_child(mash_worker: Any, bill: Person) -> None:
    response = post_json(client_for(mash_worker), URL, {"nhs_number": "9434765919"})
    assert response.json()["results"][0]["reasons"][0]["reason"] == "same NHS number"


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        # The shape of the request: 422.
        ({"date_of_birth": "2012-02-30"}, "date_of_birth", 422),
        ({"birth_month": 13, "birth_year": 2012}, "birth_month", 422),
        ({"given_name": "x" * 101}, "given_name", 422),
        ({"given_name": "a\x00b"}, "given_name", 422),
        ({"surname": "Smith"}, "surname", 422),
        # Well formed but refused: 400.
        ({"nhs_number": "1234567890"}, "nhs_number", 400),
        ({"birth_month": 3}, "birth_month", 400),
        ({"date_of_birth": "2012-01-19", "birth_year": 2011}, "birth_year", 400),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    mash_worker: Any, body: dict[str, Any], field: str, status: int
) -> None:
    problem = assert_problem(post_json(client_for(mash_worker), URL, body), status)
    assert any(field in f for f in error_fields(problem)), problem


def test_nothing_to_search_on_is_400(mash_worker: Any) -> None:
    assert_problem(post_json(client_for(mash_worker), URL, {"given_name": "!!!"}), 400)


def test_roles_without_child_view_get_403(police_practitioner: Any) -> None:
    assert_problem(post_json(client_for(police_practitioner), URL, {"given_name": "Bill"}), 403)
