"""The demo's work after the front door, on one small generated history.

``generate`` runs every area (frontdoor/demo/after.py); these check each area left records in
every state its pages and queues show, and that running an area again adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from frontdoor.accounts.models import User
from frontdoor.assessments.models import Assessment, AssessmentStatus, AssessmentVisit
from frontdoor.assessments.selectors import assessment_clock
from frontdoor.clocks import ClockState
from frontdoor.demo.generator import generate
from frontdoor.demo.strategy import demo_strategy
from frontdoor.escalations import queues as escalation_queues
from frontdoor.escalations.access import visible_escalations
from frontdoor.escalations.models import Escalation, EscalationStage, EscalationStatus
from frontdoor.escalations.selectors import escalation_rows
from frontdoor.outbox.models import Message
from frontdoor.oversight import queues as oversight_queues
from frontdoor.oversight.models import OversightEntry, SupervisionAction, SupervisionRecord
from frontdoor.oversight.selectors import worker_rows
from frontdoor.people.models import Person
from frontdoor.strategy import queues as strategy_queues
from frontdoor.strategy.models import (
    Conference,
    DiscussionStatus,
    MinutesDistribution,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.transfers.models import Transfer, TransferStatus

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)  # a Wednesday afternoon


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        try:
            summary = generate(seed=7, years=0.4, contacts_per_year=2000, now=NOW)
            again = demo_strategy(now=NOW, rng=Random(7))
            yield {"counts": summary.after_front_door, "again": again, "summary": summary}
        finally:  # even when generating fails: leave nothing for the next module
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_summary_reports_every_area(demo: dict[str, Any]) -> None:
    assert set(demo["counts"]) == {
        "followup",
        "strategy",
        "assessments",
        "oversight",
        "escalations",
        "restricted",
        "retention",
        "records",
    }
    lines = demo["summary"].lines()
    for area, counts in demo["counts"].items():
        line = next(line for line in lines if line.startswith(f"  {area}: "))
        assert f"{next(iter(counts)).replace('_', ' ')} {next(iter(counts.values()))}" in line


# ----------------------------------------------------------------- records (issue 12)


@pytest.mark.django_db
def test_the_demo_has_households_corrections_and_referrals_that_name_adults(
    demo: dict[str, Any],
) -> None:
    from frontdoor.audit.models import Event
    from frontdoor.intake.models import Submission
    from frontdoor.people.models import PersonKind, Relationship

    counts = demo["counts"]["records"]
    assert counts["households"] > 20 and counts["corrected_children"] > 3
    assert counts["corrected_contacts"] > 3
    relationships = Relationship.objects.all()
    assert relationships.filter(parental_responsibility=True).exists()
    assert relationships.filter(alleged_perpetrator=True).exists()
    assert relationships.filter(ended_on__isnull=False).exists()
    assert relationships.values("child").distinct().count() > 50
    assert Person.objects.filter(kind=PersonKind.ADULT).count() > 50
    corrected = Event.objects.filter(action="person.corrected")
    assert corrected.exists() and all(e.reason and e.before and e.after for e in corrected)
    assert Event.objects.filter(action="contact.corrected").exists()
    online = Submission.objects.filter(channel="online_form", contact__isnull=False)
    assert online.exists()
    assert sum(1 for s in online if s.payload.get("adults")) > online.count() / 2


# ----------------------------------------------------------------- strategy


@pytest.mark.django_db
def test_the_demo_has_discussions_in_every_state(demo: dict[str, Any]) -> None:
    counts = demo["counts"]["strategy"]
    assert counts["discussions"] == StrategyDiscussion.objects.count() > 5
    assert StrategyDiscussion.objects.filter(status=DiscussionStatus.HELD).exists()
    assert StrategyDiscussion.objects.filter(status=DiscussionStatus.CONVENED).exists()
    assert MinutesDistribution.objects.exists()
    assert StrategyAction.objects.filter(owner_user__username="police.practitioner").exists()
    assert S47Enquiry.objects.exists()
    assert Conference.objects.exists()
    assert (
        counts.get("oversight_entries", 0)
        == OversightEntry.objects.filter(transition="s47_no_conference").count()
    )
    # Running it again changes nothing.
    assert demo["again"].get("discussions", 0) == 0


@pytest.mark.django_db
def test_the_demo_leaves_open_work_for_the_queues(demo: dict[str, Any]) -> None:
    items = strategy_queues.everything(NOW)
    stages = {item.stage for item in items}
    assert "Strategy discussion to hold" in stages or "Section 47: conference due" in stages
    assert any(item.reading.state == ClockState.OVERDUE for item in items)


# ----------------------------------------------------------------- assessments


@pytest.mark.django_db
def test_the_demo_has_assessments_in_every_state(demo: dict[str, Any]) -> None:
    counts = demo["counts"]["assessments"]
    assert counts["assessments"] == Assessment.objects.count() > 20
    accepted = Transfer.objects.filter(status=TransferStatus.ACCEPTED).count()
    assert Assessment.objects.count() >= accepted * 0.8
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert statuses == {
        AssessmentStatus.IN_PROGRESS,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.AUTHORISED,
    }
    assert AssessmentVisit.objects.filter(seen_alone=True).exists()
    assert AssessmentVisit.objects.filter(child_seen=False).exists()
    states = {assessment_clock(a, NOW).state for a in Assessment.objects.select_related("policy")}
    assert {ClockState.MET, ClockState.MET_LATE, ClockState.OVERDUE} <= states
    late = Assessment.objects.exclude(late_reason="").filter(completed_at__isnull=False)
    assert late.exists()
    assert all(a.completed_at and a.due_at and a.completed_at > a.due_at for a in late)
    assert Assessment.objects.filter(authorised_by__username="assessment.manager").exists()
    assert Assessment.objects.filter(worker__username="assessment.worker").exists()
    not_in_need = Assessment.objects.filter(child_in_need=False)
    assert not_in_need.exists()
    assert (
        OversightEntry.objects.filter(
            transition="assessment_not_in_need", recorded_by__role="assessment_manager"
        ).count()
        >= not_in_need.count()
    )
    assert counts["assessment_visits"] == AssessmentVisit.objects.count() > 0


# ----------------------------------------------------------------- escalations


@pytest.mark.django_db
def test_the_demo_has_escalations_in_every_state(demo: dict[str, Any]) -> None:
    counts = demo["counts"]["escalations"]
    assert 20 <= counts["escalations"] <= 45, counts
    assert counts["escalations"] == Escalation.objects.count()
    assert counts["escalations_by_referrers"] >= 1
    assert counts["escalations_about_delays"] >= 1
    assert Escalation.objects.filter(raised_by__isnull=True).exists()
    assert Escalation.objects.filter(raised_by__username="police.practitioner").exists()
    assert Escalation.objects.filter(raised_by__username__startswith="mash.worker").exists()
    resolved = Escalation.objects.filter(status=EscalationStatus.RESOLVED)
    assert resolved.count() >= 10
    assert not resolved.filter(learning="").exists()
    stages_resolved = set(resolved.values_list("stage", flat=True))
    assert {"practitioner", "team_manager", "head_of_service"} <= stages_resolved
    assert not Message.objects.filter(about__startswith="escalation:", status="pending").exists()


@pytest.mark.django_db
def test_the_managers_concerned_have_open_escalations_to_see(demo: dict[str, Any]) -> None:
    items = list(escalation_queues.everything(NOW))
    overdue = {i.stage for i in items if i.reading.state == ClockState.OVERDUE}
    assert "Escalation: team manager stage" in overdue
    assert "Escalation: head of service stage" in overdue
    assert any(i.stage == "Escalation: partnership stage" for i in items)
    for username in ("mash.manager", "head.of.service", "partnership.lead"):
        user = User.objects.get(username=username)
        rows = escalation_rows(user, status="open", now=NOW)
        assert rows, username
    head = User.objects.get(username="head.of.service")
    assert visible_escalations(head, Escalation.objects.all()).count() == Escalation.objects.count()
    assert EscalationStage.objects.filter(responded_at__gt=NOW).count() == 0


# ----------------------------------------------------------------- oversight


@pytest.mark.django_db
def test_the_demo_creates_supervision_history_and_oversight(demo: dict[str, Any]) -> None:
    counts = demo["counts"]["oversight"]
    assert counts["supervisions"] == SupervisionRecord.objects.count() > 10
    assert counts["supervision_actions"] == SupervisionAction.objects.count() > 5
    assert counts["oversight_entries"] == OversightEntry.objects.filter(transition="").count() > 0
    assert counts["cases_overdue_supervision"] > 0
    # Most on time, some late; actions done, open, and open past their date.
    records = list(SupervisionRecord.objects.all())
    late = [r for r in records if r.due_at and r.held_at > r.due_at]
    assert 0 < len(late) < len(records) / 2
    assert SupervisionAction.objects.filter(completed_at__isnull=False).exists()
    open_actions = SupervisionAction.objects.filter(completed_at__isnull=True)
    assert open_actions.exists()
    assert open_actions.filter(due_at__lt=NOW).exists()
    assert all(r.held_at <= NOW and r.recorded_at <= NOW for r in records)
    assert {r.supervisor.username for r in records} >= {"assessment.manager"}


@pytest.mark.django_db
def test_the_managers_page_shows_overdue_cases_per_worker(demo: dict[str, Any]) -> None:
    manager = User.objects.get(username="assessment.manager")
    rows = worker_rows(manager, NOW)
    assert any(row.overdue for row in rows)
    assert any(row.last_supervision_at for row in rows)
    assert any(i.reading.state == ClockState.OVERDUE for i in oversight_queues.team(manager, NOW))
    assert (
        len(list(oversight_queues.everything(NOW)))
        >= Person.objects.filter(allocated_worker__isnull=False, merged_into__isnull=True).count()
    )


# ----------------------------------------------------------------- the journey tells the truth


@pytest.mark.django_db
def test_no_demo_contact_is_left_without_an_owner_or_a_closure(demo: dict[str, Any]) -> None:
    from frontdoor.work.journey import feedback_loose_ends, loose_ends

    assert list(loose_ends()[:5]) == []
    assert list(feedback_loose_ends()[:5]) == []


@pytest.mark.django_db
def test_the_demo_has_sent_back_and_replaced_decisions(demo: dict[str, Any]) -> None:
    from frontdoor.mash.models import Decision, DecisionStatus

    summary = demo["summary"]
    assert summary.sent_back > 0 and summary.replaced > 0
    assert Decision.objects.filter(status=DecisionStatus.SENT_BACK).count() == summary.sent_back
    assert Decision.objects.filter(status=DecisionStatus.REPLACED).count() == summary.replaced
    replacing = Decision.objects.filter(replaces__isnull=False).select_related("replaces")
    assert replacing and all(d.recorded_by_id != d.signed_off_by_id for d in replacing)


@pytest.mark.django_db
def test_the_demo_has_phone_feedback_done_and_waiting(demo: dict[str, Any]) -> None:
    from frontdoor.intake.feedback import feedback_to_give
    from frontdoor.intake.models import ReferrerFeedback

    counts = demo["counts"]["followup"]
    assert counts["feedback_recorded"] > 0 and counts["feedback_open"] > 0
    assert ReferrerFeedback.objects.filter(given_method="phone").exists()
    assert feedback_to_give().exists()
    assert ReferrerFeedback.objects.filter(closed_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_demo_has_new_information_acknowledged_and_waiting(demo: dict[str, Any]) -> None:
    from frontdoor.intake.models import OpenCaseInformation

    assert OpenCaseInformation.objects.filter(acknowledged_at__isnull=False).exists()
    assert demo["counts"]["followup"]["open_case_acknowledged"] > 0


@pytest.mark.django_db
def test_an_immediate_risk_referral_tops_the_screening_queue(demo: dict[str, Any]) -> None:
    from frontdoor.accounts.models import Team, TeamKind
    from frontdoor.work.queues import Stage, team_queue

    worker = User.objects.get(username="mash.worker")
    queue = [i for i in team_queue(worker, NOW) if i.stage == Stage.SCREENING]
    assert queue[0].urgent and queue[0].reading.state == ClockState.ON_TIME
    mash = Team.objects.get(kind=TeamKind.MASH)
    assert mash.duty_manager is not None and mash.duty_manager.username == "mash.manager"
    assert Message.objects.filter(kind="immediate_risk_alert", to=mash.duty_manager.email).exists()


# ----------------------------------------------------------------- finding work


@pytest.mark.django_db
def test_the_demo_has_work_to_find_and_caseloads_for_the_managers(demo: dict[str, Any]) -> None:
    from frontdoor.finding.caseload import team_caseloads
    from frontdoor.finding.contacts import ContactQuery, contact_search
    from frontdoor.finding.decisions import DecisionQuery, decision_kinds, decision_search
    from frontdoor.intake.models import Contact

    for username in ("mash.manager", "assessment.manager"):
        manager = User.objects.get(username=username)
        (team,) = team_caseloads(manager, NOW)
        busy = [c for c in team.caseloads if c.total]
        assert len(busy) >= 2, username
        assert team.get(ClockState.OVERDUE) and team.get(ClockState.ON_TIME), username
    head = User.objects.get(username="head.of.service")
    kinds = {row["row_kind"] for row in decision_search(DecisionQuery(), user=head)}
    assert kinds == {kind.key for kind in decision_kinds()}
    contact = Contact.objects.order_by("?").first()
    assert contact is not None
    found = contact_search(ContactQuery(reference=contact.reference.lower()), user=head)
    assert list(found) == [contact]
