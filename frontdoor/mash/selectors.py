"""Reads of the MASH stage: an enquiry as its page and the API show it, and whether an
enquiry's referral may be transferred to the assessment team now.

``enquiry_detail`` is the one read of an enquiry for people: the page
(``frontdoor.mash.views``) and the API (``GET /api/v1/enquiries/{id}``) both build from it,
so they show the same requests, decision and clocks.

``transfer_refusal`` is the one rule for "may this be transferred": the enquiry's page shows
"Request a transfer" only when it is None, the transfer service refuses a request with its
reason, and ``transferable_decisions`` is the same rule as a query, for the work queues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from frontdoor.accounts.access import Perm, visible_case_records, visible_requests
from frontdoor.clocks.state import ClockReading
from frontdoor.mash.clocks import (
    enquiry_clock,
    request_clock,
    signoff_clock,
    transfer_request_clock,
)
from frontdoor.mash.models import (
    TRANSFER_OUTCOMES,
    Decision,
    DecisionStatus,
    Enquiry,
    PartnerRequest,
    RatingChange,
)
from frontdoor.transfers.clocks import acceptance_clock
from frontdoor.transfers.models import TransferStatus

if TYPE_CHECKING:
    from frontdoor.intake.models import Referral
    from frontdoor.transfers.models import Transfer

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


def enquiry_visible(user: Any, pk: int) -> Enquiry:
    """The enquiry, if ``user`` may see it (404 otherwise)."""
    return get_object_or_404(
        visible_case_records(
            user,
            Enquiry.objects.select_related(
                "child", "policy", "referral__contact_child__contact", "allocated_to", "team"
            ),
            Perm.ENQUIRY_VIEW,
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class EnquiryDetail:
    """An enquiry with what its page and the API show of it, at ``now``."""

    enquiry: Enquiry
    now: datetime
    clock: ClockReading
    ratings: list[RatingChange]
    #: The partner requests ``user`` may see, oldest first, each with its clock.
    requests: list[tuple[PartnerRequest, ClockReading]]
    decision: Decision | None
    signoff_clock: ClockReading | None
    #: Decisions sent back or replaced, oldest first.
    past_decisions: list[Decision]
    transfer_clock: ClockReading | None
    transfers: list[tuple[Transfer, ClockReading]]
    #: Why a transfer may not be asked for now (None: it may).
    transfer_refused: str | None


def enquiry_detail(enquiry: Enquiry, user: Any, now: datetime) -> EnquiryDetail:
    """What is shown of ``enquiry`` to ``user``: its rating history, the requests the user may
    see, its decision and past decisions, and its transfers, each with its clock."""
    decision = getattr(enquiry, "decision", None)
    requests = visible_requests(
        user,
        PartnerRequest.objects.filter(enquiry=enquiry)
        .select_related("enquiry__child", "agency", "policy", "sent_by", "answered_by")
        .order_by("sent_at", "id"),
    )
    transfers = enquiry.referral.transfers.select_related("to_team", "policy").order_by("id")
    return EnquiryDetail(
        enquiry=enquiry,
        now=now,
        clock=enquiry_clock(enquiry, now),
        ratings=list(enquiry.ratings.select_related("by")),
        requests=[(r, request_clock(r, now)) for r in requests],
        decision=decision,
        signoff_clock=signoff_clock(decision, now) if decision else None,
        past_decisions=[
            d
            for d in enquiry.decisions.select_related("recorded_by", "reviewed_by").order_by(
                "recorded_at", "id"
            )
            if decision is None or d.pk != decision.pk
        ],
        transfer_clock=transfer_request_clock(decision, now)
        if decision is not None and decision.transfer_due_at
        else None,
        transfers=[(t, acceptance_clock(t, now)) for t in transfers],
        transfer_refused=transfer_refusal(enquiry.referral, decision=decision),
    )
