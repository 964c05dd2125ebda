"""Repeat contacts and re-referrals: a child's recent history, and the repeat rule's proposal.

Definitions (see docs/chronology-and-repeats.md):

* **Re-referral** (DfE, CIN census): a referral within 12 months of a previous referral for
  the same child. A previous referral dated on or after the same calendar day 12 months
  earlier counts (3 March 2025 counts for 3 March 2026; 2 March 2025 does not).
* **Previous contacts**: the child's other contacts received in the ``window_months`` before
  this one (the repeat rule's window, 12 by default), by received date, this contact excluded.
* Both count every record merged into the child (``frontdoor.people.chronology``).

The repeat rule (``PolicyVersion.rules["repeat"]``) turns the history into a proposed BRAG
rating; the screener or rater decides, and the event they write records the proposal, what
they chose and, when they chose less, why.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from frontdoor.intake.models import Contact, ContactChild, Referral, ScreeningOutcome
from frontdoor.people.chronology import record_ids_for, surviving_record
from frontdoor.people.models import Person
from frontdoor.policies.rules import RepeatRule, rating_at_least, rules_for
from frontdoor.policies.selectors import policy_in_force

if TYPE_CHECKING:
    from frontdoor.mash.models import Enquiry
    from frontdoor.policies.models import PolicyVersion

RE_REFERRAL_MONTHS = 12  # the DfE definition: not a local setting
RATING_LABELS = {"RED": "Red", "AMBER": "Amber", "GREEN": "Green", "BLUE": "Blue"}


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` earlier (the month's last day if it has no such day)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class PreviousContact:
    contact_id: int
    reference: str
    received_at: datetime
    #: The screening outcome code ("" while not yet screened) and its words.
    outcome: str
    outcome_label: str
    #: The MASH decision in words ("Not yet decided", or "No MASH enquiry").
    decision_label: str
    #: The person record the contact named (a merged record's id, or the child's own).
    person_id: int


@dataclass(frozen=True)
class PreviousReferral:
    referral_id: int
    referral_date: date
    contact_id: int
    contact_reference: str
    nfa: bool
    person_id: int


@dataclass(frozen=True)
class ChildHistory:
    """The child's contacts and referrals in the months before ``at`` (newest first)."""

    at: datetime
    window_months: int
    #: First day (local) of the contact window and of the 12-month re-referral window.
    contacts_since: date
    referrals_since: date
    contacts: tuple[PreviousContact, ...]
    referrals: tuple[PreviousReferral, ...]
    #: True when ``at`` is a contact being screened (or an enquiry's contact): "this one".
    has_current: bool

    @property
    def previous_contacts(self) -> int:
        return len(self.contacts)

    @property
    def times_contacted(self) -> int:
        """Contacts in the window, counting the current one when there is one."""
        return self.previous_contacts + (1 if self.has_current else 0)

    @property
    def previous_referrals(self) -> int:
        """Annex A "Number of Referrals in Last 12 Months" when ``at`` is a referral."""
        return len(self.referrals)

    @property
    def is_re_referral(self) -> bool:
        """A referral at ``at`` is (or would be) a re-referral: one came in the 12 months before."""
        return bool(self.referrals)

    @property
    def last_referral(self) -> PreviousReferral | None:
        return self.referrals[0] if self.referrals else None

    @property
    def outcome_counts(self) -> dict[str, int]:
        """Previous contacts by screening outcome, in words."""
        counts: dict[str, int] = {}
        for contact in self.contacts:
            counts[contact.outcome_label] = counts.get(contact.outcome_label, 0) + 1
        return counts

    @property
    def is_repeat(self) -> bool:
        return bool(self.contacts or self.referrals)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def child_history(
    child: Person,
    *,
    at: datetime,
    window_months: int = 12,
    current: Contact | None = None,
) -> ChildHistory:
    """Contacts in the ``window_months`` and referrals in the 12 months before ``at``.

    ``current``: the contact being screened (its own row is left out; contacts received up to
    and including ``at`` count). The child's merged records count as the child's; a merged
    record is read as the record it was merged into.
    """
    ids = record_ids_for(surviving_record(child))
    on = timezone.localdate(at)
    contacts_since = months_before(on, window_months)
    referrals_since = months_before(on, RE_REFERRAL_MONTHS)
    links = (
        ContactChild.objects.filter(
            child_id__in=ids,
            contact__received_at__gte=_midnight(contacts_since),
            contact__received_at__lte=at,
        )
        .select_related("contact", "referral__enquiry")
        .order_by("-contact__received_at", "-contact_id", "id")
    )
    if current is not None:
        links = links.exclude(contact=current)
    contacts: list[PreviousContact] = []
    seen: set[int] = set()
    for link in links:
        if link.contact_id in seen:  # one contact naming two records since merged
            continue
        seen.add(link.contact_id)
        referral = getattr(link, "referral", None)
        enquiry = getattr(referral, "enquiry", None) if referral else None
        decision = getattr(enquiry, "decision", None) if enquiry else None
        contacts.append(
            PreviousContact(
                contact_id=link.contact_id,
                reference=link.contact.reference,
                received_at=link.contact.received_at,
                outcome=link.outcome,
                outcome_label=(
                    ScreeningOutcome(link.outcome).label if link.outcome else "Not yet screened"
                ),
                decision_label=(
                    decision.get_outcome_display()
                    if decision
                    else ("Not yet decided" if enquiry else "No MASH enquiry")
                ),
                person_id=link.child_id,
            )
        )
    referrals_qs = Referral.objects.filter(
        child_id__in=ids,
        referral_date__gte=referrals_since,
        contact_child__contact__received_at__lte=at,
    ).select_related("contact_child__contact")
    if current is not None:
        referrals_qs = referrals_qs.exclude(contact_child__contact=current)
    referrals = tuple(
        PreviousReferral(
            referral_id=r.pk,
            referral_date=r.referral_date,
            contact_id=r.contact_child.contact_id,
            contact_reference=r.contact_child.contact.reference,
            nfa=r.nfa,
            person_id=r.child_id,
        )
        for r in referrals_qs.order_by("-referral_date", "-contact_child__contact__received_at")
    )
    return ChildHistory(
        at=at,
        window_months=window_months,
        contacts_since=contacts_since,
        referrals_since=referrals_since,
        contacts=tuple(contacts),
        referrals=referrals,
        has_current=current is not None,
    )


def referrals_in_last_12_months(referral: Referral) -> int:
    """Annex A List 3: the child's referrals in the 12 months before this one (not counted)."""
    contact = referral.contact_child.contact
    return child_history(referral.child, at=contact.received_at, current=contact).previous_referrals


def is_re_referral(referral: Referral) -> bool:
    """DfE: a referral within 12 months of a previous referral for the same child."""
    return referrals_in_last_12_months(referral) > 0


# --------------------------------------------------------------------- the rule


@dataclass(frozen=True)
class RepeatProposal:
    """The repeat rule's proposal: at least ``rating``, because of ``triggers``."""

    rating: str
    triggers: tuple[str, ...]
    previous_contacts: int
    window_months: int
    last_referral_date: date | None

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]

    def reasons(self) -> list[str]:
        words = []
        if "contacts" in self.triggers:
            words.append(
                f"{self.previous_contacts} previous contacts in {self.window_months} months"
            )
        if "re_referral" in self.triggers and self.last_referral_date:
            words.append(f"re-referral: referred on {long_date(self.last_referral_date)}")
        return words

    def follows(self, chosen: str | None) -> bool | None:
        """Does the rating chosen meet the proposal? None when nothing was rated."""
        return None if chosen is None else rating_at_least(chosen, self.rating)


def repeat_proposal(history: ChildHistory, rule: RepeatRule | None) -> RepeatProposal | None:
    if rule is None:
        return None
    rating, triggers = rule.proposal(
        previous_contacts=history.previous_contacts, re_referral=history.is_re_referral
    )
    if not rating:
        return None
    last = history.last_referral
    return RepeatProposal(
        rating=rating,
        triggers=triggers,
        previous_contacts=history.previous_contacts,
        window_months=history.window_months,
        last_referral_date=last.referral_date if last else None,
    )


@dataclass(frozen=True)
class RepeatCheck:
    """What the screening, enquiry and child pages show, and what the services record."""

    history: ChildHistory
    proposal: RepeatProposal | None

    @property
    def headline(self) -> str:
        """One sentence: how often, re-referral, and the proposal (empty when no history)."""
        h = self.history
        parts = []
        if h.has_current and h.previous_contacts:
            previous = "contact" if h.previous_contacts == 1 else "contacts"
            parts.append(
                f"Contacted {h.times_contacted} times in {h.window_months} months "
                f"({h.previous_contacts} previous {previous})."
            )
        elif h.previous_contacts:
            times = "once" if h.previous_contacts == 1 else f"{h.previous_contacts} times"
            parts.append(f"Contacted {times} in the last {h.window_months} months.")
        last = h.last_referral
        if last is not None:
            if h.has_current:
                parts.append(f"Re-referral: referred on {long_date(last.referral_date)}.")
            else:
                parts.append(
                    f"Referred on {long_date(last.referral_date)}: a new referral on or before "
                    f"{long_date(re_referral_until(last.referral_date))} would be a re-referral."
                )
        if self.proposal is not None:
            verb = "proposes" if h.has_current else "would propose"
            parts.append(f"The repeat rule {verb} at least {self.proposal.rating_label}.")
        return " ".join(parts)


def re_referral_until(day: date) -> date:
    """The last day a new referral is a re-referral of one made on ``day`` (12 months on)."""
    year = day.year + RE_REFERRAL_MONTHS // 12
    last = date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))
    while months_before(last + timedelta(days=1), RE_REFERRAL_MONTHS) <= day:
        last += timedelta(days=1)  # 28 Feb 2027 reaches 29 Feb 2028
    return last


def repeat_check(
    child: Person, *, at: datetime, policy: PolicyVersion, current: Contact | None = None
) -> RepeatCheck:
    rule = rules_for(policy).repeat
    history = child_history(
        child, at=at, window_months=rule.window_months if rule else 12, current=current
    )
    return RepeatCheck(history=history, proposal=repeat_proposal(history, rule))


def screening_check(link: ContactChild) -> RepeatCheck:
    """At screening: the history before this contact, under the contact's policy."""
    contact = link.contact
    return repeat_check(link.child, at=contact.received_at, policy=contact.policy, current=contact)


def enquiry_check(enquiry: Enquiry) -> RepeatCheck:
    """In the MASH: the same check as at screening the enquiry's contact."""
    link = ContactChild.objects.select_related("contact__policy", "child").get(
        referral__enquiry=enquiry
    )
    return screening_check(link)


def child_check(child: Person, *, at: datetime | None = None) -> RepeatCheck:
    """On the child's page: the last 12 months, and what the rule would propose now."""
    at = at or timezone.now()
    return repeat_check(child, at=at, policy=policy_in_force(at))


def screening_rating(outcome: str, rating: str) -> str | None:
    """The BRAG rating a screening decision amounts to, to compare with a proposal.

    A MASH enquiry has its rating; an immediate strategy discussion is Red; advice, NFA and
    early help are Blue (no MASH enquiry); passing to an open case's allocated worker is not
    rated (None).
    """
    if outcome == ScreeningOutcome.MASH_ENQUIRY:
        return rating or None
    if outcome == ScreeningOutcome.STRATEGY_DISCUSSION:
        return "RED"
    if outcome in (ScreeningOutcome.ADVICE_NFA, ScreeningOutcome.EARLY_HELP):
        return "BLUE"
    return None


def repeat_decision(
    check: RepeatCheck, *, chosen: str | None, reason: str
) -> tuple[dict[str, Any] | None, str]:
    """What a screening or rating event records about the proposal, and the error to show
    ("" if none): choosing less than the proposal needs a reason."""
    proposal = check.proposal
    if proposal is None:
        return None, ""
    follows = proposal.follows(chosen)
    if follows is False and not reason.strip():
        return None, (
            "Enter why your decision is lower than the repeat rule proposes "
            f"(at least {proposal.rating_label})"
        )
    return {
        "rating": proposal.rating,
        "triggers": list(proposal.triggers),
        "reasons": proposal.reasons(),
        "previous_contacts": check.history.previous_contacts,
        "re_referral": check.history.is_re_referral,
        "chosen": chosen,
        "follows": follows,
        "reason": reason.strip() if follows is False else "",
    }, ""
