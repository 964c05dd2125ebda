"""Strategy work in the queues and the overview, with clocks read through the engine."""

from __future__ import annotations

from datetime import date

import pytest

from frontdoor.clocks import ClockState
from frontdoor.people.chronology import category_of
from frontdoor.strategy.models import S47Enquiry
from frontdoor.strategy.queues import Stage
from frontdoor.strategy.selectors import discussion_clock, icpc_clock, minutes_clock
from frontdoor.strategy.services import (
    action_add,
    conference_book,
    conference_record,
    minutes_distribute,
    minutes_record,
    s47_outcome_record,
)
from frontdoor.testing.factories import end_of_day, local
from frontdoor.work.overview import front_door_overview
from frontdoor.work.queues import my_queue, team_queue

pytestmark = pytest.mark.django_db


def _stages(items):
    return sorted((i.stage, i.reference) for i in items if i.stage in Stage.ORDER)


def test_a_convened_discussion_waits_in_the_mash_team_queue(convene, mash_worker, mash_manager):
    discussion = convene(rating="RED")
    now = local(2026, 3, 3, 16)

    items = [i for i in team_queue(mash_manager, now) if i.stage == Stage.TO_HOLD]
    assert [i.reference for i in items] == [discussion.reference]
    assert items[0].reading.due_at == end_of_day(2026, 3, 3)
    assert _stages(my_queue(mash_worker, now)) == [(Stage.TO_HOLD, discussion.reference)]
    assert discussion_clock(discussion, local(2026, 3, 4, 9)).state == ClockState.OVERDUE


def test_a_partner_has_no_strategy_team_queue_but_sees_their_own_actions(
    held, police_practitioner, mash_worker
):
    discussion = held()
    action = action_add(
        discussion=discussion,
        description="Police to check the partner's history",
        due_on=date(2026, 3, 4),
        owner_user=police_practitioner,
        by=mash_worker,
        at=local(2026, 3, 3, 16),
    )
    now = local(2026, 3, 5, 9)
    assert _stages(team_queue(police_practitioner, now)) == []
    items = [i for i in my_queue(police_practitioner, now) if i.stage == Stage.ACTION]
    assert len(items) == 1 and items[0].reading.state == ClockState.OVERDUE
    assert action.pk and items[0].url.endswith("#actions")


def test_assessment_staff_see_only_their_childrens_work(held, assessment_worker, accepted):
    from frontdoor.mash.models import Decision

    discussion = held()  # the child is not transferred to them yet
    now = local(2026, 3, 4, 9)
    assert _stages(team_queue(assessment_worker, now)) == []
    decision = Decision.objects.get(enquiry=discussion.enquiry)
    accepted(decision=decision, at=local(2026, 3, 3, 17, 30))
    s47 = S47Enquiry.objects.get(start_discussion=discussion)
    assert _stages(team_queue(assessment_worker, now)) == [
        (Stage.CONFERENCE, s47.reference),
        (Stage.MINUTES, discussion.reference),
    ]


def test_minutes_and_conference_clocks(held, mash_worker, assessment_worker):
    discussion = held(rating="AMBER")
    s47 = S47Enquiry.objects.get(start_discussion=discussion)
    now = local(2026, 3, 4, 12)
    team = _stages(team_queue(mash_worker, now))
    assert (Stage.MINUTES, discussion.reference) in team
    assert (Stage.CONFERENCE, s47.reference) in team
    assert minutes_clock(discussion, local(2026, 3, 5, 9)).state == ClockState.OVERDUE

    minutes_record(discussion=discussion, minutes="Agreed.", by=mash_worker, at=now)
    discussion = minutes_distribute(discussion=discussion, by=mash_worker, at=now)
    reading = minutes_clock(discussion, local(2026, 3, 5, 9))
    assert reading is not None and reading.state == ClockState.MET

    s47_outcome_record(
        s47=s47,
        outcome="continuing_risk",
        icpc_needed=True,
        outcome_at=local(2026, 3, 10, 9),
        by=assessment_worker,
        at=local(2026, 3, 10, 9),
    )
    conference = conference_book(
        s47=s47,
        scheduled_for=local(2026, 3, 25, 10),
        by=assessment_worker,
        at=local(2026, 3, 10, 9),
    )
    assert icpc_clock(s47, local(2026, 3, 25, 9)).state == ClockState.OVERDUE
    conference_record(
        conference=conference,
        held_at=local(2026, 3, 25, 10),
        plan=True,
        category="NEG",
        by=assessment_worker,
        at=local(2026, 3, 25, 12),
    )
    s47.refresh_from_db()
    assert icpc_clock(s47, local(2026, 3, 26, 9)).state == ClockState.MET_LATE

    overview = front_door_overview(local(2026, 3, 26, 9))
    rows = {t.clock: t for t in overview.timeliness}
    assert rows["Strategy discussion held"].completed == 1
    assert rows["Strategy discussion held"].met == 1
    assert rows["Strategy minutes sent"].met == 1
    assert rows["Initial child protection conference held"].completed == 1
    assert rows["Initial child protection conference held"].met == 0
    assert {s.stage for s in overview.stages} >= set(Stage.ORDER)


def test_strategy_events_appear_in_the_chronology_categories():
    assert category_of("strategy.held").key == "meetings"
    assert category_of("s47.started").key == "protection"
    assert category_of("conference.held").key == "protection"
