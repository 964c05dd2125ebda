"""Escalation pages: who may open each (per role), who sees which escalation, bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.escalations.access import can_respond, owns_stage, visible_escalations
from frontdoor.escalations.models import Escalation, EscalationStatus
from frontdoor.escalations.selectors import escalations_for_child
from frontdoor.escalations.services import escalation_respond
from frontdoor.escalations.tests.helpers import RAISED_AT, raised
from frontdoor.testing.factories import local, request_sent
from frontdoor.testing.fixtures import client_for, role_fixtures

pytestmark = pytest.mark.django_db

ROLES = role_fixtures()

#: role: (list, detail, raise, respond) for a police escalation about a MASH decision, at the
#: practitioner stage (the decision's recorder, mash_worker, answers it).
EXPECTED: dict[str, tuple[int, int, int, int]] = {
    "contact_officer": (200, 404, 200, 403),
    "contact_manager": (200, 404, 200, 404),
    "mash_worker": (200, 200, 200, 200),
    "mash_manager": (200, 200, 200, 403),
    "police_practitioner": (200, 200, 200, 403),
    "health_practitioner": (200, 404, 200, 404),
    "assessment_worker": (200, 404, 200, 404),
    "assessment_manager": (200, 404, 200, 404),
    "analyst": (403, 403, 403, 403),
    "auditor": (200, 200, 403, 403),
    "partnership_lead": (200, 404, 200, 404),
    "head_of_service": (200, 200, 200, 403),
    "administrator": (403, 403, 403, 403),
    "outsider": (403, 403, 403, 403),
}


@pytest.fixture
def world(
    request: pytest.FixtureRequest,
    screened_to_mash: Callable[..., Any],
    signed_off: Callable[..., Any],
) -> dict[str, Any]:
    enquiry = screened_to_mash()
    partner_request = request_sent(enquiry=enquiry, agency="police")
    decision = signed_off(outcome="nfa", enquiry=enquiry)
    users = {name: request.getfixturevalue(name) for name in ROLES}
    escalation = raised(decision, users["police_practitioner"])
    return {
        "enquiry": enquiry,
        "request": partner_request,
        "decision": decision,
        "escalation": escalation,
        "users": users,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_right_status_on_each_page(world: dict[str, Any], role: str) -> None:
    client = client_for(world["users"][role])
    pk = world["escalation"].pk
    got = (
        client.get(reverse("escalation-list")).status_code,
        client.get(reverse("escalation-detail", args=[pk])).status_code,
        client.get(reverse("escalation-new")).status_code,
        client.get(reverse("escalation-respond", args=[pk])).status_code,
    )
    assert got == EXPECTED[role]


def test_signed_out_visitors_are_sent_to_sign_in(world: dict[str, Any]) -> None:
    response = Client().get(reverse("escalation-list"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_who_sees_what(world: dict[str, Any]) -> None:
    users, escalation = world["users"], world["escalation"]

    def sees(name: str) -> bool:
        return visible_escalations(users[name], Escalation.objects.all()).exists()

    seen = {name for name in ROLES if sees(name)}
    assert seen == {
        "mash_worker",
        "mash_manager",
        "police_practitioner",
        "auditor",
        "head_of_service",
    }
    rows = escalations_for_child(escalation.child, users["mash_manager"])
    assert [r.escalation.pk for r in rows] == [escalation.pk]
    assert escalations_for_child(escalation.child, users["health_practitioner"]) == []


def test_who_answers_each_stage(world: dict[str, Any]) -> None:
    users, escalation = world["users"], world["escalation"]
    owners = {
        stage: {name for name in ROLES if owns_stage(users[name], escalation, stage)}
        for stage in ("practitioner", "team_manager", "head_of_service", "partnership")
    }
    assert owners == {
        "practitioner": {"mash_worker"},
        "team_manager": {"mash_manager"},
        "head_of_service": {"head_of_service"},
        "partnership": {"partnership_lead"},
    }
    assert not can_respond(users["police_practitioner"], escalation)


def test_the_partnership_lead_sees_it_once_it_reaches_the_partnership(
    world: dict[str, Any],
) -> None:
    users, escalation = world["users"], world["escalation"]
    at = RAISED_AT
    for owner in ("mash_worker", "mash_manager", "head_of_service"):
        at += timedelta(hours=1)
        escalation = escalation_respond(
            escalation=escalation,
            stage=escalation.stage,
            result="escalated",
            response="Next stage, please.",
            by=users[owner],
            at=at,
        )
    client = client_for(users["partnership_lead"])
    assert client.get(reverse("escalation-detail", args=[escalation.pk])).status_code == 200
    assert client.get(reverse("escalation-respond", args=[escalation.pk])).status_code == 200
    assert escalation.reference in client.get(reverse("escalation-list")).content.decode()


def test_the_list_filters_and_puts_overdue_first(world: dict[str, Any]) -> None:
    users = world["users"]
    client = client_for(users["mash_manager"])
    page = client.get(reverse("escalation-list")).content.decode()
    assert world["escalation"].reference in page and "Overdue" in page
    assert (
        world["escalation"].reference
        not in client.get(reverse("escalation-list") + "?status=resolved").content.decode()
    )
    assert (
        world["escalation"].reference
        not in client.get(reverse("escalation-list") + "?stage=team_manager").content.decode()
    )
    assert client.get(reverse("escalation-list") + "?status=nonsense&stage=x").status_code == 200


def test_the_detail_page_is_logged_and_shows_the_stages(world: dict[str, Any]) -> None:
    escalation = world["escalation"]
    user = world["users"]["mash_worker"]
    response = client_for(user).get(reverse("escalation-detail", args=[escalation.pk]))
    page = response.content.decode()
    assert "Practitioner stage" in page and "Answer the practitioner stage" in page
    assert AccessLogEntry.objects.filter(
        user=user, record_type="escalation", record_id=escalation.pk, action=AccessAction.VIEW
    ).exists()


def test_unknown_escalations_are_404(world: dict[str, Any]) -> None:
    client = client_for(world["users"]["auditor"])
    assert client.get(reverse("escalation-detail", args=[999999])).status_code == 404


def test_a_partner_raises_about_the_decision_by_the_request_reference(
    world: dict[str, Any], screened_to_mash: Callable[..., Any], signed_off: Callable[..., Any]
) -> None:
    enquiry = screened_to_mash()
    partner_request = request_sent(enquiry=enquiry, agency="health")
    decision = signed_off(outcome="nfa", enquiry=enquiry)
    client = client_for(world["users"]["health_practitioner"])

    response = client.post(
        reverse("escalation-new"),
        {
            "about": "decision",
            "reference": f"r{partner_request.pk}",
            "disagreement": "Our A&E attendances were not considered.",
            "outcome_sought": "Reconsider the decision.",
        },
    )

    escalation = Escalation.objects.get(raised_by=world["users"]["health_practitioner"])
    assert response.status_code == 302
    assert response["Location"] == reverse("escalation-detail", args=[escalation.pk])
    assert (escalation.record_type, escalation.record_id) == ("decision", decision.pk)


def test_a_reference_the_user_cannot_raise_about_is_refused_on_the_form(
    world: dict[str, Any],
) -> None:
    client = client_for(world["users"]["health_practitioner"])
    count = Escalation.objects.count()
    for reference in (f"E{world['enquiry'].pk}", "R999999", "nonsense", ""):
        response = client.post(
            reverse("escalation-new"),
            {
                "about": "decision",
                "reference": reference,
                "disagreement": "x",
                "outcome_sought": "y",
            },
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
    assert Escalation.objects.count() == count


def test_raising_from_a_record_page(world: dict[str, Any]) -> None:
    user = world["users"]["mash_manager"]
    client = client_for(user)
    url = reverse("escalation-new") + f"?record=transfer:{999999}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("escalation-new") + "?record=decision:abc").status_code == 404
    assert client.get(reverse("escalation-new") + "?record=user:1").status_code == 404
    url = reverse("escalation-new") + f"?record=enquiry:{world['enquiry'].pk}"
    page = client.get(url)
    assert (
        page.status_code == 200 and f"MASH enquiry E{world['enquiry'].pk}" in page.content.decode()
    )
    response = client.post(
        url,
        {"about": "delay", "disagreement": "Nine days open.", "outcome_sought": "A decision."},
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get(raised_by=user)
    assert escalation.record_type == "enquiry" and escalation.about == "delay"
    health = client_for(world["users"]["health_practitioner"])
    assert health.get(url).status_code == 404


def test_answers_through_the_page_and_a_repeated_answer_is_recognised(
    world: dict[str, Any],
) -> None:
    escalation = world["escalation"]
    client = client_for(world["users"]["mash_worker"])
    url = reverse("escalation-respond", args=[escalation.pk])
    missing = client.post(url, {"stage": "practitioner", "result": "resolved", "response": "Ok"})
    assert missing.status_code == 200 and "Enter the learning" in missing.content.decode()

    form = {"stage": "practitioner", "result": "escalated", "response": "Manager to review."}
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)

    assert again.status_code == 200
    assert "already been answered" in again.content.decode()
    assert Escalation.objects.get(pk=escalation.pk).stage == "team_manager"


def test_the_raiser_withdraws_through_the_page(world: dict[str, Any]) -> None:
    escalation = world["escalation"]
    raiser = client_for(world["users"]["police_practitioner"])
    url = reverse("escalation-withdraw", args=[escalation.pk])
    assert client_for(world["users"]["mash_manager"]).get(url).status_code == 403
    assert raiser.post(url, {"reason": ""}).status_code == 200
    assert raiser.post(url, {"reason": "Sorted by phone."}).status_code == 302
    assert Escalation.objects.get(pk=escalation.pk).status == EscalationStatus.WITHDRAWN


def test_the_raiser_escalates_through_the_page_only_once_it_is_overdue(
    world: dict[str, Any],
) -> None:
    escalation = world["escalation"]  # raised in March 2026: long overdue now
    raiser = client_for(world["users"]["police_practitioner"])
    url = reverse("escalation-escalate", args=[escalation.pk])
    detail = raiser.get(reverse("escalation-detail", args=[escalation.pk])).content.decode()
    assert "Escalate to the next stage" in detail
    assert raiser.post(url, {"reason": "No answer in time."}).status_code == 302
    escalation.refresh_from_db()
    assert escalation.stage == "team_manager"
    again = raiser.post(url, {"reason": "No answer in time."})
    assert again.status_code == 200 and "time has run out" in again.content.decode()


def test_the_partials_for_the_child_page_and_record_pages_render(
    world: dict[str, Any], rf: Any
) -> None:
    from django.template.loader import render_to_string

    escalation = world["escalation"]
    manager = world["users"]["mash_manager"]
    request = rf.get("/")
    request.user = manager
    html = render_to_string(
        "escalations/_child_section.html",
        {"escalations_for_child": escalations_for_child(escalation.child, manager)},
        request=request,
    )
    assert escalation.reference in html and "Escalations and disagreements" in html
    html = render_to_string(
        "escalations/_raise_link.html",
        {"record": world["decision"], "child": escalation.child},
        request=request,
    )
    assert f"?record=decision:{world['decision'].pk}" in html
    request.user = world["users"]["auditor"]
    html = render_to_string(
        "escalations/_raise_link.html",
        {"record": world["decision"], "child": escalation.child},
        request=request,
    )
    assert "Raise an escalation" not in html


def test_the_team_queue_shows_only_escalations_the_user_may_open(
    world: dict[str, Any], mash_worker_2: Any
) -> None:
    from frontdoor.work.queues import team_queue

    escalation = world["escalation"]
    url = reverse("escalation-detail", args=[escalation.pk])
    now = local(2026, 3, 4, 12)
    # The decision's recorder answers at the practitioner stage; another MASH worker in the
    # same team neither sees it in the team queue nor can open it.
    for user, shown in ((world["users"]["mash_worker"], True), (mash_worker_2, False)):
        items = [i for i in team_queue(user, now) if i.url == url]
        assert bool(items) is shown
        assert (client_for(user).get(url).status_code == 200) is shown
