"""The chronology page: filters by GET, impossible dates, who may open it, and the access log."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape
from typing import Any, cast

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from frontdoor.audit.event_types import event_type, event_type_register
from frontdoor.audit.models import AccessLogEntry, Event
from frontdoor.people.models import Person
from frontdoor.testing.factories import (
    PersonFactory,
    contact_child_of,
    contact_recorded,
    local,
    signed_off,
)

pytestmark = pytest.mark.django_db


def person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def child(org: Any) -> Person:
    """A child decided and signed off in the known week, with a merged older record."""
    decision = signed_off(outcome="nfa")
    child = decision.enquiry.child
    older = contact_child_of(
        contact_recorded(
            received_at=local(2025, 10, 6, 9),
            children=[person(first_name="Samuel", last_name="Exampel")],
        )
    ).child
    Person.objects.filter(pk=older.pk).update(merged_into=child)
    return child


def url(child: Person, query: str = "") -> str:
    return reverse("child-chronology", args=[child.pk]) + (f"?{query}" if query else "")


def rows(body: str) -> list[str]:
    """The category of each table row, in order."""
    return re.findall(r'<tr class="govuk-table__row" data-category="([a-z]+)">', body)


def test_the_page_lists_everything_oldest_first_with_the_merged_records_history(
    child: Person, mash_worker: Any
) -> None:
    body = client_for(mash_worker).get(url(child)).content.decode()

    assert '<h1 class="govuk-heading-l">Chronology</h1>' in body
    assert f"{child.full_name}, born 1 May 2018" in body
    # The older record's contact (October 2025) comes before this record was created.
    assert rows(body)[:2] == ["contacts", "record"]
    assert "From the merged record of Samuel Exampel" in body
    assert "Decision signed off: No further action" in body
    assert "All categories; all dates; oldest first" in body
    assert "data-fd-print hidden>Print this chronology</button>" in body
    for asset in ("frontdoor/chronology.css", "frontdoor/chronology.js"):
        assert f"/static/{asset}" in body and finders.find(asset), asset
    times = re.findall(r'<time datetime="([^"]+)"', body)
    assert times == sorted(times)


def labels(body: str) -> list[str]:
    """What each row says happened (its event type's label), in order."""
    return [unescape(found) for found in re.findall(r'fd-chronology__label">([^<]*)<', body)]


def test_each_entry_shows_its_event_types_label_from_the_registry(
    child: Person, mash_worker: Any
) -> None:
    client = client_for(mash_worker)
    actions = list(
        Event.objects.filter(child__in=[child, *child.merged_records.all()])
        .order_by("at", "id")
        .values_list("action", flat=True)
        .distinct()
    )
    signed_off = event_type("decision.signed_off")

    body = client.get(url(child)).content.decode()
    event_type_register(replace(signed_off, label="Decision signed off by a manager"))
    try:
        relabelled = client.get(url(child)).content.decode()
    finally:
        event_type_register(signed_off)

    shown = labels(body)
    assert len(shown) == len(rows(body)) > 0
    assert set(shown) == {event_type(action).label for action in actions}
    assert "decision.signed_off" not in body  # never the raw name
    assert "Decision signed off by a manager" in labels(relabelled)
    assert "Decision signed off by a manager" not in shown


def test_filters_by_category_and_dates_through_the_query_string(
    child: Person, mash_worker: Any
) -> None:
    client = client_for(mash_worker)

    decisions = client.get(url(child, "category=decisions")).content.decode()
    two = client.get(url(child, "category=decisions&category=contacts")).content.decode()
    tuesday = client.get(
        url(
            child,
            "since-day=3&since-month=3&since-year=2026&until-day=3&until-month=3&until-year=2026",
        )
    ).content.decode()
    newest = client.get(url(child, "order=newest")).content.decode()

    assert set(rows(decisions)) == {"decisions"}
    assert "Categories: Decisions; all dates" in decisions
    assert 'value="decisions" checked' in decisions
    assert 'value="oldest" checked' in decisions  # the default order stays ticked
    assert set(rows(two)) == {"decisions", "contacts"}
    assert rows(tuesday) and "contacts" not in rows(tuesday)
    assert "from 3 March 2026 to 3 March 2026" in tuesday
    # The newest: the referrer set to be told of the signed-off decision.
    assert rows(newest)[0] == "feedback" and rows(newest)[-1] == "contacts"


def test_an_empty_filter_result_says_so(child: Person, mash_worker: Any) -> None:
    body = client_for(mash_worker).get(url(child, "category=meetings")).content.decode()

    assert "Nothing matches this filter" in body
    assert rows(body) == []


@pytest.mark.parametrize(
    ("query", "message", "anchor"),
    [
        ("since-day=31&since-month=2&since-year=2026", "Date from must be a real date", "since"),
        ("until-day=1&until-month=13&until-year=2026", "Date to must be a real date", "until"),
        ("since-day=1&since-month=3", "Date from must include a year", "since"),
        ("until-day=1&until-month=3&until-year=26", "Date to must have a 4-digit year", "until"),
        (
            "since-day=5&since-month=3&since-year=2026&until-day=1&until-month=3&until-year=2026",
            "Date to must be the same as or after date from",
            "until",
        ),
        ("category=gossip", "Select categories from the list", "category"),
    ],
)
def test_impossible_dates_show_the_error_summary_and_the_rest_still_applies(
    child: Person, mash_worker: Any, query: str, message: str, anchor: str
) -> None:
    response = client_for(mash_worker).get(url(child, query))
    body = response.content.decode()

    assert response.status_code == 200
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert message in body
    assert f'href="#{anchor}' in body
    assert "<title>Error:" in body


def test_a_wrong_date_leaves_the_other_filters_applied(child: Person, mash_worker: Any) -> None:
    body = (
        client_for(mash_worker)
        .get(url(child, "category=decisions&since-day=31&since-month=2&since-year=2026"))
        .content.decode()
    )

    assert "Date from must be a real date" in body
    assert set(rows(body)) == {"decisions"}


@pytest.mark.parametrize(
    "name",
    [
        "police_practitioner",
        "health_practitioner",
        "analyst",
        "partnership_lead",
        "administrator",
        "outsider",
    ],
)
def test_roles_that_may_not_view_children_are_refused(
    child: Person, name: str, make_persona: Any
) -> None:
    response = client_for(make_persona(name)).get(url(child))

    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(path=url(child)).exists()


def test_anonymous_visitors_are_sent_to_sign_in(child: Person) -> None:
    response = Client().get(url(child))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_reading_the_chronology_is_access_logged_for_the_child_and_its_merged_records(
    child: Person, auditor: Any
) -> None:
    client_for(auditor).get(url(child, "category=contacts"))

    entries = AccessLogEntry.objects.filter(user=auditor, action="view")
    merged = Person.objects.get(merged_into=child)
    assert sorted(e.child_id for e in entries) == sorted([child.pk, merged.pk])
    assert {(e.record_type, e.record_id) for e in entries} == {("person", child.pk)}
    assert {e.path for e in entries} == {url(child)}


def test_a_contact_officer_sees_contacts_linked_but_not_mash_enquiries(
    child: Person, contact_officer: Any, mash_worker: Any
) -> None:
    officer = client_for(contact_officer).get(url(child)).content.decode()
    worker = client_for(mash_worker).get(url(child)).content.decode()

    assert "/contacts/" in officer and "/enquiries/" not in officer
    assert "/enquiries/" in worker


def test_a_merged_records_page_points_to_the_record_it_was_merged_into(
    child: Person, mash_worker: Any
) -> None:
    merged = Person.objects.get(merged_into=child)

    body = client_for(mash_worker).get(url(merged)).content.decode()

    assert "This record was merged into" in body
    assert reverse("child-detail", args=[child.pk]) in body


def test_the_child_page_links_to_the_chronology(child: Person, mash_worker: Any) -> None:
    body = client_for(mash_worker).get(reverse("child-detail", args=[child.pk])).content.decode()

    assert url(child) in body
