"""Reconciliation: every submission against the contact it became, with the gaps flagged.

``reconciliation_rows`` is the one read behind the page, the ``reconcile`` command and the
alerts: each submission annotated in the database with its contact, how many of its children
are screened, the earliest unscreened due time and the acknowledgement email's state.
``reconciliation_alerts_raise`` raises each gap once to the contact centre managers.

Later stages add checks of their own with ``gap_check_register`` (for example, that no
contact's journey ends without an owner and a clock, or a closure): the page and the command
show each check's gaps, and the command exits 1 when any check finds one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from frontdoor.accounts.models import Role, User
from frontdoor.audit.services import event_append
from frontdoor.intake.models import AlertKind, Contact, Document, IntakeAlert, Submission
from frontdoor.outbox.models import Message, MessageStatus


@dataclass(frozen=True)
class Gap:
    """One record a check found wanting: its reference, its page and what is wrong."""

    reference: str
    url: str
    detail: str
    child: Any = None


@dataclass(frozen=True)
class GapCheck:
    key: str
    title: str
    explanation: str
    #: ``find(now)``: the gaps found now (at most a page of them).
    find: Callable[[datetime], list[Gap]]


_CHECKS: dict[str, GapCheck] = {}


def gap_check_register(check: GapCheck) -> None:
    """Add (or replace, by key) a check: call from an app's ``ready()``."""
    _CHECKS[check.key] = check


def gap_checks() -> list[GapCheck]:
    return list(_CHECKS.values())


class Flag:
    WAITING = "Becoming a contact"
    NO_CONTACT = "No contact"
    NO_CHILDREN = "No child named"
    SCREENING_OVERDUE = "Screening overdue"
    ACK_FAILED = "Acknowledgement failed"


@dataclass(frozen=True)
class ReconciliationRow:
    submission: Submission
    children: int
    screened: int
    unscreened_due_at: datetime | None
    acknowledgement: str  # an outbox status, or "" when there is no email address
    flags: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problems(self) -> tuple[str, ...]:
        """The flags that are gaps (waiting a moment for the worker is not one)."""
        return tuple(flag for flag in self.flags if flag != Flag.WAITING)


def submission_for_contact(contact: Contact) -> Submission | None:
    """The online or partner submission a contact was made from, if it was."""
    return Submission.objects.select_related("agency", "token").filter(contact=contact).first()


def submission_documents(submission: Submission) -> QuerySet[Document]:
    """A submission's evidence, without loading the files themselves."""
    return submission.documents.defer("content")


def _annotated() -> QuerySet[Submission]:
    ack = Message.objects.filter(
        kind="referral_acknowledgement",
        about=Concat(Value("submission:"), Cast(OuterRef("pk"), CharField())),
    ).values("status")[:1]
    return Submission.objects.select_related("contact", "agency").annotate(
        n_children=Count("contact__children", distinct=True),
        n_screened=Count(
            "contact__children",
            filter=Q(contact__children__screened_at__isnull=False),
            distinct=True,
        ),
        unscreened_due=Min(
            "contact__children__screening_due_at",
            filter=Q(contact__children__screened_at__isnull=True),
        ),
        ack_status=Subquery(ack),
    )


def grace() -> timedelta:
    """How long a submission may wait for the worker before it counts as a gap."""
    return timedelta(seconds=int(getattr(settings, "FRONTDOOR_INTAKE_GRACE_SECONDS", 300)))


def _gap_without_contact(now: datetime) -> Q:
    return Q(contact__isnull=True) & (Q(received_at__lt=now - grace()) | ~Q(conversion_error=""))


def _row(submission: Submission, now: datetime) -> ReconciliationRow:
    flags: list[str] = []
    children = int(getattr(submission, "n_children", 0))
    due = getattr(submission, "unscreened_due", None)
    ack = getattr(submission, "ack_status", None) or ""
    if submission.contact_id is None:
        late = submission.received_at < now - grace() or bool(submission.conversion_error)
        flags.append(Flag.NO_CONTACT if late else Flag.WAITING)
    elif children == 0:
        flags.append(Flag.NO_CHILDREN)
    if due is not None and due < now:
        flags.append(Flag.SCREENING_OVERDUE)
    if ack == MessageStatus.FAILED:
        flags.append(Flag.ACK_FAILED)
    return ReconciliationRow(
        submission=submission,
        children=children,
        screened=int(getattr(submission, "n_screened", 0)),
        unscreened_due_at=due,
        acknowledgement=ack,
        flags=tuple(flags),
    )


def reconciliation_rows(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    problems_only: bool = False,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[ReconciliationRow]:
    """Submissions received in [since, until), newest first, each with its flags."""
    now = now or timezone.now()
    qs = _annotated()
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    if problems_only:
        qs = qs.filter(
            _gap_without_contact(now)
            | Q(n_children=0)
            | Q(unscreened_due__lt=now)
            | Q(ack_status=MessageStatus.FAILED)
        )
    if limit is not None:
        qs = qs[:limit]
    return [_row(submission, now) for submission in qs]


@dataclass(frozen=True)
class ReconciliationSummary:
    submissions: int
    with_contact: int
    waiting: int
    without_contact: int
    screening_overdue: int
    acknowledgement_failed: int


def reconciliation_summary(
    *, since: datetime | None = None, until: datetime | None = None, now: datetime | None = None
) -> ReconciliationSummary:
    now = now or timezone.now()
    qs = _annotated()
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lt=until)
    total = qs.count()
    waiting = qs.filter(contact__isnull=True).count()
    without = qs.filter(_gap_without_contact(now)).count()
    return ReconciliationSummary(
        submissions=total,
        with_contact=total - waiting,
        waiting=waiting - without,
        without_contact=without,
        screening_overdue=qs.filter(Q(unscreened_due__lt=now)).count(),
        acknowledgement_failed=qs.filter(Q(ack_status=MessageStatus.FAILED)).count(),
    )


def open_alerts() -> QuerySet[IntakeAlert]:
    return IntakeAlert.objects.filter(resolved_at__isnull=True).select_related("submission")


def reconciliation_alerts_raise(*, now: datetime | None = None) -> list[IntakeAlert]:
    """Raise each gap once (and email the contact centre managers); resolve cleared ones."""
    from frontdoor.outbox.services import message_enqueue

    now = now or timezone.now()
    rows = reconciliation_rows(problems_only=True, now=now)
    wanted: dict[tuple[str, int], ReconciliationRow] = {}
    for row in rows:
        if Flag.NO_CONTACT in row.flags:
            wanted[(AlertKind.NO_CONTACT, row.submission.pk)] = row
        if Flag.SCREENING_OVERDUE in row.flags:
            wanted[(AlertKind.SCREENING_OVERDUE, row.submission.pk)] = row
    raised: list[IntakeAlert] = []
    with transaction.atomic():
        existing = {
            (alert.kind, alert.submission_id): alert
            for alert in IntakeAlert.objects.select_for_update().filter(
                Q(resolved_at__isnull=True) | Q(submission_id__in=[k[1] for k in wanted])
            )
        }
        for key, alert in existing.items():
            if key not in wanted and alert.resolved_at is None:
                alert.resolved_at = now
                alert.save(update_fields=["resolved_at"])
        managers = list(
            User.objects.filter(role=Role.CONTACT_CENTRE_MANAGER, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        for (kind, _pk), row in wanted.items():
            if (kind, row.submission.pk) in existing:
                continue
            submission = row.submission
            if kind == AlertKind.NO_CONTACT:
                detail = f"Referral {submission.reference} has no contact: make one by hand"
            else:
                due = timezone.localtime(row.unscreened_due_at or now)
                detail = (
                    f"Referral {submission.reference} (contact {submission.contact}) was due "
                    f"a screening decision by {due:%d %b %Y %H:%M}"
                )
            alert = IntakeAlert.objects.create(
                kind=kind, submission=submission, raised_at=now, detail=detail
            )
            raised.append(alert)
            event_append(
                record=submission,
                action="submission.alert_raised",
                summary=detail,
                at=now,
                actor=None,
                after={"kind": kind},
            )
            for email in managers:
                message_enqueue(
                    kind="intake_alert",
                    to=email,
                    subject=f"Front Door alert: {AlertKind(kind).label}",
                    body=f"{detail}.\n\nSee the reconciliation page in Front Door.",
                    about=f"submission:{submission.pk}",
                    at=now,
                )
    return raised
