"""Managers can disagree: at review a manager agrees (signs off), sends the decision back with
reasons (the worker decides again, the clock runs on), or records a different decision as
their own (another manager signs it off). History keeps all three."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from frontdoor.audit.models import Event
from frontdoor.mash.models import Decision, DecisionStatus, Enquiry, EnquiryStatus
from frontdoor.mash.services import (
    decision_record,
    decision_replace,
    decision_send_back,
    decision_sign_off,
)
from frontdoor.testing.factories import decided, local
from frontdoor.testing.fixtures import client_for, refused, snapshot
from frontdoor.work.overview import front_door_overview
from frontdoor.work.queues import Stage, my_queue

pytestmark = pytest.mark.django_db

# ``decided()``: the enquiry opened Mon 2 Mar 11:00 (Amber, due 24 working hours later),
# the decision recorded Tue 3 Mar 10:00 by the MASH worker.
REVIEW_AT = local(2026, 3, 3, 12)


def _send_back(decision: Decision, manager: Any) -> Decision:
    return decision_send_back(
        decision=decision,
        reasons="The police information was not considered: ask again and reconsider.",
        by=manager,
        at=REVIEW_AT,
    )


def test_a_manager_sends_a_decision_back_and_the_enquiry_opens_again(
    org: Any, mash_manager: Any, mash_worker: Any
) -> None:
    decision = decided()
    enquiry = decision.enquiry
    due = enquiry.due_at

    _send_back(decision, mash_manager)

    decision.refresh_from_db()
    enquiry.refresh_from_db()
    assert decision.status == DecisionStatus.SENT_BACK
    assert (decision.reviewed_by, decision.reviewed_at) == (mash_manager, REVIEW_AT)
    assert decision.signed_off_at is None and decision.signed_off_by is None
    assert "police information" in decision.oversight
    assert enquiry.status == EnquiryStatus.OPEN and enquiry.completed_at is None
    assert enquiry.allocated_to == mash_worker  # the worker decides again
    assert enquiry.due_at == due  # the clock runs on from when the enquiry began
    assert enquiry.decision is None
    event = Event.objects.filter(record_id=enquiry.pk, action="decision.sent_back").get()
    assert event.actor == mash_manager and "police information" in event.reason


def test_the_worker_decides_again_and_history_shows_both(
    org: Any, mash_manager: Any, mash_worker: Any
) -> None:
    first = decided(outcome="nfa")
    _send_back(first, mash_manager)

    second = decision_record(
        enquiry=first.enquiry,
        outcome="s17",
        rationale="With the police information, an assessment is needed.",
        referrer_feedback="The family will be offered an assessment.",
        by=mash_worker,
        at=local(2026, 3, 3, 15),
    )
    decision_sign_off(
        decision=second, oversight="Agreed now.", by=mash_manager, at=local(2026, 3, 3, 16)
    )

    enquiry = Enquiry.objects.get(pk=first.enquiry_id)
    assert enquiry.decision == second
    assert [d.status for d in enquiry.decisions.order_by("recorded_at")] == [
        DecisionStatus.SENT_BACK,
        DecisionStatus.SIGNED_OFF,
    ]
    # The enquiry's clock stopped at the decision that stood.
    assert enquiry.completed_at == local(2026, 3, 3, 15)


def test_the_sent_back_enquiry_is_in_the_workers_queue_marked_sent_back(
    org: Any, mash_manager: Any, mash_worker: Any
) -> None:
    decision = decided()
    _send_back(decision, mash_manager)

    items = [i for i in my_queue(mash_worker, local(2026, 3, 3, 13)) if i.stage == Stage.ENQUIRY]
    assert [(i.reference, i.note) for i in items] == [(f"E{decision.enquiry_id}", "Sent back")]


def test_a_manager_replaces_the_decision_with_their_own(
    org: Any, mash_manager: Any, mash_manager_2: Any, mash_worker: Any
) -> None:
    decision = decided(outcome="nfa")

    mine = decision_replace(
        decision=decision,
        outcome="s47",
        rationale="The injuries and the police history mean significant harm is likely.",
        referrer_feedback="Social workers and the police will discuss what happens next.",
        by=mash_manager,
        at=REVIEW_AT,
    )

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REPLACED and decision.reviewed_by == mash_manager
    assert (mine.status, mine.recorded_by, mine.replaces) == (
        DecisionStatus.AWAITING,
        mash_manager,
        decision,
    )
    assert mine.enquiry.decision == mine
    assert mine.enquiry.status == EnquiryStatus.DECIDED
    # No decision is signed off by its author: the manager cannot sign off their own...
    with refused("oversight", "other than the decision's author"):
        decision_sign_off(decision=mine, oversight="Mine", by=mash_manager, at=REVIEW_AT)
    # ...another manager does.
    done = decision_sign_off(
        decision=mine, oversight="Agreed.", by=mash_manager_2, at=local(2026, 3, 3, 13)
    )
    assert done.status == DecisionStatus.SIGNED_OFF and done.signed_off_by == mash_manager_2


def test_replacing_with_the_same_outcome_is_refused(org: Any, mash_manager: Any) -> None:
    decision = decided(outcome="s17")
    with refused("outcome", "sign it off instead"):
        decision_replace(
            decision=decision,
            outcome="s17",
            rationale="Same",
            referrer_feedback="Same",
            by=mash_manager,
            at=REVIEW_AT,
        )


@pytest.mark.parametrize("review", ["send_back", "replace", "sign_off"])
def test_the_author_cannot_review_their_own_decision(
    org: Any, mash_manager: Any, review: str
) -> None:
    decision = decided(by=mash_manager)
    before = snapshot(decision)
    with refused("oversight", "other than the decision's author"):
        if review == "send_back":
            _send_back(decision, mash_manager)
        elif review == "replace":
            decision_replace(
                decision=decision,
                outcome="nfa",
                rationale="x",
                referrer_feedback="y",
                by=mash_manager,
                at=REVIEW_AT,
            )
        else:
            decision_sign_off(decision=decision, oversight="x", by=mash_manager, at=REVIEW_AT)
    assert snapshot(decision) == before


def test_a_decision_is_reviewed_once(org: Any, mash_manager: Any, mash_manager_2: Any) -> None:
    decision = decided()
    _send_back(decision, mash_manager)
    with refused(None, "already been sent back"):
        decision_sign_off(decision=decision, oversight="x", by=mash_manager_2, at=REVIEW_AT)


def test_sending_back_needs_reasons(org: Any, mash_manager: Any) -> None:
    decision = decided()
    with refused("oversight", "what the worker should reconsider"):
        decision_send_back(decision=decision, reasons="  ", by=mash_manager, at=REVIEW_AT)


def test_the_database_allows_one_decision_in_force_per_enquiry(org: Any) -> None:
    decision = decided()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            enquiry=decision.enquiry,
            outcome="nfa",
            rationale="Second",
            recorded_by=decision.recorded_by,
            recorded_at=decision.recorded_at,
            policy=decision.policy,
        )


def test_the_overview_counts_reviews_of_every_kind(
    org: Any, mash_manager: Any, mash_manager_2: Any
) -> None:
    _send_back(decided(), mash_manager)
    decision_sign_off(decision=decided(), oversight="Agreed", by=mash_manager, at=REVIEW_AT)
    decision_replace(
        decision=decided(outcome="nfa"),
        outcome="s17",
        rationale="An assessment is needed.",
        referrer_feedback="An assessment will be offered.",
        by=mash_manager,
        at=REVIEW_AT,
    )
    overview = front_door_overview(local(2026, 3, 4, 9))
    assert overview.reviews == {"signed_off": 1, "sent_back": 1, "replaced": 1}
    [signoff] = [t for t in overview.timeliness if t.clock == "Manager sign-off"]
    # Each review stops the sign-off clock; the replacing decision waits for its own.
    assert signoff.completed == 3


# --------------------------------------------------------------------------- the page


def test_the_review_page_offers_agree_send_back_and_replace(org: Any, mash_manager: Any) -> None:
    decision = decided()
    body = (
        client_for(mash_manager)
        .get(reverse("enquiry-sign-off", args=[decision.enquiry_id]))
        .content.decode()
    )
    assert "Do you agree with this decision?" in body
    assert "Yes, sign it off" in body and "send it back" in body
    assert "record a different decision as my own" in body
    assert "the rationale for agreeing the decision" not in body


def test_sending_back_from_the_page(org: Any, mash_manager: Any) -> None:
    decision = decided()
    url = reverse("enquiry-sign-off", args=[decision.enquiry_id])
    with time_machine.travel(REVIEW_AT, tick=False):
        response = client_for(mash_manager).post(
            url, {"review": "send_back", "oversight": "Check the school's view first."}
        )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SENT_BACK
    page = (
        client_for(mash_manager)
        .get(reverse("enquiry-detail", args=[decision.enquiry_id]))
        .content.decode()
    )
    assert "Sent back" in page and "Check the school" in page and "Earlier decisions" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select whether you agree with the decision"),
        ({"review": "agree"}, "Enter your management oversight and rationale"),
        ({"review": "send_back"}, "Enter what the worker should reconsider"),
        ({"review": "replace", "oversight": "x"}, "Select your decision"),
        (
            {"review": "replace", "oversight": "x", "outcome": "nfa", "referrer_feedback": ""},
            "Enter the feedback to give the referrer",
        ),
        ({"review": "nonsense", "oversight": "x"}, "Select whether you agree"),
    ],
)
def test_bad_review_input_gets_an_error_summary_and_saves_nothing(
    org: Any, mash_manager: Any, data: dict[str, str], message: str
) -> None:
    decision = decided()
    before = snapshot(decision)
    response = client_for(mash_manager).post(
        reverse("enquiry-sign-off", args=[decision.enquiry_id]), data
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert snapshot(decision) == before


def test_the_author_cannot_open_the_review_page(org: Any, mash_manager: Any) -> None:
    decision = decided(by=mash_manager)
    response = client_for(mash_manager).get(reverse("enquiry-sign-off", args=[decision.enquiry_id]))
    assert response.status_code == 403
