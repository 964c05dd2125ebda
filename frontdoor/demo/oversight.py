"""The demo's case supervision and management oversight.

Run after the generator has made its history of contacts, referrals and transfers: every
child with an allocated worker gets case supervision by the worker's manager
(``assessment.manager`` mostly, ``assessment.manager2`` sometimes, now and then the head of
service; the MASH manager for MASH workers) over the last ``HISTORY_DAYS``, most on time and
some late (a case allocated before then shows its first recorded supervision as late), with
actions agreed (some done, some open, some overdue). About one case in five has had no
supervision since it fell due, so each manager's Supervision page shows workers with overdue
cases. A handful of children get general management oversight entries. Everything is
written through the services, at past times.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.accounts.models import TeamKind, User
from frontdoor.oversight.access import can_record_supervision
from frontdoor.oversight.selectors import allocated_children, case_supervisions
from frontdoor.oversight.services import (
    ActionDraft,
    oversight_record,
    supervision_action_complete,
    supervision_record,
)
from frontdoor.people.models import Person
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policies_pinned, policy_in_force

#: Share of cases left with no supervision since it fell due (overdue now).
P_OVERDUE_NOW = 0.2
#: Share of supervisions held after the date they were due.
P_LATE = 0.15
OVERSIGHT_ENTRIES = 8
#: Only the supervision of the last this many days is recorded: the generator never closes a
#: case, so a long demo has thousands of open cases, and their whole history would be slow.
HISTORY_DAYS = 60

LIVED = (
    "{name} told me at school that home has been calmer since dad moved out, but they still "
    "worry about mum when she drinks.",
    "{name} is quiet in visits and looks to mum before answering; the teacher says they are "
    "often hungry on Monday mornings.",
    "{name} says they like staying with nan and do not want to go home at weekends.",
    "{name} is often late to school and has missed two health appointments; they say they "
    "look after their younger brother in the mornings.",
    "{name} drew the people at home: they put themselves outside the house, away from the adults.",
)
WORKING = (
    "Mum has engaged with every visit and has started the Freedom Programme.",
    "School attendance is up to 94% and the designated safeguarding lead sees {name} daily.",
    "Grandparents are a strong protective network and have agreed a safety plan.",
    "The health visitor reports good home conditions at the last two visits.",
)
WORRIES = (
    "A further police call-out for domestic abuse last week; the perpetrator may be back in "
    "the home.",
    "Unexplained bruising reported by school; the explanation given does not fit the injury.",
    "Mum's mental health has declined and she has stopped taking her medication.",
    "{name} has been missing from home twice this month and was found with older young people.",
    "Neglect: the home was cold and there was little food at the unannounced visit.",
)
ANALYSIS = (
    "The risk is cumulative: each incident alone is low level, together they show a pattern "
    "of harm to {name}.",
    "Mum can protect {name} when supported, but the support is not yet sustained.",
    "The protective factors are real but fragile; without change at home {name} remains at "
    "risk of significant harm.",
    "{name}'s own account is consistent with the partner information; we should give it weight.",
)
DECISIONS = (
    "Continue the child and family assessment; joint visit with police; review in 4 weeks.",
    "Hold a strategy discussion if there is any further incident; otherwise review at next "
    "supervision.",
    "Step down to early help once the safety plan has held for 6 weeks.",
    "Convene a network meeting with school, health and grandparents within 2 weeks.",
)
ACTIONS = (
    "Unannounced home visit, seeing {name} alone",
    "Request the GP and health visiting records",
    "Network meeting with school and health",
    "Update the safety plan with mum and grandparents",
    "Refer mum to the adult mental health team",
    "Complete the chronology",
    "Direct work with {name} about home (three houses)",
)
DIRECTIONS = (
    "I have read the file. The threshold for a child and family assessment is met; see {name} "
    "alone within 5 working days and update me.",
    "Concerned about drift: no visit in 3 weeks. Visit this week and bring the case to "
    "supervision.",
    "Agree the plan. Make sure {name}'s own words are recorded in the assessment.",
    "Police information changes the picture: discuss a strategy meeting with me today.",
    "Good work engaging dad. Keep the safety plan under weekly review.",
)


@dataclass(frozen=True)
class _Case:
    child: Person
    worker: User
    supervisor: User
    allocated_at: datetime


def _working_time(day: date, rng: random.Random) -> datetime:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 15), rng.choice((0, 30)))))


def _text(options: tuple[str, ...], child: Person, rng: random.Random) -> str:
    return rng.choice(options).format(name=child.first_name or "The child")


def _supervisor(
    worker: User, child: Person, users: dict[str, User], rng: random.Random
) -> User | None:
    kind = str(worker.team.kind) if worker.team else ""
    names: list[str] = {
        str(TeamKind.ASSESSMENT): ["assessment.manager", "assessment.manager2"],
        str(TeamKind.MASH): ["mash.manager"],
        str(TeamKind.CONTACT_CENTRE): ["contact.manager"],
    }.get(kind, [])
    if len(names) > 1 and rng.random() < 0.25:  # the deputy takes some of the cases
        names.reverse()
    for name in [*names, "head.of.service"]:
        manager = users.get(name)
        if (
            manager is not None
            and manager.pk != worker.pk
            and can_record_supervision(manager, child)
        ):
            return manager
    return None


def _plan(case: _Case, now: datetime, rng: random.Random, overdue_now: bool) -> list[datetime]:
    """When each supervision of the case was held (computed with the policy's timescale)."""
    held: list[datetime] = []
    start = case.allocated_at
    while True:
        due = rules_for(policy_in_force(start)).due("supervision", start)
        if due is None:
            break
        if rng.random() < P_LATE:
            day = timezone.localdate(due) + timedelta(days=rng.randint(1, 12))
        else:
            span = max(1, (timezone.localdate(due) - timezone.localdate(start)).days)
            day = timezone.localdate(start) + timedelta(days=rng.randint(max(1, span // 2), span))
            while day.weekday() >= 5:
                day -= timedelta(days=1)
        at = _working_time(day, rng)
        if at <= start:
            at = start + timedelta(hours=1)
        if at >= now - timedelta(hours=2):
            break
        held.append(at)
        start = at
    if overdue_now:
        # Drop the latest sessions until the clock now running is past its due date.
        while held:
            due = rules_for(policy_in_force(held[-1])).due("supervision", held[-1])
            if due is not None and due < now:
                break
            held.pop()
    since = now - timedelta(days=HISTORY_DAYS)
    return [at for at in held if at >= since]


def demo_oversight(*, now: datetime, rng: random.Random) -> dict[str, int]:
    """Create the demo's supervision history and management oversight (see the module)."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "assessment.manager",
                "assessment.manager2",
                "mash.manager",
                "contact.manager",
                "head.of.service",
            ]
        ).select_related("team")
    }
    counts = {
        "supervisions": 0,
        "supervisions_late": 0,
        "supervision_actions": 0,
        "supervision_actions_open": 0,
        "cases_overdue_supervision": 0,
        "oversight_entries": 0,
    }
    with policies_pinned():
        cases: list[_Case] = []
        for found in case_supervisions(allocated_children().order_by("pk"), now):
            supervisor = _supervisor(found.worker, found.child, users, rng)
            if supervisor is not None:
                cases.append(_Case(found.child, found.worker, supervisor, found.allocated_at))
        head = users.get("head.of.service")
        for case in cases:
            _supervise(case, now, rng, counts, head)
        for child_case in rng.sample(cases, min(OVERSIGHT_ENTRIES, len(cases))):
            span = (now - child_case.allocated_at).total_seconds()
            at = child_case.allocated_at + timedelta(seconds=rng.uniform(0.1, 0.9) * span)
            by = rng.choice(
                [u for u in (child_case.supervisor, head, users.get("mash.manager")) if u]
            )
            oversight_record(
                child=child_case.child,
                direction=_text(DIRECTIONS, child_case.child, rng),
                by=by,
                at=at,
            )
            counts["oversight_entries"] += 1
        counts["cases_overdue_supervision"] = sum(
            1 for c in case_supervisions(allocated_children(), now) if c.reading.state == "overdue"
        )
    return counts


def _supervise(
    case: _Case, now: datetime, rng: random.Random, counts: dict[str, int], head: User | None
) -> None:
    child, worker = case.child, case.worker
    for held in _plan(case, now, rng, overdue_now=rng.random() < P_OVERDUE_NOW):
        # Now and then the head of service holds the session (a deep dive into the case).
        manager = head if head is not None and rng.random() < 0.05 else case.supervisor
        drafts = []
        for _ in range(rng.choices((0, 1, 2), weights=(3, 4, 3))[0]):
            owner = worker if rng.random() < 0.7 else manager
            due_on = timezone.localdate(held) + timedelta(days=rng.randint(3, 21))
            drafts.append(ActionDraft(_text(ACTIONS, child, rng), owner, due_on))
        recorded = min(held + timedelta(hours=rng.uniform(1, 30)), now - timedelta(minutes=5))
        try:
            record = supervision_record(
                child=child,
                held_at=held,
                lived_experience=_text(LIVED, child, rng),
                working_well=_text(WORKING, child, rng),
                worries=_text(WORRIES, child, rng),
                analysis=_text(ANALYSIS, child, rng),
                decisions=_text(DECISIONS, child, rng),
                actions=drafts,
                by=manager,
                at=recorded,
            )
        except ValidationError:
            continue  # e.g. a sick day moved two sessions onto the same time: skip it
        counts["supervisions"] += 1
        if record.due_at is not None and record.held_at > record.due_at:
            counts["supervisions_late"] += 1
        for action in record.actions.select_related("supervision"):
            counts["supervision_actions"] += 1
            done = _done_at(action.supervision.held_at, action.due_at, now, rng)
            if done is None:
                counts["supervision_actions_open"] += 1
                continue
            supervision_action_complete(action=action, by=action.owner, at=done)


def _done_at(held: datetime, due: datetime, now: datetime, rng: random.Random) -> datetime | None:
    """When an action was done: most by their date, some late, some not yet."""
    if due < now and rng.random() < 0.85:
        done = held + (due - held) * rng.uniform(0.3, 1.3)
    elif due >= now and rng.random() < 0.35:
        done = held + (now - held) * rng.uniform(0.2, 0.9)
    else:
        return None
    return done if done < now else None
