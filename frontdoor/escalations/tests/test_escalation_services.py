"""Escalation services: raise, answer a stage, escalate, withdraw; every refusal saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from frontdoor.escalations.models import (
    Escalation,
    EscalationStage,
    EscalationStatus,
    StageResult,
)
from frontdoor.escalations.services import (
    escalation_escalate,
    escalation_raise,
    escalation_respond,
    escalation_withdraw,
)
from frontdoor.escalations.tests.helpers import RAISED_AT, raised
from frontdoor.mash.models import Decision
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import (
    actions_of,
    child_details,
    events_of,
    local,
    request_sent,
)
from frontdoor.testing.fixtures import refused, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_decision(
    screened_to_mash: Callable[..., Any], signed_off: Callable[..., Any], org: Any
) -> Decision:
    """A signed-off MASH decision on an enquiry the police were asked about."""
    enquiry = screened_to_mash()
    request_sent(enquiry=enquiry, agency="police")
    decision: Decision = signed_off(outcome="nfa", enquiry=enquiry)
    return decision


def _due(escalation: Escalation) -> datetime:
    assert escalation.stage_due_at is not None
    return escalation.stage_due_at


def _answer(escalation: Escalation, by: Any, result: str = "escalated", **kw: Any) -> Escalation:
    values: dict[str, Any] = {
        "escalation": escalation,
        "stage": escalation.stage,
        "result": result,
        "response": kw.pop("response", "Needs a manager's view."),
        "by": by,
        "at": kw.pop("at", RAISED_AT + timedelta(hours=2)),
    }
    if result == "resolved":
        values["learning"] = kw.pop("learning", "Share partner information before deciding.")
    values.update(kw)
    return escalation_respond(**values)


# --------------------------------------------------------------------------- happy paths


def test_a_partner_raises_an_escalation_about_a_mash_decision(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)

    assert escalation.status == EscalationStatus.OPEN
    assert escalation.stage == "practitioner"
    assert escalation.child_id == police_decision.enquiry.child_id
    assert escalation.record_type == "decision" and escalation.record_id == police_decision.pk
    assert escalation.practitioner == mash_worker  # the decision's recorder
    assert escalation.team == police_decision.enquiry.team
    assert escalation.raiser_agency == police_practitioner.agency
    assert escalation.raiser_name == police_practitioner.display_name
    (stage,) = escalation.stages.all()
    assert stage.stage == "practitioner" and stage.started_at == RAISED_AT
    assert stage.due_at == escalation.stage_due_at is not None
    assert actions_of(escalation) == ["escalation.raised"]
    assert events_of(escalation)[0].child_id == escalation.child_id
    told = Message.objects.filter(kind="escalation_stage", about=f"escalation:{escalation.pk}")
    assert [m.to for m in told] == [mash_worker.email]
    assert "Sam" not in told[0].body  # no child details in email


def test_stages_escalate_and_the_manager_resolves_with_learning(
    police_decision: Decision,
    police_practitioner: Any,
    mash_worker: Any,
    mash_manager: Any,
) -> None:
    escalation = raised(police_decision, police_practitioner)
    escalation = _answer(escalation, mash_worker, response="I stand by it; manager to review.")
    assert escalation.stage == "team_manager" and escalation.is_open
    assert Message.objects.filter(kind="escalation_stage", to=mash_manager.email).exists()

    escalation = _answer(
        escalation,
        mash_manager,
        "resolved",
        response="Agreed: a strategy discussion is booked for Thursday.",
        learning="Read the police call-outs before closing as NFA.",
        at=RAISED_AT + timedelta(hours=5),
    )

    assert escalation.status == EscalationStatus.RESOLVED
    assert escalation.resolution.startswith("Agreed") and escalation.learning.startswith("Read")
    assert escalation.resolved_by == mash_manager
    assert escalation.closed_at == RAISED_AT + timedelta(hours=5)
    rows = list(escalation.stages.order_by("started_at"))
    assert [(r.stage, r.result) for r in rows] == [
        ("practitioner", StageResult.ESCALATED),
        ("team_manager", StageResult.RESOLVED),
    ]
    assert actions_of(escalation) == [
        "escalation.raised",
        "escalation.escalated",
        "escalation.resolved",
    ]
    resolved = Message.objects.get(kind="escalation_resolved")
    assert resolved.to == police_practitioner.email


def test_it_climbs_every_stage_to_the_partnership(
    police_decision: Decision,
    police_practitioner: Any,
    mash_worker: Any,
    mash_manager: Any,
    head_of_service: Any,
    partnership_lead: Any,
) -> None:
    escalation = raised(police_decision, police_practitioner)
    at = RAISED_AT
    for owner in (mash_worker, mash_manager, head_of_service):
        at += timedelta(hours=1)
        escalation = _answer(escalation, owner, at=at)
    assert escalation.stage == "partnership"
    escalation = _answer(escalation, partnership_lead, "resolved", at=at + timedelta(hours=1))
    assert escalation.status == EscalationStatus.RESOLVED
    assert escalation.stages.count() == 4


def test_the_raiser_escalates_when_the_stage_clock_has_run_out(
    police_decision: Decision, police_practitioner: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)
    late = _due(escalation) + timedelta(minutes=1)

    escalation = escalation_escalate(
        escalation=escalation, reason="No answer in two days.", by=police_practitioner, at=late
    )

    assert escalation.stage == "team_manager"
    first = escalation.stages.get(stage="practitioner")
    assert first.by_raiser and first.result == StageResult.ESCALATED
    assert first.responded_at == late


def test_the_raiser_does_not_accept_the_answer_and_it_opens_again_at_the_next_stage(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)
    escalation = _answer(escalation, mash_worker, "resolved")
    assert escalation.status == EscalationStatus.RESOLVED

    escalation = escalation_escalate(
        escalation=escalation,
        reason="The answer ignores the second call-out.",
        by=police_practitioner,
        at=RAISED_AT + timedelta(hours=3),
    )

    assert escalation.status == EscalationStatus.OPEN and escalation.stage == "team_manager"
    assert escalation.closed_at is None and escalation.resolution == ""
    assert escalation.stages.get(stage="practitioner").result == StageResult.RESOLVED


def test_the_raiser_withdraws_it(police_decision: Decision, police_practitioner: Any) -> None:
    escalation = raised(police_decision, police_practitioner)

    escalation = escalation_withdraw(
        escalation=escalation,
        reason="Agreed a way forward on the phone.",
        by=police_practitioner,
        at=RAISED_AT + timedelta(hours=1),
    )

    assert escalation.status == EscalationStatus.WITHDRAWN
    assert escalation.withdrawn_reason.startswith("Agreed")
    assert escalation.stages.get().result == StageResult.WITHDRAWN
    assert actions_of(escalation)[-1] == "escalation.withdrawn"


def test_the_council_raises_a_partner_delay_and_the_partner_answers_first(
    screened_to_mash: Callable[..., Any],
    mash_worker: Any,
    police_practitioner: Any,
    health_practitioner: Any,
) -> None:
    enquiry = screened_to_mash()
    request = request_sent(enquiry=enquiry, agency="police")

    escalation = raised(request, mash_worker, about="delay")

    assert escalation.concerns_agency == police_practitioner.agency
    assert escalation.practitioner is None
    told = set(Message.objects.filter(kind="escalation_stage").values_list("to", flat=True))
    assert told == {police_practitioner.email}
    with refused(None, "cannot answer"):
        _answer(escalation, health_practitioner, "resolved")
    escalation = _answer(
        escalation,
        police_practitioner,
        "resolved",
        response="Answered today: the delay was a staffing gap.",
    )
    assert escalation.status == EscalationStatus.RESOLVED
    assert Message.objects.filter(kind="escalation_resolved", to=mash_worker.email).exists()


def test_the_same_raise_twice_is_recognised_not_duplicated(
    police_decision: Decision, police_practitioner: Any
) -> None:
    first = raised(police_decision, police_practitioner)
    before = row_counts()

    again = raised(police_decision, police_practitioner, at=RAISED_AT + timedelta(minutes=1))

    assert again.pk == first.pk
    assert row_counts() == before


def test_a_different_open_escalation_about_the_same_record_is_refused(
    police_decision: Decision, police_practitioner: Any
) -> None:
    first = raised(police_decision, police_practitioner)
    with refused("disagreement", first.reference):
        raised(
            police_decision,
            police_practitioner,
            disagreement="Something else entirely.",
            at=RAISED_AT + timedelta(hours=1),
        )


# --------------------------------------------------------------------------- refusals


def test_blank_texts_are_refused(police_decision: Decision, police_practitioner: Any) -> None:
    with refused("disagreement", "Enter what you disagree with"):
        raised(police_decision, police_practitioner, disagreement="   ")
    with refused("outcome_sought", "Enter what you want to happen"):
        raised(police_decision, police_practitioner, outcome_sought="")
    with refused("about", "Select whether"):
        raised(police_decision, police_practitioner, about="mood")


def test_a_record_that_is_not_the_childs_is_refused(
    police_decision: Decision, police_practitioner: Any, screened_to_mash: Callable[..., Any]
) -> None:
    other = screened_to_mash(children=[child_details(first_name="Alex", last_name="Other")])
    with refused("record", "not about this child"):
        raised(police_decision, police_practitioner, child=other.child)


def test_a_record_that_does_not_exist_is_refused(
    police_decision: Decision, police_practitioner: Any
) -> None:
    with refused("record", "Enter the reference"):
        raised(police_decision, police_practitioner, record_id=999999)
    with refused("record", "Enter the reference"):
        raised(police_decision, police_practitioner, record_type="user")


def test_a_partner_cannot_raise_about_an_enquiry_their_agency_was_not_asked_about(
    signed_off: Callable[..., Any], health_practitioner: Any
) -> None:
    decision = signed_off(outcome="nfa")
    with refused("record", "cannot raise"):
        raised(decision, health_practitioner)


def test_a_referrer_without_an_account_must_give_a_referral(
    police_decision: Decision,
) -> None:
    with refused(None, "Sign in"):
        raised(police_decision, None)


def test_responding_to_a_closed_escalation_is_refused(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)
    escalation_withdraw(
        escalation=escalation, reason="Sorted.", by=police_practitioner, at=RAISED_AT
    )
    with refused(None, "is closed"):
        _answer(escalation, mash_worker, "resolved")


def test_a_stage_already_answered_is_recognised(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)
    _answer(escalation, mash_worker)
    with refused(None, "already been answered"):
        _answer(escalation, mash_worker, stage="practitioner")
    assert EscalationStage.objects.filter(escalation=escalation).count() == 2


def test_responding_to_a_stage_you_do_not_own_is_refused(
    police_decision: Decision,
    police_practitioner: Any,
    mash_manager: Any,
    assessment_manager: Any,
    head_of_service: Any,
    mash_worker: Any,
) -> None:
    escalation = raised(police_decision, police_practitioner)
    for user in (mash_manager, head_of_service, police_practitioner, assessment_manager):
        with refused(None, "cannot answer"):
            _answer(escalation, user, "resolved")
    escalation = _answer(escalation, mash_worker)
    for user in (mash_worker, assessment_manager, head_of_service):
        with refused(None, "cannot answer"):
            _answer(escalation, user, "resolved")


def test_blank_answers_are_refused(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)
    with refused("response", "Enter why it needs the next stage"):
        _answer(escalation, mash_worker, response=" ")
    with refused("response", "Enter how it is resolved"):
        _answer(escalation, mash_worker, "resolved", response="")
    with refused("learning", "Enter the learning"):
        _answer(escalation, mash_worker, "resolved", learning="")
    with refused("result", "Select whether"):
        _answer(escalation, mash_worker, "shrug")


def test_escalating_past_the_partnership_is_refused(
    police_decision: Decision,
    police_practitioner: Any,
    mash_worker: Any,
    mash_manager: Any,
    head_of_service: Any,
    partnership_lead: Any,
) -> None:
    escalation = raised(police_decision, police_practitioner)
    for owner in (mash_worker, mash_manager, head_of_service):
        escalation = _answer(escalation, owner)
    with refused("result", "no stage after the partnership"):
        _answer(escalation, partnership_lead)
    late = _due(escalation) + timedelta(days=1)
    with refused(None, "no stage after the partnership"):
        escalation_escalate(
            escalation=escalation, reason="Still wrong.", by=police_practitioner, at=late
        )


def test_the_raiser_cannot_escalate_before_the_clock_runs_out(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)
    with refused(None, "time has run out"):
        escalation_escalate(
            escalation=escalation, reason="Impatient.", by=police_practitioner, at=RAISED_AT
        )
    late = _due(escalation) + timedelta(hours=1)
    with refused("reason", "Enter why"):
        escalation_escalate(escalation=escalation, reason="", by=police_practitioner, at=late)
    with refused(None, "Only the person who raised it"):
        escalation_escalate(escalation=escalation, reason="Me too.", by=mash_worker, at=late)


def test_only_the_raiser_withdraws_and_only_while_open(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    escalation = raised(police_decision, police_practitioner)
    with refused(None, "Only the person who raised it"):
        escalation_withdraw(escalation=escalation, reason="No.", by=mash_worker, at=RAISED_AT)
    with refused("reason", "Enter why"):
        escalation_withdraw(escalation=escalation, reason="", by=police_practitioner, at=RAISED_AT)
    escalation_withdraw(escalation=escalation, reason="Done.", by=police_practitioner, at=RAISED_AT)
    with refused(None, "already closed"):
        escalation_withdraw(
            escalation=escalation, reason="Again.", by=police_practitioner, at=RAISED_AT
        )
    with refused(None, "withdrawn"):
        escalation_escalate(
            escalation=escalation,
            reason="Changed my mind.",
            by=police_practitioner,
            at=local(2026, 3, 20, 10),
        )


def test_the_raiser_is_never_asked_to_answer_their_own_escalation(
    screened_to_mash: Callable[..., Any], signed_off: Callable[..., Any], mash_worker: Any
) -> None:
    decision = signed_off(outcome="nfa", enquiry=screened_to_mash())
    escalation = raised(decision, mash_worker)  # recorded by mash_worker: the team answers
    assert escalation.practitioner is None
    with refused(None, "cannot answer"):
        _answer(escalation, mash_worker, "resolved")


def test_raise_directly_with_a_referrer_name_needs_name_and_email(
    police_decision: Decision,
) -> None:
    from frontdoor.intake.models import Submission

    submission = Submission(pk=1)
    with refused(None, "name and email"):
        escalation_raise(
            child=police_decision.enquiry.child,
            record_type="decision",
            record_id=police_decision.pk,
            about="decision",
            disagreement="x",
            outcome_sought="y",
            by=None,
            submission=submission,
            raiser_name="",
            raiser_email="",
            at=RAISED_AT,
        )


def test_escalation_events_are_on_the_childs_chronology(
    police_decision: Decision, police_practitioner: Any, mash_worker: Any
) -> None:
    from frontdoor.people.chronology import category_of, chronology_for

    escalation = raised(police_decision, police_practitioner)
    _answer(escalation, mash_worker)
    entries = [e for e in chronology_for(escalation.child) if e.category == "escalations"]
    assert [e.action for e in entries] == ["escalation.raised", "escalation.escalated"]
    assert category_of("escalation.withdrawn").label == "Escalations and disagreements"


def test_later_records_are_found_by_name_when_their_apps_define_them(org: Any) -> None:
    from frontdoor.escalations.records import LATER_RECORDS, record_find, record_model

    for name in LATER_RECORDS:
        model = record_model(name)
        if model is not None:
            assert model._meta.model_name == name
        assert record_find(name, 999999) is None
    assert record_model("user") is None and record_find("enquiry", None) is None
