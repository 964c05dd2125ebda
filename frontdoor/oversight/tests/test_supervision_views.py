"""Supervision pages: who may open each one, what bad input shows, and what gets logged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry
from frontdoor.oversight.models import SupervisionAction, SupervisionRecord
from frontdoor.oversight.services import ActionDraft, supervision_record
from frontdoor.oversight.tests.conftest import REFLECTION
from frontdoor.testing.factories import local
from frontdoor.testing.fixtures import client_for, role_fixtures

pytestmark = pytest.mark.django_db

ROLES = role_fixtures()
MANAGERS = {"contact_manager", "mash_manager", "assessment_manager", "head_of_service"}


@pytest.fixture
def world(request: pytest.FixtureRequest, accepted: Any) -> dict[str, Any]:
    """A case allocated to the assessment worker, supervised once, with one open action."""
    users = {name: request.getfixturevalue(name) for name in ROLES}
    transfer = accepted()
    record = supervision_record(
        child=transfer.child,
        held_at=local(2026, 3, 20, 10),
        by=users["assessment_manager"],
        at=local(2026, 3, 20, 12),
        actions=[ActionDraft("Joint visit", users["assessment_worker"], date(2026, 3, 25))],
        **REFLECTION,
    )
    return {"users": users, "child": transfer.child, "record": record}


def pages(w: dict[str, Any]) -> dict[str, str]:
    return {
        "overview": reverse("supervision"),
        "mine": reverse("supervision-mine"),
        "worker": reverse("supervision-worker", args=[w["users"]["assessment_worker"].pk]),
        "new": reverse("supervision-new", args=[w["child"].pk]),
        "detail": reverse("supervision-detail", args=[w["record"].pk]),
    }


SUPERVISION_VIEW = MANAGERS | {"mash_worker", "assessment_worker", "auditor"}
EXPECTED: dict[str, dict[str, int]] = {
    # page -> role -> status (403 unless listed)
    "overview": {
        **{m: 200 for m in MANAGERS},
        "auditor": 200,
        "mash_worker": 302,
        "assessment_worker": 302,
    },
    "mine": {r: 200 for r in SUPERVISION_VIEW},
    "worker": {
        "assessment_manager": 200,
        "head_of_service": 200,
        "auditor": 200,
        "assessment_worker": 200,
    },
    "new": {"assessment_manager": 200, "head_of_service": 200},
    "detail": {
        "assessment_manager": 200,
        "head_of_service": 200,
        "auditor": 200,
        "assessment_worker": 200,
    },
}


@pytest.mark.parametrize("page", list(EXPECTED))
def test_every_page_answers_each_role(world: dict[str, Any], page: str) -> None:
    url = pages(world)[page]
    got = {name: client_for(u).get(url).status_code for name, u in world["users"].items()}
    wanted = {name: EXPECTED[page].get(name, 403) for name in world["users"]}
    assert got == wanted


def test_signed_out_users_are_sent_to_sign_in(world: dict[str, Any]) -> None:
    for url in pages(world).values():
        response = Client().get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_workers_are_sent_to_their_own_page(world: dict[str, Any]) -> None:
    response = client_for(world["users"]["assessment_worker"]).get(reverse("supervision"))
    assert response["Location"] == reverse("supervision-mine")


def test_bad_ids_are_not_found(world: dict[str, Any]) -> None:
    client = client_for(world["users"]["assessment_manager"])
    for url in [
        reverse("supervision-worker", args=[99999]),
        reverse("supervision-new", args=[99999]),
        reverse("supervision-detail", args=[99999]),
    ]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("supervision-action-done", args=[99999])).status_code == 404


def test_a_manager_sees_only_their_teams_workers(world: dict[str, Any]) -> None:
    users = world["users"]
    text = client_for(users["assessment_manager"]).get(reverse("supervision")).content.decode()
    assert users["assessment_worker"].display_name in text
    assert users["mash_worker"].display_name not in text
    text = client_for(users["mash_manager"]).get(reverse("supervision")).content.decode()
    assert users["mash_worker"].display_name in text
    assert users["assessment_worker"].display_name not in text
    worker_page = reverse("supervision-worker", args=[users["mash_worker"].pk])
    assert client_for(users["assessment_manager"]).get(worker_page).status_code == 403
    assert client_for(users["mash_manager"]).get(worker_page).status_code == 200


def test_a_worker_sees_only_their_own(world: dict[str, Any], second_worker: Any) -> None:
    users = world["users"]
    mine = client_for(second_worker).get(reverse("supervision-mine")).content.decode()
    assert "No supervision records yet" in mine and "Joint visit" not in mine
    own = client_for(users["assessment_worker"]).get(reverse("supervision-mine")).content.decode()
    assert "Joint visit" in own and "20 Mar 2026" in own
    detail = reverse("supervision-detail", args=[world["record"].pk])
    assert client_for(second_worker).get(detail).status_code == 403
    other = reverse("supervision-worker", args=[users["assessment_worker"].pk])
    assert client_for(second_worker).get(other).status_code == 403


def test_the_overview_counts_overdue_cases_per_worker(world: dict[str, Any]) -> None:
    # The supervision on 20 Mar made the next due 21 Apr; it is overdue now (later than that).
    text = client_for(world["users"]["assessment_manager"]).get(reverse("supervision"))
    body = text.content.decode()
    assert "overdue for supervision" in body
    assert "20 Mar 2026" in body  # last supervision


def test_recording_supervision_through_the_form(world: dict[str, Any]) -> None:
    users, child = world["users"], world["child"]
    client = client_for(users["assessment_manager"])
    url = reverse("supervision-new", args=[child.pk])
    today = timezone.localdate()
    data = {
        "held_at-day": today.day,
        "held_at-month": today.month,
        "held_at-year": today.year,
        "held_time": "00:00",
        **REFLECTION,
        "action1_description": "Visit with the police",
        "action1_owner": users["assessment_worker"].pk,
        "action1_due-day": today.day,
        "action1_due-month": today.month,
        "action1_due-year": today.year,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    record = SupervisionRecord.objects.latest("id")
    assert response["Location"] == reverse("supervision-detail", args=[record.pk])
    assert record.actions.get().owner == users["assessment_worker"]


def test_the_form_shows_errors_and_saves_nothing(world: dict[str, Any]) -> None:
    users, child = world["users"], world["child"]
    client = client_for(users["assessment_manager"])
    url = reverse("supervision-new", args=[child.pk])
    before = (SupervisionRecord.objects.count(), SupervisionAction.objects.count())
    response = client.post(
        url,
        {
            "held_at-day": "1",
            "held_at-month": "1",
            "held_at-year": "2099",
            "held_time": "10:00",
            **{**REFLECTION, "analysis": ""},
            "action1_description": "Chase the school",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter your analysis" in body
    assert "Select who owns action 1: actions need an owner" in body
    assert "Enter when action 1 is due" in body
    assert (SupervisionRecord.objects.count(), SupervisionAction.objects.count()) == before
    response = client.post(
        url,
        {
            "held_at-day": "1",
            "held_at-month": "1",
            "held_at-year": "2099",
            "held_time": "10:00",
            **REFLECTION,
        },
    )
    assert "must be today or in the past" in response.content.decode()
    assert SupervisionRecord.objects.count() == before[0]


def test_marking_an_action_done_from_the_record(world: dict[str, Any]) -> None:
    users, record = world["users"], world["record"]
    action = record.actions.get()
    url = reverse("supervision-action-done", args=[action.pk])
    assert client_for(users["auditor"]).post(url).status_code == 403
    assert client_for(users["mash_manager"]).post(url).status_code == 403
    assert client_for(users["assessment_worker"]).get(url).status_code == 405
    response = client_for(users["assessment_worker"]).post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("supervision-detail", args=[record.pk])
    action.refresh_from_db()
    assert action.completed_by == users["assessment_worker"]
    # Pressed again: nothing changes.
    again = client_for(users["assessment_worker"]).post(url)
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.completed_by == users["assessment_worker"]


def test_pages_showing_a_childs_data_are_logged(world: dict[str, Any]) -> None:
    users, child, record = world["users"], world["child"], world["record"]
    client = client_for(users["assessment_manager"])
    for url in [
        reverse("supervision-detail", args=[record.pk]),
        reverse("supervision-new", args=[child.pk]),
        reverse("supervision-worker", args=[users["assessment_worker"].pk]),
    ]:
        client.get(url)
        assert AccessLogEntry.objects.filter(
            child=child, user=users["assessment_manager"], action="view", path=url
        ).exists(), url


def test_the_child_section_partial(world: dict[str, Any]) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from frontdoor.oversight.selectors import oversight_for_child
    from frontdoor.oversight.services import oversight_record

    users, child = world["users"], world["child"]
    oversight_record(
        child=child, direction="Older direction.", by=users["mash_manager"], at=local(2026, 3, 4)
    )
    oversight_record(
        child=child,
        direction="Newer direction.",
        by=users["assessment_manager"],
        at=local(2026, 3, 5),
    )
    request = RequestFactory().get("/")
    request.user = users["assessment_manager"]
    html = render_to_string(
        "oversight/_child_section.html",
        {"oversight_for_child": oversight_for_child(child, users["assessment_manager"])},
        request=request,
    )
    assert html.index("Newer direction.") < html.index("Older direction.")
    assert "Add management oversight" in html and "Record supervision" in html
    assert reverse("supervision-detail", args=[world["record"].pk]) in html
    seen = oversight_for_child(child, users["mash_worker"])
    assert seen.supervisions == [] and not seen.can_record_oversight
    assert [e.direction for e in seen.entries] == ["Newer direction.", "Older direction."]
