"""Rule kinds: each is one query for the records it makes due (code), read with the period
and on/off switch an administrator set (data, ``RetentionRule``)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from frontdoor.escalations.models import Escalation
from frontdoor.intake.models import Contact, ContactChild, Document, Referral, ReferralDraft
from frontdoor.intake.models import ScreeningOutcome as Outcome
from frontdoor.oversight.models import OversightEntry
from frontdoor.retention.models import PeriodUnit, RetentionRule, RuleKind

#: The rules a new installation starts with (``kind: (enabled, period, unit, basis)``).
DEFAULT_RULES: dict[str, tuple[bool, int, str, str]] = {
    RuleKind.NFA_CONTACT: (
        True,
        6,
        PeriodUnit.YEARS,
        "Six years from receipt: the Limitation Act 1980 period most councils' schedules use "
        "for contacts that did not progress (the '6+ rule'). Check the council's own schedule "
        "and any inquiry's instruction to keep records (IICSA, 2015) before switching on.",
    ),
    RuleKind.UNSENT_DRAFT: (
        True,
        30,
        PeriodUnit.DAYS,
        "Thirty days after last saved: a draft nobody sent is not a record of a concern. "
        "Drafts are purged automatically when they expire; this rule catches any left behind.",
    ),
    RuleKind.NFA_EVIDENCE: (
        False,
        2,
        PeriodUnit.YEARS,
        "Off by default: switch on if the council keeps referrers' attachments for less time "
        "than the contact they came with.",
    ),
}


def subtract_period(moment: datetime, period: int, unit: str) -> datetime:
    """``moment`` less ``period`` days, months or years (29 Feb falls back to 28 Feb)."""
    if unit == PeriodUnit.DAYS:
        return moment - timedelta(days=period)
    months = period * (12 if unit == PeriodUnit.YEARS else 1)
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def rules_ensure() -> list[RetentionRule]:
    """Every rule kind has its row (created with the defaults when missing)."""
    for kind, (enabled, period, unit, basis) in DEFAULT_RULES.items():
        RetentionRule.objects.get_or_create(
            kind=kind, defaults={"enabled": enabled, "period": period, "unit": unit, "basis": basis}
        )
    return list(RetentionRule.objects.order_by("kind"))


@dataclass(frozen=True)
class Due:
    record_type: str
    record_id: int
    label: str
    child_ids: list[int]
    due_from: datetime
    reason: str
    covers: list[tuple[str, int]] = field(default_factory=list)


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


# ------------------------------------------------------------------- NFA contacts


def nfa_contacts(cutoff: datetime) -> QuerySet[Contact]:
    """Contacts received before ``cutoff`` in which every child's screening decision was
    advice or no further action, none became a referral, and no escalation or management
    oversight is about them."""
    links = ContactChild.objects.filter(contact=OuterRef("pk"))
    about_links = Q(record_type="contactchild") & Q(
        record_id__in=ContactChild.objects.filter(contact=OuterRef(OuterRef("pk"))).values("pk")
    )
    return (
        Contact.objects.filter(received_at__lt=cutoff)
        .filter(Exists(links))
        .exclude(Exists(links.exclude(outcome=Outcome.ADVICE_NFA)))
        .exclude(Exists(Referral.objects.filter(contact_child__contact=OuterRef("pk"))))
        .exclude(Exists(Escalation.objects.filter(submission__contact=OuterRef("pk"))))
        .exclude(Exists(Escalation.objects.filter(about_links)))
        .exclude(
            Exists(
                OversightEntry.objects.filter(
                    Q(record_type="contact", record_id=OuterRef("pk")) | about_links
                )
            )
        )
    )


def _children_of(contact_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for contact_id, child_id in (
        ContactChild.objects.filter(contact_id__in=contact_ids)
        .order_by("contact_id", "id")
        .values_list("contact_id", "child_id")
    ):
        found.setdefault(contact_id, []).append(child_id)
    return found


def _nfa_contact_due(rule: RetentionRule, now: datetime, only: int | None) -> Iterator[Due]:
    contacts = nfa_contacts(rule.cutoff(now)).order_by("received_at", "id")
    if only is not None:
        contacts = contacts.filter(pk=only)
    rows = list(contacts.values_list("pk", "reference", "received_at"))
    children = _children_of([pk for pk, _, _ in rows])
    for pk, reference, received_at in rows:
        kids = children.get(pk, [])
        yield Due(
            record_type="contact",
            record_id=pk,
            label=f"Contact {reference}",
            child_ids=kids,
            due_from=received_at,
            reason=(
                f"Received {_day(received_at)}, more than {rule.period_text} ago. "
                f"{'Every child' if len(kids) > 1 else 'The child'} was screened as advice or "
                "no further action and no referral was made."
            ),
        )


# ------------------------------------------------------------------- unsent drafts


def _unsent_draft_due(rule: RetentionRule, now: datetime, only: int | None) -> Iterator[Due]:
    drafts = ReferralDraft.objects.filter(
        submission__isnull=True, updated_at__lt=rule.cutoff(now)
    ).order_by("updated_at", "id")
    if only is not None:
        drafts = drafts.filter(pk=only)
    for draft in drafts.only("pk", "created_at", "updated_at"):
        files = draft.documents.count()
        yield Due(
            record_type="referraldraft",
            record_id=draft.pk,
            label=f"Online referral draft {draft.pk}" + (f" ({files} files)" if files else ""),
            child_ids=[],
            due_from=draft.updated_at,
            reason=(
                f"Started {_day(draft.created_at)} and never sent; last saved "
                f"{_day(draft.updated_at)}, more than {rule.period_text} ago."
            ),
        )


# ------------------------------------------------------------------- evidence documents


def _nfa_evidence_due(rule: RetentionRule, now: datetime, only: int | None) -> Iterator[Due]:
    documents = (
        Document.objects.filter(submission__contact__in=nfa_contacts(rule.cutoff(now)))
        .select_related("submission__contact")
        .defer("content")
        .order_by("uploaded_at", "id")
    )
    if only is not None:
        documents = documents.filter(pk=only)
    rows = list(documents)
    children = _children_of(
        [d.submission.contact_id for d in rows if d.submission and d.submission.contact_id]
    )
    for document in rows:
        assert document.submission is not None and document.submission.contact is not None
        contact = document.submission.contact
        yield Due(
            record_type="document",
            record_id=document.pk,
            label=f"Evidence '{document.filename}' of contact {contact.reference}",
            child_ids=children.get(contact.pk, []),
            due_from=contact.received_at,
            reason=(
                f"Uploaded with contact {contact.reference}, received "
                f"{_day(contact.received_at)}, more than {rule.period_text} ago; the contact "
                "ended in advice or no further action."
            ),
            covers=[("contact", contact.pk)],
        )


Finder = Callable[[RetentionRule, datetime, "int | None"], Iterator[Due]]
FINDERS: dict[str, Finder] = {
    RuleKind.NFA_CONTACT: _nfa_contact_due,
    RuleKind.UNSENT_DRAFT: _unsent_draft_due,
    RuleKind.NFA_EVIDENCE: _nfa_evidence_due,
}


def due_under(rule: RetentionRule, now: datetime, *, only: int | None = None) -> list[Due]:
    """What ``rule`` makes due at ``now`` (``only``: is this one record still due?)."""
    if not rule.enabled:
        return []
    return list(FINDERS[rule.kind](rule, now, only))
