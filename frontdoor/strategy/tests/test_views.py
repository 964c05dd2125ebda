"""Strategy pages: who may open each one, object-level rules, bad input, and what is logged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry
from frontdoor.strategy.models import Conference, S47Enquiry, StrategyDiscussion
from frontdoor.strategy.selectors import strategy_for_child
from frontdoor.strategy.services import conference_book, s47_outcome_record
from frontdoor.testing.factories import accepted as accept_transfer
from frontdoor.testing.factories import transferred
from frontdoor.testing.fixtures import client_for, role_fixtures

pytestmark = pytest.mark.django_db

ROLES = role_fixtures("contact_manager", "administrator")


@pytest.fixture
def world(request: pytest.FixtureRequest, held: Any) -> dict[str, Any]:
    """A Red s47 discussion (council and police invited, not health) held and booked; a
    conference booked. The child is not (yet) transferred to the assessment team."""
    users = {name: request.getfixturevalue(name) for name in ROLES}
    discussion = held(rating="RED", agencies=("council", "police"))
    # Held without health: it went ahead with a reason.
    s47 = S47Enquiry.objects.get(start_discussion=discussion)
    now = timezone.now()
    s47_outcome_record(
        s47=s47,
        outcome="continuing_risk",
        icpc_needed=True,
        outcome_at=now - timedelta(minutes=5),
        by=users["mash_manager"],
        at=now - timedelta(minutes=5),
    )
    conference_book(
        s47=s47,
        scheduled_for=now + timedelta(days=3),
        by=users["mash_manager"],
        at=now - timedelta(minutes=4),
    )
    return {"discussion": discussion, "s47": s47, "users": users}


@pytest.fixture
def held(convene: Any, attend: Any, hold: Any) -> Any:
    def build(**kwargs: Any) -> StrategyDiscussion:
        discussion = convene(**kwargs)
        attend(discussion)
        return hold(discussion, quorum_reason="Health could not attend; report by email.")

    return build


def _pages(w: dict[str, Any]) -> dict[str, str]:
    d, s = w["discussion"], w["s47"]
    return {
        "detail": reverse("strategy-detail", args=[d.pk]),
        "minutes": reverse("strategy-minutes", args=[d.pk]),
        "action": reverse("strategy-action-new", args=[d.pk]),
        "s47": reverse("s47-detail", args=[s.pk]),
        "conference": reverse("conference-outcome", args=[s.pk]),
        "convene": reverse("strategy-new-enquiry", args=[d.enquiry_id]),
    }


# Status per role for each page: the child is not transferred, so assessment staff see
# nothing (404); health was not invited (404); work pages need STRATEGY_WORK (403 by role).
TABLE = """
role                 detail minutes action s47 conference convene
contact_officer      403    403     403    403 403        403
mash_worker          200    200     200    200 403        200
mash_manager         200    200     200    200 200        200
police_practitioner  200    403     403    200 403        403
health_practitioner  404    403     403    404 403        403
assessment_worker    404    404     404    404 404        200
assessment_manager   404    404     404    404 404        200
analyst              403    403     403    403 403        403
auditor              200    403     403    200 403        403
head_of_service      200    403     403    200 403        403
partnership_lead     403    403     403    403 403        403
outsider             403    403     403    403 403        403
"""
_HEADER, *_ROWS = [line.split() for line in TABLE.strip().splitlines()]
EXPECTED = {role: dict(zip(_HEADER[1:], map(int, codes), strict=True)) for role, *codes in _ROWS}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_each_page(world, role):
    client = client_for(world["users"][role])
    pages = _pages(world)
    got = {name: client.get(path).status_code for name, path in pages.items()}
    assert got == EXPECTED[role]


def test_assessment_staff_see_the_discussion_once_the_child_is_transferred_to_them(world):
    discussion = world["discussion"]
    from frontdoor.mash.models import Decision

    decision = Decision.objects.get(enquiry=discussion.enquiry)
    accept_transfer(
        transfer=transferred(decision=decision, at=timezone.now() - timedelta(minutes=3)),
        at=timezone.now() - timedelta(minutes=2),
    )
    for role in ("assessment_worker", "assessment_manager"):
        client = client_for(world["users"][role])
        assert client.get(_pages(world)["detail"]).status_code == 200
        assert client.get(_pages(world)["conference"]).status_code == 200


def test_a_partner_sees_minutes_only_once_sent_and_only_their_agencys_actions(
    world, police_practitioner, health_practitioner, mash_worker
):
    from datetime import date

    from frontdoor.strategy.services import action_add, minutes_distribute, minutes_record
    from frontdoor.testing.personas import org_agency

    discussion = world["discussion"]
    now = timezone.now()
    minutes_record(
        discussion=discussion, minutes="Minutes: agreed joint visit.", by=mash_worker, at=now
    )
    for owner, text in (
        (police_practitioner, "Police check PNC"),
        (None, "Health visitor to visit"),
    ):
        action_add(
            discussion=discussion,
            description=text,
            due_on=date.today() + timedelta(days=2),
            owner_user=owner,
            owner_agency=None if owner else org_agency("health"),
            owner_name="" if owner else "Jo Visitor",
            by=mash_worker,
            at=now,
        )
    police = client_for(police_practitioner)
    page = police.get(_pages(world)["detail"]).content.decode()
    assert "agreed joint visit" not in page
    assert "Police check PNC" in page and "Health visitor to visit" not in page
    minutes_distribute(discussion=discussion, by=mash_worker, at=now)
    page = police.get(_pages(world)["detail"]).content.decode()
    assert "agreed joint visit" in page
    assert AccessLogEntry.objects.filter(user=police_practitioner, record_id=discussion.pk).exists()


def test_the_child_section_lists_what_the_viewer_may_see(world, mash_worker, health_practitioner):
    child = world["discussion"].child
    mine = strategy_for_child(child, mash_worker)
    assert [r.discussion for r in mine.discussions] == [world["discussion"]]
    assert [r.s47 for r in mine.s47s] == [world["s47"]]
    assert not strategy_for_child(child, health_practitioner)


def test_the_enquiry_page_offers_to_convene_and_lists_discussions(world, mash_worker):
    client = client_for(mash_worker)
    page = client.get(reverse("enquiry-detail", args=[world["discussion"].enquiry_id])).content
    text = page.decode()
    assert "Convene a strategy discussion" in text
    assert f"Strategy discussion SD{world['discussion'].pk}" in text


def test_convening_through_the_page(signed_off, mash_worker):
    decision = signed_off(outcome="s47", rating="RED")
    client = client_for(mash_worker)
    path = reverse("strategy-new-enquiry", args=[decision.enquiry_id])
    page = client.get(path)
    assert page.status_code == 200

    bad = client.post(
        path,
        {
            "rating": "RED",
            "decided_date-day": "3",
            "decided_date-month": "3",
            "decided_date-year": "2026",
            "decided_time": "12:00",
        },
    )
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert "Enter why a strategy discussion is needed" in bad.content.decode()
    assert not StrategyDiscussion.objects.exists()

    local = timezone.localtime(decision.signed_off_at)
    good = client.post(
        path,
        {
            "reason": "Unexplained bruising",
            "rating": "RED",
            "decided_date-day": str(local.day),
            "decided_date-month": str(local.month),
            "decided_date-year": str(local.year),
            "decided_time": f"{local:%H:%M}",
            "agencies": [],
        },
    )
    discussion = StrategyDiscussion.objects.get()
    assert good.status_code == 302 and good.url == reverse("strategy-detail", args=[discussion.pk])
    assert discussion.decided_at == decision.signed_off_at


def test_attendance_without_an_agency_shows_an_error(world, convene, mash_worker):
    from frontdoor.testing.factories import signed_off

    discussion = convene(decision=signed_off(outcome="s47"), at=timezone.now())
    client = client_for(mash_worker)
    path = reverse("strategy-attendance", args=[discussion.pk])
    data = {f"attendance_{i.pk}": "attended" for i in discussion.invitations.all()}
    data["person_name"] = "Somebody"
    response = client.post(path, data)
    assert response.status_code == 200
    assert "Select the agency of everyone who attended" in response.content.decode()
    assert not discussion.invitations.exclude(attendance="").exists()


def test_an_action_without_an_owner_shows_an_error(world, mash_worker):
    client = client_for(mash_worker)
    path = reverse("strategy-action-new", args=[world["discussion"].pk])
    today = timezone.localdate()
    response = client.post(
        path,
        {
            "description": "Visit",
            "due_on-day": str(today.day),
            "due_on-month": str(today.month),
            "due_on-year": str(today.year),
        },
    )
    assert response.status_code == 200
    assert "Every action needs an owner" in response.content.decode()


def test_an_icpc_before_the_discussion_shows_an_error(world, mash_manager):
    client = client_for(mash_manager)
    response = client.post(
        reverse("conference-outcome", args=[world["s47"].pk]),
        {
            "held_date-day": "1",
            "held_date-month": "1",
            "held_date-year": "2026",
            "held_time": "10:00",
            "plan": "yes",
            "category": "NEG",
        },
    )
    assert response.status_code == 200
    assert "before the strategy discussion" in response.content.decode()
    assert Conference.objects.get().held_at is None


def test_bad_ids_are_not_found(mash_manager):
    client = client_for(mash_manager)
    assert client.get(reverse("strategy-detail", args=[999])).status_code == 404
    assert client.get(reverse("s47-detail", args=[999])).status_code == 404
    assert client.get(reverse("strategy-new-enquiry", args=[999])).status_code == 404
    assert client.get(reverse("strategy-action-done", args=[999, 1])).status_code == 404


def test_the_s47_page_links_to_the_oversight_it_needs(convene, attend, hold, assessment_manager):
    from frontdoor.mash.models import Decision

    discussion = convene()
    attend(discussion)
    hold(discussion)
    decision = Decision.objects.get(enquiry=discussion.enquiry)
    accept_transfer(transfer=transferred(decision=decision, at=timezone.now()), at=timezone.now())
    s47 = S47Enquiry.objects.get(start_discussion=discussion)
    client = client_for(assessment_manager)
    page = client.get(reverse("s47-detail", args=[s47.pk])).content.decode()
    assert "needs a manager's oversight first" in page
    link = reverse("oversight-new", args=[s47.child_id])
    assert link in page
    query = f"?record=s47enquiry:{s47.pk}&transition=s47_no_conference"
    assert client.get(link + query).status_code == 200
