"""Work queues (per team and per person) and the front-door overview.

The queues read open work with one query per kind of item and read each item's clock from its
own policy version. The overview counts open work by clock state in the database
(``frontdoor.work.states``, ADR 22), as it counts completed-clock timeliness.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from frontdoor.accounts.access import Perm, can, visible_requests, visible_transfers
from frontdoor.accounts.models import Role, TeamKind
from frontdoor.clocks import ClockReading, ClockState
from frontdoor.intake.clocks import feedback_clock, open_case_clock, screening_clock
from frontdoor.intake.feedback import feedback_to_give
from frontdoor.intake.models import ContactChild, OpenCaseInformation, ReferrerFeedback
from frontdoor.mash.clocks import (
    enquiry_clock,
    request_clock,
    signoff_clock,
    transfer_request_clock,
)
from frontdoor.mash.models import (
    Decision,
    DecisionStatus,
    Enquiry,
    EnquiryStatus,
    PartnerRequest,
    RequestStatus,
)
from frontdoor.people.models import Person
from frontdoor.transfers.clocks import acceptance_clock, first_transfer_requested_at, visit_clock
from frontdoor.transfers.models import Transfer, TransferStatus
from frontdoor.transfers.selectors import transferable_decisions


class Stage:
    SCREENING = "Awaiting screening decision"
    OPEN_CASE = "New information on an open case"
    ENQUIRY = "MASH enquiry"
    REQUEST = "Partner information request"
    SIGNOFF = "Awaiting manager sign-off"
    TO_TRANSFER = "Awaiting transfer request"
    ACCEPTANCE = "Awaiting transfer acceptance"
    VISIT = "Awaiting first visit"
    FEEDBACK = "Feedback to the referrer"

    ORDER = (
        SCREENING,
        OPEN_CASE,
        ENQUIRY,
        REQUEST,
        SIGNOFF,
        TO_TRANSFER,
        ACCEPTANCE,
        VISIT,
        FEEDBACK,
    )


@dataclass(frozen=True)
class WorkItem:
    stage: str
    child: Person
    reference: str
    rating: str
    reading: ClockReading
    url: str
    owner: str = ""
    #: Immediate risk of significant harm: first in every queue, whatever its due time.
    urgent: bool = False
    #: A word about the item's state (e.g. "Sent back"), shown as a tag beside the stage.
    note: str = ""

    @property
    def sort_key(self) -> tuple[int, int, datetime, str]:
        due = self.reading.due_at or datetime.max.replace(tzinfo=self.reading.started_at.tzinfo)
        return (0 if self.urgent else 1, 0 if self.reading.due_at else 1, due, self.reference)


def _light(qs: QuerySet[Any], *policies: str) -> QuerySet[Any]:
    """``qs`` without the rules of the policy versions it selects: reading a clock needs only
    the version's due-soon share, and decoding each row's copy of the rules would cost more
    than the rest of the row."""
    return qs.defer(*(f"{p}__{field}" for p in policies for field in ("rules", "office_hours")))


def open_screening() -> QuerySet[ContactChild]:
    return ContactChild.objects.filter(screened_at__isnull=True)


def _screening(now: datetime) -> Iterable[WorkItem]:
    links = _light(open_screening().select_related("contact__policy", "child"), "contact__policy")
    for link in links:
        yield WorkItem(
            Stage.SCREENING,
            link.child,
            link.contact.reference,
            "",
            screening_clock(link, now),
            reverse("contact-detail", args=[link.contact_id]),
            urgent=link.contact.immediate_risk,
        )


def _open_cases(now: datetime, qs: QuerySet[OpenCaseInformation]) -> Iterable[WorkItem]:
    for item in _light(
        qs.filter(acknowledged_at__isnull=True).select_related(
            "contact_child__child", "contact_child__contact", "policy", "worker"
        ),
        "policy",
    ):
        link = item.contact_child
        yield WorkItem(
            Stage.OPEN_CASE,
            link.child,
            link.contact.reference,
            "",
            open_case_clock(item, now),
            reverse("open-case-detail", args=[item.pk]),
            item.worker.display_name,
            urgent=link.contact.immediate_risk,
        )


def _feedback(now: datetime, qs: QuerySet[ReferrerFeedback]) -> Iterable[WorkItem]:
    """Feedback a person must give: no email address, or the email failed."""
    for feedback in _light(
        feedback_to_give(qs).select_related(
            "contact_child__child", "contact", "policy", "email_message"
        ),
        "policy",
    ):
        yield WorkItem(
            Stage.FEEDBACK,
            feedback.contact_child.child,
            feedback.contact.reference,
            "",
            feedback_clock(feedback, now),
            reverse("feedback-detail", args=[feedback.pk]),
            feedback.contact.referrer_name or "Referrer",
            note="Email failed" if feedback.email_message_id else "",
        )


def _enquiries(now: datetime, qs: QuerySet[Enquiry] | None = None) -> Iterable[WorkItem]:
    qs = qs if qs is not None else Enquiry.objects.all()
    sent_back = Decision.objects.filter(enquiry=OuterRef("pk"), status=DecisionStatus.SENT_BACK)
    for enquiry in _light(
        qs.filter(status=EnquiryStatus.OPEN)
        .select_related("child", "policy", "allocated_to")
        .annotate(sent_back=Exists(sent_back)),
        "policy",
    ):
        yield WorkItem(
            Stage.ENQUIRY,
            enquiry.child,
            f"E{enquiry.pk}",
            enquiry.rating,
            enquiry_clock(enquiry, now),
            reverse("enquiry-detail", args=[enquiry.pk]),
            str(enquiry.allocated_to or ""),
            note="Sent back" if enquiry.sent_back else "",
        )


def _requests(now: datetime, qs: QuerySet[PartnerRequest]) -> Iterable[WorkItem]:
    for request in _light(
        qs.filter(status=RequestStatus.SENT).select_related("enquiry__child", "policy", "agency"),
        "policy",
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
    for decision in _light(
        qs.filter(status=DecisionStatus.AWAITING).select_related(
            "enquiry__child", "policy", "recorded_by"
        ),
        "policy",
    ):
        yield WorkItem(
            Stage.SIGNOFF,
            decision.enquiry.child,
            f"E{decision.enquiry_id}",
            decision.enquiry.rating,
            signoff_clock(decision, now),
            reverse("enquiry-detail", args=[decision.enquiry_id]),
            str(decision.recorded_by),
            note="Manager's own decision" if decision.replaces_id else "",
        )


def awaiting_transfer() -> QuerySet[Decision]:
    """Decided enquiries whose referral may be transferred now (``transferable_decisions``, the
    rule the transfer service applies)."""
    return transferable_decisions(Decision.objects.filter(enquiry__status=EnquiryStatus.DECIDED))


def _to_transfer(now: datetime) -> Iterable[WorkItem]:
    decisions = _light(
        awaiting_transfer()
        .select_related("enquiry__child", "policy")
        .annotate(first_requested_at=first_transfer_requested_at()),
        "policy",
    )
    for decision in decisions:
        yield WorkItem(
            Stage.TO_TRANSFER,
            decision.enquiry.child,
            f"E{decision.enquiry_id}",
            decision.enquiry.rating,
            transfer_request_clock(decision, now),
            reverse("enquiry-detail", args=[decision.enquiry_id]),
        )


def _acceptances(now: datetime, qs: QuerySet[Transfer]) -> Iterable[WorkItem]:
    for transfer in _light(
        qs.filter(status=TransferStatus.REQUESTED).select_related("child", "policy"), "policy"
    ):
        yield WorkItem(
            Stage.ACCEPTANCE,
            transfer.child,
            f"T{transfer.pk}",
            transfer.rating,
            acceptance_clock(transfer, now),
            reverse("transfer-detail", args=[transfer.pk]),
        )


def _visits(now: datetime, qs: QuerySet[Transfer]) -> Iterable[WorkItem]:
    for transfer in _light(
        # The visit, known to be missing, selected so that reading the clock asks no more.
        qs.filter(status=TransferStatus.ACCEPTED, visit__isnull=True).select_related(
            "child", "policy", "allocated_to", "visit"
        ),
        "policy",
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
    ``stages`` in order; ``timeliness(since, now)`` says how its clocks did since then
    (``timeliness_of``). ``counts(now)``, when given, counts the open items of each stage by
    clock state in the database (``frontdoor.work.states``), and the overview uses it
    instead of reading ``everything``.
    """

    key: str
    stages: tuple[str, ...]
    team: Callable[[Any, datetime], Iterable[WorkItem]]
    mine: Callable[[Any, datetime], Iterable[WorkItem]]
    everything: Callable[[datetime], Iterable[WorkItem]]
    timeliness: Callable[[datetime, datetime], list[Timeliness]]
    counts: Callable[[datetime], dict[str, dict[ClockState, int]]] | None = None


_SOURCES: dict[str, QueueSource] = {}


def queue_source_register(source: QueueSource) -> None:
    """Add (or replace, by key) a source of work items."""
    _SOURCES[source.key] = source


def queue_sources() -> list[QueueSource]:
    return list(_SOURCES.values())


T = TypeVar("T")

_READ_ONCE: ContextVar[dict[Hashable, Any] | None] = ContextVar("queue_read_once", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within it, ``once`` computes each key once: one overview asks a source for its counts
    and its timeliness, and both may need the same reading (the supervision clocks)."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def once(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, read once for ``key`` within ``read_once`` (every time outside it)."""
    memo = _READ_ONCE.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


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
        items += _feedback(now, ReferrerFeedback.objects.filter(team_id=user.team_id))
    elif kind == TeamKind.MASH:
        items += _screening(now)
        items += _enquiries(now)
        items += _signoffs(now)
        items += _to_transfer(now)
        items += _feedback(now, ReferrerFeedback.objects.filter(team_id=user.team_id))
    elif kind == TeamKind.ASSESSMENT:
        transfers = visible_transfers(user, Transfer.objects.all())
        items += _acceptances(now, transfers)
        items += _visits(now, transfers)
    if user.team_id and can(user, Perm.OPEN_CASE_ACT):
        items += _open_cases(now, OpenCaseInformation.objects.filter(team_id=user.team_id))
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
    items += _open_cases(now, OpenCaseInformation.objects.filter(worker=user))
    if can(user, Perm.FEEDBACK_RECORD):
        items += _feedback(now, ReferrerFeedback.objects.filter(decided_by=user))
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
    """How one clock did over a period.

    ``completed``: clocks stopped in the period, ``met`` of them by their due time (so
    ``late`` after it); ``open_overdue``: clocks still running now whose due time has passed,
    however long ago. Work that is still open and overdue is not met: it counts against the
    percentage as much as work finished late.
    """

    clock: str
    completed: int
    met: int
    open_overdue: int = 0
    definition: str = ""

    @property
    def late(self) -> int:
        return self.completed - self.met

    @property
    def not_met(self) -> int:
        return self.late + self.open_overdue

    @property
    def counted(self) -> int:
        return self.completed + self.open_overdue

    @property
    def percent_met(self) -> float | None:
        return None if not self.counted else round(100 * self.met / self.counted, 1)


def count_by_state(stage: str, items: Iterable[WorkItem]) -> StageCounts:
    counts = StageCounts(stage)
    for item in items:
        counts.counts[item.reading.state] = counts.counts.get(item.reading.state, 0) + 1
    return counts


def timeliness_of(
    label: str,
    qs: QuerySet[Any],
    done: str,
    due: str,
    *,
    since: datetime,
    now: datetime,
    still_open: Q | None = None,
    definition: str = "",
) -> Timeliness:
    """How the clocks of ``qs`` did: those that stopped (``done`` set) since ``since``, and
    how many of those by ``due``; and those still running at ``now`` (``done`` unset, and
    ``still_open`` when given: say, not cancelled) whose ``due`` has passed. Rows with no due
    time (no clock by policy) are left out."""
    qs = qs.filter(**{f"{due}__isnull": False})
    stopped = Q(**{f"{done}__gte": since})
    overdue = Q(**{f"{done}__isnull": True, f"{due}__lt": now}) & (still_open or Q())
    row = qs.aggregate(
        completed=Count("pk", filter=stopped, distinct=True),
        met=Count("pk", filter=stopped & Q(**{f"{done}__lte": F(due)}), distinct=True),
        open_overdue=Count("pk", filter=overdue, distinct=True),
    )
    return Timeliness(
        label, row["completed"], row["met"], row["open_overdue"], definition=definition
    )
