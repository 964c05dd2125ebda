"""No decision leads nowhere: what each child named in a contact waits for, and who owns it.

``next_step(link, now)`` answers, for one child in one contact, from the records alone: the
work it waits for, its owner and its clock, or the closure that ended it. ``loose_ends()``
finds every child whose journey has neither (in the database, a handful of queries however
many contacts there are); the reconciliation page and ``frontdoor reconcile`` show them, and
a test walks every screening and MASH outcome to prove there are none.

The referrer's feedback is checked the same way (``feedback_loose_ends``): each screening
decision and each signed-off MASH decision has feedback that is given, closed with a reason,
or open with a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from frontdoor.intake.feedback import feedback_open_q
from frontdoor.intake.models import (
    ContactChild,
    FeedbackStage,
    OpenCaseInformation,
    ReferrerFeedback,
    ScreeningOutcome,
)
from frontdoor.intake.reconciliation import Gap, GapCheck
from frontdoor.mash.models import (
    LIVE_DECISION_STATUSES,
    TRANSFER_OUTCOMES,
    Decision,
    DecisionStatus,
    Enquiry,
    EnquiryStatus,
)
from frontdoor.transfers.models import Transfer, TransferStatus

#: Screening decisions that end the front door's work for the child (the referrer is still
#: told): advice, signposting or no further action, and early help.
CLOSING_OUTCOMES = (ScreeningOutcome.ADVICE_NFA, ScreeningOutcome.EARLY_HELP)
LIVE_TRANSFER = (TransferStatus.REQUESTED, TransferStatus.ACCEPTED)


@dataclass(frozen=True)
class NextStep:
    """``closed``: the closure's words. Otherwise ``owner`` holds the work ``what`` and it is
    due by ``due_at`` (None only where the policy sets no timescale, e.g. a Blue enquiry)."""

    what: str
    owner: str = ""
    due_at: datetime | None = None
    closed: str = ""
    url: str = ""

    @property
    def has_owner(self) -> bool:
        return bool(self.owner)


NOWHERE = NextStep("Nothing: no owner, no clock and no closure")


def _enquiry_step(enquiry: Enquiry) -> NextStep:
    url = reverse("enquiry-detail", args=[enquiry.pk])
    owner = enquiry.allocated_to.display_name if enquiry.allocated_to else enquiry.team.name
    if enquiry.status == EnquiryStatus.OPEN:
        return NextStep("MASH enquiry: a decision", owner, enquiry.due_at, url=url)
    decision = enquiry.decision
    if decision is None:
        return NextStep(NOWHERE.what, url=url)
    if decision.status == DecisionStatus.AWAITING:
        return NextStep(
            "A manager's review of the decision",
            enquiry.team.name,
            decision.signoff_due_at,
            url=url,
        )
    if enquiry.status == EnquiryStatus.CLOSED and decision.outcome not in TRANSFER_OUTCOMES:
        return NextStep("", closed=f"MASH decision: {decision.get_outcome_display()}", url=url)
    transfer = enquiry.referral.transfers.filter(status__in=LIVE_TRANSFER).order_by("-id").first()
    if transfer is not None:
        return _transfer_step(transfer)
    return NextStep(
        "A transfer request to the assessment team",
        enquiry.team.name,
        decision.transfer_due_at,
        url=url,
    )


def _transfer_step(transfer: Transfer) -> NextStep:
    url = reverse("transfer-detail", args=[transfer.pk])
    if transfer.status == TransferStatus.REQUESTED:
        return NextStep(
            "The assessment team's answer to the transfer",
            transfer.to_team.name,
            transfer.acceptance_due_at,
            url=url,
        )
    worker = transfer.allocated_to.display_name if transfer.allocated_to else transfer.to_team.name
    if not hasattr(transfer, "visit"):
        return NextStep("The first visit", worker, transfer.visit_due_at, url=url)
    # After the first visit the case is open with its allocated worker: the assessment and
    # supervision clocks run from here (see the child's page).
    return NextStep("The open case: assessment and supervision", worker, transfer.visit_due_at)


def next_step(link: ContactChild) -> NextStep:
    """What the child named in this contact waits for, who owns it and by when; or how the
    front door's work for them ended."""
    contact_url = reverse("contact-detail", args=[link.contact_id])
    if not link.outcome:
        return NextStep(
            "A screening decision", "Screening (MASH)", link.screening_due_at, url=contact_url
        )
    if link.outcome in CLOSING_OUTCOMES:
        return NextStep("", closed=f"Screening: {link.get_outcome_display()}", url=contact_url)
    if link.outcome == ScreeningOutcome.ALLOCATED_WORKER:
        item = OpenCaseInformation.objects.filter(contact_child=link).first()
        if item is None:
            return NextStep(NOWHERE.what, url=contact_url)
        url = reverse("open-case-detail", args=[item.pk])
        if item.acknowledged_at is not None:
            return NextStep("", closed="Acknowledged by the allocated worker", url=url)
        return NextStep(
            "The allocated worker's acknowledgement", item.worker.display_name, item.due_at, url=url
        )
    referral = getattr(link, "referral", None)
    if referral is None:
        return NextStep(NOWHERE.what, url=contact_url)
    enquiry = Enquiry.objects.filter(referral=referral).select_related("team", "allocated_to")
    found = enquiry.first()
    if found is not None:
        return _enquiry_step(found)
    transfer = referral.transfers.filter(status__in=LIVE_TRANSFER).order_by("-id").first()
    if transfer is None:
        return NextStep(NOWHERE.what, url=contact_url)
    return _transfer_step(transfer)


# --------------------------------------------------------------------------- loose ends


def loose_ends(qs: QuerySet[ContactChild] | None = None) -> QuerySet[ContactChild]:
    """Children in contacts whose journey has no owner with a clock and no closure.

    A screened child is accounted for by: a closing screening outcome; new information with
    the allocated worker; a MASH enquiry that is open (the MASH owns it), or decided with a
    decision in force (awaiting review, closed, or with a transfer request due or made); or,
    for an immediate strategy discussion, a live transfer to the assessment team.
    """
    qs = qs if qs is not None else ContactChild.objects.all()
    live = Decision.objects.filter(
        enquiry=OuterRef("referral__enquiry"), status__in=LIVE_DECISION_STATUSES
    )
    transfer_due = live.filter(
        status=DecisionStatus.SIGNED_OFF, outcome__in=[str(o) for o in TRANSFER_OUTCOMES]
    ).filter(Q(transfer_due_at__isnull=False))
    live_transfer = Transfer.objects.filter(referral=OuterRef("referral"), status__in=LIVE_TRANSFER)
    accounted = (
        Q(screened_at__isnull=True)
        | Q(outcome__in=[str(o) for o in CLOSING_OUTCOMES])
        | Q(outcome=ScreeningOutcome.ALLOCATED_WORKER, has_open_case=True)
        | Q(referral__enquiry__status=EnquiryStatus.OPEN)
        | Q(referral__enquiry__status=EnquiryStatus.CLOSED, has_live_decision=True)
        | Q(
            referral__enquiry__status=EnquiryStatus.DECIDED,
            has_live_decision=True,
        )
        & (Q(has_transfer_due=True) | Q(has_live_transfer=True) | Q(awaiting_review=True))
        | Q(outcome=ScreeningOutcome.STRATEGY_DISCUSSION, has_live_transfer=True)
    )
    return (
        qs.annotate(
            has_open_case=Exists(OpenCaseInformation.objects.filter(contact_child=OuterRef("pk"))),
            has_live_decision=Exists(live),
            awaiting_review=Exists(live.filter(status=DecisionStatus.AWAITING)),
            has_transfer_due=Exists(transfer_due),
            has_live_transfer=Exists(live_transfer),
        )
        .exclude(accounted)
        .select_related("contact", "child")
        .order_by("contact__received_at", "id")
    )


def feedback_loose_ends() -> QuerySet[ContactChild]:
    """Screened children whose referrer was never set to be told the screening decision,
    and those whose signed-off MASH decision has no feedback; plus open feedback without a
    clock."""
    screening = ReferrerFeedback.objects.filter(
        contact_child=OuterRef("pk"), stage=FeedbackStage.SCREENING
    )
    decision_feedback = ReferrerFeedback.objects.filter(
        contact_child=OuterRef("pk"), stage=FeedbackStage.MASH_DECISION
    )
    signed_off = Decision.objects.filter(
        enquiry__referral__contact_child=OuterRef("pk"), status=DecisionStatus.SIGNED_OFF
    )
    clockless = ReferrerFeedback.objects.filter(
        contact_child=OuterRef("pk"), due_at__isnull=True
    ).filter(feedback_open_q())
    return (
        ContactChild.objects.filter(screened_at__isnull=False)
        .annotate(
            told_screening=Exists(screening),
            decided=Exists(signed_off),
            told_decision=Exists(decision_feedback),
            clockless=Exists(clockless),
        )
        .filter(Q(told_screening=False) | Q(decided=True, told_decision=False) | Q(clockless=True))
        .select_related("contact", "child")
        .order_by("contact__received_at", "id")
    )


def _gaps(qs: QuerySet[ContactChild], detail: str, limit: int) -> list[Gap]:
    return [
        Gap(
            reference=link.contact.reference,
            url=reverse("contact-detail", args=[link.contact_id]),
            detail=detail,
            child=link.child,
        )
        for link in qs[:limit]
    ]


def journey_gaps(now: datetime, limit: int = 200) -> list[Gap]:
    return _gaps(loose_ends(), "No owner with a clock, and no closure", limit)


def feedback_gaps(now: datetime, limit: int = 200) -> list[Gap]:
    return _gaps(feedback_loose_ends(), "The referrer is not set to be told", limit)


JOURNEY_CHECK = GapCheck(
    key="journey",
    title="Contacts with no owner and no closure",
    explanation="Every child named in a contact must wait for someone, with a clock, or have "
    "a closure: a screening decision that ends the front door's work, a closed MASH enquiry, "
    "or new information acknowledged by the allocated worker.",
    find=journey_gaps,
)
FEEDBACK_CHECK = GapCheck(
    key="feedback",
    title="Referrers not set to be told",
    explanation="Every screening decision and every signed-off MASH decision tells the "
    "referrer: by email, by a call or letter a person records, or closed with the reason "
    "(no way to reach them).",
    find=feedback_gaps,
)
