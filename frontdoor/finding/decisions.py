"""Decisions made and work closed: one list over every kind, newest first, filtered and paged
in the database (a ``UNION ALL`` of one query per kind).

Each kind is a ``DecisionKind`` in a small registry (``decision_kind_register``, called from an
app's ``ready()``, like ``frontdoor.work.queues.queue_source_register``). A kind names its rows
(a queryset) and, as field paths on them, when it happened, who did it, the child, the outcome,
the reference shown and the page that opens it; optionally a state (a database expression,
e.g. a MASH decision's sign-off) with who and when. The list reads the same columns from every
kind, so adding a kind is one registration:

    decision_kind_register(DecisionKind(
        key="signoff_sent_back", label="Decision sent back", group=DECISION,
        perm=Perm.ENQUIRY_VIEW, outcomes=(("sent_back", "Sent back"),),
        queryset=lambda: SignOffReturn.objects.all(), at="at", by="by",
        child="decision__enquiry__child", outcome="outcome",
        reference="decision__enquiry__referral__contact_child__contact__reference",
        url_name="enquiry-detail", url_arg="decision__enquiry_id",
    ))

Today's kinds: screening decisions, MASH decisions (with their review) and managers' reviews
(signed off, sent back, replaced); and closures: an enquiry closed when its decision was
signed off (every outcome but a transfer to assessment), a contact ended at screening with
advice, signposting or NFA, or early help, new information on an open case acknowledged by
the allocated worker, and a referrer told by phone or letter.
The team is the decider's team now (a user's past teams are not recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.db.models import (
    CharField,
    DateTimeField,
    F,
    IntegerField,
    Model,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.models import Team, User
from frontdoor.finding.contacts import local_day_start
from frontdoor.people.models import Person

DECISION = "Decisions"
CLOSURE = "Closures"
GROUPS = (DECISION, CLOSURE)


@dataclass(frozen=True)
class DecisionKind:
    """One kind of decision or closure (see the module docstring)."""

    key: str
    label: str
    group: str  # DECISION or CLOSURE
    perm: Perm  # who may see rows of this kind (and open them)
    outcomes: tuple[tuple[str, str], ...]
    queryset: Callable[[], QuerySet[Any]]
    at: str
    by: str  # a foreign key to the user
    child: str  # a foreign key to the child
    outcome: str
    reference: str
    url_name: str
    url_arg: str
    state: Callable[[], Any] | None = None
    states: Mapping[str, str] = field(default_factory=dict)
    state_at: str = ""
    state_by: str = ""  # a foreign key to the user

    @property
    def model(self) -> type[Model]:
        return self.queryset().model

    def outcome_label(self, code: str) -> str:
        return dict(self.outcomes).get(code, code)


_KINDS: dict[str, DecisionKind] = {}


def decision_kind_register(kind: DecisionKind) -> None:
    """Add (or replace, by key) a kind of decision or closure."""
    if kind.group not in GROUPS:
        raise ValueError(f"{kind.key}: group must be one of {GROUPS}")
    _KINDS[kind.key] = kind


def decision_kinds(user: Any = None) -> list[DecisionKind]:
    """Every kind, decisions before closures (only those ``user`` may see, when given)."""
    kinds = sorted(_KINDS.values(), key=lambda k: GROUPS.index(k.group))
    return [k for k in kinds if user is None or can(user, k.perm)]


@dataclass(frozen=True)
class DecisionQuery:
    kinds: tuple[str, ...] = ()  # none: every kind the user may see
    outcome: str = ""  # "<kind>:<code>"
    decided_from: date | None = None
    decided_to: date | None = None
    decided_by: User | None = None
    team: Team | None = None


def outcome_value(kind: DecisionKind, code: str) -> str:
    return f"{kind.key}:{code}"


def _null(output: Any) -> Any:
    return Cast(Value(None), output_field=output)


def _rows_of(kind: DecisionKind, query: DecisionQuery) -> QuerySet[Any] | None:
    qs = kind.queryset().order_by()
    if query.outcome:
        key, _, code = query.outcome.partition(":")
        if key != kind.key:
            return None
        qs = qs.filter(**{kind.outcome: code})
    if query.decided_from:
        qs = qs.filter(**{f"{kind.at}__gte": local_day_start(query.decided_from)})
    if query.decided_to:
        until = local_day_start(query.decided_to + timedelta(days=1))
        qs = qs.filter(**{f"{kind.at}__lt": until})
    if query.decided_by is not None:
        qs = qs.filter(**{kind.by: query.decided_by})
    if query.team is not None:
        qs = qs.filter(**{f"{kind.by}__team": query.team})
    # The same columns, in the same order, from every kind (a UNION needs both).
    return qs.values(
        row_kind=Value(kind.key, output_field=CharField()),
        row_id=F("pk"),
        row_at=F(kind.at),
        row_child=F(kind.child),
        row_outcome=F(kind.outcome),
        row_by=F(kind.by),
        row_team=F(f"{kind.by}__team"),
        row_reference=F(kind.reference),
        row_link=F(kind.url_arg),
        row_state=kind.state() if kind.state else Value("", output_field=CharField()),
        row_state_at=F(kind.state_at) if kind.state_at else _null(DateTimeField()),
        row_state_by=F(kind.state_by) if kind.state_by else _null(IntegerField()),
    )


def decision_search(query: DecisionQuery, *, user: Any) -> QuerySet[Any]:
    """Rows (dictionaries of ``row_*`` columns) of every chosen kind ``user`` may see,
    newest first. Slice it for a page; ``count()`` counts in the database."""
    kinds = [k for k in decision_kinds(user) if not query.kinds or k.key in query.kinds]
    parts = [qs for qs in (_rows_of(kind, query) for kind in kinds) if qs is not None]
    if not parts:
        # No kind at all: an empty result with the same columns.
        return _empty()
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-row_at", "-row_id", "row_kind")


def _empty() -> QuerySet[Any]:
    kind = next(iter(_KINDS.values()))
    rows = _rows_of(kind, DecisionQuery())
    assert rows is not None
    return rows.none()


@dataclass(frozen=True)
class DecisionRow:
    """One decision or closure as a list shows it."""

    kind: DecisionKind
    record_id: int
    at: datetime
    child: Person
    outcome: str
    by: User | None
    team: Team | None
    reference: str
    url: str
    state: str
    state_at: datetime | None
    state_by: User | None

    @property
    def record(self) -> Model:
        """The decision's record (unsaved stand-in with its key, for the access log)."""
        return self.kind.model(pk=self.record_id)


def decision_rows(values: Iterable[Mapping[str, Any]]) -> list[DecisionRow]:
    """Turn a page of ``decision_search`` rows into ``DecisionRow`` s: the children, users and
    teams they name are read in one query each."""
    values = list(values)
    children = Person.objects.in_bulk({v["row_child"] for v in values})
    users = User.objects.in_bulk(
        {v[k] for v in values for k in ("row_by", "row_state_by") if v[k] is not None}
    )
    teams = Team.objects.in_bulk({v["row_team"] for v in values if v["row_team"] is not None})
    rows = []
    for v in values:
        kind = _KINDS[v["row_kind"]]
        rows.append(
            DecisionRow(
                kind=kind,
                record_id=v["row_id"],
                at=v["row_at"],
                child=children[v["row_child"]],
                outcome=kind.outcome_label(v["row_outcome"]),
                by=users.get(v["row_by"]),
                team=teams.get(v["row_team"]),
                reference=v["row_reference"] or "",
                url=reverse(kind.url_name, args=[v["row_link"]]),
                state=kind.states.get(v["row_state"], v["row_state"] or ""),
                state_at=v["row_state_at"],
                state_by=users.get(v["row_state_by"]),
            )
        )
    return rows


# ------------------------------------------------------------------ the kinds there are today


SCREENING_CLOSURES = ("advice_nfa", "early_help")


def builtin_kinds_register() -> None:
    """Screening and MASH decisions, and today's closures (called from ``ready()``)."""
    from frontdoor.intake.models import (
        ContactChild,
        FeedbackMethod,
        OpenCaseInformation,
        ReferrerFeedback,
        ScreeningOutcome,
    )
    from frontdoor.mash.models import (
        TRANSFER_OUTCOMES,
        Decision,
        DecisionOutcome,
        DecisionStatus,
        EnquiryStatus,
    )

    contact_reference = "enquiry__referral__contact_child__contact__reference"

    def signoff_state() -> Any:
        return F("status")

    screening: Sequence[tuple[str, str]] = tuple(ScreeningOutcome.choices)
    # A child's screening, on the contact's page; a MASH decision, on the enquiry's page.
    screened = partial(
        DecisionKind,
        perm=Perm.CONTACT_VIEW,
        at="screened_at",
        by="screened_by",
        child="child",
        outcome="outcome",
        reference="contact__reference",
        url_name="contact-detail",
        url_arg="contact_id",
    )
    on_enquiry = partial(
        DecisionKind,
        perm=Perm.ENQUIRY_VIEW,
        child="enquiry__child",
        reference=contact_reference,
        url_name="enquiry-detail",
        url_arg="enquiry_id",
    )
    decision_recorded = screened(
        key="screening",
        label="Screening decision",
        group=DECISION,
        outcomes=tuple(screening),
        queryset=lambda: ContactChild.objects.filter(screened_at__isnull=False),
    )
    mash = on_enquiry(
        key="mash",
        label="MASH decision",
        group=DECISION,
        outcomes=tuple(DecisionOutcome.choices),
        queryset=lambda: Decision.objects.all(),
        at="recorded_at",
        by="recorded_by",
        outcome="outcome",
        state=signoff_state,
        states=dict(DecisionStatus.choices),
        state_at="reviewed_at",
        state_by="reviewed_by",
    )
    reviews = [s for s in DecisionStatus.choices if s[0] != DecisionStatus.AWAITING]
    review = on_enquiry(
        key="mash_review",
        label="Manager's review of a MASH decision",
        group=DECISION,
        outcomes=tuple(reviews),
        queryset=lambda: Decision.objects.filter(reviewed_at__isnull=False),
        at="reviewed_at",
        by="reviewed_by",
        outcome="status",
    )
    transfers = [str(o) for o in TRANSFER_OUTCOMES]
    enquiry_closed = on_enquiry(
        key="enquiry_closed",
        label="MASH enquiry closed",
        group=CLOSURE,
        outcomes=tuple((v, t) for v, t in DecisionOutcome.choices if v not in transfers),
        queryset=lambda: Decision.objects.filter(
            signed_off_at__isnull=False, enquiry__status=EnquiryStatus.CLOSED
        ).exclude(outcome__in=transfers),
        at="signed_off_at",
        by="signed_off_by",
        outcome="outcome",
    )
    contact_closed = screened(
        key="screening_closed",
        label="Contact closed at screening",
        group=CLOSURE,
        outcomes=tuple((v, t) for v, t in screening if v in SCREENING_CLOSURES),
        queryset=lambda: ContactChild.objects.filter(outcome__in=SCREENING_CLOSURES),
    )
    open_case_done = DecisionKind(
        key="open_case_acknowledged",
        label="New information acknowledged",
        group=CLOSURE,
        perm=Perm.CONTACT_VIEW,
        outcomes=((ScreeningOutcome.ALLOCATED_WORKER, "Acknowledged by the allocated worker"),),
        queryset=lambda: OpenCaseInformation.objects.filter(acknowledged_at__isnull=False),
        at="acknowledged_at",
        by="acknowledged_by",
        child="contact_child__child",
        outcome="contact_child__outcome",
        reference="contact_child__contact__reference",
        url_name="open-case-detail",
        url_arg="pk",
    )
    referrer_told = DecisionKind(
        key="referrer_told",
        label="Referrer told by phone or letter",
        group=CLOSURE,
        perm=Perm.CONTACT_VIEW,
        outcomes=tuple((v, t) for v, t in FeedbackMethod.choices if v != FeedbackMethod.EMAIL),
        queryset=lambda: ReferrerFeedback.objects.filter(given_at__isnull=False),
        at="given_at",
        by="given_by",
        child="contact_child__child",
        outcome="given_method",
        reference="contact__reference",
        url_name="feedback-detail",
        url_arg="pk",
    )
    for kind in (
        decision_recorded,
        mash,
        review,
        enquiry_closed,
        contact_closed,
        open_case_done,
        referrer_told,
    ):
        decision_kind_register(kind)
