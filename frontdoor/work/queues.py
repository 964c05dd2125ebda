"""Work queues (per team and per person) and the front-door overview.

Open work is read with one query per kind of item; clock states are then read from each
record's own policy. Completed-clock timeliness is counted in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from frontdoor.accounts.access import Perm, can, visible_requests, visible_transfers
from frontdoor.accounts.models import Role, TeamKind
from frontdoor.clocks import ClockReading, ClockState
from frontdoor.intake.models import ContactChild
from frontdoor.mash.models import (
    TRANSFER_OUTCOMES,
    Decision,
    Enquiry,
    EnquiryStatus,
    PartnerRequest,
    RequestStatus,
)
from frontdoor.people.models import Person
from frontdoor.protection.models import Transfer, TransferStatus
from frontdoor.work.clocks import (
    acceptance_clock,
    enquiry_clock,
    request_clock,
    screening_clock,
    signoff_clock,
    visit_clock,
)


class Stage:
    SCREENING = "Awaiting screening decision"
    ENQUIRY = "MASH enquiry"
    REQUEST = "Partner information request"
    SIGNOFF = "Awaiting manager sign-off"
    TO_TRANSFER = "Awaiting transfer request"
    ACCEPTANCE = "Awaiting transfer acceptance"
    VISIT = "Awaiting first visit"

    ORDER = (SCREENING, ENQUIRY, REQUEST, SIGNOFF, TO_TRANSFER, ACCEPTANCE, VISIT)


@dataclass(frozen=True)
class WorkItem:
    stage: str
    child: Person
    reference: str
    rating: str
    reading: ClockReading
    url: str
    owner: str = ""

    @property
    def sort_key(self) -> tuple[int, datetime, str]:
        due = self.reading.due_at or datetime.max.replace(tzinfo=self.reading.started_at.tzinfo)
        return (0 if self.reading.due_at else 1, due, self.reference)


def _screening(now: datetime) -> Iterable[WorkItem]:
    links = ContactChild.objects.filter(screened_at__isnull=True).select_related(
        "contact__policy", "child"
    )
    for link in links:
        yield WorkItem(
            Stage.SCREENING,
            link.child,
            link.contact.reference,
            "",
            screening_clock(link, now),
            reverse("contact-detail", args=[link.contact_id]),
        )


def _enquiries(now: datetime, qs: QuerySet[Enquiry] | None = None) -> Iterable[WorkItem]:
    qs = qs if qs is not None else Enquiry.objects.all()
    for enquiry in qs.filter(status=EnquiryStatus.OPEN).select_related(
        "child", "policy", "allocated_to"
    ):
        yield WorkItem(
            Stage.ENQUIRY,
            enquiry.child,
            f"E{enquiry.pk}",
            enquiry.rating,
            enquiry_clock(enquiry, now),
            reverse("enquiry-detail", args=[enquiry.pk]),
            str(enquiry.allocated_to or ""),
        )


def _requests(now: datetime, qs: QuerySet[PartnerRequest]) -> Iterable[WorkItem]:
    for request in qs.filter(status=RequestStatus.SENT).select_related(
        "enquiry__child", "policy", "agency"
    ):
        yield WorkItem(
            Stage.REQUEST,
            request.enquiry.child,
            f"R{request.pk}",
            request.enquiry.rating,
            request_clock(request, now),
            reverse("request-detail", args=[request.pk]),
            request.agency.name,
        )


def _signoffs(now: datetime, qs: QuerySet[Decision] | None = None) -> Iterable[WorkItem]:
    qs = qs if qs is not None else Decision.objects.all()
    for decision in qs.filter(signed_off_at__isnull=True).select_related(
        "enquiry__child", "policy", "recorded_by"
    ):
        yield WorkItem(
            Stage.SIGNOFF,
            decision.enquiry.child,
            f"E{decision.enquiry_id}",
            decision.enquiry.rating,
            signoff_clock(decision, now),
            reverse("enquiry-detail", args=[decision.enquiry_id]),
            str(decision.recorded_by),
        )


def _to_transfer(now: datetime) -> Iterable[WorkItem]:
    decisions = (
        Decision.objects.filter(
            signed_off_at__isnull=False,
            outcome__in=[str(o) for o in TRANSFER_OUTCOMES],
            enquiry__status=EnquiryStatus.DECIDED,
        )
        .exclude(
            enquiry__referral__transfers__status__in=[
                TransferStatus.REQUESTED,
                TransferStatus.ACCEPTED,
            ]
        )
        .select_related("enquiry__child", "policy")
    )
    for decision in decisions:
        started = decision.signed_off_at or now
        yield WorkItem(
            Stage.TO_TRANSFER,
            decision.enquiry.child,
            f"E{decision.enquiry_id}",
            decision.enquiry.rating,
            ClockReading(ClockState.NO_CLOCK, started, None, None, None, None),
            reverse("enquiry-detail", args=[decision.enquiry_id]),
        )


def _acceptances(now: datetime, qs: QuerySet[Transfer]) -> Iterable[WorkItem]:
    for transfer in qs.filter(status=TransferStatus.REQUESTED).select_related("child", "policy"):
        yield WorkItem(
            Stage.ACCEPTANCE,
            transfer.child,
            f"T{transfer.pk}",
            transfer.rating,
            acceptance_clock(transfer, now),
            reverse("transfer-detail", args=[transfer.pk]),
        )


def _visits(now: datetime, qs: QuerySet[Transfer]) -> Iterable[WorkItem]:
    for transfer in qs.filter(status=TransferStatus.ACCEPTED, visit__isnull=True).select_related(
        "child", "policy", "allocated_to"
    ):
        yield WorkItem(
            Stage.VISIT,
            transfer.child,
            f"T{transfer.pk}",
            transfer.rating,
            visit_clock(transfer, now),
            reverse("transfer-detail", args=[transfer.pk]),
            str(transfer.allocated_to or ""),
        )


@dataclass(frozen=True)
class QueueSource:
    """Open work of one kind, contributed by an app (register it from ``AppConfig.ready``).

    ``team(user, now)`` and ``mine(user, now)`` give the items for the user's team queue and
    their own queue (each checks the user's permissions; nothing for a user it does not
    concern); ``everything(now)`` gives every open item for the overview, whose rows are
    ``stages`` in order; ``timeliness(since)`` counts clocks completed since then.
    """

    key: str
    stages: tuple[str, ...]
    team: Callable[[Any, datetime], Iterable[WorkItem]]
    mine: Callable[[Any, datetime], Iterable[WorkItem]]
    everything: Callable[[datetime], Iterable[WorkItem]]
    timeliness: Callable[[datetime], list[Timeliness]]


_SOURCES: dict[str, QueueSource] = {}


def queue_source_register(source: QueueSource) -> None:
    """Add (or replace, by key) a source of work items."""
    _SOURCES[source.key] = source


def queue_sources() -> list[QueueSource]:
    return list(_SOURCES.values())


def _sorted(items: Iterable[WorkItem]) -> list[WorkItem]:
    return sorted(items, key=lambda item: item.sort_key)


def team_queue(user: Any, now: datetime) -> list[WorkItem]:
    """Everything waiting on the user's team (or agency, for partners), soonest due first."""
    if not can(user, Perm.QUEUE_VIEW):
        return []
    kind = getattr(user.team, "kind", None)
    items: list[WorkItem] = []
    if user.role == Role.PARTNER_PRACTITIONER:
        items += _requests(now, visible_requests(user, PartnerRequest.objects.all()))
    elif kind == TeamKind.CONTACT_CENTRE:
        items += _screening(now)
    elif kind == TeamKind.MASH:
        items += _screening(now)
        items += _enquiries(now)
        items += _signoffs(now)
        items += _to_transfer(now)
    elif kind == TeamKind.ASSESSMENT:
        transfers = visible_transfers(user, Transfer.objects.all())
        items += _acceptances(now, transfers)
        items += _visits(now, transfers)
    for source in queue_sources():
        items += source.team(user, now)
    return _sorted(items)


def my_queue(user: Any, now: datetime) -> list[WorkItem]:
    """Work allocated to the user (and, for managers, decisions waiting for their sign-off)."""
    if not can(user, Perm.QUEUE_VIEW):
        return []
    items: list[WorkItem] = []
    if user.role == Role.PARTNER_PRACTITIONER:
        items += _requests(now, visible_requests(user, PartnerRequest.objects.all()))
    items += _enquiries(now, Enquiry.objects.filter(allocated_to=user))
    if can(user, Perm.SIGN_OFF):
        items += _signoffs(now, Decision.objects.exclude(recorded_by=user))
    if user.role == Role.ASSESSMENT_MANAGER:
        items += _acceptances(now, Transfer.objects.filter(to_team_id=user.team_id))
    items += _visits(now, Transfer.objects.filter(allocated_to=user))
    for source in queue_sources():
        items += source.mine(user, now)
    return _sorted(items)


@dataclass
class StageCounts:
    stage: str
    counts: dict[ClockState, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def get(self, state: ClockState) -> int:
        return self.counts.get(state, 0)


@dataclass(frozen=True)
class Timeliness:
    clock: str
    completed: int
    met: int

    @property
    def late(self) -> int:
        return self.completed - self.met

    @property
    def percent_met(self) -> float | None:
        return None if not self.completed else round(100 * self.met / self.completed, 1)


@dataclass
class Overview:
    stages: list[StageCounts]
    timeliness: list[Timeliness]
    period_days: int

    @property
    def states(self) -> tuple[ClockState, ...]:
        return (ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.ON_TIME, ClockState.NO_CLOCK)


def _count(stage: str, items: Iterable[WorkItem]) -> StageCounts:
    counts = StageCounts(stage)
    for item in items:
        counts.counts[item.reading.state] = counts.counts.get(item.reading.state, 0) + 1
    return counts


def timeliness_of(label: str, qs: QuerySet[Any], done: str, due: str) -> Timeliness:
    """How many of ``qs`` completed (``done`` set) and how many of those by ``due``."""
    return _timeliness(label, qs, done, due)


def _timeliness(label: str, qs: QuerySet[Any], done: str, due: str) -> Timeliness:
    row = qs.filter(**{f"{done}__isnull": False, f"{due}__isnull": False}).aggregate(
        completed=Count("pk"), met=Count("pk", filter=Q(**{f"{done}__lte": F(due)}))
    )
    return Timeliness(label, row["completed"], row["met"])


def front_door_overview(now: datetime, period_days: int = 28) -> Overview:
    """Counts of open work by stage and clock state, and timeliness over the last period."""
    transfers = Transfer.objects.all()
    stages = [
        _count(Stage.SCREENING, _screening(now)),
        _count(Stage.ENQUIRY, _enquiries(now)),
        _count(Stage.REQUEST, _requests(now, PartnerRequest.objects.all())),
        _count(Stage.SIGNOFF, _signoffs(now)),
        _count(Stage.TO_TRANSFER, _to_transfer(now)),
        _count(Stage.ACCEPTANCE, _acceptances(now, transfers)),
        _count(Stage.VISIT, _visits(now, transfers)),
    ]
    for source in queue_sources():
        items = list(source.everything(now))
        stages += [_count(stage, (i for i in items if i.stage == stage)) for stage in source.stages]
    since = now - timedelta(days=period_days)
    timeliness = [
        _timeliness(
            "Screening decision",
            ContactChild.objects.filter(screened_at__gte=since),
            "screened_at",
            "screening_due_at",
        ),
        _timeliness(
            "MASH enquiry",
            Enquiry.objects.filter(completed_at__gte=since),
            "completed_at",
            "due_at",
        ),
        _timeliness(
            "Partner information request",
            PartnerRequest.objects.filter(answered_at__gte=since),
            "answered_at",
            "due_at",
        ),
        _timeliness(
            "Manager sign-off",
            Decision.objects.filter(signed_off_at__gte=since),
            "signed_off_at",
            "signoff_due_at",
        ),
        _timeliness(
            "Transfer acceptance",
            Transfer.objects.filter(responded_at__gte=since),
            "responded_at",
            "acceptance_due_at",
        ),
        _timeliness(
            "First visit",
            Transfer.objects.filter(visit__visited_at__gte=since),
            "visit__visited_at",
            "visit_due_at",
        ),
    ]
    for source in queue_sources():
        timeliness += source.timeliness(since)
    return Overview(stages=stages, timeliness=timeliness, period_days=period_days)
