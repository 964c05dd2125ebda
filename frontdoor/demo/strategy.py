"""Demo strategy discussions, section 47 enquiries and conferences, written through the services.

Run after the generator has written the front door's history: every signed-off MASH "section
47" decision gets a strategy discussion (a quarter convened on the open case once the
transfer was accepted), with the council, police and health invited. Most are held on time,
some late, a few non-quorate (health sent apologies; the reason is recorded); recent ones are
still to hold, some overdue. Minutes go to the attending agencies, mostly within a working day,
some late, some still due. Held "section 47" decisions start enquiries: outcomes, oversight by
the assessment manager before ending one without a conference, conferences booked (some after
they were due, some still in the future) and held, most with a child protection plan and its
category. A few enquiries have a reconvened discussion that moves the conference due date.
Actions are owned by the police and health practitioners and the assessment social worker.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from django.db import connection, transaction

from frontdoor.accounts.models import Agency, AgencyKind, User
from frontdoor.demo.intake import QuietChannel
from frontdoor.mash.models import Decision, DecisionOutcome
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import message_deliver
from frontdoor.oversight.services import oversight_record
from frontdoor.policies.rules import rules_for
from frontdoor.strategy import services
from frontdoor.strategy.models import S47Enquiry, StrategyDiscussion
from frontdoor.strategy.services import AttendanceRow
from frontdoor.transfers.models import Transfer, TransferStatus

USERNAMES = (
    "mash.manager",
    "mash.worker",
    "assessment.manager",
    "assessment.worker",
    "police.practitioner",
    "health.practitioner",
)
REASONS = (
    "Unexplained bruising to the child's face, reported by school.",
    "The child disclosed that a parent's partner hit them with a belt.",
    "Police attended a domestic abuse incident; the children were present and one was injured.",
    "A non-mobile baby was taken to A&E with a fracture and no explanation.",
    "The child said an adult in the household touched them inappropriately.",
    "Repeated missing episodes and intelligence of criminal exploitation.",
)
SHARED = (
    "Police: two call-outs to the address this year, one with a weapon. Health: the child "
    "missed two appointments; the GP has concerns about the mother's mental health. "
    "Social care: previous child in need plan closed last year.",
    "Police: the partner is known for violence. Health: A&E attendance last month with a "
    "head injury, explained as a fall. School: attendance has dropped to 82%.",
    "Health visitor: the home was cold and there was little food. Police: no record. "
    "Social care: the family refused early help twice.",
)
CONTINGENCY = (
    "If the child cannot be kept safe at home tonight, the grandmother has agreed to have "
    "them; the emergency duty team has been told.",
    "The alleged abuser has agreed to leave the home while enquiries happen; police to "
    "consider bail conditions if he returns.",
    "School will tell social care the same day if the child is absent or discloses more.",
)
ACTIONS = (
    ("police.practitioner", "Police to check the partner's history and any bail conditions"),
    ("health.practitioner", "Health to share the A&E records and the GP's notes"),
    ("assessment.worker", "Visit the child at school and see them alone"),
    ("health.practitioner", "Health visitor to visit with the social worker"),
    ("police.practitioner", "Police to arrange an achieving best evidence interview"),
)
CATEGORIES = (("NEG", 0.45), ("EMO", 0.3), ("PHY", 0.1), ("SAB", 0.05), ("MUL", 0.1))


@dataclass
class _Ctx:
    now: datetime
    rng: Random
    users: dict[str, User]
    agencies: list[Agency]
    counts: Counter[str]


def _weighted(rng: Random, pairs: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(w for _, w in pairs)
    for value, weight in pairs:
        roll -= weight
        if roll <= 0:
            return value
    return pairs[-1][0]


def _office(ctx: _Ctx, policy: object, moment: datetime) -> datetime:
    """``moment`` if it falls in a working day's office hours, else 09:00-11:00 on the next
    working day (work after a meeting happens in the office, not at 2 a.m.)."""
    calendar = rules_for(policy).calendar
    day = calendar.local_date(moment)
    local_hour = (moment - calendar.start_of_local_day(day)).total_seconds() / 3600
    if calendar.is_working_day(day) and 8 <= local_hour < 18:
        return moment
    if not calendar.is_working_day(day) or local_hour >= 18:
        day += timedelta(days=1)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
    return calendar.start_of_local_day(day) + timedelta(hours=9, minutes=ctx.rng.randint(0, 120))


def demo_strategy(*, now: datetime, rng: Random) -> dict[str, int]:
    """Strategy discussions and what follows them, for every signed-off s47 decision."""
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    missing = set(USERNAMES) - set(users)
    if missing:
        raise ValueError(f"Demo users missing: {', '.join(sorted(missing))}")
    agencies = [
        agency
        for kind in (AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE, AgencyKind.HEALTH)
        if (agency := Agency.objects.filter(kind=kind, active=True).order_by("id").first())
    ]
    ctx = _Ctx(now=now, rng=rng, users=users, agencies=agencies, counts=Counter())
    decisions = (
        Decision.objects.filter(
            outcome=DecisionOutcome.S47_STRATEGY,
            signed_off_at__isnull=False,
            signed_off_at__lt=now - timedelta(minutes=30),
        )
        .select_related("enquiry__referral", "enquiry__child")
        .order_by("signed_off_at", "id")
    )
    with transaction.atomic():
        mark = len(connection.run_on_commit)
        chosen = list(decisions)
        # The newest two wait to be held, so the queues always show one (often overdue).
        waiting = {d.pk for d in chosen[-2:]}
        for decision in chosen:
            if StrategyDiscussion.objects.filter(referral=decision.enquiry.referral).exists():
                continue  # already done (the function can run again)
            with transaction.atomic():  # one referral's story, all or nothing
                _story(ctx, decision, wait=decision.pk in waiting)
        # Delivery tasks are dropped; the emails are delivered quietly below instead.
        del connection.run_on_commit[mark:]
        channel = QuietChannel(rng)
        pending = Message.objects.filter(kind="strategy_minutes", status="pending")
        for message_id, created_at in list(pending.values_list("pk", "created_at")):
            message_deliver(
                message_id=message_id,
                now=created_at + timedelta(seconds=rng.randint(5, 90)),
                channel=channel,
            )
            ctx.counts["minutes_emails"] += 1
    return dict(sorted(ctx.counts.items()))


def _story(ctx: _Ctx, decision: Decision, *, wait: bool = False) -> None:
    rng, now = ctx.rng, ctx.now
    enquiry = decision.enquiry
    assert decision.signed_off_at is not None
    transfer = (
        Transfer.objects.filter(
            referral=enquiry.referral,
            status=TransferStatus.ACCEPTED,
            responded_at__lt=now - timedelta(hours=1),
        )
        .order_by("id")
        .first()
    )
    on_case = transfer is not None and rng.random() < 0.25
    if on_case:
        assert transfer is not None and transfer.responded_at is not None
        decided = transfer.responded_at + timedelta(minutes=rng.randint(10, 90))
        convener, chair = ctx.users["assessment.worker"], ctx.users["assessment.manager"]
    else:
        decided = decision.signed_off_at
        convener, chair = ctx.users["mash.worker"], ctx.users["mash.manager"]
    convened_at = decided + timedelta(minutes=rng.randint(5, 40))
    if convened_at >= now:
        return
    discussion = services.discussion_convene(
        enquiry=None if on_case else enquiry,
        transfer=transfer if on_case else None,
        reason=rng.choice(REASONS),
        decided_at=decided,
        chair=chair,
        agencies=ctx.agencies,
        by=convener,
        at=convened_at,
    )
    ctx.counts["discussions"] += 1
    held = None if wait else _hold(ctx, discussion, chair)
    ctx.counts["to_hold"] += int(wait)
    if held is None:
        return
    _actions(ctx, held, convener)
    _minutes(ctx, held, convener)
    s47 = S47Enquiry.objects.filter(start_discussion=held).first()
    if s47 is None:
        return
    if rng.random() < 0.06:
        again = _reconvene(ctx, s47, held, convener, chair)
        if again is not None:
            _minutes(ctx, again, convener)
            s47 = S47Enquiry.objects.get(pk=s47.pk)
    _s47(ctx, s47)


def _hold(ctx: _Ctx, discussion: StrategyDiscussion, chair: User) -> StrategyDiscussion | None:
    rng, now = ctx.rng, ctx.now
    assert discussion.due_at is not None
    rules = rules_for(discussion.policy)
    late = rng.random() < 0.12
    if late:
        held_at = rules.calendar.add_working_days(discussion.due_at, 1) - timedelta(
            hours=rng.randint(7, 12)
        )
    else:
        window = max(discussion.due_at - discussion.convened_at, timedelta(minutes=40))
        held_at = discussion.convened_at + min(
            timedelta(minutes=rng.randint(30, 300)), window * 0.6
        )
        held_at = max(held_at, discussion.convened_at + timedelta(minutes=20))
    held_at = held_at.replace(second=0, microsecond=0)
    recorded_at = held_at + timedelta(minutes=rng.randint(20, 90))
    recent = now - discussion.decided_at < timedelta(days=7)
    if recorded_at >= now or (recent and rng.random() < 0.5):
        ctx.counts["to_hold"] += 1
        return None
    non_quorate = rng.random() < 0.08
    rows = [
        AttendanceRow(
            agency=agency,
            attendance="apologies"
            if non_quorate and agency.kind == AgencyKind.HEALTH
            else "attended",
            person_name=_attendee(ctx, agency),
        )
        for agency in ctx.agencies
    ]
    services.attendance_record(
        discussion=discussion, rows=rows, by=chair, at=held_at + timedelta(minutes=10)
    )
    decision = "s47" if rng.random() < 0.8 else "no_s47"
    held = services.discussion_hold(
        discussion=discussion,
        held_at=held_at,
        information_shared=rng.choice(SHARED),
        decision=decision,
        s47_kind=("joint" if rng.random() < 0.65 else "single") if decision == "s47" else "",
        contingency_plan=rng.choice(CONTINGENCY),
        quorum_reason="The health visitor sent apologies; the GP's information was shared "
        "by email before the discussion and the risk could not wait."
        if non_quorate
        else "",
        by=chair,
        at=recorded_at,
    )
    ctx.counts["held"] += 1
    ctx.counts["held_late"] += int(held_at > discussion.due_at)
    ctx.counts["non_quorate"] += int(non_quorate)
    return held


def _attendee(ctx: _Ctx, agency: Agency) -> str:
    if agency.kind == AgencyKind.POLICE:
        return ctx.users["police.practitioner"].display_name
    if agency.kind == AgencyKind.HEALTH:
        return ctx.users["health.practitioner"].display_name
    return ""


def _actions(ctx: _Ctx, held: StrategyDiscussion, by: User) -> None:
    rng, now = ctx.rng, ctx.now
    assert held.held_at is not None and held.outcome_recorded_at is not None
    at = held.outcome_recorded_at + timedelta(minutes=5)
    if at >= now:
        return
    for username, text in rng.sample(ACTIONS, rng.randint(1, 3)):
        due_on = (held.held_at + timedelta(days=rng.randint(1, 5))).date()
        action = services.action_add(
            discussion=held,
            description=text,
            due_on=due_on,
            owner_user=ctx.users[username],
            by=by,
            at=at,
        )
        ctx.counts["actions"] += 1
        done_at = _office(ctx, held.policy, at + timedelta(days=rng.uniform(0.5, 6)))
        if done_at < now and rng.random() < 0.85:
            services.action_complete(action=action, by=ctx.users[username], at=done_at)
            ctx.counts["actions_done"] += 1


def _minutes(ctx: _Ctx, held: StrategyDiscussion, by: User) -> None:
    rng, now = ctx.rng, ctx.now
    assert held.minutes_due_at is not None and held.outcome_recorded_at is not None
    assert held.held_at is not None
    written = _office(
        ctx, held.policy, held.outcome_recorded_at + timedelta(minutes=rng.randint(30, 240))
    )
    if written >= now:
        return
    services.minutes_record(
        discussion=held,
        minutes="Present: the social worker (chair), police and health. "
        + held.information_shared
        + " Decision: "
        + held.get_decision_display().lower()
        + ". Contingency: "
        + held.contingency_plan,
        by=by,
        at=written,
    )
    if rng.random() < 0.15:  # late: the next working day or later
        send = _office(
            ctx,
            held.policy,
            max(held.minutes_due_at, written) + timedelta(hours=rng.randint(9, 30)),
        )
    else:
        send = _office(ctx, held.policy, written + timedelta(minutes=rng.randint(5, 120)))
    recent = now - held.held_at < timedelta(days=4)
    if send >= now or (recent and rng.random() < 0.4):
        ctx.counts["minutes_to_send"] += 1
        return
    services.minutes_distribute(discussion=held, by=by, at=send)
    ctx.counts["minutes_sent"] += 1
    ctx.counts["minutes_late"] += int(send > held.minutes_due_at)


def _reconvene(
    ctx: _Ctx, s47: S47Enquiry, first: StrategyDiscussion, convener: User, chair: User
) -> StrategyDiscussion | None:
    """New information during the enquiry: a second discussion; the ICPC is due from it."""
    rng, now = ctx.rng, ctx.now
    assert first.held_at is not None
    decided = first.held_at + timedelta(days=rng.randint(2, 5), minutes=rng.randint(0, 120))
    if decided + timedelta(hours=4) >= now:
        return None
    again = services.discussion_convene(
        enquiry=first.enquiry,
        transfer=None if first.enquiry_id else first.transfer,
        reason="New information: a further disclosure at school during the enquiry.",
        decided_at=decided,
        chair=chair,
        agencies=ctx.agencies,
        by=convener,
        at=decided + timedelta(minutes=15),
    )
    services.attendance_record(
        discussion=again,
        rows=[AttendanceRow(agency=a, attendance="attended") for a in ctx.agencies],
        by=chair,
        at=decided + timedelta(hours=2),
    )
    again = services.discussion_hold(
        discussion=again,
        held_at=decided + timedelta(hours=1, minutes=30),
        information_shared=rng.choice(SHARED),
        decision="s47",
        s47_kind="joint",
        contingency_plan=rng.choice(CONTINGENCY),
        by=chair,
        at=decided + timedelta(hours=3),
    )
    ctx.counts["discussions"] += 1
    ctx.counts["held"] += 1
    ctx.counts["reconvened"] += 1
    return again


def _s47(ctx: _Ctx, s47: S47Enquiry) -> None:
    rng, now = ctx.rng, ctx.now
    ctx.counts["s47_enquiries"] += 1
    worker, manager = ctx.users["assessment.worker"], ctx.users["assessment.manager"]
    start = s47.last_discussion.held_at or s47.started_at
    outcome_at = _office(ctx, s47.policy, start + timedelta(days=rng.uniform(1, 7)))
    outcome_at = outcome_at.replace(second=0, microsecond=0)
    if outcome_at >= now:
        return
    roll = rng.random()
    outcome, needed = (
        ("continuing_risk", True)
        if roll < 0.6
        else ("substantiated", False)
        if roll < 0.75
        else ("not_substantiated", False)
    )
    if not needed:
        oversight_record(
            child=s47.child,
            direction="I have read the enquiry. Agreed: no conference is needed; the child "
            "will be supported under a child in need plan with school and health.",
            by=manager,
            record_type="s47enquiry",
            record_id=s47.pk,
            transition="s47_no_conference",
            at=outcome_at - timedelta(minutes=30),
        )
        ctx.counts["oversight_entries"] += 1
    s47 = services.s47_outcome_record(
        s47=s47,
        outcome=outcome,
        icpc_needed=needed,
        outcome_at=outcome_at,
        notes="Joint visit completed; the child was seen alone.",
        by=worker,
        at=outcome_at,
    )
    ctx.counts["s47_outcomes"] += 1
    if not needed:
        return
    assert s47.icpc_due_at is not None
    booked_at = outcome_at + timedelta(hours=1)
    if booked_at >= now:
        return
    rules = rules_for(s47.policy)
    if rng.random() < 0.15:
        day = rules.calendar.add_working_days(s47.icpc_due_at, rng.randint(1, 4))
    else:
        day = rules.calendar.add_working_days(booked_at, rng.randint(2, 6))
        day = min(day, s47.icpc_due_at)
    scheduled = rules.calendar.start_of_local_day(rules.calendar.local_date(day)) + timedelta(
        hours=10
    )
    scheduled = max(scheduled, booked_at + timedelta(hours=2))
    conference = services.conference_book(s47=s47, scheduled_for=scheduled, by=worker, at=booked_at)
    ctx.counts["conferences_booked"] += 1
    recorded_at = scheduled + timedelta(hours=rng.randint(2, 6))
    if recorded_at >= now:
        return
    plan = rng.random() < 0.85
    services.conference_record(
        conference=conference,
        held_at=scheduled,
        plan=plan,
        category=_weighted(rng, CATEGORIES) if plan else "",
        notes="The conference heard from the family, school, health and police.",
        by=worker,
        at=recorded_at,
    )
    ctx.counts["conferences_held"] += 1
    ctx.counts["cp_plans"] += int(plan)
    ctx.counts["conferences_late"] += int(scheduled > s47.icpc_due_at)
