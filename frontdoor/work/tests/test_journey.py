"""No outcome leads nowhere: every screening and MASH outcome leaves an owner and a clock, or
a closure; the reconciliation check finds any child that has neither."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from frontdoor.intake.models import ContactChild, OpenCaseInformation, ScreeningOutcome
from frontdoor.intake.services import contact_screen, open_case_acknowledge
from frontdoor.mash.models import DecisionOutcome
from frontdoor.mash.services import decision_replace, decision_send_back
from frontdoor.people.models import Person
from frontdoor.testing.factories import (
    accepted,
    contact_child_of,
    contact_recorded,
    decided,
    local,
    screened,
    screened_to_mash,
    signed_off,
    transferred,
    visited,
)
from frontdoor.testing.fixtures import client_for, refused
from frontdoor.work.journey import feedback_loose_ends, loose_ends, next_step
from frontdoor.work.queues import Stage, my_queue, team_queue

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 4, 9)


def _check(link: ContactChild) -> None:
    """The child waits for someone with a clock (or a policy with no timescale), or its
    front-door journey closed."""
    step = next_step(ContactChild.objects.get(pk=link.pk))
    assert step.closed or (step.has_owner and step.due_at is not None), step
    assert not loose_ends().filter(pk=link.pk).exists()
    assert not feedback_loose_ends().filter(pk=link.pk).exists()


def _allocated_child(worker: Any) -> ContactChild:
    contact = contact_recorded()
    link = contact_child_of(contact)
    Person.objects.filter(pk=link.child_id).update(allocated_worker=worker)
    return ContactChild.objects.get(pk=link.pk)


@pytest.mark.parametrize(
    "outcome",
    [
        ScreeningOutcome.ADVICE_NFA,
        ScreeningOutcome.EARLY_HELP,
        ScreeningOutcome.MASH_ENQUIRY,
        ScreeningOutcome.STRATEGY_DISCUSSION,
        ScreeningOutcome.ALLOCATED_WORKER,
    ],
)
def test_every_screening_outcome_leaves_an_owner_and_a_clock_or_a_closure(
    org: Any, mash_worker: Any, assessment_worker: Any, outcome: str
) -> None:
    assert set(ScreeningOutcome.values) == {
        "advice_nfa",
        "early_help",
        "mash_enquiry",
        "strategy_discussion",
        "allocated_worker",
    }, "a new screening outcome needs a case here"
    link = (
        _allocated_child(assessment_worker)
        if outcome == ScreeningOutcome.ALLOCATED_WORKER
        else contact_child_of(contact_recorded())
    )
    _check(link)  # awaiting screening: the screening clock
    contact_screen(
        contact_child=link,
        outcome=outcome,
        rating="AMBER" if outcome == ScreeningOutcome.MASH_ENQUIRY else "",
        rationale="Reason",
        by=mash_worker,
        at=local(2026, 3, 2, 11),
    )
    _check(link)


@pytest.mark.parametrize("outcome", list(DecisionOutcome))
def test_every_mash_decision_leaves_an_owner_and_a_clock_or_a_closure(
    org: Any, outcome: DecisionOutcome
) -> None:
    enquiry = screened_to_mash()
    link = enquiry.referral.contact_child
    _check(link)  # open enquiry: the MASH and its clock
    decision = decided(enquiry=enquiry, outcome=outcome)
    _check(link)  # awaiting the manager's review: the sign-off clock
    signed_off(decision=decision)
    _check(link)  # closed, or a transfer request due (its clock)
    step = next_step(link)
    if outcome in (DecisionOutcome.S17_ASSESSMENT, DecisionOutcome.S47_STRATEGY):
        assert step.what == "A transfer request to the assessment team" and step.due_at
    else:
        assert step.closed == f"MASH decision: {outcome.label}"


def test_a_sent_back_and_a_replaced_decision_each_leave_an_owner_and_a_clock(
    org: Any, mash_manager: Any
) -> None:
    sent_back = decided()
    decision_send_back(
        decision=sent_back, reasons="Reconsider.", by=mash_manager, at=local(2026, 3, 3, 12)
    )
    _check(sent_back.enquiry.referral.contact_child)
    assert next_step(sent_back.enquiry.referral.contact_child).what == "MASH enquiry: a decision"

    replaced = decided(outcome="nfa")
    decision_replace(
        decision=replaced,
        outcome="s17",
        rationale="An assessment is needed.",
        referrer_feedback="An assessment will be offered.",
        by=mash_manager,
        at=local(2026, 3, 3, 12),
    )
    _check(replaced.enquiry.referral.contact_child)


def test_the_journey_after_the_decision_keeps_an_owner(org: Any) -> None:
    transfer = transferred()
    link = transfer.referral.contact_child
    _check(link)
    assert next_step(link).what == "The assessment team's answer to the transfer"
    accepted(transfer=transfer)
    _check(link)
    assert next_step(link).what == "The first visit"
    visited(transfer=transfer)
    _check(link)


def test_new_information_on_an_open_case_goes_to_the_worker_and_their_team(
    org: Any, mash_worker: Any, assessment_worker: Any, assessment_manager: Any
) -> None:
    link = _allocated_child(assessment_worker)
    contact_screen(
        contact_child=link,
        outcome=ScreeningOutcome.ALLOCATED_WORKER,
        rationale="The case is open: new information for the social worker.",
        by=mash_worker,
        at=local(2026, 3, 2, 11),
    )
    item = OpenCaseInformation.objects.get(contact_child=link)
    assert item.worker == assessment_worker and item.team == assessment_worker.team
    assert item.due_at is not None
    mine = [i for i in my_queue(assessment_worker, NOW) if i.stage == Stage.OPEN_CASE]
    team = [i for i in team_queue(assessment_manager, NOW) if i.stage == Stage.OPEN_CASE]
    assert [i.reference for i in mine] == [i.reference for i in team] == [link.contact.reference]
    assert mine[0].url == reverse("open-case-detail", args=[item.pk])

    open_case_acknowledge(
        item=item,
        action_taken="Visited today: the new injury is explained by a fall at school.",
        by=assessment_worker,
        at=local(2026, 3, 2, 16),
    )
    assert next_step(ContactChild.objects.get(pk=link.pk)).closed == (
        "Acknowledged by the allocated worker"
    )
    assert not [i for i in my_queue(assessment_worker, NOW) if i.stage == Stage.OPEN_CASE]


def test_only_the_worker_or_a_manager_in_their_team_acknowledges(
    org: Any, mash_worker: Any, assessment_worker: Any, mash_manager: Any
) -> None:
    link = _allocated_child(assessment_worker)
    contact_screen(
        contact_child=link,
        outcome=ScreeningOutcome.ALLOCATED_WORKER,
        rationale="Open case",
        by=mash_worker,
        at=local(2026, 3, 2, 11),
    )
    item = OpenCaseInformation.objects.get(contact_child=link)
    with refused(None, "Only the allocated worker"):
        open_case_acknowledge(item=item, action_taken="Noted", by=mash_manager, at=NOW)
    with refused("action_taken", "Enter what you did"):
        open_case_acknowledge(item=item, action_taken=" ", by=assessment_worker, at=NOW)


def test_the_open_case_page_lets_the_worker_acknowledge(
    org: Any, mash_worker: Any, assessment_worker: Any
) -> None:
    link = _allocated_child(assessment_worker)
    contact_screen(
        contact_child=link,
        outcome=ScreeningOutcome.ALLOCATED_WORKER,
        rationale="Open case",
        by=mash_worker,
        at=local(2026, 3, 2, 11),
    )
    item = OpenCaseInformation.objects.get(contact_child=link)
    url = reverse("open-case-detail", args=[item.pk])
    client = client_for(assessment_worker)
    empty = client.post(url, {"action_taken": ""}).content.decode()
    assert "There is a problem" in empty
    assert client.post(url, {"action_taken": "Visited; plan unchanged."}).status_code == 302
    item.refresh_from_db()
    assert item.acknowledged_by == assessment_worker
    assert client_for(mash_worker).post(url, {"action_taken": "x"}).status_code == 403


def test_a_decision_for_an_assessment_has_a_transfer_request_clock_in_the_queue(
    org: Any, mash_worker: Any
) -> None:
    decision = signed_off(outcome="s17")
    [item] = [i for i in team_queue(mash_worker, NOW) if i.stage == Stage.TO_TRANSFER]
    assert item.reading.due_at == decision.transfer_due_at is not None


def test_a_child_left_with_no_owner_is_found_and_the_command_fails(
    org: Any, mash_worker: Any, capsys: Any
) -> None:
    done = screened(outcome="advice_nfa")
    assert not loose_ends().exists()
    # A screening decision written past the services (as the old code effectively did for
    # "pass to the allocated worker"): no open-case item, so nobody owns it.
    link = contact_child_of(contact_recorded())
    ContactChild.objects.filter(pk=link.pk).update(
        outcome=ScreeningOutcome.ALLOCATED_WORKER, screened_at=local(2026, 3, 2, 11)
    )
    assert list(loose_ends()) == [ContactChild.objects.get(pk=link.pk)]
    assert list(feedback_loose_ends()) == [ContactChild.objects.get(pk=link.pk)]
    assert done.pk not in {c.pk for c in loose_ends()}
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile", "--all")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Contacts with no owner and no closure: 1." in err and link.contact.reference in err


def test_the_reconciliation_page_shows_the_checks(org: Any, contact_manager: Any) -> None:
    link = contact_child_of(contact_recorded())
    ContactChild.objects.filter(pk=link.pk).update(
        outcome=ScreeningOutcome.MASH_ENQUIRY, screened_at=local(2026, 3, 2, 11)
    )
    body = client_for(contact_manager).get(reverse("reconciliation")).content.decode()
    assert "Contacts with no owner and no closure: 1" in body
    assert "Referrers not set to be told: 1" in body
    assert link.contact.reference in body
