"""Reads of the MASH stage: an enquiry as its page and the API show it.

``enquiry_detail`` is the one read of an enquiry for people: the page
(``frontdoor.mash.views``) and the API (``GET /api/v1/enquiries/{id}``) both build from it,
so they show the same requests, decision and clocks.

The transfer stage sits above the MASH: it registers what the enquiry shows of its transfers
and whether one may be asked for now (``enquiry_transfers_register``), so the one rule for
"may this be transferred" lives there (``frontdoor.transfers.selectors.transfer_refusal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

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
    Decision,
    Enquiry,
    PartnerRequest,
    RatingChange,
)

if TYPE_CHECKING:
    from frontdoor.transfers.models import Transfer


@dataclass(frozen=True)
class EnquiryTransfers:
    """What the transfer stage shows on an enquiry: its transfers, each with its clock, and
    why a transfer may not be asked for now (None: it may)."""

    transfers: list[tuple[Transfer, ClockReading]]
    refused: str | None


class EnquiryTransfersRead(Protocol):
    def __call__(
        self, enquiry: Enquiry, decision: Decision | None, now: datetime
    ) -> EnquiryTransfers: ...


#: Without a transfer stage nothing may be transferred.
NO_TRANSFER_STAGE = "Transfers to the assessment team are not set up"
_TRANSFERS: list[EnquiryTransfersRead] = []


def enquiry_transfers_register(read: EnquiryTransfersRead) -> None:
    """The transfer stage (above the MASH) says what an enquiry's page shows of its transfers
    and whether one may be asked for: its rule (``transfers.selectors.transfer_refusal``)."""
    _TRANSFERS[:] = [read]


def _enquiry_transfers(
    enquiry: Enquiry, decision: Decision | None, now: datetime
) -> EnquiryTransfers:
    if not _TRANSFERS:
        return EnquiryTransfers(transfers=[], refused=NO_TRANSFER_STAGE)
    return _TRANSFERS[0](enquiry, decision, now)


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
    transfers = _enquiry_transfers(enquiry, decision, now)
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
        transfers=transfers.transfers,
        transfer_refused=transfers.refused,
    )
