"""Demo escalations and professional disagreements, written through the escalation services.

Run after the generator has written its history. Partners (``police.practitioner``,
``health.practitioner``, ``education.practitioner``) disagree with MASH decisions on
enquiries their agency was asked about; professional referrers disagree through their
referral's outcome link (no account); MASH workers escalate partners' late information
requests. Most are resolved at the practitioner or team manager stage, some climb to the head
of service or the partnership, a few are withdrawn, and some stay open now: overdue at the
team manager and head of service stages, on time at the partnership and practitioner stages,
so ``mash.manager``, ``head.of.service`` and ``partnership.lead`` each have something to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.demo.intake import QuietChannel
from frontdoor.escalations.access import stage_owners
from frontdoor.escalations.models import Escalation, EscalationStatus
from frontdoor.escalations.records import record_facts, record_key
from frontdoor.escalations.services import (
    escalation_escalate,
    escalation_raise,
    escalation_respond,
    escalation_withdraw,
)
from frontdoor.intake.models import ContactChild, Submission
from frontdoor.mash.models import Decision, PartnerRequest
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import message_deliver
from frontdoor.people.models import Person
from frontdoor.policies.defaults import ESCALATION_STAGES

PARTNERS = ("police.practitioner", "health.practitioner", "education.practitioner")
COUNCIL_RAISERS = ("mash.worker", "mash.worker2")

#: What each partner disagrees with (by the raiser's agency, from their login's first part),
#: and one any of them may say.
DECISION_DISAGREEMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "police": (
        (
            "We hold two domestic abuse call-outs to the address in the last month that the "
            "decision does not mention. We think the threshold for a strategy discussion is met.",
            "Reconsider the decision with our information and hold a strategy discussion.",
        ),
    ),
    "health": (
        (
            "The child has missed three health appointments and has an unexplained injury; "
            "closing with advice leaves them without a plan.",
            "A child and family assessment, or at least early help with a named lead.",
        ),
    ),
    "education": (
        (
            "School has seen a marked change in the child's behaviour and attendance; we were "
            "not asked for our view before the decision was made.",
            "Speak to the designated safeguarding lead and review the decision.",
        ),
    ),
    "any": (
        (
            "The decision relies on the parent's account only. The child's own words, recorded "
            "in our referral, were not considered.",
            "See the child on their own and record their wishes and feelings.",
        ),
    ),
}


def _disagreement(user: User, rng: Random) -> tuple[str, str]:
    agency = user.username.split(".")[0]
    return rng.choice(DECISION_DISAGREEMENTS.get(agency, ()) + DECISION_DISAGREEMENTS["any"])


REFERRER_DISAGREEMENTS = (
    (
        "I referred because the child told me they were scared to go home. No further action "
        "does not feel safe.",
        "A social worker to speak to the child.",
    ),
    (
        "The family has been referred three times this year for the same worries; advice and "
        "signposting has not changed anything.",
        "Look at the history as a whole and offer an assessment.",
    ),
)
DELAY_DISAGREEMENTS = (
    (
        "Our information request was not answered within its timescale and the MASH decision "
        "is waiting on it.",
        "The information today, or a call to say when it will come.",
    ),
    (
        "The request is overdue; the child is rated Amber and the decision cannot be made "
        "without the health history.",
        "Answer the request, or tell us who can.",
    ),
)
ESCALATE_REASONS = (
    "I cannot change a signed-off decision on my own: it needs my manager's view.",
    "We could not agree at this stage; the manager should look at the whole history.",
    "The disagreement is about the threshold itself: it needs the head of service.",
    "It raises a question about how our agencies work together: the partnership should decide.",
)
RESOLUTIONS = (
    (
        "We looked again with the new information and agreed a strategy discussion, held the "
        "next working day.",
        "Ask partners for their information before deciding no further action on a repeat "
        "referral.",
    ),
    (
        "The decision stands: the information was considered and the family accepted early "
        "help. We explained the reasons to the referrer by phone.",
        "Give the referrer the reasons in plain words when we close a case.",
    ),
    (
        "We offered a child and family assessment; the referrer agreed this meets their concern.",
        "Record the child's own words in the decision, not only the parents' account.",
    ),
    (
        "The information was shared the same day; the delay was a gap in the agency's cover "
        "over the holidays.",
        "The agency has named a deputy for MASH requests when the navigator is away.",
    ),
)
WITHDRAW_REASONS = (
    "We spoke on the phone and agreed a way forward; no longer needed.",
    "New information came in that answers my concern.",
)


@dataclass
class _Counts:
    raised: int = 0
    by_referrers: int = 0
    by_partners: int = 0
    about_delays: int = 0
    stages_answered: int = 0


def _working(moment: datetime, rng: Random) -> datetime:
    """The next weekday working time at or after ``moment`` (local), with some spread."""
    local = timezone.localtime(moment)
    if local.hour >= 16:
        local = (local + timedelta(days=1)).replace(hour=9)
    while local.weekday() >= 5:
        local = (local + timedelta(days=1)).replace(hour=9)
    if local.hour < 9:
        local = local.replace(hour=9)
    spread = local.replace(minute=rng.randrange(0, 60, 5), second=0, microsecond=0)
    return spread if spread >= moment else moment


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _raise(
    record: Any,
    *,
    about: str,
    texts: tuple[str, str],
    at: datetime,
    by: User | None,
    submission: Submission | None = None,
) -> Escalation | None:
    record_type, record_id = record_key(record)
    child = Person.objects.get(pk=record_facts(record).child_id)
    referrer = submission.payload.get("referrer", {}) if submission is not None else {}
    try:
        return escalation_raise(
            child=child,
            record_type=record_type,
            record_id=record_id,
            about=about,
            disagreement=texts[0],
            outcome_sought=texts[1],
            by=by,
            raiser_name=str(referrer.get("name", "")) if by is None else "",
            raiser_organisation=str(referrer.get("organisation", "")) if by is None else "",
            raiser_email=(submission.referrer_email if submission is not None else ""),
            submission=submission,
            at=at,
        )
    except ValidationError:
        return None  # e.g. already an open escalation about it


def _owner(escalation: Escalation, rng: Random) -> User | None:
    owners = list(stage_owners(escalation, escalation.stage))
    return rng.choice(owners) if owners else None


def _play(
    escalation: Escalation,
    *,
    final_stage: int,
    ending: str,
    now: datetime,
    rng: Random,
    counts: _Counts,
    late_share: float = 0.2,
    stop_at: datetime | None = None,
) -> None:
    """Answer stage after stage up to ``final_stage``; then ``ending`` ("resolved",
    "withdrawn" or "open"). Nothing is written at or after ``stop_at`` (default: now)."""
    stop_at = stop_at or now
    for index in range(final_stage + 1):
        row = escalation.stages.get(stage=escalation.stage)
        span = (row.due_at or row.started_at + timedelta(days=5)) - row.started_at
        late = rng.random() < late_share
        fraction = rng.uniform(1.05, 1.6) if late else rng.uniform(0.15, 0.85)
        at = _working(row.started_at + span * fraction, rng)
        if index == final_stage and ending == "open":
            return
        if at >= stop_at:
            return
        owner = _owner(escalation, rng)
        last = index == final_stage
        if last and ending == "withdrawn" and escalation.raised_by is not None:
            escalation_withdraw(
                escalation=escalation,
                reason=rng.choice(WITHDRAW_REASONS),
                by=escalation.raised_by,
                at=at,
            )
            return
        if owner is None:  # nobody answers this stage: the raiser takes it on once overdue
            if last or row.due_at is None:
                return
            at = max(at, row.due_at + timedelta(hours=2))
            if at >= stop_at:
                return
            escalation = escalation_escalate(
                escalation=escalation,
                reason="No answer within the timescale.",
                by=escalation.raised_by,
                submission=escalation.submission,
                at=at,
            )
            continue
        if last:
            resolution, learning = rng.choice(RESOLUTIONS)
            escalation = escalation_respond(
                escalation=escalation,
                stage=escalation.stage,
                result="resolved",
                response=resolution,
                learning=learning,
                by=owner,
                at=at,
            )
        else:
            escalation = escalation_respond(
                escalation=escalation,
                stage=escalation.stage,
                result="escalated",
                response=ESCALATE_REASONS[min(index, len(ESCALATE_REASONS) - 1)],
                by=owner,
                at=at,
            )
        counts.stages_answered += 1


def _final_stage(rng: Random) -> int:
    return rng.choices(range(len(ESCALATION_STAGES)), weights=(45, 32, 16, 7))[0]


def _climb(escalation: Escalation, moments: list[datetime], rng: Random) -> Escalation:
    """Escalate stage by stage at the given times (for the escalations open now)."""
    for at in moments:
        owner = _owner(escalation, rng)
        if owner is None:
            return escalation
        escalation = escalation_respond(
            escalation=escalation,
            stage=escalation.stage,
            result="escalated",
            response=ESCALATE_REASONS[ESCALATION_STAGES.index(escalation.stage)],
            by=owner,
            at=at,
        )
    return escalation


#: The escalations open now: (raised this long before now, then escalated after each of
#: these intervals). Overdue at the head of service and team manager stages, on time at the
#: partnership and at the practitioner stage.
OPEN_NOW: tuple[tuple[timedelta, tuple[timedelta, ...]], ...] = (
    (timedelta(days=22), (timedelta(days=2), timedelta(days=5), timedelta(days=13))),
    (timedelta(days=16), (timedelta(days=1), timedelta(days=3))),
    (timedelta(days=9), (timedelta(days=1),)),
    (timedelta(hours=3), ()),
)


def _partner_decisions(
    partners: list[User], now: datetime, rng: Random
) -> list[tuple[Decision, User]]:
    """Signed-off decisions on enquiries each partner's agency was asked about."""
    decisions: list[tuple[Decision, User]] = []
    for user in partners:
        if user.agency_id is None:
            continue
        found = list(
            Decision.objects.filter(
                signed_off_at__isnull=False,
                signed_off_at__lt=now - timedelta(hours=4),
                enquiry__requests__agency_id=user.agency_id,
                outcome__in=["nfa", "advice", "early_help", "s17"],
            )
            .select_related("enquiry")
            .distinct()
            .order_by("signed_off_at", "id")
        )
        decisions += [(d, user) for d in rng.sample(found, min(len(found), 9))]
    return sorted(decisions, key=lambda pair: (pair[0].signed_off_at or now, pair[0].pk))


def _history_by_partners(
    decisions: list[tuple[Decision, User]], now: datetime, rng: Random, counts: _Counts
) -> None:
    for decision, user in decisions:
        start = decision.signed_off_at or decision.recorded_at
        at = _working(start + timedelta(hours=rng.uniform(2, 60)), rng)
        if at >= now - timedelta(days=1):
            continue
        texts = _disagreement(user, rng)
        escalation = _raise(decision, about="decision", texts=texts, at=at, by=user)
        if escalation is None:
            continue
        counts.raised += 1
        counts.by_partners += 1
        ending = "withdrawn" if rng.random() < 0.08 else "resolved"
        _play(
            escalation,
            final_stage=_final_stage(rng),
            ending=ending,
            now=now,
            rng=rng,
            counts=counts,
        )


def _open_now(
    decisions: list[tuple[Decision, User]], now: datetime, rng: Random, counts: _Counts
) -> set[int]:
    """Escalations open now (``OPEN_NOW``); returns the decisions used."""
    used: set[int] = set()
    for ago, steps in OPEN_NOW:
        raised_at = now - ago
        candidates = [
            (d, u)
            for d, u in decisions
            if d.pk not in used and (d.signed_off_at or now) < raised_at - timedelta(hours=1)
        ]
        if not candidates:
            continue
        decision, user = candidates[-1]
        used.add(decision.pk)
        texts = _disagreement(user, rng)
        escalation = _raise(decision, about="decision", texts=texts, at=raised_at, by=user)
        if escalation is None:
            continue
        counts.raised += 1
        counts.by_partners += 1
        moments, at = [], raised_at
        for step in steps:
            at += step
            moments.append(at)
        _climb(escalation, [m for m in moments if m < now], rng)
    return used


def _history_by_referrers(now: datetime, rng: Random, counts: _Counts) -> None:
    submissions = list(
        Submission.objects.filter(contact__isnull=False)
        .exclude(feedback_token_hash="")
        .exclude(referrer_email="")
        .order_by("received_at", "id")
    )
    rng.shuffle(submissions)
    for submission in submissions:
        if counts.by_referrers >= 6:
            return
        if submission.contact_id is None:
            continue
        link = (
            ContactChild.objects.filter(
                contact_id=submission.contact_id,
                referral__enquiry__decisions__status="signed_off",
                referral__enquiry__decisions__outcome__in=["nfa", "advice", "early_help"],
            )
            .select_related("referral__enquiry")
            .first()
        )
        if link is None:
            continue
        decision = link.referral.enquiry.decision
        if decision is None:
            continue
        start = decision.signed_off_at or decision.recorded_at
        at = _working(start + timedelta(hours=rng.uniform(4, 90)), rng)
        if at >= now - timedelta(hours=6):
            continue
        texts = rng.choice(REFERRER_DISAGREEMENTS)
        escalation = _raise(
            decision, about="decision", texts=texts, at=at, by=None, submission=submission
        )
        if escalation is None:
            continue
        counts.raised += 1
        counts.by_referrers += 1
        stage = rng.choice((0, 0, 1))
        _play(escalation, final_stage=stage, ending="resolved", now=now, rng=rng, counts=counts)


def _partner_delays(council: list[User], now: datetime, rng: Random, counts: _Counts) -> None:
    """MASH workers escalate partners' late information requests; the partner answers the
    escalation when it shares the information (or it is still waiting)."""
    if not council:
        return
    requests = [
        r
        for r in PartnerRequest.objects.filter(
            agency__code__in=["police", "health", "education"],
            due_at__isnull=False,
            due_at__lt=now - timedelta(hours=4),
        )
        .select_related("enquiry", "agency")
        .order_by("due_at", "id")
        if r.due_at is not None
        and (r.answered_at is None or r.answered_at > r.due_at + timedelta(hours=6))
    ]
    for request in sorted(rng.sample(requests, min(len(requests), 8)), key=lambda r: r.pk):
        assert request.due_at is not None
        at = request.due_at + timedelta(hours=rng.uniform(1, 3))
        if at >= now or (request.answered_at is not None and at >= request.answered_at):
            continue
        texts = rng.choice(DELAY_DISAGREEMENTS)
        escalation = _raise(request, about="delay", texts=texts, at=at, by=rng.choice(council))
        if escalation is None:
            continue
        counts.raised += 1
        counts.about_delays += 1
        owner = _owner(escalation, rng)
        if request.answered_at is None or owner is None:
            continue  # still waiting: open (and overdue) at the practitioner stage
        resolution, learning = RESOLUTIONS[3]
        escalation_respond(
            escalation=escalation,
            stage=escalation.stage,
            result="resolved",
            response=resolution,
            learning=learning,
            by=owner,
            at=request.answered_at + timedelta(minutes=rng.randint(5, 60)),
        )
        counts.stages_answered += 1


def demo_escalations(*, now: datetime, rng: Random) -> dict[str, int]:
    """Write the demo's escalations (see the module docstring); returns counts for the summary."""
    counts = _Counts()
    partners = [user for name in PARTNERS if (user := _user(name)) is not None]
    council = [user for name in COUNCIL_RAISERS if (user := _user(name)) is not None]
    with transaction.atomic():
        mark = len(connection.run_on_commit)
        decisions = _partner_decisions(partners, now, rng)
        used = _open_now(decisions, now, rng, counts)
        _history_by_partners([p for p in decisions if p[0].pk not in used], now, rng, counts)
        _history_by_referrers(now, rng, counts)
        _partner_delays(council, now, rng, counts)
        del connection.run_on_commit[mark:]  # delivered quietly below, like the history's
    channel = QuietChannel(rng)
    pending = Message.objects.filter(status="pending", about__startswith="escalation:")
    for message_id, created_at in list(pending.values_list("pk", "created_at")):
        message_deliver(
            message_id=message_id,
            now=created_at + timedelta(seconds=rng.randint(5, 90)),
            channel=channel,
        )
    escalations = Escalation.objects.all()
    return {
        "escalations": counts.raised,
        "escalations_open": escalations.filter(status=EscalationStatus.OPEN).count(),
        "escalations_resolved": escalations.filter(status=EscalationStatus.RESOLVED).count(),
        "escalations_withdrawn": escalations.filter(status=EscalationStatus.WITHDRAWN).count(),
        "escalations_by_referrers": counts.by_referrers,
        "escalations_about_delays": counts.about_delays,
        "escalation_stages_answered": counts.stages_answered,
    }
