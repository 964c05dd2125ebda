"""The front-door overview: open work by stage and clock state, counted in the database
(``frontdoor.work.states``, ADR 22), timeliness over a period, and managers' reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from frontdoor.clocks import ClockState
from frontdoor.intake.feedback import feedback_to_give, with_given_at
from frontdoor.intake.models import ContactChild, OpenCaseInformation, ReferrerFeedback
from frontdoor.mash.models import (
    Decision,
    DecisionStatus,
    Enquiry,
    EnquiryStatus,
    PartnerRequest,
    RequestStatus,
)
from frontdoor.transfers.clocks import first_transfer_requested_at
from frontdoor.transfers.models import Transfer, TransferStatus
from frontdoor.work.queues import (
    QueueSource,
    Stage,
    StageCounts,
    Timeliness,
    awaiting_transfer,
    count_by_state,
    open_screening,
    queue_sources,
    read_once,
    timeliness_of,
)
from frontdoor.work.states import state_counts, with_clock


@dataclass
class Overview:
    stages: list[StageCounts]
    timeliness: list[Timeliness]
    period_days: int
    since: datetime | None = None
    #: Managers' reviews of MASH decisions in the period, by result: signed_off, sent_back,
    #: replaced (the decision replaced by the manager's own).
    reviews: dict[str, int] = field(default_factory=dict)

    @property
    def states(self) -> tuple[ClockState, ...]:
        return (ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.ON_TIME, ClockState.NO_CLOCK)


#: The periods the overview can look back over, in days (28 by default).
OVERVIEW_PERIODS = (7, 28, 91, 365)
OVERVIEW_DEFAULT_PERIOD = 28


def front_door_timeliness(since: datetime, now: datetime) -> list[Timeliness]:
    """Each front-door clock over the period: completed since ``since``, met or late, and
    still open past its due time at ``now``."""
    return [
        timeliness_of(
            "Screening decision",
            ContactChild.objects.all(),
            "screened_at",
            "screening_due_at",
            since=since,
            now=now,
            definition="From the contact's receipt to the screening decision for each child.",
        ),
        timeliness_of(
            "MASH enquiry",
            Enquiry.objects.all(),
            "completed_at",
            "due_at",
            since=since,
            now=now,
            definition="From the enquiry entering the MASH to the decision being recorded "
            "(a decision sent back by a manager restarts nothing: the clock runs on).",
        ),
        timeliness_of(
            "Partner information request",
            PartnerRequest.objects.all(),
            "answered_at",
            "due_at",
            since=since,
            now=now,
            definition="From a request being sent to the partner agency's answer.",
        ),
        timeliness_of(
            "Manager sign-off",
            Decision.objects.all(),
            "reviewed_at",
            "signoff_due_at",
            since=since,
            now=now,
            definition="From a decision being recorded to a manager's review of it: signed "
            "off, sent back to decide again, or replaced by the manager's own decision.",
        ),
        timeliness_of(
            "Transfer request",
            Decision.objects.annotate(
                requested_at=Subquery(
                    Transfer.objects.filter(
                        referral_id=OuterRef("enquiry__referral_id"),
                        requested_at__gte=OuterRef("signed_off_at"),
                    )
                    .exclude(status=TransferStatus.RETURNED)
                    .order_by("requested_at")
                    .values("requested_at")[:1]
                )
            ),
            "requested_at",
            "transfer_due_at",
            since=since,
            now=now,
            still_open=Q(status=DecisionStatus.SIGNED_OFF),
            definition="From a decision for an assessment or a strategy discussion being "
            "signed off to the transfer request to the assessment team.",
        ),
        timeliness_of(
            "Transfer acceptance",
            Transfer.objects.all(),
            "responded_at",
            "acceptance_due_at",
            since=since,
            now=now,
            definition="From the transfer request to the assessment team accepting or "
            "returning it.",
        ),
        timeliness_of(
            "First visit",
            Transfer.objects.exclude(status=TransferStatus.RETURNED),
            "visit__visited_at",
            "visit_due_at",
            since=since,
            now=now,
            definition="From the transfer request to the first social work visit.",
        ),
        timeliness_of(
            "New information on an open case",
            OpenCaseInformation.objects.all(),
            "acknowledged_at",
            "due_at",
            since=since,
            now=now,
            definition="From a contact about a child with an allocated worker being passed "
            "to them to the worker acknowledging it and recording what they did.",
        ),
        timeliness_of(
            "Feedback to the referrer",
            with_given_at(ReferrerFeedback.objects.filter(closed_at__isnull=True)),
            "done_at",
            "due_at",
            since=since,
            now=now,
            definition="From a screening or MASH decision to the referrer being told: the "
            "email sent (not just queued), or a phone call or letter recorded. Referrers who "
            "left no way to reach them are left out.",
        ),
    ]


def _stage_counts(
    stage: str,
    qs: QuerySet[Any],
    now: datetime,
    *,
    started: Any,
    due: str,
    fraction: str,
    done: Any = None,
) -> StageCounts:
    clocked = with_clock(qs, started=started, due=due, done=done, fraction=fraction)
    return StageCounts(stage, state_counts(clocked, now))


def front_door_stage_counts(now: datetime) -> list[StageCounts]:
    """Open front-door work by stage and clock state, counted in the database: the same rows
    as the queues, in the same states as their clocks read (``frontdoor.work.states``)."""
    policy = "policy__due_soon_fraction"
    transfers = Transfer.objects.all()
    return [
        _stage_counts(
            Stage.SCREENING,
            open_screening(),
            now,
            started="contact__received_at",
            due="screening_due_at",
            done="screened_at",
            fraction="contact__policy__due_soon_fraction",
        ),
        _stage_counts(
            Stage.OPEN_CASE,
            OpenCaseInformation.objects.filter(acknowledged_at__isnull=True),
            now,
            started="passed_at",
            due="due_at",
            done="acknowledged_at",
            fraction=policy,
        ),
        _stage_counts(
            Stage.ENQUIRY,
            Enquiry.objects.filter(status=EnquiryStatus.OPEN),
            now,
            started="entered_at",
            due="due_at",
            done="completed_at",
            fraction=policy,
        ),
        _stage_counts(
            Stage.REQUEST,
            PartnerRequest.objects.filter(status=RequestStatus.SENT),
            now,
            started="sent_at",
            due="due_at",
            done="answered_at",
            fraction=policy,
        ),
        _stage_counts(
            Stage.SIGNOFF,
            Decision.objects.filter(status=DecisionStatus.AWAITING),
            now,
            started="recorded_at",
            due="signoff_due_at",
            done="signed_off_at",
            fraction=policy,
        ),
        _stage_counts(
            Stage.TO_TRANSFER,
            awaiting_transfer(),
            now,
            started=Coalesce("signed_off_at", "recorded_at"),
            due="transfer_due_at",
            done=first_transfer_requested_at(),
            fraction=policy,
        ),
        _stage_counts(
            Stage.ACCEPTANCE,
            transfers.filter(status=TransferStatus.REQUESTED),
            now,
            started="requested_at",
            due="acceptance_due_at",
            done="responded_at",
            fraction=policy,
        ),
        _stage_counts(
            Stage.VISIT,
            transfers.filter(status=TransferStatus.ACCEPTED, visit__isnull=True),
            now,
            started="requested_at",
            due="visit_due_at",
            fraction=policy,
        ),
        _stage_counts(
            Stage.FEEDBACK,
            with_given_at(feedback_to_give(ReferrerFeedback.objects.all())),
            now,
            started="created_at",
            due="due_at",
            done=Coalesce("done_at", "closed_at"),
            fraction=policy,
        ),
    ]


def source_stage_counts(source: QueueSource, now: datetime) -> list[StageCounts]:
    """A registered source's open work by stage and clock state: counted in the database
    when the source can, else read from its items."""
    if source.counts is not None:
        by_stage = source.counts(now)
        return [StageCounts(stage, dict(by_stage.get(stage, {}))) for stage in source.stages]
    items = list(source.everything(now))
    return [
        count_by_state(stage, (i for i in items if i.stage == stage)) for stage in source.stages
    ]


def front_door_overview(now: datetime, period_days: int = OVERVIEW_DEFAULT_PERIOD) -> Overview:
    """Counts of open work by stage and clock state, and timeliness over the last period
    (a reading the sources share between the two, read once: ``read_once``)."""
    since = now - timedelta(days=period_days)
    with read_once():
        stages = front_door_stage_counts(now)
        for source in queue_sources():
            stages += source_stage_counts(source, now)
        timeliness = front_door_timeliness(since, now)
        for source in queue_sources():
            timeliness += source.timeliness(since, now)
    return Overview(
        stages=stages,
        timeliness=timeliness,
        period_days=period_days,
        since=since,
        reviews=decision_reviews(since, now),
    )


def decision_reviews(since: datetime, now: datetime) -> dict[str, int]:
    """How managers reviewed MASH decisions between ``since`` and ``now``."""
    counts = dict(
        Decision.objects.filter(reviewed_at__gte=since, reviewed_at__lte=now)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        status: counts.get(status, 0)
        for status in (DecisionStatus.SIGNED_OFF, DecisionStatus.SENT_BACK, DecisionStatus.REPLACED)
    }
