"""Assessment pages: who may open each one (and whose assessments), bad input, queues."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.models import Role, TeamKind
from frontdoor.assessments.models import Assessment, AssessmentStatus, AssessmentVisit
from frontdoor.assessments.queues import AWAITING_AUTHORISATION, IN_PROGRESS
from frontdoor.assessments.selectors import assessments_for_child
from frontdoor.audit.models import AccessLogEntry
from frontdoor.testing.factories import TeamFactory, UserFactory, local
from frontdoor.testing.fixtures import client_for, role_fixtures
from frontdoor.testing.personas import org_agency
from frontdoor.work.overview import front_door_overview
from frontdoor.work.queues import my_queue, team_queue

pytestmark = pytest.mark.django_db

ALL = role_fixtures()


@pytest.fixture
def world(request, accepted, started, completed) -> dict[str, Any]:
    """An accepted transfer with no assessment, one assessment in progress, one submitted,
    and a second assessment team (with its own worker and manager)."""
    users = {name: request.getfixturevalue(name) for name in ALL}
    other_team = TeamFactory(
        name="Assessment team 2", kind=TeamKind.ASSESSMENT, agency=org_agency("council")
    )
    users["other_worker"] = UserFactory(
        username="other_worker", role=Role.ASSESSMENT_SOCIAL_WORKER, team=other_team
    )
    users["other_manager"] = UserFactory(
        username="other_manager", role=Role.ASSESSMENT_MANAGER, team=other_team
    )
    fresh = accepted()
    in_progress = started()
    submitted = completed()
    return {
        "users": users,
        "fresh": fresh,
        "in_progress": in_progress,
        "submitted": submitted,
    }


def pages(w: dict[str, Any]) -> dict[str, str]:
    a, s = w["in_progress"], w["submitted"]
    return {
        "detail": reverse("assessment-detail", args=[a.pk]),
        "start": reverse("assessment-start", args=[w["fresh"].pk]),
        "visit": reverse("assessment-visit", args=[a.pk]),
        "complete": reverse("assessment-complete", args=[a.pk]),
        "review": reverse("assessment-review", args=[s.pk]),
    }


EXPECTED: dict[str, dict[str, int]] = {
    "detail": {
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
        "auditor": 200,
        "head_of_service": 200,
        "other_worker": 404,
        "other_manager": 404,
    },
    "start": {
        "assessment_worker": 200,
        "assessment_manager": 200,
        "other_worker": 404,
        "other_manager": 404,
    },
    "visit": {
        "assessment_worker": 200,
        "assessment_manager": 200,
        "other_worker": 404,
        "other_manager": 404,
    },
    "complete": {
        "assessment_worker": 200,
        "assessment_manager": 200,
        "other_worker": 404,
        "other_manager": 404,
    },
    "review": {"assessment_manager": 200, "head_of_service": 200, "other_manager": 404},
}


def test_every_page_answers_each_role_as_the_access_table_says(world):
    wrong = []
    for page, url in pages(world).items():
        for name, user in world["users"].items():
            expected = EXPECTED[page].get(name, 403)
            got = client_for(user).get(url).status_code
            if got != expected:
                wrong.append((page, name, expected, got))
    assert wrong == []


def test_anonymous_visitors_are_sent_to_sign_in(world):
    for url in pages(world).values():
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_unknown_assessments_and_transfers_are_not_found(world):
    client = client_for(world["users"]["assessment_manager"])
    for name in ("assessment-detail", "assessment-start", "assessment-review"):
        assert client.get(reverse(name, args=[999999])).status_code == 404


def test_the_detail_page_shows_the_clock_visits_and_logs_the_read(world):
    assessment = world["submitted"]
    response = client_for(world["users"]["assessment_manager"]).get(
        reverse("assessment-detail", args=[assessment.pk])
    )
    body = response.content.decode()
    assert f"Assessment A{assessment.pk}" in body
    assert "Completed in 33 working days" in body
    assert "3B Domestic violence: a parent or carer" in body
    assert "including the first visit" not in body  # the default journey has no first visit
    assert "Authorise or return" in body
    assert AccessLogEntry.objects.filter(
        child=assessment.child, path=reverse("assessment-detail", args=[assessment.pk])
    ).exists()


def test_the_worker_who_completed_it_is_not_offered_the_authorisation(world, completed, started):
    manager = world["users"]["assessment_manager"]
    own = completed(assessment=started(), by=manager)
    body = client_for(manager).get(reverse("assessment-detail", args=[own.pk])).content.decode()
    assert "Authorise or return" not in body
    assert "another manager must authorise it" in body


def test_starting_through_the_page_and_a_repeated_start(world):
    transfer = world["fresh"]
    client = client_for(world["users"]["assessment_worker"])
    url = reverse("assessment-start", args=[transfer.pk])
    today = timezone.localdate()
    data = {
        "started_on-day": today.day,
        "started_on-month": today.month,
        "started_on-year": today.year,
    }
    response = client.post(url, data)
    assessment = Assessment.objects.get(transfer=transfer)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-detail", args=[assessment.pk])
    # The transfer links to it; a second start is refused, not duplicated.
    body = client.get(reverse("transfer-detail", args=[transfer.pk])).content.decode()
    assert reverse("assessment-detail", args=[assessment.pk]) in body
    again = client.post(url, data)
    assert again.status_code == 200
    assert "already been started" in again.content.decode()
    assert Assessment.objects.filter(transfer=transfer).count() == 1
    assert client.get(url).status_code == 302


def test_a_start_date_in_the_future_shows_the_error_summary(world):
    transfer = world["fresh"]
    response = client_for(world["users"]["assessment_worker"]).post(
        reverse("assessment-start", args=[transfer.pk]),
        {"started_on-day": "1", "started_on-month": "1", "started_on-year": "2099"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "cannot be in the future" in body
    assert not Assessment.objects.filter(transfer=transfer).exists()


def test_a_visit_seen_alone_but_not_seen_is_refused_on_the_page(world):
    assessment = world["in_progress"]
    response = client_for(world["users"]["assessment_worker"]).post(
        reverse("assessment-visit", args=[assessment.pk]),
        {
            "visited_date-day": "5",
            "visited_date-month": "3",
            "visited_date-year": "2026",
            "visited_time": "10:00",
            "child_seen": "no",
            "seen_alone": "yes",
        },
    )
    assert "A child who was not seen cannot be seen alone" in response.content.decode()
    assert AssessmentVisit.objects.count() == 0


def test_a_visit_before_the_start_is_refused_on_the_page(world):
    assessment = world["in_progress"]
    response = client_for(world["users"]["assessment_worker"]).post(
        reverse("assessment-visit", args=[assessment.pk]),
        {
            "visited_date-day": "3",
            "visited_date-month": "3",
            "visited_date-year": "2026",
            "visited_time": "10:00",
            "child_seen": "yes",
            "seen_alone": "no",
        },
    )
    body = response.content.decode()
    assert "before the assessment started on 4 March 2026" in body
    assert 'href="#visited_date-day"' in body


def _outcome(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "child_in_need": "yes",
        "next_step": "cin_plan",
        "factors": ["3B", "16A"],
        "analysis": "Domestic abuse continues; a plan is needed.",
    }
    data.update(overrides)
    return data


def test_a_late_assessment_asks_for_the_reason_on_the_page(world):
    # The default journey's assessment was due on 7 May 2026: it is late now.
    assessment = world["in_progress"]
    client = client_for(world["users"]["assessment_worker"])
    url = reverse("assessment-complete", args=[assessment.pk])
    assert "Why is the assessment late?" in client.get(url).content.decode()
    response = client.post(url, _outcome())
    assert "Enter why the assessment was completed after its due date" in response.content.decode()
    done = client.post(url, _outcome(late_reason="The family moved twice."))
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.late_reason == "The family moved twice."


def test_the_factor_list_refuses_no_factors_with_others(world):
    assessment = world["in_progress"]
    response = client_for(world["users"]["assessment_worker"]).post(
        reverse("assessment-complete", args=[assessment.pk]),
        _outcome(child_in_need="no", next_step="nfa", factors=["21", "3B"], late_reason="x"),
    )
    assert "cannot be chosen with other factors" in response.content.decode()


def test_not_in_need_without_oversight_says_so_and_links_a_manager_to_record_it(world):
    assessment = world["in_progress"]
    url = reverse("assessment-complete", args=[assessment.pk])
    data = _outcome(child_in_need="no", next_step="nfa", factors=["21"], late_reason="Delays.")
    worker_page = client_for(world["users"]["assessment_worker"]).post(url, data)
    body = worker_page.content.decode()
    assert "A manager must record management oversight first" in body
    assert "Ask your manager to record it" in body
    manager_page = client_for(world["users"]["assessment_manager"]).get(url).content.decode()
    link = reverse("oversight-new", args=[assessment.child_id])
    assert link + f"?record=assessment%3A{assessment.pk}&amp;transition=assessment_not_in_need" in (
        manager_page
    )
    oversight = client_for(world["users"]["assessment_manager"]).post(
        link + f"?record=assessment:{assessment.pk}&transition=assessment_not_in_need",
        {"direction": "Agreed: close with advice."},
    )
    assert oversight.status_code == 302
    assert client_for(world["users"]["assessment_worker"]).post(url, data).status_code == 302


def test_a_manager_authorises_or_returns_through_the_page(world):
    assessment = world["submitted"]
    client = client_for(world["users"]["assessment_manager"])
    url = reverse("assessment-review", args=[assessment.pk])
    response = client.post(url, {"decision": "return", "comment": ""})
    assert "Enter what more work is needed" in response.content.decode()
    assert client.post(url, {"decision": "return", "comment": "See the father."}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    worker = client_for(world["users"]["assessment_worker"])
    complete_url = reverse("assessment-complete", args=[assessment.pk])
    page = worker.get(complete_url).content.decode()
    assert "See the father." in page and 'value="16A" checked' in page
    assert worker.post(complete_url, _outcome(late_reason="Father seen late.")).status_code == 302
    assert client.post(url, {"decision": "authorise", "comment": "Agreed."}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED
    body = client.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "Agreed." in body and "Authorise or return" not in body


def test_queues_show_assessments_to_the_people_they_concern(world):
    users, now = world["users"], local(2026, 4, 21, 10)
    worker_items = my_queue(users["assessment_worker"], now)
    assert [i.stage for i in worker_items if i.reference.startswith("A")] == [IN_PROGRESS]
    manager_items = [i for i in my_queue(users["assessment_manager"], now) if i.reference[0] == "A"]
    assert [i.stage for i in manager_items] == [AWAITING_AUTHORISATION]
    team_stages = sorted(
        i.stage for i in team_queue(users["assessment_manager"], now) if i.reference[0] == "A"
    )
    assert team_stages == sorted([IN_PROGRESS, AWAITING_AUTHORISATION])
    for name in ("other_worker", "other_manager", "mash_worker", "police_practitioner"):
        items = my_queue(users[name], now) + team_queue(users[name], now)
        assert not [i for i in items if i.reference.startswith("A")], name
    overview = front_door_overview(now)
    rows = {row.stage: row.total for row in overview.stages}
    assert rows[IN_PROGRESS] == 1 and rows[AWAITING_AUTHORISATION] == 1


def test_the_childs_section_lists_only_visible_assessments(world):
    from django.template.loader import render_to_string

    child = world["in_progress"].child
    rows = assessments_for_child(child, world["users"]["assessment_worker"])
    assert {row.assessment.pk for row in rows} >= {world["in_progress"].pk}
    assert assessments_for_child(child, world["users"]["other_worker"]) == []
    assert assessments_for_child(child, world["users"]["police_practitioner"]) == []
    html = render_to_string("assessments/_child_section.html", {"assessments_for_child": rows})
    assert f"Assessment A{world['in_progress'].pk}" in html


def test_pages_for_a_step_already_taken_lead_back_to_the_assessment(world):
    submitted, in_progress = world["submitted"], world["in_progress"]
    detail = reverse("assessment-detail", args=[submitted.pk])
    worker = client_for(world["users"]["assessment_worker"])
    for name in ("assessment-visit", "assessment-complete"):
        response = worker.get(reverse(name, args=[submitted.pk]))
        assert response.status_code == 302 and response["Location"] == detail
    manager = client_for(world["users"]["assessment_manager"])
    response = manager.get(reverse("assessment-review", args=[in_progress.pk]))
    assert response["Location"] == reverse("assessment-detail", args=[in_progress.pk])
    # A stale form posted anyway is refused with a message, not saved twice.
    stale = worker.post(reverse("assessment-complete", args=[submitted.pk]), _outcome())
    assert "already been submitted" in stale.content.decode()


def test_the_transfer_page_offers_the_start_to_assessment_staff_only(world):
    url = reverse("transfer-detail", args=[world["fresh"].pk])
    start = reverse("assessment-start", args=[world["fresh"].pk])
    assert start in client_for(world["users"]["assessment_worker"]).get(url).content.decode()
    for name in ("mash_worker", "auditor", "head_of_service"):
        assert start not in client_for(world["users"][name]).get(url).content.decode(), name
