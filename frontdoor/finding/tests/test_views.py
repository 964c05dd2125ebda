"""The pages: contact search, decisions and closures, caseloads. Filters, pages, errors on the
page (never a server error), what is logged and what a restricted record shows."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.intake.models import Contact
from frontdoor.mash.services import enquiry_allocate
from frontdoor.restricted.services import restriction_create
from frontdoor.testing.factories import child_details, contact_child_of, local
from frontdoor.testing.fixtures import client_for
from frontdoor.web import paging

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 4, 9)


@pytest.fixture(autouse=True)
def _pinned() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contacts(contact_recorded: Any, screened: Any) -> list[Contact]:
    """Amy's contact from a school (screened: early help), Ben's from a GP (waiting)."""
    amy = contact_recorded(
        received_at=local(2026, 3, 2, 10),
        referrer_name="Pat Teacher",
        referrer_agency="Hill Primary School",
        children=[child_details(first_name="Amy", last_name="Apple")],
    )
    screened(outcome="early_help", contact_child=contact_child_of(amy))
    ben = contact_recorded(
        received_at=local(2026, 3, 3, 10),
        referrer_name="Dr Lee",
        referrer_agency="Riverside Surgery",
        children=[child_details(first_name="Ben", last_name="Berry")],
    )
    return [amy, ben]


def _main(response: Any) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------ contact search


def test_the_search_lists_every_contact_newest_first_by_default(
    contacts: list[Contact], contact_officer: Any
) -> None:
    response = client_for(contact_officer).get(reverse("contact-search"))
    assert response.status_code == 200
    page = _main(response)
    assert page.index("Ben Berry") < page.index("Amy Apple")
    assert "2 contacts" in page and "Awaiting screening" in page and "Early help" in page
    assert 'href="/contacts/"' in page  # "Find work" in the service navigation


def test_the_search_finds_a_contact_by_its_referrer(
    contacts: list[Contact], contact_officer: Any
) -> None:
    response = client_for(contact_officer).get(reverse("contact-search"), {"referrer": "teacher"})
    page = _main(response)
    assert "1 contact<" in page and "Amy Apple" in page and "Ben Berry" not in page


def test_an_exact_reference_opens_the_contact(
    contacts: list[Contact], contact_officer: Any
) -> None:
    client = client_for(contact_officer)
    amy = contacts[0]
    response = client.get(reverse("contact-search"), {"reference": amy.reference.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("contact-detail", args=[amy.pk])
    # With another filter it is listed instead (here: no match, a phone contact by email).
    listed = client.get(reverse("contact-search"), {"reference": amy.reference, "channel": "email"})
    assert listed.status_code == 200 and "No contact matches this search" in _main(listed)
    unknown = client.get(reverse("contact-search"), {"reference": "C9999999"})
    assert unknown.status_code == 200
    assert "a C and 7 digits" in _main(unknown)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"received_from-day": "31", "received_from-month": "2", "received_from-year": "2026"},
            "Received from must be a real date",
        ),
        ({"received_to-day": "3", "received_to-year": "2026"}, "Received to must include a month"),
        (
            {
                "received_from-day": "4",
                "received_from-month": "3",
                "received_from-year": "2026",
                "received_to-day": "2",
                "received_to-month": "3",
                "received_to-year": "2026",
            },
            "must be the same as or after the",
        ),
        ({"channel": "pigeon"}, "Select a channel from the list"),
        ({"outcome": "maybe"}, "Select a screening outcome from the list"),
        ({"reference": "C" * 41}, "Reference must be 40 characters or fewer"),
    ],
)
def test_bad_search_input_is_explained_in_the_error_summary(
    contacts: list[Contact], contact_officer: Any, query: dict[str, str], message: str
) -> None:
    response = client_for(contact_officer).get(reverse("contact-search"), query)
    assert response.status_code == 200
    page = _main(response)
    assert "govuk-error-summary" in page and message.replace("'", "&#x27;") in page.replace(
        "&#39;", "&#x27;"
    )
    assert "<title>Error: " in page
    assert "Amy Apple" not in page


def test_the_results_are_paged_with_the_govuk_pagination(
    contact_recorded: Any, contact_officer: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for day, name in enumerate(["One", "Two", "Three", "Four", "Five"], start=2):
        contact_recorded(
            received_at=local(2026, 3, day, 10),
            referrer_agency="Hill Primary School",
            children=[child_details(first_name=name)],
        )
    client = client_for(contact_officer)
    first = _main(client.get(reverse("contact-search"), {"agency": "hill"}))
    assert "Five " in first and "Four " in first and "Three " not in first
    assert 'class="govuk-pagination' in first
    assert "?agency=hill&amp;page=2" in first
    last = _main(client.get(reverse("contact-search"), {"agency": "hill", "page": "3"}))
    assert "One " in last and "Two " not in last
    for odd in ("0", "-1", "abc", "99999999999999999999"):
        assert client.get(reverse("contact-search"), {"page": odd}).status_code == 200


def test_the_children_shown_are_logged_as_viewed(
    contacts: list[Contact], contact_officer: Any
) -> None:
    client_for(contact_officer).get(reverse("contact-search"))
    logged = AccessLogEntry.objects.filter(user=contact_officer, path="/contacts/")
    assert {(e.child.first_name, e.record_type, e.action) for e in logged} == {
        ("Amy", "contact", AccessAction.VIEW),
        ("Ben", "contact", AccessAction.VIEW),
    }


def test_a_restricted_child_is_listed_masked_with_nothing_of_its_referrer(
    contacts: list[Contact], contact_officer: Any, mash_manager: Any
) -> None:
    amy = contact_child_of(contacts[0]).child
    restriction_create(
        child=amy, category="high_profile", reason="A high-profile case.", by=mash_manager
    )
    response = client_for(contact_officer).get(reverse("contact-search"))
    page = _main(response)
    assert f"Restricted record (record {amy.pk})" in page
    assert "Amy" not in page and "Pat Teacher" not in page and "Hill Primary" not in page
    assert "Ben Berry" in page
    logged = AccessLogEntry.objects.filter(user=contact_officer, path="/contacts/")
    assert [e.child.first_name for e in logged] == ["Ben"]
    # Its owner sees it.
    assert "Amy Apple" in _main(client_for(mash_manager).get(reverse("contact-search")))


# ------------------------------------------------------------------ decisions and closures


@pytest.fixture
def decisions(signed_off: Any, decided: Any) -> None:
    signed_off(outcome="nfa", children=[child_details(first_name="Ben", last_name="Berry")])
    decided(
        outcome="s17",
        received_at=local(2026, 3, 3, 9),
        children=[child_details(first_name="Cal", last_name="Cole")],
    )


def test_the_decisions_list_shows_each_kind_and_its_sign_off(
    decisions: None, mash_manager: Any
) -> None:
    page = _main(client_for(mash_manager).get(reverse("decision-list")))
    assert "MASH enquiry closed" in page and "Screening decision" in page
    assert "Awaiting sign-off" in page and "Signed off" in page
    assert "6 decisions and closures" in page  # the sign-off is a manager's review too


def test_the_decisions_list_filters_by_kind_and_outcome(decisions: None, mash_manager: Any) -> None:
    client = client_for(mash_manager)
    closures = _main(client.get(reverse("decision-list"), {"kind": "enquiry_closed"}))
    assert "1 decision and closure<" in closures and "Ben Berry" in closures
    assert "Cal Cole" not in closures
    s17 = _main(client.get(reverse("decision-list"), {"outcome": "mash:s17"}))
    assert "Cal Cole" in s17 and "Ben Berry" not in s17


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "gossip"}, "Select kinds from the list"),
        ({"outcome": "mash:maybe"}, "Select an outcome from the list"),
        ({"kind": "screening", "outcome": "mash:nfa"}, "Select an outcome of a kind you chose"),
        ({"decided_by": "nobody"}, "Select a person from the list"),
        ({"team": "999999"}, "Select a team from the list"),
        (
            {"decided_from-day": "1", "decided_from-month": "13", "decided_from-year": "2026"},
            "Decided from must be a real date",
        ),
    ],
)
def test_bad_filters_are_explained_in_the_error_summary(
    decisions: None, mash_manager: Any, query: dict[str, str], message: str
) -> None:
    response = client_for(mash_manager).get(reverse("decision-list"), query)
    assert response.status_code == 200
    page = _main(response)
    assert "govuk-error-summary" in page and message in page


def test_a_contact_officer_is_not_shown_mash_decisions(
    decisions: None, contact_officer: Any
) -> None:
    page = _main(client_for(contact_officer).get(reverse("decision-list")))
    assert "/enquiries/" not in page
    assert "Screening decision" in page and "Contact closed at screening" in page
    assert "MASH decision" not in page and "MASH enquiry closed" not in page


# ------------------------------------------------------------------------------ caseloads


def test_a_manager_sees_their_teams_caseloads_and_opens_a_workers(
    screened_to_mash: Any, mash_manager: Any, mash_worker: Any
) -> None:
    enquiry = screened_to_mash(
        rating="RED", children=[child_details(first_name="Red", last_name="Rose")]
    )
    enquiry_allocate(
        enquiry=enquiry, allocated_to=mash_worker, by=mash_manager, at=local(2026, 3, 2, 12)
    )
    client = client_for(mash_manager)
    page = _main(client.get(reverse("caseload")))
    assert mash_worker.display_name in page and "Team total" in page
    detail = client.get(reverse("caseload-worker", args=[mash_worker.pk]))
    assert detail.status_code == 200
    assert "Red Rose" in _main(detail) and "Overdue" in _main(detail)
    logged = AccessLogEntry.objects.get(user=mash_manager, record_type="user")
    assert (logged.child_id, logged.record_id) == (enquiry.child_id, mash_worker.pk)


def test_a_manager_cannot_open_another_teams_worker(
    assessment_manager: Any, mash_worker: Any, mash_manager: Any
) -> None:
    url = reverse("caseload-worker", args=[mash_worker.pk])
    assert client_for(assessment_manager).get(url).status_code == 403
    assert client_for(mash_worker).get(url).status_code == 403
    assert client_for(mash_worker).get(reverse("caseload")).status_code == 403
    assert (
        client_for(mash_manager).get(reverse("caseload-worker", args=[999999])).status_code == 404
    )
