"""Reads of the transfer stage: whether a referral may be transferred to the assessment team
now, and an enquiry's transfers as the MASH's enquiry page and the API show them.

``transfer_refusal`` is the one rule for "may this be transferred": the enquiry's page shows
"Request a transfer" only when it is None (through the MASH's ``enquiry_transfers_register``),
the transfer service refuses a request with its reason, and ``transferable_decisions`` is the
same rule as a query, for the work queues.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from frontdoor.intake.models import Referral
from frontdoor.mash.models import TRANSFER_OUTCOMES, Decision, DecisionStatus, Enquiry
from frontdoor.mash.selectors import EnquiryTransfers
from frontdoor.transfers.clocks import acceptance_clock
from frontdoor.transfers.models import TransferStatus

#: A transfer in one of these states is in progress: no second one may be asked for.
TRANSFER_IN_PROGRESS = (TransferStatus.REQUESTED, TransferStatus.ACCEPTED)

NOT_SIGNED_OFF = "The MASH decision must be signed off before a transfer"
NOT_TO_ASSESSMENT = "This decision does not lead to the assessment team"
IN_PROGRESS = "This referral already has a transfer in progress"


def transfer_refusal(referral: Referral, *, decision: Decision | None = None) -> str | None:
    """Why the referral may not be transferred to the assessment team now, or None if it may.

    A referral that went through a MASH enquiry needs the enquiry's decision signed off, and
    for an assessment or a strategy discussion; no referral may have two transfers in
    progress. ``decision`` is the enquiry's current decision where the caller has it."""
    enquiry = Enquiry.objects.filter(referral_id=referral.pk).first()
    if enquiry is not None:
        if decision is None:
            decision = enquiry.decision
        if decision is None or decision.status != DecisionStatus.SIGNED_OFF:
            return NOT_SIGNED_OFF
        if decision.outcome not in TRANSFER_OUTCOMES:
            return NOT_TO_ASSESSMENT
    if referral.transfers.filter(status__in=TRANSFER_IN_PROGRESS).exists():
        return IN_PROGRESS
    return None


def transferable_decisions(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """``transfer_refusal`` as a query: the decisions whose referral may be transferred now."""
    return decisions.filter(
        status=DecisionStatus.SIGNED_OFF, outcome__in=[str(o) for o in TRANSFER_OUTCOMES]
    ).exclude(enquiry__referral__transfers__status__in=TRANSFER_IN_PROGRESS)


def enquiry_transfers(
    enquiry: Enquiry, decision: Decision | None, now: datetime
) -> EnquiryTransfers:
    """An enquiry's transfers, oldest first, each with its acceptance clock, and why another
    may not be asked for now (registered with the MASH's ``enquiry_transfers_register``)."""
    transfers = enquiry.referral.transfers.select_related("to_team", "policy").order_by("id")
    return EnquiryTransfers(
        transfers=[(t, acceptance_clock(t, now)) for t in transfers],
        refused=transfer_refusal(enquiry.referral, decision=decision),
    )
