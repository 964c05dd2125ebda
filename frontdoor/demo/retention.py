"""The demo's data protection work: old contacts due for deletion, one review already done.

The generated history covers the last two years, so nothing in it is due under the default
rule (contacts that ended in advice or no further action, kept 6 years). This adds old
contacts of that kind (received six to eight years ago, screened NFA through the services),
then: a review proposed three months ago, approved by the data protection officer and
applied (its contacts deleted, their children anonymised); and a review proposed yesterday
by the scheduled job, waiting for the ``dpo`` login, with one record already kept on a legal
hold. A stale online referral draft is in it too.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    Contact,
    ContactChild,
    LawfulBasis,
    ScreeningOutcome,
)
from frontdoor.intake.services import contact_record, contact_screen
from frontdoor.intake.submissions import draft_start, draft_update
from frontdoor.people.models import Sex
from frontdoor.people.services import ChildDetails
from frontdoor.retention.models import RetentionReview
from frontdoor.retention.services import (
    retention_apply,
    retention_item_exclude,
    retention_propose,
    retention_review_approve,
)

FIRST = ("Amelia", "Noah", "Isla", "Leo", "Ava", "Oscar", "Freya", "Harry", "Mia", "Jacob")
LAST = ("Walker", "Hughes", "Khan", "Edwards", "Patel", "Wood", "Turner", "Begum", "Lewis")
CONCERNS = (
    "Neighbour heard shouting late at night; the children seemed fine the next morning.",
    "School noticed the child was tired for a week; mum explained a new baby at home.",
    "Anonymous caller worried the children were left alone; the police found a grandparent there.",
    "GP asked for advice about a parent's low mood; support already in place.",
)
APPLIED_CONTACTS = 4
PENDING_CONTACTS = 14


def _old_nfa_contact(
    *, received_at: datetime, rng: random.Random, officer: User, worker: User
) -> int:
    age = rng.randint(2, 14)
    child = ChildDetails(
        first_name=rng.choice(FIRST),
        last_name=rng.choice(LAST),
        date_of_birth=date(received_at.year - age, rng.randint(1, 12), rng.randint(1, 28)),
        sex=rng.choice([Sex.MALE, Sex.FEMALE]),
        postcode=f"EX{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
        address_line_1=f"{rng.randint(1, 120)} Old Road",
    )
    contact = contact_record(
        received_at=received_at,
        channel=Channel.PHONE,
        source=rng.choice(["1A", "2A", "3A", "9"]),
        concern=rng.choice(CONCERNS),
        immediate_risk=False,
        consent_status=ConsentStatus.GIVEN,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        children=[child],
        referrer_name="Caller",
        by=officer,
        at=received_at + timedelta(minutes=20),
    )
    for link in contact.children.all():
        contact_screen(
            contact_child=link,
            outcome=ScreeningOutcome.ADVICE_NFA,
            rationale="Advice given to the referrer; no role for children's social care.",
            by=worker,
            at=received_at + timedelta(hours=3),
        )
    return int(contact.pk)


def demo_retention(*, now: datetime, rng: random.Random) -> dict[str, int]:
    """Old NFA contacts, one applied review in the past and one waiting for the DPO."""
    if RetentionReview.objects.exists():
        return {"reviews": 0}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["contact.officer", "mash.worker", "dpo"])
    }
    officer, worker, dpo = users["contact.officer"], users["mash.worker"], users["dpo"]
    past = now - timedelta(days=90)

    def received(before: datetime) -> datetime:
        moment = before - timedelta(days=365 * 6 + rng.randint(10, 700))
        return timezone.localtime(moment).replace(
            hour=rng.randint(9, 16), minute=rng.randint(0, 59)
        )

    made = [
        _old_nfa_contact(received_at=received(past), rng=rng, officer=officer, worker=worker)
        for _ in range(APPLIED_CONTACTS)
    ]
    done = retention_propose(at=past)
    deleted = 0
    if done is not None:
        retention_review_approve(review=done, by=dpo, at=past + timedelta(days=1))
        deleted = retention_apply(review=done, at=past + timedelta(days=1, minutes=5)).deleted

    made += [
        _old_nfa_contact(received_at=received(now), rng=rng, officer=officer, worker=worker)
        for _ in range(PENDING_CONTACTS)
    ]
    draft = draft_start(at=now - timedelta(days=52))
    draft_update(
        draft=draft, answers={"referrer": {"name": "Unfinished"}}, at=now - timedelta(days=50)
    )
    pending = retention_propose(at=now - timedelta(days=1))
    kept = 0
    if pending is not None:
        first = pending.items.filter(record_type="contact").order_by("id").first()
        if first is not None:
            retention_item_exclude(
                item=first,
                reason="Legal hold: the family's solicitor has given notice of a claim "
                "(ref LH-2026-03).",
                by=dpo,
                at=now - timedelta(hours=20),
            )
            kept = 1
    left = Contact.objects.filter(pk__in=made)
    return {
        # Old contacts (before the generated history) still held: the summary adds them in.
        "old_contacts": left.count(),
        "old_child_contacts": ContactChild.objects.filter(contact__in=left).count(),
        "stale_drafts": 1,
        "reviews": RetentionReview.objects.count(),
        "records_deleted": deleted,
        "records_waiting_for_review": pending.items.count() - kept if pending else 0,
        "records_kept": kept,
    }
