"""The transfer rule (frontdoor.transfers.selectors), and the enquiry detail the MASH's page
and the API share (frontdoor.mash.selectors), which shows it through the registry."""

from __future__ import annotations

import pytest

from frontdoor.mash.models import Decision
from frontdoor.mash.selectors import enquiry_detail
from frontdoor.testing.factories import local
from frontdoor.transfers.models import TransferStatus
from frontdoor.transfers.selectors import (
    IN_PROGRESS,
    NOT_SIGNED_OFF,
    NOT_TO_ASSESSMENT,
    transfer_refusal,
    transferable_decisions,
)

pytestmark = pytest.mark.django_db

LATER = local(2026, 3, 4, 9)


def _transferable(decision: Decision) -> bool:
    return transferable_decisions(Decision.objects.filter(pk=decision.pk)).exists()


def test_a_decision_awaiting_sign_off_may_not_be_transferred(decided):
    decision = decided(outcome="s17")

    assert transfer_refusal(decision.enquiry.referral) == NOT_SIGNED_OFF
    assert not _transferable(decision)


def test_a_signed_off_decision_for_no_further_action_may_not_be_transferred(signed_off):
    decision = signed_off(outcome="nfa")

    assert transfer_refusal(decision.enquiry.referral) == NOT_TO_ASSESSMENT
    assert not _transferable(decision)


@pytest.mark.parametrize("outcome", ["s17", "s47"])
def test_a_signed_off_decision_for_assessment_or_strategy_may_be_transferred(signed_off, outcome):
    decision = signed_off(outcome=outcome)

    assert transfer_refusal(decision.enquiry.referral) is None
    assert _transferable(decision)


def test_a_transfer_in_progress_stops_a_second_and_a_returned_one_does_not(transferred):
    transfer = transferred(outcome="s17")
    decision = transfer.referral.enquiry.decision

    assert transfer_refusal(transfer.referral) == IN_PROGRESS
    assert not _transferable(decision)

    transfer.status = TransferStatus.RETURNED
    transfer.save(update_fields=["status"])

    assert transfer_refusal(transfer.referral) is None
    assert _transferable(decision)


def test_the_enquiry_detail_holds_the_decision_its_clock_and_that_it_may_be_transferred(
    signed_off, mash_worker
):
    decision = signed_off(outcome="s17")
    enquiry = decision.enquiry

    shown = enquiry_detail(enquiry, mash_worker, LATER)

    assert shown.decision == decision
    assert shown.signoff_clock is not None
    assert shown.transfer_refused is None
    assert [t for t, _clock in shown.transfers] == []
    assert shown.past_decisions == []


def test_the_enquiry_detail_shows_its_transfers_and_refuses_a_second_through_the_rule(
    transferred, mash_worker
):
    transfer = transferred(outcome="s17")

    shown = enquiry_detail(transfer.referral.enquiry, mash_worker, LATER)

    assert [t for t, _clock in shown.transfers] == [transfer]
    assert shown.transfer_refused == IN_PROGRESS
