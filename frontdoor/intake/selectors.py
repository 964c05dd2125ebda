"""Reads for the online referral form: a draft's uploads, a sent referral, its outcome; and
where a referral was taken up (the page a later stage registers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontdoor.intake.models import (
    ContactChild,
    Document,
    Referral,
    ReferralDraft,
    ScreeningOutcome,
    Submission,
)
from frontdoor.people.models import Person

#: What each screening decision means, in the words a referrer would use.
SCREENING_IN_PLAIN_WORDS: dict[str, str] = {
    ScreeningOutcome.MASH_ENQUIRY: "Passed to the multi-agency safeguarding hub",
    ScreeningOutcome.STRATEGY_DISCUSSION: "Passed to social workers for urgent action",
    ScreeningOutcome.ADVICE_NFA: "Advice or signposting given",
    ScreeningOutcome.EARLY_HELP: "Early help offered",
    ScreeningOutcome.ALLOCATED_WORKER: "Passed to the child's allocated social worker",
}
#: What happens next after each screening decision, in the same words.
WHAT_NEXT: dict[str, str] = {
    ScreeningOutcome.MASH_ENQUIRY: "Partner agencies will share what they know, and you will "
    "hear the decision.",
    ScreeningOutcome.STRATEGY_DISCUSSION: "Social workers, the police and health will discuss "
    "what to do now.",
    ScreeningOutcome.ADVICE_NFA: "Children's social care will take no further action.",
    ScreeningOutcome.EARLY_HELP: "The family will be offered support from early help.",
    ScreeningOutcome.ALLOCATED_WORKER: "The child's social worker will act on what you told us.",
}
NOT_DECIDED = "Being looked into now"

#: The address of the page where a later stage took a referral up, or None if it did not.
ReferralPage = Callable[[Referral], str | None]
_REFERRAL_PAGES: list[ReferralPage] = []


def referral_page_register(page: ReferralPage) -> None:
    """A later stage names the page where it took a referral up (the MASH: the enquiry), so
    screening can go on to it without importing that stage."""
    if page not in _REFERRAL_PAGES:
        _REFERRAL_PAGES.append(page)


def referral_page(referral: Referral) -> str | None:
    """The page of the stage that took ``referral`` up, or None if none did (or none says)."""
    for page in _REFERRAL_PAGES:
        address = page(referral)
        if address is not None:
            return address
    return None


@dataclass(frozen=True)
class ChildOutcome:
    name: str
    decision: str
    decided_at: datetime | None = None
    what_next: str = ""
    mash_decision: str = ""
    feedback: str = ""


@dataclass(frozen=True)
class ReferralOutcome:
    reference: str
    received_at: datetime
    children: list[ChildOutcome]
    people: list[Person]


def draft_documents(draft: ReferralDraft | None) -> list[Document]:
    """The files uploaded to a draft (without their contents)."""
    if draft is None:
        return []
    return list(draft.documents.filter(submission__isnull=True).defer("content"))


def submission_sent(pk: Any) -> Submission | None:
    """A sent referral, for its confirmation page."""
    if not isinstance(pk, int):
        return None
    return Submission.objects.filter(pk=pk).first()


def short_name(first_name: str, last_name: str) -> str:
    """First name and last initial ("Sam T."): enough for a referrer to tell children apart."""
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if first and last:
        return f"{first} {last[0]}."
    return first or (f"{last[0]}." if last else "The unborn baby")


def _child_outcome(link: ContactChild) -> ChildOutcome:
    name = short_name(link.child.first_name, link.child.last_name)
    if not link.outcome:
        return ChildOutcome(name=name, decision=NOT_DECIDED)
    decision = getattr(getattr(getattr(link, "referral", None), "enquiry", None), "decision", None)
    signed_off = decision is not None and decision.signed_off_at is not None
    return ChildOutcome(
        name=name,
        decision=SCREENING_IN_PLAIN_WORDS.get(link.outcome, link.get_outcome_display()),
        decided_at=link.screened_at,
        what_next=WHAT_NEXT.get(link.outcome, ""),
        mash_decision=decision.get_outcome_display() if signed_off and decision else "",
        feedback=decision.referrer_feedback if signed_off and decision else "",
    )


def referral_outcome(submission: Submission) -> ReferralOutcome:
    """What a professional referrer may know about what happened to their referral.

    A MASH decision is shown only once a manager has signed it off.
    """
    if submission.contact_id is None:  # not yet a contact: the contact centre is on it
        children = [
            ChildOutcome(
                name=short_name(child.get("first_name", ""), child.get("last_name", "")),
                decision=NOT_DECIDED,
            )
            for child in submission.payload.get("children", [])
        ]
        return ReferralOutcome(submission.reference, submission.received_at, children, [])
    links = list(
        ContactChild.objects.filter(contact_id=submission.contact_id)
        .select_related("child", "referral__enquiry")
        .order_by("id")
    )
    return ReferralOutcome(
        reference=submission.reference,
        received_at=submission.received_at,
        children=[_child_outcome(link) for link in links],
        people=[link.child for link in links],
    )
